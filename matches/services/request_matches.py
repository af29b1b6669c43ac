"""A request changed: its best candidates, and where it now stands in each cooperative's
kept requests."""

from django.db import transaction
from django.utils import timezone

from matches import engine
from matches.models import RequestMatch
from matches.services.outbox import COOPERATIVE, refresh_record
from matches.services.ranking import (
    BATCH,
    enter_tops,
    ranked_tail,
    request_order,
    row_counts,
    short_lists,
    text_tie,
    unflag_request_rows,
    with_full_lists,
)
from partnerships.models import DismissedSuggestion, ExpressionOfInterest


def request_matches_refresh(request, *, at=None):
    """Score one request against every active cooperative it may be for: its best
    `CANDIDATES_KEPT` kept, and it kept where it is among a cooperative's best
    `REQUESTS_KEPT` (pushing the K-th out). A request not open for interest loses its rows.
    Returns the number of rows stored."""
    at = at or timezone.now()
    request_id = getattr(request, "pk", request)
    vocabulary = engine.Vocabulary.load()
    cooperatives = engine.load_cooperatives(vocabulary)
    found = engine.load_requests(at, vocabulary, [request_id], owners=cooperatives)
    previous = dict(
        RequestMatch.objects.filter(request_id=request_id, in_cooperative_top=True).values_list(
            "cooperative_id", "score"
        )
    )
    rows = []
    keep, pushed, refresh = set(), [], set()
    if found:
        facts = found[0]
        hidden = engine.Hidden(request_ids=[request_id])
        index = engine.CooperativeIndex(cooperatives, vocabulary)
        fits = {}
        for pk in index.for_request(facts):
            if pk in cooperatives:
                fit = engine.request_fit(facts, cooperatives[pk])
                if fit is not None:
                    fits[pk] = fit
        ranks = engine.name_ranks({pk: cooperatives[pk] for pk in fits})
        candidates = set(
            engine.best(
                [pk for pk in fits if (request_id, pk) not in hidden.candidates],
                engine.CANDIDATES_KEPT,
                key=lambda pk: (-fits[pk][0], ranks[pk]),
            )
        )
        answered = set(
            DismissedSuggestion.objects.filter(
                request__isnull=True,
                target_type=DismissedSuggestion.Target.REQUEST,
                target_id=request_id,
            ).values_list("cooperative_id", flat=True)
        ) | set(
            ExpressionOfInterest.objects.filter(request_id=request_id).values_list(
                "cooperative_id", flat=True
            )
        )
        scored = {
            pk: engine.request_key(score, facts)
            for pk, (score, _codes) in fits.items()
            if pk not in answered
        }
        tail = ranked_tail(
            RequestMatch.objects.exclude(request_id=request_id).filter(
                in_cooperative_top=True,
                cooperative_id__in=with_full_lists(
                    RequestMatch, scored, engine.REQUESTS_KEPT - 1, in_cooperative_top=True
                ),
            ),
            "cooperative_id",
            request_order(),
            engine.REQUESTS_KEPT - 1,
            "request__title",
            "request_id",
        )
        keep, pushed, refresh = enter_tops(scored, previous, tail, engine.REQUESTS_KEPT, text_tie)
        rows = [
            RequestMatch(
                cooperative_id=pk,
                request_id=request_id,
                score=fits[pk][0],
                reasons=fits[pk][1],
                computed_at=at,
                in_cooperative_top=pk in keep,
                in_request_top=pk in candidates,
            )
            for pk in sorted(keep | candidates)
        ]
    lost = set(previous) - keep
    before = row_counts(RequestMatch, lost, in_cooperative_top=True)
    with transaction.atomic():
        RequestMatch.objects.filter(request_id=request_id).delete()
        RequestMatch.objects.bulk_create(rows, batch_size=BATCH)
        unflag_request_rows(pushed, "in_cooperative_top")
        refresh_record(COOPERATIVE, refresh | set(short_lists(RequestMatch, lost, before)))
    return len(rows)
