"""Reads of calls shared by pages outside the catalogue."""

from django.db.models import Prefetch
from django.utils import timezone

from funding.models import Call, Deadline

# What a call card outside the catalogue never shows: the long texts and the search index.
CARD_DEFERRED = ("description", "summary", "search_vector")


def closing_calls(*, limit=6, at=None):
    """Published open calls ordered by their next deadline, the closest `limit` of them.

    A fixed number of queries, whose work does not grow with the catalogue: the closest
    calls are found on the indexed `next_deadline_at` column with a LIMIT, together with the
    few whose stored next deadline has just passed (a stage closed, the daily roll has not
    run yet: their real next deadline is later and may still be among the closest); only
    those candidates get the exact `closing_soon` ordering and their deadlines prefetched.

    The stored column is right for any instant after the last refresh; for an instant in
    the past (`at` given, earlier than now) the exact ordering runs over every open call.
    """
    now = timezone.now()
    at = at or now
    calls = Call.objects.published()
    if at >= now:
        open_calls = calls.open(at)
        ahead = (
            open_calls.filter(next_deadline_at__gte=at)
            .order_by("next_deadline_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        passed = open_calls.filter(next_deadline_at__lt=at, last_deadline_at__gte=at)
        calls = calls.filter(pk__in=[*ahead, *passed.values_list("pk", flat=True)])
    return list(
        calls.closing_soon(at)
        .defer(*CARD_DEFERRED)
        .select_related("programme")
        .prefetch_related(Prefetch("deadlines", queryset=Deadline.objects.order_by("due_at")))[
            :limit
        ]
    )
