"""A call changed: where it now stands in each cooperative's kept calls."""

from django.db import transaction
from django.utils import timezone

from core.batching import chunked
from funding.matching import call_fit
from matches import engine
from matches.models import CallMatch
from matches.services.outbox import COOPERATIVE, refresh_record
from matches.services.ranking import (
    BATCH,
    call_order,
    call_tie,
    enter_tops,
    ranked_tail,
    row_counts,
    short_lists,
    with_full_lists,
)
from matches.services.tops import call_instances
from partnerships.models import DismissedSuggestion


def call_matches_refresh(call, *, at=None):
    """Score one call against every active cooperative it may be for; keep it where it is
    among a cooperative's best `CALLS_KEPT`, pushing the K-th out. A fixed number of
    queries whatever the number of cooperatives.

    A call not published, closed or closed to Italian cooperatives loses its rows.
    Returns the number of rows stored.
    """
    at = at or timezone.now()
    call_id = getattr(call, "pk", call)
    vocabulary = engine.Vocabulary.load()
    calls = engine.load_calls(at, vocabulary, [call_id])
    previous = dict(
        CallMatch.objects.filter(call_id=call_id).values_list("cooperative_id", "score")
    )
    if call_id not in calls.facts:
        before = row_counts(CallMatch, previous)
        with transaction.atomic():
            CallMatch.objects.filter(call_id=call_id).delete()
            refresh_record(COOPERATIVE, short_lists(CallMatch, previous, before))
        return 0
    facts = calls.facts[call_id]
    cooperatives = engine.load_cooperatives(vocabulary)
    index = engine.CooperativeIndex(cooperatives, vocabulary)
    hidden = set(
        DismissedSuggestion.objects.filter(
            request__isnull=True, target_type=DismissedSuggestion.Target.CALL, target_id=call_id
        ).values_list("cooperative_id", flat=True)
    )
    fits = {
        pk: call_fit(facts, cooperatives[pk].profile)
        for pk in index.for_call(facts)
        if pk not in hidden
    }
    scored = {pk: calls.key(score, call_id) for pk, (score, _codes) in fits.items()}
    tail = ranked_tail(
        CallMatch.objects.exclude(call_id=call_id).filter(
            cooperative_id__in=with_full_lists(CallMatch, scored, engine.CALLS_KEPT - 1)
        ),
        "cooperative_id",
        call_order(),
        engine.CALLS_KEPT - 1,
        "call__next_deadline_at",
        "call_id",
    )
    keep, pushed, refresh = enter_tops(scored, previous, tail, engine.CALLS_KEPT, call_tie)
    lost = set(previous) - keep
    before = row_counts(CallMatch, lost)
    rows = call_instances([(pk, call_id, *fits[pk]) for pk in sorted(keep)], at)
    with transaction.atomic():
        CallMatch.objects.filter(call_id=call_id).delete()
        CallMatch.objects.bulk_create(rows, batch_size=BATCH)
        for pks in chunked(pushed, BATCH):
            CallMatch.objects.filter(pk__in=pks).delete()
        refresh_record(COOPERATIVE, refresh | set(short_lists(CallMatch, lost, before)))
    return len(rows)
