"""Pages of partnership requests and expressions of interest.

Views read input, ask `partnerships.rules` (through `members.access`), call
`partnerships.services`, add a message and redirect. A request the person may not see
answers 404 (its existence is not confirmed); a visible request the person may not act on
answers 403. Who may open which URL: the table in `partnerships/rules.py`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView

from core.pagination import ForgivingPaginationMixin
from funding.models import Call
from members.access import PermissionRequiredMixin, get_visible_or_404, may, permission_required
from members.current import chosen_cooperative_id
from members.rules import cooperatives_acted_for, member_cooperative_ids
from partnerships import services
from partnerships.filters import RequestFilterSet
from partnerships.forms import CloseForm, DeclineForm, InterestForm, RequestForm, ReturnForm
from partnerships.models import ExpressionOfInterest, PartnershipRequest, RequestEvent


def _error_text(error):
    return " ".join(error.messages)


def visible_request(user, pk):
    """The request at `pk` if `user` may see it (`partnerships.view_request`); 404 otherwise."""
    return get_visible_or_404(
        PartnershipRequest.objects.select_related("owner", "call", "created_by"), user, pk=pk
    )


def _visible_request(request, pk):
    return visible_request(request.user, pk)


def acting_cooperatives(user):
    """Cooperatives the person may post requests for, by name."""
    return cooperatives_acted_for(user).order_by("legal_name")


class RequestListView(PermissionRequiredMixin, ForgivingPaginationMixin, ListView):
    """Published requests, filtered by kind, sector, theme, country, call and words."""

    permission_required = "partnerships.browse_requests"
    template_name = "partnerships/request_list.html"
    context_object_name = "requests"
    paginate_by = 20

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

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filterset=self.filterset,
            query_string=query.urlencode(),
            can_post=may(self.request.user, "partnerships.post_requests"),
            **kwargs,
        )


class RequestDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "partnerships.view_request"
    template_name = "partnerships/request_detail.html"
    context_object_name = "partnership"

    def get_permission_object(self):
        return visible_request(self.request.user, self.kwargs["pk"])

    def get_object(self, queryset=None):
        return self.permission_object

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
    own = member_cooperative_ids(user)
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
            if not may(user, "members.act_for_any_cooperative"):
                chosen = chosen_cooperative_id(http_request)
                if chosen and cooperatives.filter(pk=chosen).exists():
                    interest_form.initial["cooperative"] = chosen
    context["interest_form"] = interest_form
    return context


@login_required
@require_POST
@permission_required("partnerships.express_interest", fn=_visible_request, pass_as="partnership")
def interest_create(request, pk, partnership):
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


class RequestFormMixin:
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


class RequestCreateView(PermissionRequiredMixin, RequestFormMixin, TemplateView):
    """New request; ?call=<slug> fills it in from a funding call."""

    permission_required = "partnerships.post_requests"

    @property
    def cooperatives(self):
        return acting_cooperatives(self.request.user)

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
        chosen = chosen_cooperative_id(request)
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


class RequestUpdateView(PermissionRequiredMixin, RequestFormMixin, TemplateView):
    permission_required = "partnerships.change_request"

    def get_permission_object(self):
        self.partnership = visible_request(self.request.user, self.kwargs["pk"])
        return self.partnership

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


class MyRequestsView(PermissionRequiredMixin, TemplateView):
    """The requests of the person's cooperatives in every state, and their interests."""

    permission_required = "members.use_portal"
    template_name = "partnerships/request_mine.html"

    def get_context_data(self, **kwargs):
        own = list(member_cooperative_ids(self.request.user))
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
            can_post=may(self.request.user, "partnerships.post_requests"),
            **kwargs,
        )


# --- One-button actions -------------------------------------------------------------------------


def _act(request, partnership, action, success, **kwargs):
    """Run a service on a visible request; a move the state does not allow becomes a message,
    one the person may not make a 403 (the service asks the rules)."""
    try:
        action(request=partnership, by=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, success)
    return redirect(partnership)


@login_required
@require_POST
@permission_required("partnerships.view_request", fn=_visible_request, pass_as="partnership")
def request_submit(request, pk, partnership):
    return _act(
        request,
        partnership,
        services.request_submit,
        _("The request has been submitted: INNOVACOOP staff will review it."),
    )


@login_required
@require_POST
@permission_required("partnerships.view_request", fn=_visible_request, pass_as="partnership")
def request_approve(request, pk, partnership):
    return _act(
        request,
        partnership,
        services.request_approve,
        _("The request is published: members can now express their interest."),
    )


@login_required
@require_POST
@permission_required("partnerships.moderate_request", fn=_visible_request, pass_as="partnership")
def request_return(request, pk, partnership):
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the request is returned: the owner will read it."))
        return redirect("partnerships:request-detail", pk=pk)
    return _act(
        request,
        partnership,
        services.request_return,
        _("The request has been returned to its owner."),
        reason=form.cleaned_data["reason"],
    )


@login_required
@require_POST
@permission_required("partnerships.view_request", fn=_visible_request, pass_as="partnership")
def request_close(request, pk, partnership):
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why the request is closed."))
        return redirect("partnerships:request-detail", pk=pk)
    return _act(
        request,
        partnership,
        services.request_close,
        _("The request has been closed."),
        outcome=form.cleaned_data["outcome"],
        note=form.cleaned_data["note"],
    )


def _visible_interest(request, pk):
    """The expression of interest at `pk` if its request is visible to the person; 404 else."""
    return get_visible_or_404(
        ExpressionOfInterest.objects.select_related("request", "request__owner"),
        request.user,
        pk=pk,
    )


@login_required
@require_POST
@permission_required("partnerships.answer_interest", fn=_visible_interest, pass_as="interest")
def interest_accept(request, pk, interest):
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
@permission_required("partnerships.answer_interest", fn=_visible_interest, pass_as="interest")
def interest_decline(request, pk, interest):
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
