"""Explainable matching pages: suggestions for my cooperative, candidates for my request, the
consortium builder for a call, "Not relevant", and the digest opt-out.

The views read input, call `partnerships.matching` (or `alerts`), add a message and
redirect; who may see what is in `partnerships/rules.py`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from core.navigation import safe_next_url
from funding.models import Call
from matches import readers
from matches.pages import KeptMatchesPageMixin
from members.access import (
    PermissionRequiredMixin,
    checked_in_view,
    permission_required,
    require,
)
from members.current import current_cooperative
from members.models import Cooperative
from partnerships import alerts, matching
from partnerships.models import DismissedSuggestion, PartnershipRequest


class SuggestionsView(PermissionRequiredMixin, KeptMatchesPageMixin, TemplateView):
    """Requests and calls that fit the person's current cooperative, with the reasons.

    Kept rendered per person as the dashboard is (`matches.readers.PAGE_DATA`)."""

    permission_required = "members.use_portal"
    template_name = "partnerships/suggestions.html"
    content_template = "partnerships/_suggestions_content.html"

    def content_context(self):
        cooperative = current_cooperative(self.request)
        requests = calls = []
        if cooperative is not None:
            requests = readers.request_suggestions(cooperative)
            calls = readers.call_suggestions(cooperative)
        return {
            "cooperative": cooperative,
            "request_suggestions": requests,
            "call_suggestions": calls,
        }


class CandidatesView(PermissionRequiredMixin, TemplateView):
    """Candidate partners for a request: for the owner's members and staff only (404 else)."""

    permission_required = "partnerships.view_candidates"
    hide_refusal = True
    template_name = "partnerships/candidates.html"

    def get_permission_object(self):
        return get_object_or_404(
            PartnershipRequest.objects.select_related("owner"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            partnership=self.permission_object,
            candidates=readers.candidates_for_request(self.permission_object),
            may_dismiss=True,
            **kwargs,
        )


class ConsortiumView(PermissionRequiredMixin, TemplateView):
    """The consortium builder for a published call, led by the current cooperative.

    For members of a cooperative and staff; a signed-in person of no cooperative gets 403,
    an unpublished or unknown call 404.
    """

    # Signed-in members of a cooperative and staff (the rule the call page asks too).
    permission_required = "partnerships.browse_requests"
    template_name = "partnerships/consortium.html"

    def get_context_data(self, **kwargs):
        call = get_object_or_404(
            Call.objects.published().select_related("programme"), slug=self.kwargs["slug"]
        )
        cooperative = current_cooperative(self.request)
        return super().get_context_data(
            call=call,
            cooperative=cooperative,
            plan=matching.consortium_for_call(call, cooperative=cooperative),
            **kwargs,
        )


@login_required
@require_POST
@checked_in_view("partnerships.dismiss_suggestion")
def dismiss(request):
    """Mark a suggestion "not relevant" for a cooperative; it is not suggested again.

    Any member of the cooperative may do it, viewers included: it only tidies the
    cooperative's own suggestion lists and commits the cooperative to nothing towards
    anyone. Staff may do it for any cooperative. With `request` (a candidate partner for
    that request), the cooperative is the request's owner. Someone who is not a member
    gets 404; a repeated click changes nothing. Redirects to a safe `next`.
    """
    target_type = request.POST.get("target_type", "")
    try:
        target_id = int(request.POST.get("target_id", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Which suggestion? The form is incomplete."))
    if target_type not in DismissedSuggestion.Target.values:
        return HttpResponseBadRequest(_("Which suggestion? The form is incomplete."))
    partnership = None
    if request.POST.get("request"):
        partnership = get_object_or_404(
            PartnershipRequest.objects.select_related("owner"),
            pk=_int_or_404(request.POST["request"]),
        )
        cooperative = partnership.owner
        if target_type not in ("cooperative", "body"):
            return HttpResponseBadRequest(_("Which suggestion? The form is incomplete."))
    else:
        cooperative = get_object_or_404(
            Cooperative, pk=_int_or_404(request.POST.get("cooperative", ""))
        )
    require(request.user, "partnerships.dismiss_suggestion", cooperative, hide=True)
    if not matching.dismissal_target_exists(target_type, target_id):
        raise Http404
    matching.suggestion_dismiss(
        cooperative=cooperative,
        target_type=target_type,
        target_id=target_id,
        request=partnership,
        by=request.user,
    )
    messages.info(request, _("Marked as not relevant: it will not be suggested again."))
    if partnership is not None:
        fallback = reverse("partnerships:request-candidates", kwargs={"pk": partnership.pk})
    else:
        fallback = reverse("partnerships:suggestions")
    return HttpResponseRedirect(safe_next_url(request, fallback))


@login_required
@require_POST
@checked_in_view("partnerships.dismiss_suggestion")
def undismiss(request):
    """Undo ("Show again") a cooperative's "not relevant" mark on a call or request.

    The same rule as `dismiss`: any member of the cooperative, or staff; others get 404.
    """
    target_type = request.POST.get("target_type", "")
    if target_type not in (DismissedSuggestion.Target.CALL, DismissedSuggestion.Target.REQUEST):
        return HttpResponseBadRequest(_("Which suggestion? The form is incomplete."))
    target_id = _int_or_404(request.POST.get("target_id", ""))
    cooperative = get_object_or_404(
        Cooperative, pk=_int_or_404(request.POST.get("cooperative", ""))
    )
    require(request.user, "partnerships.dismiss_suggestion", cooperative, hide=True)
    if not matching.suggestion_undismiss(
        cooperative=cooperative, target_type=target_type, target_id=target_id
    ):
        raise Http404
    messages.success(request, _("It will be suggested again."))
    return HttpResponseRedirect(safe_next_url(request, reverse("portal:dashboard")))


def _int_or_404(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    # Beyond the columns' range: no such row (and no overflow error on PostgreSQL).
    if not 0 < number < 2**31:
        raise Http404
    return number


@login_required
@require_POST
@permission_required("members.use_portal")
def digest_preference(request):
    """The weekly matchmaking digest on or off (the toggle on /portal/alerts/)."""
    enabled = request.POST.get("action") == "on"
    alerts.digest_set(user_id=request.user.pk, enabled=enabled)
    if enabled:
        messages.success(request, _("We will email you the weekly matchmaking digest."))
    else:
        messages.info(request, _("The weekly matchmaking digest is off."))
    return HttpResponseRedirect(safe_next_url(request, reverse("alerts:list")))
