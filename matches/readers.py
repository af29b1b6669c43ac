"""Reading the stored matches: the one way every page, digest and alert reads them.

Each reader first applies the pending refreshes that concern what it reads
(`services.pending_pairs_apply`), then reads the top N by index, hides what was dismissed,
answered or closed (the `visible*` queryset methods) and renders the stored reasons with the
scorers' own sentences, loading the vocabulary rows they name in a fixed number of queries.
"""

from django.db.models import F, Max, OuterRef, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from funding.feeds import CATALOGUE
from funding.matching import CallMatch as CallFit
from funding.matching import Vocabulary, render_reasons
from funding.models import Call, Deadline
from matches.models import CallMatch, MatchRefresh, RequestMatch
from matches.services.catch_up import pending_calls_refresh, pending_pairs_apply
from members.apps import DIRECTORY
from partnerships.apps import PERSONAL, REQUESTS
from partnerships.matching import Suggestion, body_candidates_for_request, ranked

# The version tokens (core.versions) of what a person's pages read from the stored matches
# show besides the matches: the calls, the cooperatives, the requests and what people chose.
PAGE_DATA = (CATALOGUE, DIRECTORY, REQUESTS, PERSONAL)


def refresh_mark():
    """The id of the newest match refresh (0 for none), for pages kept rendered from the
    stored matches: a change of their inputs adds a refresh (`services.outbox`) unless one of
    the same object is still pending, and then the version token of the changed data, which
    such pages are keyed on too, has moved. One query on the primary key's index."""
    return MatchRefresh.objects.aggregate(last=Max("pk"))["last"] or 0


def _rendered(rows):
    vocabulary = Vocabulary().load(row.reasons for row in rows)
    return {row.pk: render_reasons(row.reasons, vocabulary) for row in rows}


def calls_for_cooperative(cooperative, *, limit=10, at=None):
    """The best calls for a cooperative (funding's `CallMatch`: call, score, reasons),
    best first, ties by the nearest deadline, like the live scorer."""
    at = at or timezone.now()
    pending_pairs_apply(cooperative_ids=[cooperative.pk], at=at)
    next_deadline = Deadline.objects.filter(call=OuterRef("call_id"), due_at__gte=at)
    rows = list(
        CallMatch.objects.filter(cooperative=cooperative)
        .visible(at)
        .annotate(due=Subquery(next_deadline.order_by("due_at").values("due_at")[:1]))
        .order_by("-score", F("due").asc(nulls_last=True), "call_id")[:limit]
    )
    if not rows:
        return []
    calls = (
        Call.objects.with_status(at).select_related("programme").in_bulk([r.call_id for r in rows])
    )
    reasons = _rendered(rows)
    return [
        CallFit(
            call=calls[row.call_id], score=row.score, reasons=reasons[row.pk], codes=row.reasons
        )
        for row in rows
        if row.call_id in calls
    ]


def call_suggestions(cooperative, *, limit=10, at=None):
    """`calls_for_cooperative` as suggestions (the suggestions page's cards)."""
    return [
        Suggestion(kind="call", obj=fit.call, score=fit.score, reasons=fit.reasons, codes=fit.codes)
        for fit in calls_for_cooperative(cooperative, limit=limit, at=at)
    ]


def request_suggestions(cooperative, *, limit=20, at=None):
    """The best open requests for a cooperative, as the live `requests_for_cooperative`
    ranks them (score, then title, then pk)."""
    at = at or timezone.now()
    pending_pairs_apply(cooperative_ids=[cooperative.pk], at=at)
    rows = list(
        RequestMatch.objects.filter(cooperative=cooperative)
        .visible(at)
        .select_related("request__owner")
        .order_by("-score", Lower("request__title"), "request_id")[:limit]
    )
    reasons = _rendered(rows)
    return [
        Suggestion(
            kind="request",
            obj=row.request,
            score=row.score,
            reasons=reasons[row.pk],
            codes=row.reasons,
        )
        for row in rows
    ]


def cooperative_candidates(request, *, limit=20, at=None):
    """The best candidate cooperatives for a request (suggestions of kind "cooperative")."""
    at = at or timezone.now()
    pending_pairs_apply(request_ids=[request.pk], at=at)
    rows = list(
        RequestMatch.objects.visible_candidates(request)
        .select_related("cooperative")
        .order_by("-score", Lower("cooperative__legal_name"), "cooperative_id")[:limit]
    )
    reasons = _rendered(rows)
    return [
        Suggestion(
            kind="cooperative",
            obj=row.cooperative,
            score=row.score,
            reasons=reasons[row.pk],
            codes=row.reasons,
        )
        for row in rows
    ]


def request_matches_among(cooperative_ids, request_ids, *, at=None):
    """{(cooperative pk, request pk): (score, reasons in words)} among these, visible ones
    only (the matchmaking digest). Reasons render in the active language."""
    at = at or timezone.now()
    cooperative_ids, request_ids = list(cooperative_ids), list(request_ids)
    if not cooperative_ids or not request_ids:
        return {}
    pending_pairs_apply(cooperative_ids=cooperative_ids, request_ids=request_ids, at=at)
    rows = list(
        RequestMatch.objects.filter(cooperative_id__in=cooperative_ids, request_id__in=request_ids)
        .visible(at)
        .only("pk", "cooperative_id", "request_id", "score", "reasons")
    )
    return {(row.cooperative_id, row.request_id): row for row in rows}


def render_rows(rows):
    """Reasons in words of stored rows, in the active language: {row pk: [str]}."""
    return _rendered(list(rows))


def call_matches_among(cooperative_ids, call_ids, *, at=None):
    """{cooperative pk: set of call pks} among these, visible ones only (the alerts)."""
    at = at or timezone.now()
    cooperative_ids, call_ids = list(cooperative_ids), list(call_ids)
    result = {pk: set() for pk in cooperative_ids}
    if not cooperative_ids or not call_ids:
        return result
    # A new call's own refresh first (its dispatch may run before its refresh task), then
    # the pairs of cooperatives changed since.
    pending_calls_refresh(call_ids, at=at)
    pending_pairs_apply(cooperative_ids=cooperative_ids, call_ids=call_ids, at=at)
    for cooperative_id, call_id in (
        CallMatch.objects.filter(cooperative_id__in=cooperative_ids, call_id__in=call_ids)
        .visible(at)
        .values_list("cooperative_id", "call_id")
    ):
        result[cooperative_id].add(call_id)
    return result


def candidates_for_request(request, *, limit=20, at=None):
    """Candidate partners for a request: the stored best cooperatives and the network
    organisations scored live (few), in the live ranking's order."""
    cooperatives = cooperative_candidates(request, limit=limit, at=at)
    return ranked(cooperatives + body_candidates_for_request(request), limit)
