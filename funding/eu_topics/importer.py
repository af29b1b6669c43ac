"""Writing F&T topics as calls of the catalogue.

Idempotent: a topic is one call, found again by its provenance (source and identifier), so
importing the same records twice changes nothing. A call staff entered by hand with the
same identifier is linked, not duplicated. What staff changed by hand stays theirs: the
provenance keeps the values the last import wrote, a field whose value differs from them was
edited, and the import leaves it and notes what the source says instead (`differences`).
New topics land as drafts for staff to review (/staff/ lists them), or are published
through the one publishing service when asked, so instant alerts and matches follow.
Each record is written in its own transaction: a malformed one is reported and skipped,
never half-saved. A call the source changed gets an entry in the audit log (which fields)
and, when its deadlines moved and it is published, its followers one email.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.models import AuditEntry
from core.slugs import unique_slug
from funding import alerts, services
from funding.eu_topics.mapping import PROGRAMMES, MalformedRecord, topic_from
from funding.eu_topics.models import SOURCE_STATUS_WORDS
from funding.models import Call, CallProvenance, Deadline, Programme

logger = logging.getLogger(__name__)

SOURCE = CallProvenance.Source.EU_FUNDING_TENDERS
SOURCE_LABEL = "EU Funding & Tenders portal"
SUMMARY_LENGTH = 400
SOURCE_STATUS = "source_status"
# The fields the import writes, each compared with what it wrote last time.
FIELDS = [
    "title",
    "identifier",
    "official_url",
    "opens_at",
    "total_budget",
    "description",
    "summary",
    "deadlines",
]
# F&T topics are in English: their texts fill the English columns, never staff's Italian.
ENGLISH_COLUMNS = {"title": "title_en", "summary": "summary_en", "description": "description_en"}


# What a Report counts, in the order the command and the admin say them.
COUNTS = ("created", "updated", "linked", "unchanged", "rejected")


@dataclass
class Report:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    linked: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    rejected: list = field(default_factory=list)  # (what, reason)


def _summary(description, title):
    first = description.split("\n\n")[0].strip() if description else ""
    first = first.removeprefix("Expected Outcome:").strip() or title
    return first if len(first) <= SUMMARY_LENGTH else first[: SUMMARY_LENGTH - 1].rstrip() + "…"


def _values(topic):
    """What the call should hold, as JSON-comparable values."""
    return {
        "title": topic.title[:300],
        # Not a field of the call (its status comes from its dates): kept to tell a change.
        SOURCE_STATUS: topic.status_code,
        "identifier": topic.identifier[:120],
        "official_url": topic.url[:500],
        "opens_at": topic.opens_at.isoformat() if topic.opens_at else None,
        "total_budget": str(topic.budget) if topic.budget is not None else None,
        "description": topic.description,
        "summary": _summary(topic.description, topic.title),
        "deadlines": [[moment.isoformat(), "Europe/Brussels"] for moment in topic.deadlines],
    }


def _current(call):
    """The call's values in the form `_values` gives them."""
    return {
        "title": call.title_en or "",
        "identifier": call.identifier,
        "official_url": call.official_url,
        "opens_at": call.opens_at.isoformat() if call.opens_at else None,
        "total_budget": str(call.total_budget) if call.total_budget is not None else None,
        "description": call.description_en or "",
        "summary": call.summary_en or "",
        "deadlines": [
            [deadline.due_at.isoformat(), deadline.time_zone]
            for deadline in call.deadlines.order_by("due_at")
        ],
    }


def _same(a, b):
    """Values equal once both are read back (datetimes compared as instants)."""
    if a == b:
        return True
    try:
        if isinstance(a, str) and isinstance(b, str):
            return datetime.datetime.fromisoformat(a) == datetime.datetime.fromisoformat(b)
        if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            return all(
                datetime.datetime.fromisoformat(x[0]) == datetime.datetime.fromisoformat(y[0])
                and x[1] == y[1]
                for x, y in zip(a, b, strict=True)
            )
    except (TypeError, ValueError, IndexError):
        return False
    return False


def _apply(call, name, value):
    if name == "deadlines":
        call.deadlines.all().delete()
        labels = len(value) > 1
        # One by one: saving a deadline stores the call's deadline columns again.
        for n, (due, zone) in enumerate(value, start=1):
            Deadline.objects.create(
                call=call,
                due_at=datetime.datetime.fromisoformat(due),
                time_zone=zone,
                label=f"Stage {n}" if labels else "",
            )
        return
    if name == "opens_at":
        value = datetime.datetime.fromisoformat(value) if value else None
    setattr(call, ENGLISH_COLUMNS.get(name, name), value)


def _programme(code):
    acronym, name = PROGRAMMES.get(code, (None, None))
    if acronym is None:
        raise MalformedRecord(f"unknown frameworkProgramme {code or '(none)'}")
    programme, _created = Programme.objects.get_or_create(
        acronym=acronym, defaults={"name": name, "level": Programme.Level.EU}
    )
    return programme


def _create(topic, values, programme, *, publish, record, now):
    call = Call(
        programme=programme,
        slug=unique_slug(Call.objects.all(), topic.identifier, fallback="eu-topic"),
        language=Call.Language.ENGLISH,
        source=SOURCE_LABEL,
        last_checked=timezone.localdate(now),
        publication_state=Call.PublicationState.DRAFT,
        consortium_required=False,
    )
    for name in FIELDS:
        if name != "deadlines":
            _apply(call, name, values[name])
    call.full_clean(exclude=["slug"])
    call.save()
    _apply(call, "deadlines", values["deadlines"])
    CallProvenance.objects.create(
        call=call,
        source=SOURCE,
        source_identifier=topic.identifier,
        fetched_at=now,
        checked_at=now,
        record=record,
        imported_values=values,
    )
    if publish:
        services.calls_publish(calls=Call.objects.filter(pk=call.pk))
    return call


def _update(call, provenance, values, record, now, *, linked=False):
    """Bring the call to the source where staff have not changed it; True if it changed."""
    current = _current(call)
    previous = [deadline.due_at for deadline in call.deadlines.order_by("due_at")]
    written = {} if linked else provenance.imported_values
    changed, differences = [], {}
    for name in FIELDS:
        new, now_value = values[name], current[name]
        if _same(new, now_value):
            continue
        untouched = name in written and _same(written[name], now_value)
        empty = now_value in (None, "", [])
        if untouched or empty:
            _apply(call, name, new)
            changed.append(name)
        else:
            differences[name] = new
    # The source's own status (forthcoming, open, closed) is history, not a field: the
    # catalogue derives the call's status from its dates, but staff see the change.
    status_was, status = written.get(SOURCE_STATUS), values[SOURCE_STATUS]
    status_moved = bool(status_was and status and status_was != status)
    if changed or status_moved:
        if changed:
            call.last_checked = timezone.localdate(now)
            call.save()
        details = {}
        if status_moved:
            # In the source's own words (its `abbreviation`), as the identifier is.
            details = {
                "before": SOURCE_STATUS_WORDS.get(status_was, status_was),
                "after": SOURCE_STATUS_WORDS.get(status, status),
            }
        audit_record(
            AuditEntry.Action.CALL_SOURCE_UPDATED,
            call,
            fields=sorted(changed + (["source status"] if status_moved else [])),
            source=provenance.source_identifier,
            **details,
        )
        if "deadlines" in changed:
            # Followers hear of a moved deadline once (the ledger key names the new dates).
            alerts.deadline_moved_notify(call=call, previous=previous, at=now)
    else:
        Call.objects.filter(pk=call.pk).update(last_checked=timezone.localdate(now))
    imported = {**written, **{name: values[name] for name in changed}, SOURCE_STATUS: status}
    provenance.imported_values = imported
    provenance.differences = differences
    provenance.record = record
    provenance.checked_at = now
    provenance.save()
    return changed + (["source status"] if status_moved else [])


def import_record(record, *, publish=False, now=None, report=None):
    """Import one record; returns the call. Raises MalformedRecord (nothing written)."""
    now = now or timezone.now()
    report = report if report is not None else Report()
    topic = topic_from(record)
    values = _values(topic)
    with transaction.atomic():
        programme = _programme(topic.programme_code)
        provenance = (
            CallProvenance.objects.select_related("call")
            .filter(source=SOURCE, source_identifier=topic.identifier)
            .first()
        )
        if provenance is not None:
            changed = _update(provenance.call, provenance, values, record, now)
            (report.updated if changed else report.unchanged).append(topic.identifier)
            return provenance.call
        by_hand = Call.objects.filter(
            identifier__iexact=topic.identifier, provenance__isnull=True
        ).first()
        if by_hand is not None:
            provenance = CallProvenance.objects.create(
                call=by_hand,
                source=SOURCE,
                source_identifier=topic.identifier,
                fetched_at=now,
                checked_at=now,
                record=record,
            )
            _update(by_hand, provenance, values, record, now, linked=True)
            report.linked.append(topic.identifier)
            return by_hand
        call = _create(topic, values, programme, publish=publish, record=record, now=now)
        report.created.append(topic.identifier)
        return call


def import_records(records, *, publish=False, now=None, origin=""):
    """Import many records, each on its own; returns the Report. A rejected record is one
    log line (what and why) and is skipped; the others are imported."""
    report = Report()
    for n, record in enumerate(records, start=1):
        what = f"{origin} record {n}".strip()
        try:
            import_record(record, publish=publish, now=now, report=report)
        except MalformedRecord as error:
            logger.warning("EU topic import: %s rejected: %s", what, error)
            report.rejected.append((what, str(error)))
    return report
