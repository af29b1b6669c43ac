"""Alert tasks: thin, they load by id and call `funding.alerts`.

All of them are safe to run twice (the delivery ledger's keys, the dispatch row's claim, the
digest runs), so they use acks_late + reject_on_worker_lost: a killed worker's message goes
to another worker. Fan-out tasks carry only the id of an `AlertChunk` row (at most
`audience.CHUNK_SIZE` recipients) and finish in seconds, far inside the broker's visibility
timeout. The dispatch and chunk rows count their attempts and are marked failed beyond
`alerts.MAX_DISPATCH_ATTEMPTS`, which caps redeliveries of a message that kills its worker.

Nothing depends on the broker keeping a message: the work is in the database (dispatch and
chunk rows, DigestRun rows, ledger keys) and the periodic jobs find what a lost message left
undone: `sweep_alert_dispatches` every minute, the digest and reminder re-runs every hour of
the morning.
"""

import datetime

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from core.batching import chunked
from core.queueing import RELIABLE
from funding import alerts
from funding.alerts import audience
from funding.eu_topics import sync
from funding.eu_topics.models import SourceQuery
from funding.models import Call


def _queue(task, *args):
    return task.apply_async(args=list(args), queue=settings.FUNDING_ALERTS_QUEUE)


def _parse(at):
    return datetime.datetime.fromisoformat(at) if at else timezone.now()


@shared_task(name="funding.process_alert_dispatch", **RELIABLE)
def process_alert_dispatch(dispatch_id):
    """A call was published: find the instant alerts it matches, queue the fan-out chunks."""
    return alerts.alert_dispatch_process(dispatch_id=dispatch_id)


@shared_task(name="funding.send_alert_chunk", **RELIABLE)
def send_alert_chunk(chunk_id):
    """Write the instant alert emails of one `AlertChunk` (up to CHUNK_SIZE people)."""
    return alerts.alert_chunk_send(chunk_id=chunk_id)


@shared_task(name="funding.send_call_alerts_chunk", **RELIABLE)
def send_call_alerts_chunk(call_id, entries):
    """Messages queued before chunks were kept in the database: still honoured on upgrade."""
    return alerts.call_alerts_send(call_id=call_id, entries=entries)


@shared_task(name="funding.sweep_alert_dispatches", ignore_result=True)
def sweep_alert_dispatches():
    """Periodic: queue again the dispatches and chunks whose task was lost or whose worker died."""
    return alerts.alert_dispatches_sweep()


@shared_task(name="funding.send_digests", **RELIABLE)
def send_digests(frequency, at=None):
    """Periodic: split the people with daily (weekly) alerts into chunks and queue them.

    Only people whose digest of this period is not written yet: the scheduled re-runs later
    in the morning fill in what a lost chunk (a broker that dropped its queue) left out.
    """
    at = at or timezone.now().isoformat()
    user_ids = alerts.digest_due_user_ids(frequency, alerts.digest_user_ids(frequency), _parse(at))
    if not user_ids:
        return 0
    # Matched once for the run; each chunk gets the small {query: call ids} map.
    matches = alerts.digest_matches(frequency, at=_parse(at))
    for batch in chunked(user_ids, audience.CHUNK_SIZE):
        _queue(build_digests_chunk, frequency, batch, at, matches)
    return len(user_ids)


@shared_task(name="funding.build_digests_chunk", **RELIABLE)
def build_digests_chunk(frequency, user_ids, at=None, matches=None):
    """Write the digests of up to CHUNK_SIZE people (the same `at` for all chunks of a run)."""
    return alerts.digests_build(
        frequency=frequency, user_ids=user_ids, at=_parse(at), matches=matches
    )


@shared_task(name="funding.send_reminders", **RELIABLE)
def send_reminders(at=None):
    """Periodic: queue the deadline reminders due today, in chunks of people."""
    at = at or timezone.now().isoformat()
    user_ids = alerts.reminder_user_ids(at=_parse(at))
    for batch in chunked(user_ids, audience.CHUNK_SIZE):
        _queue(send_reminders_chunk, batch, at)
    return len(user_ids)


@shared_task(name="funding.send_reminders_chunk", **RELIABLE)
def send_reminders_chunk(user_ids, at=None):
    return alerts.reminders_send(user_ids=user_ids, at=_parse(at))


@shared_task(name="funding.roll_call_deadlines", ignore_result=True)
def roll_call_deadlines():
    """Periodic: move the stored next deadline on for calls whose next deadline has passed.

    Lists read the stored column (exact meanwhile too, at the cost of a subquery per stale
    row): the roll keeps that cost to the few calls whose stage closed in the last minutes.
    """
    return Call.objects.roll_deadlines()


@shared_task(name="funding.import_eu_calls", ignore_result=True)
def import_eu_calls(query_ids=None):
    """The daily import from the EU Funding & Tenders portal: every active source query, or
    the ones given (the admin's "Run now"). Offline, each query fails with one log line and is
    recorded as failed; tomorrow's run tries again. A query already running is skipped."""
    queries = SourceQuery.objects.filter(active=True)
    if query_ids is not None:
        queries = SourceQuery.objects.filter(pk__in=query_ids)
    for query in queries:
        lock = f"funding:eu-source-query:{query.pk}"
        if not cache.add(lock, "running", timeout=3600):
            continue
        try:
            sync.query_run(query)
        finally:
            cache.delete(lock)
