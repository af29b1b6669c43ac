"""The refresh outbox: a change records what it touched as pending `MatchRefresh` rows, in
its own transaction, and rings the worker after commit.

The rows are the work (`processing` claims and runs them, a reader's catch-up applies them
first); the task is only a doorbell, so losing it delays the work until the sweep.
"""

from django.db.models import F
from django.utils import timezone

from core.queueing import after_commit, queue
from matches.models import MatchRefresh

PROCESS_TASK = "matches.process_refreshes"

CALL, REQUEST, COOPERATIVE = (
    MatchRefresh.Kind.CALL,
    MatchRefresh.Kind.REQUEST,
    MatchRefresh.Kind.COOPERATIVE,
)


def refresh_record(kind, object_ids):
    """Record that these objects changed (one pending row each), and ring the task after
    commit. Inside the caller's transaction: rolled back with it."""
    object_ids = sorted({pk for pk in object_ids if pk})
    if not object_ids:
        return
    MatchRefresh.objects.bulk_create(
        [MatchRefresh(kind=kind, object_id=pk) for pk in object_ids], ignore_conflicts=True
    )
    # One doorbell per transaction, however many rows it records.
    after_commit(queue_processing, once=True)


def queue_processing():
    """Queue the task; losing it is safe: `refreshes_sweep` finds the rows every minute."""
    queue(PROCESS_TASK)


def run_claimed(kind, object_ids, refresh, at):
    """Run `refresh(object_id)` for each object, its pending rows claimed first and marked
    done after: a change recorded meanwhile adds a new pending row, so none is lost."""
    object_ids = sorted(set(object_ids))
    now = timezone.now()
    rows = MatchRefresh.objects.pending().filter(kind=kind, object_id__in=object_ids)
    claimed = list(rows.values_list("pk", flat=True))
    MatchRefresh.objects.filter(pk__in=claimed).update(started_at=now, attempts=F("attempts") + 1)
    for object_id in object_ids:
        refresh(object_id, at=at)
    MatchRefresh.objects.filter(pk__in=claimed).update(done_at=timezone.now(), last_error="")
