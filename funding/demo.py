"""Demo programmes, about 60 plausible calls and saved searches, read from `funding/demo_data/`.

`real.yaml` holds the programmes (real ones, with their managing authority and website);
`invented.yaml` the calls (flagged `is_demo`) and the demo people's saved searches. Dates are
days from today in Europe/Rome, so a second run on the same day gives identical values and
changes nothing (rows are matched on natural keys and saved only when a value differs). EU
calls open at midnight and close at 17:00 Brussels time, Italian ones at 13:00 Rome time.
`demo_data/eu_topics/` holds real records of the EU Funding & Tenders portal, imported as
real calls (not demo) by the importer the daily job uses.
"""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils import timezone

from core import demo_loader
from funding.eu_topics import importer, records
from funding.eu_topics.mapping import topic_from
from funding.models import ApplicantType, Call, Deadline, Programme, SavedSearch, SourceQuery
from funding.vocabularies import load_applicant_types

REAL_TOPICS = Path(__file__).parent / "demo_data" / "eu_topics"
GATHERED_AT = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
SAVED_COPY = "EU Funding & Tenders portal, saved copy of the published record"
BRUSSELS = ZoneInfo("Europe/Brussels")
ROME = ZoneInfo("Europe/Rome")
ITALIAN_LEVELS = (Programme.Level.REGIONAL, Programme.Level.NATIONAL)


def _at(day, hour, zone):
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=zone)


def _call_values(index, record, programme, invented, today):
    """What a call's record leaves to code: times, texts by level, dates of publication.

    The record's `title` and `summary` are in the programme's language (Italian for regional
    and national ones), as is the description of its level; `title_en`, `summary_it`... in a
    record are its translation (funding/translation.py), so the demo shows both languages.
    """
    italian = programme.level in ITALIAN_LEVELS
    language = "it" if italian else "en"
    zone = ROME if italian else BRUSSELS
    opens_on = record["opens_at"]
    texts = invented["by_level"][programme.level]
    draft = record["publication_state"] == Call.PublicationState.DRAFT
    return {
        "identifier": record["identifier"].format(year=opens_on.year),
        f"title_{language}": record["title"],
        f"summary_{language}": record["summary"],
        f"description_{language}": texts["description"].format(summary=record["summary"]),
        "official_url": programme.website,
        "opens_at": _at(opens_on, 0, zone),
        "eligible_countries": invented["countries_by_programme"][programme.acronym],
        "consortium_required": (record["min_partners"] or 0) > 1,
        "language": Call.Language.ITALIAN if italian else Call.Language.ENGLISH,
        "source": texts["source"],
        "last_checked": today - datetime.timedelta(days=index % 7),
        "published_at": (
            None
            if draft
            else _at(min(opens_on, today) - datetime.timedelta(days=7 + index % 20), 9, ROME)
        ),
    }


def _set_deadlines(call, records, programme):
    zone, hour = (ROME, 13) if programme.level in ITALIAN_LEVELS else (BRUSSELS, 17)
    wanted = [(_at(d["due_at"], hour, zone), str(zone), d["label"]) for d in records]
    existing = [(d.due_at, d.time_zone, d.label) for d in call.deadlines.order_by("due_at")]
    if existing != wanted:
        call.deadlines.all().delete()
        Deadline.objects.bulk_create(
            Deadline(call=call, due_at=due_at, time_zone=tz, label=label)
            for due_at, tz, label in wanted
        )


def _load_saved_searches(invented, lookups):
    """The demo people's saved searches (skipped for a person not loaded)."""
    count = 0
    for record in invented["funding.SavedSearch"]:
        values, _many = demo_loader.values_of(SavedSearch, record, lookups)
        if values["user"] is None:
            continue
        # One alert per person and query.
        demo_loader.save(SavedSearch, record, lookups, lookup=["user", "query"])
        count += 1
    return {"saved searches": count} if count else {}


def load(today=None):
    today = today or timezone.localdate(timezone.now(), ROME)
    load_applicant_types(ApplicantType)
    lookups = demo_loader.Lookups()
    real = demo_loader.read("funding", demo_loader.REAL, today=today)
    invented = demo_loader.read("funding", demo_loader.INVENTED, today=today)
    programmes = [
        demo_loader.save(Programme, record, lookups, lookup=["acronym"])
        for record in real["funding.Programme"]
    ]
    calls = invented["funding.Call"]
    for index, record in enumerate(calls):
        programme = lookups.get(Programme, record["programme"])
        call = demo_loader.save(
            Call,
            record,
            lookups,
            lookup=["slug"],
            skip=("title", "summary"),  # into their language's column by _call_values
            extra=_call_values(index, record, programme, invented, today),
        )
        _set_deadlines(call, record["deadlines"], programme)
    return {
        "programmes": len(programmes),
        "calls": len(calls),
        **_load_saved_searches(invented, lookups),
        "EU source queries": _load_source_queries(),
        "real EU topics": _load_real_topics(),
    }


def _load_real_topics():
    """Real EU topics (demo_data/eu_topics/, sources in its README) as real calls, through
    the importer the daily job uses; new ones are published through the one publishing
    service. They are saved copies, not today's reading of the EU portal: their source says
    so and they claim no date they were checked on."""
    found = []
    for path in sorted(REAL_TOPICS.glob("*.json")):
        found += records.read_file(path)
    # Fetched and checked when they were gathered into the project's data (its README), not
    # at each load: a second load changes nothing.
    report = importer.import_records(found, publish=True, now=GATHERED_AT, origin="demo")
    if report.rejected:  # the demo's own files: a bug, not bad input
        raise RuntimeError(f"demo EU topics rejected: {report.rejected}")
    # Only these: a call the daily job brought from the EU portal keeps its source and date.
    identifiers = [topic_from(record).identifier for record in found]
    Call.objects.filter(provenance__source_identifier__in=identifiers).update(
        source=SAVED_COPY, last_checked=None
    )
    return len(found)


def _load_source_queries():
    """A source query as staff would set one up (configuration, not data: it claims
    nothing). It runs with the daily job where the machine reaches the EU portal; new topics
    land as drafts."""
    SourceQuery.objects.get_or_create(
        name="Social economy and cooperatives",
        defaults={
            "programmes": ["43252476", "43254019", "43108390"],  # SMP, ESF+, Horizon Europe
            "keywords": "social economy\ncooperative",
        },
    )
    return SourceQuery.objects.count()
