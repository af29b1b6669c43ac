"""The background jobs timed in-process against the LARGE database, one per subprocess (so
its peak RSS is its own). Each calls the functions the Celery tasks call, one chunk after
another as a single worker would; emails are rendered into the ledger, never sent.

Every measurement returns a dict; a function the checkout does not have is reported, not
guessed at.
"""

import time
from datetime import timedelta

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from benchmark.data import model
from core.batching import chunked


class QueryCounter:
    """Counts statements (CaptureQueriesContext keeps only the last 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


def _quiet_mail():
    """Build the emails, do not send them: the sender is not what is measured."""
    from core import mail

    mail.kick_sender = lambda: None


def _alerts_part(name):
    """The module of the call alerts that looks up what the benchmark replaces or reads: the
    `funding.alerts` package's submodule `name` (`outbox`, `audience`), or, in a checkout
    from before the package, the one `funding.alerts` module."""
    from funding import alerts

    return getattr(alerts, name, alerts)


def _row_count(result):
    """Rows a refresh kept: it returns a count or a tuple of counts (calls, requests)."""
    if isinstance(result, (list, tuple)):
        return [_row_count(part) for part in result]
    return result if isinstance(result, int) else None


def _new_call(slug):
    """A draft copy of an open benchmark call that cooperatives may apply to, to publish."""
    from funding.matching import APPLICANT_CODES, HOME_COUNTRY

    Call = model("funding.Call")
    source = (
        Call.objects.published()
        .eligible_in(HOME_COUNTRY)
        .open_to_applicants(APPLICANT_CODES)
        .filter(slug__startswith="bench-call-", deadlines__due_at__gt=timezone.now())
        .order_by("pk")
        .first()
    )
    call = Call.objects.get(pk=source.pk)
    call.pk = None
    call._state.adding = True
    call.slug = slug
    call.identifier = f"{source.identifier}-NEW"
    call.publication_state = Call.PublicationState.DRAFT
    call.published_at = None
    call.save()
    call.themes.set(source.themes.all())
    call.sectors.set(source.sectors.all())
    call.applicant_types.set(source.applicant_types.all())
    for deadline in source.deadlines.all():
        deadline.pk = None
        deadline.call = call
        deadline.save()
    return call


def fanout():
    """Publish one new call and time matching it against every saved search (all instant)."""
    from funding import alerts, services

    _quiet_mail()
    dispatched = []
    outbox = _alerts_part("outbox")
    outbox.queue_dispatch = dispatched.append  # run below, timed, not on commit
    outbox.queue_alert_chunk = lambda chunk_id: None  # chunks are run below, one by one
    SavedSearch, AlertDispatch = model("funding.SavedSearch"), model("funding.AlertDispatch")
    SavedSearch.objects.update(frequency="instant", is_active=True)
    searches = SavedSearch.objects.count()
    cooperative_alerts = (
        model("funding.CooperativeAlert")
        .objects.filter(frequency="instant", is_active=True)
        .count()
    )
    call = _new_call("bench-fanout")
    with transaction.atomic():
        services.calls_publish(calls=model("funding.Call").objects.filter(pk=call.pk))
    dispatch = AlertDispatch.objects.get(call=call)
    with QueryCounter() as queries:
        started = time.perf_counter()
        recipients = alerts.alert_dispatch_process(dispatch_id=dispatch.pk)
        seconds = time.perf_counter() - started
    chunks = list(dispatch.chunks.values_list("pk", flat=True))
    started = time.perf_counter()
    emails = sum(alerts.alert_chunk_send(chunk_id=chunk_id) for chunk_id in chunks)
    send_seconds = time.perf_counter() - started
    return {
        "searches": searches,
        "cooperative_alerts": cooperative_alerts,
        "recipients": recipients,
        "chunks": len(chunks),
        "seconds": round(seconds, 2),
        "queries": queries.count,
        "emails": emails,
        "send_seconds": round(send_seconds, 1),
    }


def digests(frequency):
    """Every saved search set to `frequency`: the run's digests, chunk after chunk."""
    from funding import alerts

    _quiet_mail()
    chunk_size = _alerts_part("audience").CHUNK_SIZE
    SavedSearch = model("funding.SavedSearch")
    SavedSearch.objects.update(frequency=frequency, is_active=True)
    model("funding.DigestRun").objects.all().delete()
    at = timezone.now()
    with QueryCounter() as queries:
        started = time.perf_counter()
        user_ids = alerts.digest_due_user_ids(frequency, alerts.digest_user_ids(frequency), at)
        matches = alerts.digest_matches(frequency, at=at)
        emails = chunks = 0
        for batch in chunked(user_ids, chunk_size):
            emails += alerts.digests_build(
                frequency=frequency, user_ids=batch, at=at, matches=matches
            )
            chunks += 1
        seconds = time.perf_counter() - started
    # Again as the documented worker runs the chunks (docker-compose: --concurrency=2).
    model("funding.DigestRun").objects.all().delete()
    model("core.Delivery").objects.filter(kind=f"digest-{frequency}").delete()
    started = time.perf_counter()
    pooled_emails = _digest_chunks_in_processes(
        frequency, list(chunked(user_ids, chunk_size)), at, matches, WORKER_PROCESSES
    )
    pooled_seconds = time.perf_counter() - started
    return {
        "people": len(user_ids),
        "searches": SavedSearch.objects.count(),
        "emails": emails,
        "chunks": chunks,
        "seconds": round(seconds, 1),
        "queries": queries.count,
        "worker_processes": WORKER_PROCESSES,
        "pooled_seconds": round(pooled_seconds, 1),
        "pooled_emails": pooled_emails,
    }


# The worker of docker-compose.yml runs two processes (--concurrency=2, the machine's cores).
WORKER_PROCESSES = 2
_RUN = {}  # what the forked processes inherit: the run's frequency, instant and matches


def _digest_chunks_in_processes(frequency, batches, at, matches, processes):
    """The run's chunks shared by `processes` forked processes, as a Celery prefork pool takes
    them: the run's matches are computed once (by the fan-out task) and inherited, not sent.
    Returns the emails written."""
    import multiprocessing

    from django.db import connections

    _RUN.update(frequency=frequency, at=at, matches=matches)
    connections.close_all()  # each process opens its own connection
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return sum(pool.imap_unordered(_digest_chunk, batches))


def _digest_chunk(user_ids):
    from funding import alerts

    return alerts.digests_build(
        frequency=_RUN["frequency"], user_ids=user_ids, at=_RUN["at"], matches=_RUN["matches"]
    )


def matchmaking():
    """The weekly matchmaking digest of every member, chunk after chunk."""
    from partnerships import digest

    _quiet_mail()
    model("partnerships.MatchmakingDigestRun").objects.all().delete()
    at = timezone.now() + timedelta(minutes=1)
    with QueryCounter() as queries:
        started = time.perf_counter()
        user_ids = digest.digest_user_ids()
        emails = chunks = 0
        for batch in chunked(user_ids, digest.CHUNK_SIZE):
            emails += digest.digests_build(user_ids=batch, at=at)
            chunks += 1
        seconds = time.perf_counter() - started
    return {
        "people": len(user_ids),
        "cooperatives": model("members.Cooperative").objects.count(),
        "emails": emails,
        "chunks": chunks,
        "seconds": round(seconds, 1),
        "queries": queries.count,
    }


def matches():
    """Recompute the stored matches of one new call and of one edited profile, if stored."""
    if not apps.is_installed("matches"):
        return {"stored": False}
    # The app other changes add; absent before them.
    from matches.services.call_matches import call_matches_refresh
    from matches.services.cooperative_matches import cooperative_matches_refresh

    _quiet_mail()
    call = _new_call("bench-matches")
    Call = model("funding.Call")
    Call.objects.filter(pk=call.pk).update(
        publication_state=Call.PublicationState.PUBLISHED, published_at=timezone.now()
    )
    call.refresh_from_db()
    # Timed inside a transaction, so what a refresh queues for later (a profile's own
    # requests, whose facts read their owner's profile) runs after the clock stops, as the
    # next task would in a worker.
    with transaction.atomic(), QueryCounter() as call_queries:
        started = time.perf_counter()
        call_rows = call_matches_refresh(call)
        call_seconds = time.perf_counter() - started
    cooperative = model("members.Cooperative").objects.get(slug="cooperativa-bench-00000")
    with transaction.atomic(), QueryCounter() as profile_queries:
        started = time.perf_counter()
        profile_rows = cooperative_matches_refresh(cooperative)
        profile_seconds = time.perf_counter() - started
    return {
        "stored": True,
        "call_rows": _row_count(call_rows),
        "profile_rows": _row_count(profile_rows),
        "call_seconds": round(call_seconds, 2),
        "call_queries": call_queries.count,
        "profile_seconds": round(profile_seconds, 3),
        "profile_queries": profile_queries.count,
    }


MEASUREMENTS = {
    "fanout": fanout,
    "daily": lambda: digests("daily"),
    "weekly": lambda: digests("weekly"),
    "matchmaking": matchmaking,
    "matches": matches,
}
