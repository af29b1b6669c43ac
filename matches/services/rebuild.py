"""The full rebuild (`manage.py rebuild_matches`): every kept match recomputed, set-based,
after a bulk import or to repair."""

import heapq
import io
import json
from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone

from core.batching import chunked
from matches import engine
from matches.models import CallMatch, MatchRefresh, RequestMatch
from matches.services.ranking import BATCH
from matches.services.tops import call_top, request_instances, request_top

CHUNK = 1000  # cooperatives scored per transaction in the rebuild
COOPERATIVE_TOP = {"in_cooperative_top": True, "in_request_top": False}
INSERT_ROWS = 1000  # rows per raw INSERT (7,000 parameters: within SQLite's limit)


def matches_rebuild(*, at=None, progress=None):
    """Recompute every kept match, set-based: every fact loaded once (compact), cooperatives
    scored `CHUNK` at a time against the inverted indexes, each chunk's rows replaced in its
    own transaction (pages keep reading the previous rows until then); then the requests'
    best candidates marked, and rows of closed calls, closed requests and inactive
    cooperatives removed. Memory is bounded by the facts (ids), not by the pairs. The
    pending refreshes older than the start are marked done. Returns (call rows, request
    rows)."""
    at = at or timezone.now()
    started = timezone.now()
    vocabulary = engine.Vocabulary.load()
    calls = engine.load_calls(at, vocabulary)
    call_index = engine.CallIndex(calls.facts)
    cooperatives = engine.load_cooperatives(vocabulary)
    all_facts = engine.load_requests(at, vocabulary, owners=cooperatives)
    requests = engine.RequestIndex(all_facts)
    by_request = {facts.request.pk: facts for facts in all_facts}
    ranks = engine.name_ranks(cooperatives)
    hidden = engine.Hidden()
    # Per request, its best candidates so far: a min-heap of (score, -name rank, pk), the
    # worst on top; codes are scored again at the end for the few kept.
    heaps = defaultdict(list)
    total_calls = total_requests = 0
    ids = sorted(cooperatives)
    for number, chunk in enumerate(chunked(ids, CHUNK), start=1):
        with transaction.atomic():
            # Pages read the previous rows of this chunk until the commit.
            CallMatch.objects.filter(cooperative_id__in=chunk).delete()
            RequestMatch.objects.filter(cooperative_id__in=chunk).delete()
            call_rows, request_rows = [], []
            for pk in chunk:
                cooperative = cooperatives[pk]
                call_rows.extend(call_top(cooperative, calls, call_index, vocabulary, hidden))
                rows, fits = request_top(cooperative, requests.for_cooperative(cooperative), hidden)
                request_rows.extend(rows)
                entry_rank = -ranks[pk]
                for request_id, (score, _codes, _facts) in fits.items():
                    if (request_id, pk) in hidden.candidates:
                        continue
                    heap = heaps[request_id]
                    entry = (score, entry_rank, pk)
                    if len(heap) < engine.CANDIDATES_KEPT:
                        heapq.heappush(heap, entry)
                    elif entry > heap[0]:
                        heapq.heapreplace(heap, entry)
                if len(call_rows) >= BATCH:
                    total_calls += len(call_rows)
                    call_rows = _fast_insert(CallMatch, call_rows, at)
                if len(request_rows) >= BATCH:
                    total_requests += len(request_rows)
                    request_rows = _fast_insert(
                        RequestMatch, request_rows, at, flags=COOPERATIVE_TOP
                    )
            total_calls += len(call_rows)
            total_requests += len(request_rows)
            _fast_insert(CallMatch, call_rows, at)
            _fast_insert(RequestMatch, request_rows, at, flags=COOPERATIVE_TOP)
        if progress:
            progress(min(number * CHUNK, len(ids)), len(ids), total_calls, total_requests)
    with transaction.atomic():
        rows = []
        for request_id, heap in heaps.items():
            facts = by_request[request_id]
            kept = [
                (pk, request_id, *engine.request_fit(facts, cooperatives[pk]))
                for _score, _rank, pk in heap
            ]
            rows.extend(request_instances(kept, at, in_cooperative_top=False, in_request_top=True))
            if len(rows) >= BATCH:
                _upsert_candidates(rows)
                rows = []
        _upsert_candidates(rows)
        CallMatch.objects.exclude(call_id__in=engine.gated_calls(at).values("pk")).delete()
        RequestMatch.objects.exclude(request_id__in=list(by_request)).delete()
        CallMatch.objects.filter(cooperative__is_active=False).delete()
        RequestMatch.objects.filter(cooperative__is_active=False).delete()
        MatchRefresh.objects.pending().filter(created_at__lte=started).update(
            started_at=started, done_at=timezone.now()
        )
    return total_calls, total_requests


def _upsert_candidates(rows):
    """Insert the requests' best candidates; a row the cooperative's top already holds gets
    the flag only (one upsert per batch). Returns the number of rows given."""
    if rows:
        RequestMatch.objects.bulk_create(
            rows,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["cooperative", "request"],
            update_fields=["in_request_top"],
        )
    return len(rows)


def _fast_insert(model, rows, at, flags=None):
    """INSERT rows (cooperative, object, score, codes) with one multi-row statement per
    `INSERT_ROWS` rows and no model instances (the rebuild writes about a million); `flags`:
    {column: value} set on every row. Returns an empty list (the caller's next batch)."""
    if not rows:
        return []
    table = model._meta.db_table
    other = "call_id" if model is CallMatch else "request_id"
    flags = flags or {}
    columns = ["cooperative_id", other, "score", "reasons", "computed_at", *flags]
    quote = connection.ops.quote_name
    stamp = connection.ops.adapt_datetimefield_value(at)
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    flag_values = tuple(flags.values())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: about five times faster than multi-row INSERTs at this volume.
            text = io.StringIO()
            tail = "".join("\t" + ("t" if value else "f") for value in flag_values)
            when = at.isoformat()
            for cooperative_id, object_id, score, codes in rows:
                reasons = json.dumps(codes).replace("\\", "\\\\")
                text.write(f"{cooperative_id}\t{object_id}\t{score}\t{reasons}\t{when}{tail}\n")
            text.seek(0)
            cursor.cursor.copy_expert(
                f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN",
                text,
            )
            return []
        for batch in chunked(rows, INSERT_ROWS):
            params = []
            for cooperative_id, object_id, score, codes in batch:
                params.extend((cooperative_id, object_id, score, json.dumps(codes), stamp))
                params.extend(flag_values)
            cursor.execute(
                f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
                f"VALUES {', '.join([placeholder] * len(batch))}",
                params,
            )
    return []
