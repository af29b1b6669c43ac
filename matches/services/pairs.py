"""Pair refreshes, the reader's catch-up: the rows of some cooperatives with some calls or
requests replaced, then each cooperative trimmed to its cap. A fixed number of queries."""

from django.db import transaction
from django.utils import timezone

from matches import engine
from matches.models import CallMatch, RequestMatch
from matches.services.ranking import BATCH, trim_calls, trim_requests
from matches.services.tops import call_instances, call_top, request_instances, request_top


class PairsContext:
    """What the pair refreshes of one catch-up share, loaded once on first use: the
    vocabulary, the cooperatives read and what they hid."""

    def __init__(self, cooperative_ids):
        self.cooperative_ids = sorted(set(cooperative_ids))
        self._vocabulary = self._cooperatives = self._hidden = None

    @property
    def vocabulary(self):
        if self._vocabulary is None:
            self._vocabulary = engine.Vocabulary.load()
        return self._vocabulary

    def cooperatives(self, ids):
        if self._cooperatives is None:
            self._cooperatives = engine.load_cooperatives(self.vocabulary, ids=self.cooperative_ids)
        return [self._cooperatives[pk] for pk in sorted(ids) if pk in self._cooperatives]

    @property
    def hidden(self):
        if self._hidden is None:
            self._hidden = engine.Hidden(self.cooperative_ids)
        return self._hidden


def call_pairs_refresh(cooperative_ids, call_ids, *, at=None, context=None):
    """Replace the rows of these pairs (a reader's catch-up), then trim each cooperative to
    its best `CALLS_KEPT`: a fixed number of queries."""
    at = at or timezone.now()
    cooperative_ids, call_ids = sorted(set(cooperative_ids)), sorted(set(call_ids))
    if not cooperative_ids or not call_ids:
        return 0
    context = context or PairsContext(cooperative_ids)
    vocabulary = context.vocabulary
    calls = engine.load_calls(at, vocabulary, call_ids)
    index = engine.CallIndex(calls.facts)
    rows = []
    for cooperative in context.cooperatives(cooperative_ids):
        rows.extend(call_top(cooperative, calls, index, vocabulary, context.hidden))
    with transaction.atomic():
        CallMatch.objects.filter(cooperative_id__in=cooperative_ids, call_id__in=call_ids).delete()
        CallMatch.objects.bulk_create(call_instances(rows, at), batch_size=BATCH)
        if rows:
            trim_calls(cooperative_ids)
    return len(rows)


def request_pairs_refresh(cooperative_ids, request_ids, *, at=None, context=None):
    """Replace the rows of these pairs (a reader's catch-up), then trim each cooperative to
    its best `REQUESTS_KEPT`: a fixed number of queries."""
    at = at or timezone.now()
    cooperative_ids, request_ids = sorted(set(cooperative_ids)), sorted(set(request_ids))
    if not cooperative_ids or not request_ids:
        return 0
    context = context or PairsContext(cooperative_ids)
    all_facts = engine.load_requests(at, context.vocabulary, request_ids)
    rows = []
    if all_facts:
        for cooperative in context.cooperatives(cooperative_ids):
            rows.extend(
                request_instances(request_top(cooperative, all_facts, context.hidden)[0], at)
            )
    with transaction.atomic():
        stale = RequestMatch.objects.filter(
            cooperative_id__in=cooperative_ids, request_id__in=request_ids
        )
        # A row kept for a request's candidates keeps that flag (its worker refresh decides).
        kept_for_request = set(
            stale.filter(in_request_top=True).values_list("cooperative_id", "request_id")
        )
        stale.delete()
        for row in rows:
            row.in_request_top = (row.cooperative_id, row.request_id) in kept_for_request
        RequestMatch.objects.bulk_create(rows, batch_size=BATCH)
        if rows:
            trim_requests(cooperative_ids)
    return len(rows)
