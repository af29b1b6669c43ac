"""A cooperative changed: its kept calls and requests, and its place among each request's
best candidates."""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from matches import engine
from matches.models import CallMatch, RequestMatch
from matches.services.outbox import REQUEST, refresh_record
from matches.services.ranking import (
    BATCH,
    enter_tops,
    open_requests,
    row_key,
    text_tie,
    unflag_request_rows,
)
from matches.services.tops import call_instances, call_top, request_instances, request_top
from partnerships.models import DismissedSuggestion


def cooperative_matches_refresh(cooperative, *, at=None):
    """One cooperative's kept calls and requests, recomputed; whether it enters each
    request's best candidates; its own open requests queued (their facts read their
    owner's profile). An inactive or deleted cooperative loses its rows. A fixed number of
    queries. Returns (call rows, request rows)."""
    at = at or timezone.now()
    cooperative_id = getattr(cooperative, "pk", cooperative)
    vocabulary = engine.Vocabulary.load()
    found = engine.load_cooperatives(vocabulary, ids=[cooperative_id])
    call_rows, request_rows, pushed = [], [], []
    if found:
        cooperative = found[cooperative_id]
        hidden = engine.Hidden([cooperative_id])
        calls = engine.load_calls(at, vocabulary)
        call_rows = call_instances(
            call_top(cooperative, calls, engine.CallIndex(calls.facts), vocabulary, hidden), at
        )
        all_facts = engine.load_requests(at, vocabulary)
        candidates = engine.RequestIndex(all_facts).for_cooperative(cooperative)
        top, fits = request_top(cooperative, candidates, hidden)
        request_rows = request_instances(top, at)
        pushed = _enter_candidate_lists(cooperative, fits, request_rows, at)
    with transaction.atomic():
        CallMatch.objects.filter(cooperative_id=cooperative_id).delete()
        CallMatch.objects.bulk_create(call_rows, batch_size=BATCH)
        RequestMatch.objects.filter(cooperative_id=cooperative_id).delete()
        RequestMatch.objects.bulk_create(request_rows, batch_size=BATCH)
        unflag_request_rows(pushed, "in_request_top")
        refresh_record(
            REQUEST,
            open_requests(at).filter(owner_id=cooperative_id).values_list("pk", flat=True),
        )
    return len(call_rows), len(request_rows)


def _enter_candidate_lists(cooperative, fits, request_rows, at):
    """The cooperative's place among each request's candidates: flags (or adds to
    `request_rows`) the rows of the requests whose best candidates it enters, and returns
    the row pks it pushes out of those lists."""
    cooperative_id = cooperative.pk
    dismissed = set(
        DismissedSuggestion.objects.filter(
            target_type=DismissedSuggestion.Target.COOPERATIVE, target_id=cooperative_id
        ).values_list("request_id", flat=True)
    )
    name = cooperative.name.lower()
    scored = {
        pk: (-fit[0], name, cooperative_id) for pk, fit in fits.items() if pk not in dismissed
    }
    previous = dict(
        RequestMatch.objects.filter(cooperative_id=cooperative_id, in_request_top=True).values_list(
            "request_id", "score"
        )
    )
    # The candidate lists of these requests: at most CANDIDATES_KEPT rows each, ranked
    # here (an indexed read beats a window over the join to the names).
    tail = defaultdict(dict)
    lists = defaultdict(list)
    for request_id, pk, score, name, other in (
        RequestMatch.objects.filter(in_request_top=True, request_id__in=list(scored))
        .exclude(cooperative_id=cooperative_id)
        .values_list("request_id", "pk", "score", "cooperative__legal_name", "cooperative_id")
    ):
        lists[request_id].append((pk, score, name, other))
    size = engine.CANDIDATES_KEPT
    for request_id, rows in lists.items():
        rows.sort(key=lambda row: row_key(row, text_tie))
        for rank, row in enumerate(rows[size - 2 :], start=size - 1):
            tail[request_id][rank] = row
    keep, pushed, _refresh = enter_tops(scored, previous, tail, size, text_tie)
    kept = {row.request_id: row for row in request_rows}
    for pk in keep:
        row = kept.get(pk)
        if row is None:
            score, codes, _facts = fits[pk]
            [row] = request_instances(
                [(cooperative_id, pk, score, codes)], at, in_cooperative_top=False
            )
            request_rows.append(row)
        row.in_request_top = True
    return pushed
