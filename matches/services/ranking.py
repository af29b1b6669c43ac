"""The kept lists: their order, where one item enters them, trimming them to their cap, and
which cooperatives a change left with fewer visible rows than a page shows.

Shared by the scoped refreshes (`call_matches`, `request_matches`, `cooperative_matches`),
the reader's catch-up (`pairs`) and the daily prune. The caps are read from `matches.engine`
at call time (`engine.CALLS_KEPT`...), so they are set in one place.
"""

from collections import defaultdict

from django.db.models import Count, F, Window
from django.db.models.functions import Lower, RowNumber

from core.batching import chunked
from matches import engine
from matches.models import CallMatch, RequestMatch
from partnerships.models import PartnershipRequest

BATCH = 5000  # rows per INSERT


def call_order():
    return [F("score").desc(), F("call__next_deadline_at").asc(nulls_last=True), F("call_id")]


def request_order():
    return [F("score").desc(), Lower("request__title"), F("request_id")]


def ranked_tail(queryset, partition, order, first_rank, tie_field, object_field):
    """{partition id: {rank: (row pk, score, tie, object id)}} for the rows ranked
    `first_rank` or worse in each partition (one window query)."""
    tail = defaultdict(dict)
    ranked = queryset.annotate(
        rank=Window(RowNumber(), partition_by=[F(partition)], order_by=order)
    ).filter(rank__gte=first_rank)
    for part, rank, pk, score, tie, object_id in ranked.values_list(
        partition, "rank", "pk", "score", tie_field, object_field
    ):
        tail[part][rank] = (pk, score, tie, object_id)
    return tail


def call_tie(deadline):
    return deadline.timestamp() if deadline is not None else engine.NO_DEADLINE


def text_tie(text):
    return (text or "").lower()


def enter_tops(scored, previous, tail, size, tie):
    """Where one subject (a call, a request, a cooperative) stands in each object's kept
    list. `scored`: {object: sort key of the subject}; `previous`: {object: stored score}
    for the objects that kept it; `tail`: `ranked_tail` of the others, from rank size - 1.

    Returns (objects keeping it, row pks pushed out, objects to refresh: an edit lowered it
    to the bottom of a full list, where an unkept item may now rank above it)."""
    keep, pushed, refresh = set(), [], set()
    for obj, key in scored.items():
        ranks = tail.get(obj, {})
        if obj in previous:
            keep.add(obj)
            bottom = ranks.get(size - 1)
            if bottom and key > row_key(bottom, tie) and -key[0] < previous[obj]:
                refresh.add(obj)
        elif size in ranks and key > row_key(ranks[size], tie):
            continue  # the K-th of the others ranks above it
        else:
            keep.add(obj)
        pushed.extend(row[0] for rank, row in ranks.items() if rank >= size)
    return keep, pushed, refresh


def row_key(row, tie):
    """The sort key of a `ranked_tail` row, comparable with a scored subject's key."""
    _pk, score, tie_value, object_id = row
    return (-score, tie(tie_value), object_id)


def short_lists(model, cooperative_ids, before):
    """Cooperatives left with fewer visible rows than a page shows, that may have more
    matches: their list was full (`before`: {pk: rows before}) or holds hidden rows."""
    cooperative_ids = list(cooperative_ids)
    if not cooperative_ids:
        return []
    rows = model.objects.filter(cooperative_id__in=cooperative_ids)
    if model is RequestMatch:
        rows = rows.filter(in_cooperative_top=True)
    total = dict(
        rows.values("cooperative_id").annotate(n=Count("pk")).values_list("cooperative_id", "n")
    )
    visible = dict(
        rows.visible()
        .values("cooperative_id")
        .annotate(n=Count("pk"))
        .values_list("cooperative_id", "n")
    )
    full = engine.CALLS_KEPT if model is CallMatch else engine.REQUESTS_KEPT
    return [
        pk
        for pk in cooperative_ids
        if visible.get(pk, 0) < engine.SHOWN
        and (before.get(pk, 0) >= full or total.get(pk, 0) > visible.get(pk, 0))
    ]


def row_counts(model, cooperative_ids, **extra):
    """{cooperative pk: its rows}, the `before` of `short_lists`."""
    rows = model.objects.filter(cooperative_id__in=list(cooperative_ids), **extra)
    return dict(
        rows.values("cooperative_id").annotate(n=Count("pk")).values_list("cooperative_id", "n")
    )


def with_full_lists(model, object_ids, at_least, **extra):
    """Of these cooperatives, those with at least `at_least` rows (the only ones a window
    tail can concern): narrows the window query to the lists that are full."""
    counts = (
        model.objects.filter(**extra)
        .values("cooperative_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=at_least)
        .values_list("cooperative_id", flat=True)
    )
    return sorted(set(counts) & set(object_ids))


def unflag_request_rows(pks, flag):
    """Take these request rows out of one of the two lists that keep them (`flag`:
    "in_cooperative_top" or "in_request_top"); the rows left in neither are deleted."""
    if not pks:
        return
    for batch in chunked(pks, BATCH):
        RequestMatch.objects.filter(pk__in=batch).update(**{flag: False})
    RequestMatch.objects.filter(in_cooperative_top=False, in_request_top=False).delete()


def trim_calls(cooperative_ids):
    """Delete each of these cooperatives' rows beyond its `CALLS_KEPT` best."""
    tail = ranked_tail(
        CallMatch.objects.filter(cooperative_id__in=list(cooperative_ids)),
        "cooperative_id",
        call_order(),
        engine.CALLS_KEPT + 1,
        "call__next_deadline_at",
        "call_id",
    )
    pks = [row[0] for ranks in tail.values() for row in ranks.values()]
    CallMatch.objects.filter(pk__in=pks).delete()


def trim_requests(cooperative_ids):
    """Unflag each of these cooperatives' rows beyond its `REQUESTS_KEPT` best."""
    tail = ranked_tail(
        RequestMatch.objects.filter(
            cooperative_id__in=list(cooperative_ids), in_cooperative_top=True
        ),
        "cooperative_id",
        request_order(),
        engine.REQUESTS_KEPT + 1,
        "request__title",
        "request_id",
    )
    unflag_request_rows(
        [row[0] for ranks in tail.values() for row in ranks.values()], "in_cooperative_top"
    )


def open_requests(at, request_ids=None):
    """The requests that can be matched at `at` (open for interest), of `request_ids` if given."""
    requests = PartnershipRequest.objects.open_for_interest(at)
    if request_ids is not None:
        requests = requests.filter(pk__in=list(request_ids))
    return requests
