"""The worker's side of the outbox: pending refreshes claimed one by one and run, and the
periodic sweep of the rows whose task was lost or whose worker died."""

import logging

from django.db.models import F, Q
from django.utils import timezone

from matches.models import MatchRefresh
from matches.services.call_matches import call_matches_refresh
from matches.services.cooperative_matches import cooperative_matches_refresh
from matches.services.outbox import CALL, COOPERATIVE, REQUEST
from matches.services.request_matches import request_matches_refresh

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STALE_AFTER = timezone.timedelta(minutes=10)  # a claimed row not done by then: worker died
SWEEP_AFTER = timezone.timedelta(minutes=1)  # a pending row this old: its task was lost

REFRESHERS = {
    COOPERATIVE: cooperative_matches_refresh,
    CALL: call_matches_refresh,
    REQUEST: request_matches_refresh,
}
# Cooperatives first: they queue their own requests, done in the same run.
ORDER = {COOPERATIVE: 0, CALL: 1, REQUEST: 2}


def _claimable(now):
    return MatchRefresh.objects.pending().filter(
        Q(started_at__isnull=True) | Q(started_at__lt=now - STALE_AFTER),
        attempts__lt=MAX_ATTEMPTS,
    )


def refreshes_process(*, older_than=None, limit=500, now=None):
    """Process pending refreshes (cooperatives first: they queue their requests), each
    claimed by a conditional update before its work. Returns the number done."""
    now = now or timezone.now()
    done = 0
    rows = _claimable(now)
    if older_than is not None:
        rows = rows.filter(created_at__lte=now - older_than)
    found = sorted(
        rows.values_list("pk", "kind", "object_id", "started_at")[:limit],
        key=lambda row: (ORDER[row[1]], row[0]),
    )
    for pk, kind, object_id, started_at in found:
        claimed = MatchRefresh.objects.filter(pk=pk, started_at=started_at, done_at__isnull=True)
        if not claimed.update(started_at=timezone.now(), attempts=F("attempts") + 1):
            continue  # another worker took it
        try:
            REFRESHERS[kind](object_id)
        except Exception as error:
            logger.exception("Match refresh %s %s failed", kind, object_id)
            MatchRefresh.objects.filter(pk=pk).update(last_error=repr(error)[:2000])
            continue
        MatchRefresh.objects.filter(pk=pk).update(done_at=timezone.now(), last_error="")
        done += 1
    return done


def refreshes_sweep(*, now=None):
    """Periodic: rows whose task was lost (pending a minute) or whose worker died."""
    return refreshes_process(older_than=SWEEP_AFTER, now=now)
