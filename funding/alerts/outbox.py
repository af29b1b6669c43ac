"""The instant alerts' outbox: a dispatch row written at publication, fan-out after commit.

Publishing writes an `AlertDispatch` row in the publishing transaction; after commit its task
matches the call (`instant.instant_recipients`) and writes `AlertChunk` rows of
`audience.CHUNK_SIZE` people, each sent by its own task (`instant.call_alerts_send`). The
work is in the database from then on, and the periodic sweep queues again whatever a lost
message or a dead worker left undone.

`queue_dispatch` and `queue_alert_chunk` are looked up here when they are called, so the
benchmark replaces them on this module to run the work itself.
"""

import datetime
import logging

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.batching import chunked
from core.queueing import after_commit, queue
from funding.alerts import audience, instant
from funding.alerts.instant import call_alerts_send
from funding.models import AlertChunk, AlertDispatch, Call

logger = logging.getLogger(__name__)

MAX_DISPATCH_ATTEMPTS = 5
DISPATCH_STALE_AFTER = datetime.timedelta(minutes=5)
# A chunk still pending this long after it was queued was probably lost by the broker.
CHUNK_REQUEUE_AFTER = datetime.timedelta(minutes=1)
CHUNK_REQUEUE_MAX = datetime.timedelta(minutes=30)
ANNOUNCE_WINDOW = datetime.timedelta(days=1)  # see unannounced_calls_record
ANNOUNCE_GRACE = datetime.timedelta(minutes=1)


def alert_dispatch_record(*, call):
    """Inside the publishing transaction: the outbox row that will send the instant alerts."""
    dispatch, created = AlertDispatch.objects.get_or_create(
        call=call, kind=AlertDispatch.Kind.PUBLISHED
    )
    if created:
        after_commit(queue_dispatch, dispatch.pk)
    return dispatch


def unannounced_calls_record(*, now=None):
    """Record the dispatch of published calls no entry point announced; returns how many.

    The admin form and action and the import call `services.call_announce` themselves; a
    call saved as published any other way (the shell, a script) is found here by the
    periodic sweep. Only calls published in the last ANNOUNCE_WINDOW, and at least
    ANNOUNCE_GRACE ago so that the themes and sectors set after the save are in place when
    the alerts are matched. Once per call: the dispatch row is unique per call.
    """
    now = now or timezone.now()
    announced = AlertDispatch.objects.filter(
        call=models.OuterRef("pk"), kind=AlertDispatch.Kind.PUBLISHED
    )
    calls = list(
        Call.objects.published()
        .filter(published_at__gt=now - ANNOUNCE_WINDOW, published_at__lte=now - ANNOUNCE_GRACE)
        .filter(~models.Exists(announced))
        .order_by("published_at", "pk")[:500]
    )
    for call in calls:
        with transaction.atomic():
            alert_dispatch_record(call=call)
    return len(calls)


def queue_dispatch(dispatch_id):
    """Queue the fan-out; losing this is safe: the periodic sweep finds unprocessed rows."""
    queue("funding.process_alert_dispatch", dispatch_id, queue=settings.FUNDING_ALERTS_QUEUE)


def alert_dispatch_process(*, dispatch_id, now=None):
    """Match a published call against every instant alert and write its fan-out chunks.

    Claims the row with a conditional update (attempts + 1, committed before the work, so a
    worker that dies on it still counts); gives up after MAX_DISPATCH_ATTEMPTS claims and
    leaves it failed for staff. The chunks (`AlertChunk`, CHUNK_SIZE people each) are written
    in the same transaction that marks the dispatch processed, and queued after commit: from
    then on the work is in the database, and a chunk whose task the broker loses is queued
    again by `alert_dispatches_sweep`. Returns the number of recipients.
    """
    now = now or timezone.now()
    claimed = AlertDispatch.objects.filter(
        pk=dispatch_id, processed_at__isnull=True, failed_at__isnull=True
    ).update(attempts=F("attempts") + 1, started_at=now)
    if not claimed:
        return 0
    dispatch = AlertDispatch.objects.select_related("call").get(pk=dispatch_id)
    if dispatch.attempts > MAX_DISPATCH_ATTEMPTS:
        AlertDispatch.objects.filter(pk=dispatch_id).update(
            failed_at=now, last_error="Too many attempts: the worker stopped each time."
        )
        return 0
    recipients = (
        instant.instant_recipients(dispatch.call, at=now) if dispatch.call.is_published else {}
    )
    entries = [
        [user_id, found["searches"], found["cooperative_alerts"]]
        for user_id, found in sorted(recipients.items())
    ]
    with transaction.atomic():
        # Two workers may both have matched (a redelivery racing the sweep): only the one
        # that marks the row processed writes chunks.
        if not AlertDispatch.objects.filter(pk=dispatch_id, processed_at__isnull=True).update(
            processed_at=now, recipients=len(entries)
        ):
            return 0
        chunks = AlertChunk.objects.bulk_create(
            AlertChunk(dispatch_id=dispatch_id, entries=batch, times_queued=1, queued_at=now)
            for batch in chunked(entries, audience.CHUNK_SIZE)
        )
        # bulk_create returns the pks on PostgreSQL and SQLite (RETURNING).
        after_commit(_queue_chunks, [chunk.pk for chunk in chunks])
    return len(entries)


def _queue_chunks(chunk_ids):
    for chunk_id in chunk_ids:
        queue_alert_chunk(chunk_id)


def queue_alert_chunk(chunk_id):
    """Queue one chunk; losing this is safe: the sweep re-queues chunks left pending."""
    queue("funding.send_alert_chunk", chunk_id, queue=settings.FUNDING_ALERTS_QUEUE)


def alert_chunk_send(*, chunk_id, at=None):
    """Write the alert emails of one chunk and mark it done, in one transaction.

    Counts an attempt first (committed), so a chunk that keeps killing its worker is failed
    after MAX_DISPATCH_ATTEMPTS instead of being re-queued for ever. A chunk already done
    (a duplicate message, a re-queue racing the first run) writes nothing. Returns new emails.
    """
    at = at or timezone.now()
    pending = AlertChunk.objects.filter(pk=chunk_id, state=AlertChunk.State.PENDING)
    if not pending.update(attempts=F("attempts") + 1):
        return 0
    chunk = AlertChunk.objects.select_related("dispatch").get(pk=chunk_id)
    if chunk.attempts > MAX_DISPATCH_ATTEMPTS:
        pending.update(state=AlertChunk.State.FAILED, done_at=at)
        logger.error("Alert chunk %s failed: the worker stopped on each attempt", chunk_id)
        return 0
    with transaction.atomic():
        written = call_alerts_send(call_id=chunk.dispatch.call_id, entries=chunk.entries, at=at)
        pending.update(state=AlertChunk.State.DONE, done_at=at, emails=F("emails") + written)
    return written


def alert_dispatches_sweep(*, now=None):
    """Queue again the work whose task was lost (a broker that dropped its queue, a kick that
    failed) or whose worker died: dispatch rows not processed, and chunks still pending.

    A pending chunk may merely be waiting in a long broker queue, so each re-queue waits
    longer than the one before (CHUNK_REQUEUE_AFTER, doubled per time queued, at most
    CHUNK_REQUEUE_MAX): a lost chunk is found within a minute or two, and a backlog does not
    fill the broker with copies. Returns the number of dispatches and chunks queued.
    """
    now = now or timezone.now()
    unannounced_calls_record(now=now)  # published from the shell: the dispatch they lack
    stale = AlertDispatch.objects.filter(processed_at__isnull=True, failed_at__isnull=True).filter(
        Q(started_at__isnull=True, created_at__lt=now - datetime.timedelta(minutes=1))
        | Q(started_at__lt=now - DISPATCH_STALE_AFTER)
    )
    ids = list(stale.values_list("pk", flat=True)[:500])
    for dispatch_id in ids:
        queue_dispatch(dispatch_id)
    pending = AlertChunk.objects.filter(
        state=AlertChunk.State.PENDING, queued_at__lt=now - CHUNK_REQUEUE_AFTER
    ).order_by("queued_at", "pk")
    requeue = [
        chunk_id
        for chunk_id, queued_at, times in pending.values_list("pk", "queued_at", "times_queued")[
            :2000
        ]
        if queued_at < now - min(CHUNK_REQUEUE_AFTER * 2 ** max(times - 1, 0), CHUNK_REQUEUE_MAX)
    ][:500]
    if requeue:
        AlertChunk.objects.filter(pk__in=requeue).update(
            queued_at=now, times_queued=F("times_queued") + 1
        )
        for chunk_id in requeue:
            queue_alert_chunk(chunk_id)
    return len(ids) + len(requeue)
