"""Running the source queries: fetch from the F&T portal, import, mark what disappeared.

A query's run fetches every page of every keyword first and imports only when all came
in, so a network failure halfway imports nothing and marks nothing: the run is recorded as
failed on the query, with one log line, and tomorrow's run tries again. A topic found by
several keywords or queries is imported once per run.

Disappeared topics: after a complete run, a call this query found before, that it no
longer finds and that is still open or forthcoming by its own dates, gets `missing_since`
(the call is kept; its page says the EU portal no longer lists it). A call whose deadlines
have all passed drops out of an open-and-forthcoming search because it closed, and is not
marked. Found again, the mark goes.
"""

import logging
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from core import versions
from core.batching import chunked
from funding.eu_topics import client, importer
from funding.eu_topics.mapping import MalformedRecord, topic_from
from funding.eu_topics.models import SourceQuery
from funding.feeds import CATALOGUE
from funding.models import Call, CallProvenance, status_conditions

logger = logging.getLogger(__name__)
CHUNK = 500  # calls a marking query names at once (SQLite's limit on parameters is far)


@dataclass
class Run:
    """What one query's run did."""

    query: SourceQuery
    fetched: int = 0
    report: importer.Report = field(default_factory=importer.Report)
    missing: list = field(default_factory=list)
    error: str = ""

    def counts(self):
        r = self.report
        return {
            "fetched": self.fetched,
            **{name: len(getattr(r, name)) for name in importer.COUNTS},
            "missing": len(self.missing),
        }


def _identifier(record):
    try:
        return topic_from(record).identifier
    except MalformedRecord:
        return None


def fetch(query, *, session=None, sleep=None, on_page=None):
    """The query's records, one per topic (a topic found by several keywords once)."""
    kwargs = {"session": session, "on_page": on_page}
    if sleep is not None:
        kwargs["sleep"] = sleep
    records, seen = [], set()
    for text in query.keyword_list() or ["***"]:
        for record in client.search(text, query.search_query(), **kwargs):
            identifier = _identifier(record)
            if identifier is not None and identifier.casefold() in seen:
                continue
            if identifier is not None:
                seen.add(identifier.casefold())
            records.append(record)
    return records


def _mark_found(query, call_ids):
    """The calls found in this run: found last by this query, and no longer missing."""
    unmarked = 0
    for chunk in chunked(call_ids, CHUNK):
        found = CallProvenance.objects.filter(call_id__in=chunk)
        found.exclude(seen_by=query).update(seen_by=query)
        unmarked += found.filter(missing_since__isnull=False).update(missing_since=None)
    if unmarked:
        versions.bump(CATALOGUE)


def _mark_missing(query, now):
    """Calls this query found before and not in this run (every topic found was checked at
    `now`), still open or forthcoming: marked."""
    closed = status_conditions(now, prefix="call__")[Call.Status.CLOSED]
    newly = (
        CallProvenance.objects.filter(seen_by=query, checked_at__lt=now)
        .filter(missing_since__isnull=True)
        .exclude(closed)
    )
    missing = list(newly.values_list("source_identifier", flat=True))
    if CallProvenance.objects.filter(seen_by=query, source_identifier__in=missing).update(
        missing_since=now
    ):
        # Call pages show the mark: their cached fragments are of the catalogue's version.
        versions.bump(CATALOGUE)
    for identifier in missing:
        logger.info("EU topic %s is no longer in source query %r", identifier, query.name)
    return missing


def query_run(
    query, *, session=None, sleep=None, now=None, on_page=None, progress=None, records=None
):
    """Run one source query; returns its Run (also kept on the query).

    `records` skips the network (saved output); `on_page(n, total)` is called for each
    page fetched and `progress(n, total)` for each record imported (a progress bar).
    """
    now = now or timezone.now()
    run = Run(query=query)
    try:
        if records is None:
            records = fetch(query, session=session, sleep=sleep, on_page=on_page)
    except client.SourceUnavailable as error:
        run.error = str(error)
        logger.error("EU source query %r failed, nothing imported: %s", query.name, error)
    else:
        run.fetched = len(records)
        found = []
        for n, record in enumerate(records, start=1):
            try:
                call = importer.import_record(
                    record, publish=query.publish, now=now, report=run.report
                )
            except MalformedRecord as error:
                what = f"{query.name} record {n}"
                logger.warning("EU topic import: %s rejected: %s", what, error)
                run.report.rejected.append((what, str(error)))
            else:
                found.append(call.pk)
            if progress is not None:
                progress(n, len(records))
        _mark_found(query, found)
        run.missing = _mark_missing(query, now)
    SourceQuery.objects.filter(pk=query.pk).update(
        last_run_at=now,
        last_run_ok=not run.error,
        last_run_counts={} if run.error else run.counts(),
        last_run_error=run.error,
    )
    return run


def queries_run(queries=None, **kwargs):
    """Run the given (default: every active) source query; returns their Runs."""
    if queries is None:
        queries = SourceQuery.objects.filter(active=True)
    return [query_run(query, **kwargs) for query in queries]


def missing_calls():
    """Calls imported from the F&T portal that it no longer lists."""
    return Call.objects.filter(~Q(provenance__missing_since=None))
