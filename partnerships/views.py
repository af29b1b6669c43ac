"""Pages of partnership requests and expressions of interest.

Views read input, ask `partnerships.rules`, call `partnerships.services`, add a message and
redirect. A request the person may not see answers 404 (its existence is not confirmed); a
visible request the person may not act on answers 403.
"""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView

from funding.models import Call
from members.models import Cooperative, Membership
from partnerships import services
from partnerships.filters import RequestFilterSet
from partnerships.forms import CloseForm, DeclineForm, InterestForm, RequestForm, ReturnForm
from partnerships.models import ExpressionOfInterest, PartnershipRequest, RequestEvent
from partnerships.rules import acting_cooperative_ids

CURRENT_COOPERATIVE_KEY = "portal_cooperative"  # the portal's choice (portal.views)


def may(user, permission, obj=None):
    """Ask the rule itself: Django's `user.has_perm` says yes to superusers whatever the
    state, and these rules depend on the state (a published request is not editable)."""
    return rules.has_perm(permission, user, obj)


def _error_text(error):
    return " ".join(error.messages)


def _require_browse(user):
    if not may(user, "partnerships.browse_requests"):
        raise PermissionDenied


def visible_request(user, pk):
    """The request at `pk` if `user` may see it; 404 otherwise."""
    request = get_object_or_404(
        PartnershipRequest.objects.select_related("owner", "call", "created_by"), pk=pk
    )
    if not may(user, "partnerships.view_request", request):
        raise Http404
    return request


def acting_cooperatives(user):
    """Cooperatives the person may post requests for: editor/admin ones; all for staff."""
    if user.is_staff:
        return Cooperative.objects.active().order_by("legal_name")
    return Cooperative.objects.filter(pk__in=acting_cooperative_ids(user)).order_by("legal_name")


class RequestListView(LoginRequiredMixin, ListView):
    """Published requests, filtered by kind, sector, theme, country, call and words."""

    template_name = "partnerships/request_list.html"
    context_object_name = "requests"
    paginate_by = 20

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_browse(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        self.filterset = RequestFilterSet(self.request.GET)
        interests = (
            ExpressionOfInterest.objects.filter(request=OuterRef("pk"))
            .order_by()
            .values("request")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            self.filterset.qs.select_related("owner", "call")
            # The cards show neither long texts nor the call's search index.
            .defer("description", "owner__description", "call__description", "call__search_vector")
            .prefetch_related("sought_themes")
            # Counted for the rows shown, not by a GROUP BY over every request before the LIMIT.
            .annotate(interest_count=Coalesce(Subquery(interests), 0))
            .order_by("-published_at", "-pk")
        )

    def paginate_queryset(self, queryset, page_size):
        # A malformed or huge page number shows the first or the last page, never an error.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filterset=self.filterset,
            query_string=query.urlencode(),
            can_post=self.request.user.is_staff or bool(acting_cooperative_ids(self.request.user)),
            **kwargs,
        )


class RequestDetailView(LoginRequiredMixin, DetailView):
    template_name = "partnerships/request_detail.html"
    context_object_name = "partnership"

    def get_object(self, queryset=None):
        return visible_request(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(**detail_context(self.request, self.object), **kwargs)


def detail_context(http_request, partnership, *, interest_form=None):
    """What the detail page shows to this person: timeline and interests only to the owner
    side and staff; contacts only on accepted expressions of interest."""
    user = http_request.user
    may_manage = may(user, "partnerships.manage_request", partnership)
    context = {
        "may_manage": may_manage,
        "may_edit": may(user, "partnerships.change_request", partnership),
        "may_moderate": may(user, "partnerships.moderate_request", partnership),
        "may_view_timeline": may(user, "partnerships.view_timeline", partnership),
        "return_form": ReturnForm(),
        "close_form": CloseForm(),
        "decline_form": DeclineForm(),
    }
    if context["may_view_timeline"]:
        context["events"] = list(
            RequestEvent.objects.filter(request=partnership).select_related("by")
        )
    interests = ExpressionOfInterest.objects.filter(request=partnership).select_related(
        "cooperative", "sent_by", "decided_by"
    )
    if may_manage:
        context["received_interests"] = list(
            interests.prefetch_related("cooperative__contacts").order_by("created_at")
        )
    own = set(acting_cooperative_ids(user)) | set(
        Membership.objects.filter(user=user).values_list("cooperative_id", flat=True)
    )
    sent = [
        interest
        for interest in interests.filter(cooperative_id__in=own)
        if interest.cooperative_id != partnership.owner_id
    ]
    context["sent_interests"] = sent
    if any(interest.contacts_revealed for interest in sent):
        # The owner's contacts, for the side whose interest was accepted.
        context["owner_contacts"] = list(partnership.owner.contacts.all())
    if may(user, "partnerships.express_interest", partnership):
        cooperatives = services.interest_cooperatives(user, partnership).exclude(
            pk__in=[interest.cooperative_id for interest in sent]
        )
        if interest_form is None and cooperatives.exists():
            interest_form = InterestForm(cooperatives=cooperatives, request=partnership)
            if not user.is_staff:
                chosen = http_request.session.get(CURRENT_COOPERATIVE_KEY)
                if chosen and cooperatives.filter(pk=chosen).exists():
                    interest_form.initial["cooperative"] = chosen
    context["interest_form"] = interest_form
    return context


@login_required
@require_POST
def interest_create(request, pk):
    partnership = visible_request(request.user, pk)
    if not may(request.user, "partnerships.express_interest", partnership):
        raise PermissionDenied
    form = InterestForm(
        request.POST,
        cooperatives=services.interest_cooperatives(request.user, partnership),
        request=partnership,
    )
    if form.is_valid():
        try:
            services.interest_express(
                request=partnership,
                cooperative=form.cleaned_data["cooperative"],
                by=request.user,
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your expression of interest has been sent. We will email you the answer."),
            )
            return redirect(partnership)
    context = {"partnership": partnership, "object": partnership}
    context.update(detail_context(request, partnership, interest_form=form))
    return render(request, "partnerships/request_detail.html", context, status=200)


class RequestFormMixin(LoginRequiredMixin):
    template_name = "partnerships/request_form.html"

    def after_save(self, partnership):
        """Save and submit at once when the person pressed that button."""
        if "submit_now" in self.request.POST:
            try:
                services.request_submit(request=partnership, by=self.request.user)
            except (ValidationError, PermissionDenied):
                messages.warning(self.request, _("The request was saved but not submitted."))
            else:
                messages.success(
                    self.request,
                    _("The request has been submitted: INNOVACOOP staff will review it."),
                )
                return redirect(partnership)
        messages.success(self.request, _("The request has been saved as a draft."))
        return redirect(partnership)

    def render_form(self, form, **extra):
        return render(self.request, self.template_name, {"form": form, **extra})


class RequestCreateView(RequestFormMixin, TemplateView):
    """New request; ?call=<slug> fills it in from a funding call."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.cooperatives = acting_cooperatives(request.user)
        if not self.cooperatives.exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def initial_from_call(self):
        slug = self.request.GET.get("call")
        call = (
            Call.objects.published().prefetch_related("sectors", "themes").filter(slug=slug).first()
            if slug
            else None
        )
        if call is None:
            return {}, None
        initial = {
            "kind": PartnershipRequest.Kind.CALL_PARTNER,
            "call": call.slug,
            "title": _("Partners for %(call)s") % {"call": call.title},
            "sought_themes": list(call.themes.all()),
            "sought_sectors": [sector for sector in call.sectors.all() if sector.section_id],
            "sought_countries": [country.code for country in call.eligible_countries],
        }
        return initial, call

    def get(self, request, *args, **kwargs):
        initial, call = self.initial_from_call()
        chosen = request.session.get(CURRENT_COOPERATIVE_KEY)
        if chosen and self.cooperatives.filter(pk=chosen).exists():
            initial["owner"] = chosen
        form = RequestForm(initial=initial, cooperatives=self.cooperatives)
        return self.render_form(form, from_call=call)

    def post(self, request, *args, **kwargs):
        form = RequestForm(request.POST, cooperatives=self.cooperatives)
        if form.is_valid():
            try:
                partnership = services.request_create(
                    owner=form.cleaned_data["owner"], by=request.user, **form.service_fields()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return self.after_save(partnership)
        return self.render_form(form)


class RequestUpdateView(RequestFormMixin, TemplateView):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partnership = visible_request(request.user, kwargs["pk"])
        if not may(request.user, "partnerships.change_request", self.partnership):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        form = RequestForm(instance=self.partnership)
        return self.render_form(form, partnership=self.partnership)

    def post(self, request, *args, **kwargs):
        # Bound to a copy: a failed save must not leave half-changed data on the object.
        form = RequestForm(
            request.POST, instance=PartnershipRequest.objects.get(pk=self.partnership.pk)
        )
        if form.is_valid():
            try:
                partnership = services.request_update(
                    request=self.partnership, by=request.user, **form.service_fields()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return self.after_save(partnership)
        return self.render_form(form, partnership=self.partnership)


class MyRequestsView(LoginRequiredMixin, TemplateView):
    """The requests of the person's cooperatives in every state, and their interests."""

    template_name = "partnerships/request_mine.html"

    def get_context_data(self, **kwargs):
        own = list(
            Membership.objects.filter(user=self.request.user).values_list(
                "cooperative_id", flat=True
            )
        )
        requests = (
            PartnershipRequest.objects.of_cooperatives(own)
            .select_related("owner", "call")
            .annotate(
                interest_count=Count("interests"),
                pending_count=Count(
                    "interests", filter=Q(interests__state=ExpressionOfInterest.State.PENDING)
                ),
            )
            .order_by("-created_at", "-pk")
        )
        sent = (
            ExpressionOfInterest.objects.filter(cooperative_id__in=own)
            .select_related("request", "request__owner", "cooperative")
            .order_by("-created_at")
        )
        received = (
            ExpressionOfInterest.objects.filter(request__owner_id__in=own)
            .select_related("request", "cooperative")
            .order_by("-created_at")
        )
        return super().get_context_data(
            requests=requests,
            sent_interests=sent,
            received_interests=received,
            can_post=self.request.user.is_staff or bool(acting_cooperative_ids(self.request.user)),
            **kwargs,
        )


# --- One-button actions -------------------------------------------------------------------------


def _act(request, pk, action, success, **kwargs):
    """Run a service on a visible request; its refusal becomes a message, not an error page."""
    partnership = visible_request(request.user, pk)
    try:
        action(request=partnership, by=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, success)
    return redirect(partnership)


@login_required
@require_POST
def request_submit(request, pk):
    return _act(
        request,
        pk,
        services.request_submit,
        _("The request has been submitted: INNOVACOOP staff will review it."),
    )


@login_required
@require_POST
def request_approve(request, pk):
    return _act(
        request,
        pk,
        services.request_approve,
        _("The request is published: members can now express their interest."),
    )


@login_required
@require_POST
def request_return(request, pk):
    form = ReturnForm(request.POST)
    if not may(request.user, "partnerships.moderate_request"):
        visible_request(request.user, pk)  # 404 first for what the person cannot see
        raise PermissionDenied
    if not form.is_valid():
        messages.error(request, _("Say why the request is returned: the owner will read it."))
        return redirect("partnerships:request-detail", pk=pk)
    return _act(
        request,
        pk,
        services.request_return,
        _("The request has been returned to its owner."),
        reason=form.cleaned_data["reason"],
    )


@login_required
@require_POST
def request_close(request, pk):
    form = CloseForm(request.POST)
    if not form.is_valid():
        visible_request(request.user, pk)
        messages.error(request, _("Choose why the request is closed."))
        return redirect("partnerships:request-detail", pk=pk)
    return _act(
        request,
        pk,
        services.request_close,
        _("The request has been closed."),
        outcome=form.cleaned_data["outcome"],
        note=form.cleaned_data["note"],
    )


def _interest_for(user, pk):
    interest = get_object_or_404(
        ExpressionOfInterest.objects.select_related("request", "request__owner"), pk=pk
    )
    if not may(user, "partnerships.view_request", interest.request):
        raise Http404
    return interest


@login_required
@require_POST
def interest_accept(request, pk):
    interest = _interest_for(request.user, pk)
    try:
        services.interest_accept(interest=interest, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _(
                "You accepted the interest of %(cooperative)s: you can now see each other's contacts."
            )
            % {"cooperative": interest.cooperative},
        )
    return redirect(interest.request)


@login_required
@require_POST
def interest_decline(request, pk):
    interest = _interest_for(request.user, pk)
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.interest_decline(interest=interest, by=request.user, reason=reason)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.info(
            request,
            _("You declined the interest of %(cooperative)s.")
            % {"cooperative": interest.cooperative},
        )
    return redirect(interest.request)
