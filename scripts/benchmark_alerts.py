"""Benchmark of call alerts: instant matching with 20,000 saved searches, weekly digests of
10,000 people. Run it on a PostgreSQL database of its own (it migrates it and replaces the
benchmark people each run):

    createdb -h 127.0.0.1 -U postgres innovacoop_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/innovacoop_bench \\
        .venv/bin/python scripts/benchmark_alerts.py

Figures go to the README ("Alert performance"). Emails are written to the ledger, not sent.
"""

import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innovacoop.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from datetime import timedelta  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from core import mail  # noqa: E402
from core.batching import chunked  # noqa: E402
from core.models import Delivery, User  # noqa: E402
from funding import alerts  # noqa: E402
from funding import demo as funding_demo  # noqa: E402
from funding.models import AlertDispatch, Call, DigestRun, Programme, SavedSearch  # noqa: E402
from members.models import Theme  # noqa: E402

USERS = int(os.environ.get("BENCH_USERS", 10_000))
SEARCHES = int(os.environ.get("BENCH_SEARCHES", 20_000))
WORDS = ["food", "energy", "digital", "social", "water", "circular", "climate", "health",
         "mobility", "tourism", "culture", "skills", "housing", "agri", "textile"]  # fmt: skip


def query_pool(rng):
    """Distinct searches people make: a theme, a level, a word, status, combinations."""
    themes = list(Theme.objects.values_list("slug", flat=True))
    levels = [level for level, _label in Programme.Level.choices]
    pool = [""]
    pool += [urlencode({"theme": t}) for t in themes]
    pool += [urlencode({"level": level}) for level in levels]
    pool += [urlencode({"q": w}) for w in WORDS]
    pool += [urlencode({"status": "open", "theme": t}) for t in themes]
    pool += [urlencode([("level", a), ("theme", t)]) for a in levels for t in themes]
    pool += [urlencode([("q", w), ("status", "open")]) for w in WORDS]
    pool += [urlencode([("level", a), ("q", w)]) for a in levels for w in WORDS]
    pool += [urlencode([("q", w), ("theme", t)]) for w in WORDS for t in themes]
    rng.shuffle(pool[1:])
    return [alerts.normalize_query(QueryDict(q)) for q in pool]


def setup(rng):
    call_command("migrate", verbosity=0)
    funding_demo.load()
    User.objects.filter(email__startswith="bench-").delete()
    Delivery.objects.all().delete()
    DigestRun.objects.all().delete()
    AlertDispatch.objects.all().delete()
    Call.objects.filter(slug__startswith="bench-").delete()
    users = User.objects.bulk_create(
        User(email=f"bench-{n}@coop.example", password="!", language=rng.choice(["it", "en"]))
        for n in range(USERS)
    )
    pool = query_pool(rng)
    # Popular searches are shared by many people (Zipf-like weights).
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(pool))]
    queries = rng.choices(pool, weights=weights, k=SEARCHES)
    SavedSearch.objects.bulk_create(
        (
            SavedSearch(user=users[n % USERS], name=f"Search {n}", query=q, frequency="instant")
            for n, q in enumerate(queries)
        ),
        batch_size=2000,
        ignore_conflicts=True,  # one alert per person and query: repeats are dropped
    )
    return len(set(queries))


def new_call(slug, days_ago=0):
    """A copy of a demo call, published now (or `days_ago`)."""
    source = Call.objects.published().open().order_by("pk").first()
    call = Call.objects.get(pk=source.pk)
    call.pk = None
    call._state.adding = True
    call.slug = slug
    call.published_at = None
    call.save()
    call.themes.set(source.themes.all())
    call.sectors.set(source.sectors.all())
    for deadline in source.deadlines.all():
        deadline.pk = None
        deadline.call = call
        deadline.save()
    if days_ago:
        Call.objects.filter(pk=call.pk).update(
            published_at=timezone.now() - timedelta(days=days_ago)
        )
    return call


def main():
    if connection.vendor != "postgresql":
        print("Run this with DATABASE_URL pointing at a PostgreSQL database.")
        sys.exit(1)
    mail.kick_sender = lambda: None  # measure building the emails, not SMTP
    alerts.queue_alert_chunk = lambda chunk_id: None  # chunks are run below, one by one
    rng = random.Random(7)
    distinct = setup(rng)
    print(f"{USERS} people, {SEARCHES} saved searches, {distinct} distinct queries")

    # 1. Instant: match one published call against every search, split the fan-out.
    call = new_call("bench-instant")
    dispatch = AlertDispatch.objects.create(call=call)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        recipients = alerts.alert_dispatch_process(dispatch_id=dispatch.pk)
        match_seconds = time.perf_counter() - started
    chunks = list(dispatch.chunks.values_list("pk", flat=True))
    print(
        f"instant: matched and split {recipients} recipients into {len(chunks)} tasks "
        f"in {match_seconds:.2f} s with {len(queries)} queries"
    )
    started = time.perf_counter()
    written = sum(alerts.alert_chunk_send(chunk_id=chunk_id) for chunk_id in chunks)
    print(f"instant: wrote {written} ledger rows (rendered emails) in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip

    # Query count does not follow the number of searches: a quarter of them, same queries.
    SavedSearch.objects.filter(pk__in=SavedSearch.objects.order_by("pk").values("pk")[: SEARCHES // 4 * 3]).update(frequency="daily")  # fmt: skip
    call2 = new_call("bench-instant-2")
    dispatch2 = AlertDispatch.objects.create(call=call2)
    with CaptureQueriesContext(connection) as fewer:
        alerts.alert_dispatch_process(dispatch_id=dispatch2.pk)
    remaining = SavedSearch.objects.filter(frequency="instant")
    print(
        f"instant with {remaining.count()} searches "
        f"({remaining.values('query').distinct().count()} distinct): {len(fewer)} queries"
    )

    # 2. Weekly digests: every search weekly, a few calls published this week.
    SavedSearch.objects.update(frequency="weekly")
    for n in range(8):
        new_call(f"bench-week-{n}", days_ago=n % 6 + 1)
    now = timezone.now()
    user_ids = alerts.digest_user_ids("weekly")
    started = time.perf_counter()
    emails = 0
    # As funding.send_digests does: match the distinct queries once, then build the chunks.
    matches = alerts.digest_matches("weekly", at=now)
    for batch in chunked(user_ids, alerts.CHUNK_SIZE):
        emails += alerts.digests_build(frequency="weekly", user_ids=batch, at=now, matches=matches)
    seconds = time.perf_counter() - started
    print(
        f"weekly digests: {len(user_ids)} people, {emails} emails written in {seconds:.1f} s "
        f"({len(user_ids) // alerts.CHUNK_SIZE + 1} chunks)"
    )


if __name__ == "__main__":
    main()
