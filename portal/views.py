import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView, UpdateView

from core.models import User
from funding.models import Call, Deadline
from matches import readers
from matches.pages import KeptMatchesPageMixin
from members.access import PermissionRequiredMixin, permission_required, require
from members.current import choose_cooperative, current_membership
from members.models import Cooperative, Invitation, Membership
from members.rules import forget_roles
from members.services import (
    cooperative_profile_save,
    invitation_accept,
    invitation_by_token,
    invitation_create,
    invitation_revoke,
    invitation_unusable_reason,
    membership_change_role,
    membership_remove,
)
from partnerships.matching import hidden_calls
from partnerships.models import ExpressionOfInterest, PartnershipRequest
from portal.adapters import INVITATION_SESSION_KEY
from portal.forms import (
    AccountDeleteForm,
    AccountForm,
    CooperativeProfileForm,
    InvitationForm,
    RoleForm,
)
from portal.services import account_delete, account_deletion_refusal, account_export

MATCH_LIMIT = 10
PARTNERSHIP_LIMIT = 5


def private_cooperative(request, slug, **kwargs):
    """The cooperative at `slug` if the person may see its private pages
    (`members.view_members`): another cooperative's answers 404 (its existence is not
    confirmed); the permission of the page itself answers 403 after."""
    cooperative = get_object_or_404(Cooperative, slug=slug)
    require(request.user, "members.view_members", cooperative, hide=True)
    return cooperative


def _membership_of(request, slug, pk):
    cooperative = private_cooperative(request, slug)
    return get_object_or_404(
        Membership.objects.select_related("cooperative", "user"), pk=pk, cooperative=cooperative
    )


class CooperativePermissionMixin(PermissionRequiredMixin):
    """Views of one cooperative (slug in the URL), guarded by one rules permission."""

    def get_permission_object(self):
        self.cooperative = private_cooperative(self.request, self.kwargs["slug"])
        return self.cooperative


class DashboardView(PermissionRequiredMixin, KeptMatchesPageMixin, TemplateView):
    """The signed-in person's portal: their cooperatives, followed calls, calls that fit.

    Its content is kept rendered per person (`core.fragments.personal_html`) until they
    write anything, the data it shows changes (`matches.readers.PAGE_DATA`, the stored
    matches' refreshes) or a minute passes.
    """

    permission_required = "members.use_portal"
    template_name = "portal/dashboard.html"
    content_template = "portal/_dashboard_content.html"

    def content_context(self):
        user = self.request.user
        memberships = list(
            Membership.objects.filter(user=user)
            .select_related("cooperative", "cooperative__main_sector")
            .prefetch_related("cooperative__themes", "cooperative__sectors")
            .order_by("cooperative__legal_name")
        )
        current = current_membership(self.request, memberships)
        followed = list(
            Call.objects.with_status()
            .filter(follows__user=user)
            .select_related("programme")
            .prefetch_related(Prefetch("deadlines", queryset=Deadline.objects.order_by("due_at")))
            .order_by("next_deadline", "pk")
        )
        followed_ids = {call.pk for call in followed}
        # Read from the stored matches: the same calls, scores and reasons as the scorer's,
        # minus those the cooperative marked "not relevant" (shown again from `hidden_calls`).
        matches = (
            readers.calls_for_cooperative(current.cooperative, limit=MATCH_LIMIT) if current else []
        )
        hidden = hidden_calls(current.cooperative) if current else []
        partnerships = partnership_summary(current.cooperative) if current else {}
        return {
            "memberships": memberships,
            "current": current,
            "followed_calls": followed,
            "followed_ids": followed_ids,
            "matches": matches,
            "hidden_calls": hidden,
            "partnerships": partnerships,
        }


def partnership_summary(cooperative, limit=PARTNERSHIP_LIMIT):
    """The cooperative's latest requests (state, interest count) and the expressions of
    interest it sent and received: three queries whatever their number."""
    requests = list(
        PartnershipRequest.objects.filter(owner=cooperative)
        .annotate(interest_count=Count("interests"))
        .order_by("-created_at", "-pk")[:limit]
    )
    sent = list(
        ExpressionOfInterest.objects.filter(cooperative=cooperative)
        .select_related("request__owner")
        .order_by("-created_at")[:limit]
    )
    received = list(
        ExpressionOfInterest.objects.filter(request__owner=cooperative)
        .select_related("request", "cooperative")
        .order_by("-created_at")[:limit]
    )
    return {"requests": requests, "sent": sent, "received": received}


def _own_cooperative(request):
    """The cooperative the form names among the person's own (404 for any other)."""
    return get_object_or_404(
        Cooperative.objects.of_member(request.user), slug=request.POST.get("cooperative", "")
    )


@login_required
@require_POST
@permission_required("portal.switch_cooperative", fn=_own_cooperative, pass_as="cooperative")
def switch_cooperative(request, cooperative):
    choose_cooperative(request, cooperative.pk)
    return redirect("portal:dashboard")


class CooperativeEditView(CooperativePermissionMixin, UpdateView):
    permission_required = "members.change_cooperative"
    template_name = "portal/cooperative_form.html"
    form_class = CooperativeProfileForm
    context_object_name = "cooperative"

    def get_object(self, queryset=None):
        return self.cooperative

    def form_valid(self, form):
        self.object = cooperative_profile_save(form=form, by=self.request.user)
        messages.success(self.request, _("The profile of the cooperative has been saved."))
        return redirect(self.get_success_url())

    def get_success_url(self):
        return reverse("portal:cooperative-edit", kwargs={"slug": self.cooperative.slug})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("members.view_staff_data", self.cooperative):
            context["history"] = history_rows(self.cooperative)
        return context


def history_rows(cooperative, limit=20):
    """The latest profile changes: when, by whom, which fields."""
    records = list(cooperative.history.select_related("history_user").order_by("-history_id"))
    rows = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changed = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=["updated"])
            changed = [
                str(Cooperative._meta.get_field(change.field).verbose_name)
                for change in delta.changes
            ]
        rows.append({"record": record, "changed": changed})
    return rows


class CooperativeMembersView(CooperativePermissionMixin, TemplateView):
    """Members and pending invitations; administrators invite, change roles, remove."""

    permission_required = "members.view_members"
    template_name = "portal/cooperative_members.html"

    def get_context_data(self, **kwargs):
        can_manage = self.request.user.has_perm("members.manage_members", self.cooperative)
        memberships = self.cooperative.memberships.select_related("user").order_by(
            "user__full_name", "user__email"
        )
        invitations = (
            self.cooperative.invitations.pending().select_related("invited_by")
            if can_manage
            else Invitation.objects.none()
        )
        kwargs.setdefault(
            "invite_form", InvitationForm(initial={"language": self.request.LANGUAGE_CODE})
        )
        return super().get_context_data(
            cooperative=self.cooperative,
            memberships=memberships,
            invitations=invitations,
            can_manage=can_manage,
            roles=Membership.Role.choices,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        require(request.user, "members.manage_members", self.cooperative)
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation_create(
                    cooperative=self.cooperative,
                    invited_by=request.user,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_error("email", error)
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect(self.members_url())
        return self.render_to_response(self.get_context_data(invite_form=form), status=400)

    def members_url(self):
        return reverse("portal:cooperative-members", kwargs={"slug": self.cooperative.slug})


def _members_redirect(cooperative):
    return redirect("portal:cooperative-members", slug=cooperative.slug)


@login_required
@require_POST
@permission_required("members.manage_members", fn=private_cooperative, pass_as="cooperative")
def membership_role(request, slug, pk, cooperative):
    membership = get_object_or_404(Membership, pk=pk, cooperative=cooperative)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return _members_redirect(cooperative)
    try:
        membership_change_role(
            membership=membership, role=form.cleaned_data["role"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The role of %(person)s has been changed.") % {"person": membership.user}
        )
    forget_roles(request.user)
    return _members_redirect(cooperative)


@login_required
@require_POST
@permission_required("members.remove_membership", fn=_membership_of, pass_as="membership")
def membership_delete(request, slug, pk, membership):
    """An administrator removes a member; any member may remove themself (leave)."""
    cooperative = membership.cooperative
    leaving = membership.user_id == request.user.pk
    try:
        membership_remove(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _members_redirect(cooperative)
    if leaving:
        messages.success(
            request, _("You have left %(cooperative)s.") % {"cooperative": cooperative}
        )
        return redirect("portal:dashboard")
    messages.success(request, _("%(person)s has been removed.") % {"person": membership.user})
    return _members_redirect(cooperative)


@login_required
@require_POST
@permission_required("members.manage_members", fn=private_cooperative, pass_as="cooperative")
def invitation_withdraw(request, slug, pk, cooperative):
    invitation = get_object_or_404(Invitation, pk=pk, cooperative=cooperative)
    if invitation_revoke(invitation=invitation, by=request.user):
        messages.success(
            request,
            _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email},
        )
    return _members_redirect(cooperative)


def invitation_accept_view(request, token):
    """The link of an invitation email.

    Anonymous: the token goes into the session and the invited address is stashed as
    verified, so the signup form opens (prefilled); someone who already has an account
    signs in and comes back here. Signed in with the invited address: one button accepts.
    """
    invitation = invitation_by_token(token)
    if invitation is None:
        return render(
            request,
            "portal/invitation_invalid.html",
            {"reason": _("This invitation link is not valid. Check that you copied it whole.")},
            status=404,
        )
    reason = invitation_unusable_reason(invitation)
    if reason:
        return render(
            request,
            "portal/invitation_invalid.html",
            {"reason": reason, "invitation": invitation},
            status=410,
        )
    user = request.user
    context = {"invitation": invitation, "token": token}
    if not user.is_authenticated:
        from allauth.account.adapter import get_adapter

        request.session[INVITATION_SESSION_KEY] = token
        has_account = User.objects.filter(email__iexact=invitation.email).exists()
        if not has_account:
            get_adapter(request).stash_verified_email(request, invitation.email)
        context.update(
            has_account=has_account,
            login_url=f"{reverse('account_login')}?next={request.path}",
        )
        return render(request, "portal/invitation.html", context)
    email_matches = (
        user.emailaddress_set.filter(email__iexact=invitation.email, verified=True).exists()
        or user.email.lower() == invitation.email.lower()
    )
    if request.method == "POST" and email_matches:
        try:
            invitation_accept(invitation=invitation, user=user)
        except ValidationError as error:
            return render(
                request,
                "portal/invitation_invalid.html",
                {"reason": " ".join(error.messages)},
                status=410,
            )
        request.session.pop(INVITATION_SESSION_KEY, None)
        choose_cooperative(request, invitation.cooperative_id)
        messages.success(
            request,
            _("Welcome to %(cooperative)s.") % {"cooperative": invitation.cooperative},
        )
        return redirect("portal:dashboard")
    context["email_matches"] = email_matches
    return render(request, "portal/invitation.html", context)


class AccountView(PermissionRequiredMixin, UpdateView):
    permission_required = "members.use_portal"
    template_name = "portal/account.html"
    form_class = AccountForm

    def get_object(self, queryset=None):
        return self.request.user

    def get_success_url(self):
        return reverse("portal:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your account has been saved."))
        # The navbar's language choice (a cookie) goes before the profile: align it.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            form.instance.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
        return response


@permission_required("members.use_portal")
def account_export_view(request):
    data = account_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="innovacoop-my-data.json"'
    return response


@permission_required("members.use_portal")
def account_delete_view(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        try:
            account_delete(user=user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(request, _("Your account and your personal data have been deleted."))
            return redirect("home")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "refusal": account_deletion_refusal(request.user)}
    return render(request, "portal/account_delete.html", context, status=status)
