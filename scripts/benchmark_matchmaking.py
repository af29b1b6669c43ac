"""Benchmark of the weekly matchmaking digest: 10,000 cooperatives, one person each.

It builds every digest of one week, chunk by chunk as the Celery tasks do, and reports the
wall time and the number of queries. The data: 10,000 cooperatives with sectors, themes and
countries of interest, 400 published requests open for interest (60 of them published this
week), 300 expressions of interest received this week, 200 past projects and some "not
relevant" marks. Emails are written to the ledger (rendered), not sent.

SQLite by default, in a file of its own (var/benchmark_matchmaking.sqlite3); PostgreSQL when
DATABASE_URL is set, on a database of its own (it migrates it and replaces the benchmark
rows each run):

    .venv/bin/python scripts/benchmark_matchmaking.py
    createdb -h 127.0.0.1 -U postgres innovacoop_benchb
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/innovacoop_benchb \\
        .venv/bin/python scripts/benchmark_matchmaking.py
"""

import os
import random
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innovacoop.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'benchmark_matchmaking.sqlite3'}"
)

import django  # noqa: E402

django.setup()

from datetime import timedelta  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from core import mail  # noqa: E402
from core.batching import chunked  # noqa: E402
from core.models import Delivery, User  # noqa: E402
from funding.models import ApplicantType  # noqa: E402
from members.models import Cooperative, Membership, Sector, Theme  # noqa: E402
from partnerships import digest  # noqa: E402
from partnerships.models import (  # noqa: E402
    DismissedSuggestion,
    ExpressionOfInterest,
    MatchmakingDigestRun,
    PartnershipRequest,
    Project,
)

COOPERATIVES = int(os.environ.get("BENCH_COOPERATIVES", 10_000))
OPEN_REQUESTS = int(os.environ.get("BENCH_REQUESTS", 400))
NEW_REQUESTS = int(os.environ.get("BENCH_NEW_REQUESTS", 60))
NEW_INTERESTS = int(os.environ.get("BENCH_INTERESTS", 300))
PROJECTS = 200
COUNTRIES = ["TN", "BR", "AR", "FR", "ES", "DE", "BE", "PT", "SN", "MZ"]
BATCH = 2000


class QueryCounter:
    """Counts the statements sent to the database (CaptureQueriesContext keeps only the last
    9,000, which a run of this size exceeds)."""

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

    def __len__(self):
        return self.count


def through_rows(model_field, pairs):
    through = model_field.through
    names = [f.name for f in through._meta.fields if f.name != "id"]
    return [through(**{f"{names[0]}_id": a, f"{names[1]}_id": b}) for a, b in pairs]


def clear():
    Delivery.objects.filter(kind="matchmaking-digest").delete()
    MatchmakingDigestRun.objects.all().delete()
    DismissedSuggestion.objects.filter(cooperative__slug__startswith="bench-").delete()
    Project.objects.filter(slug__startswith="bench-").delete()
    PartnershipRequest.objects.filter(owner__slug__startswith="bench-").delete()
    User.objects.filter(email__startswith="bench-mm-").delete()
    Cooperative.objects.filter(slug__startswith="bench-").delete()


def setup(rng, now):
    call_command("migrate", verbosity=0)
    clear()
    divisions = list(Sector.objects.filter(section__isnull=False))
    # A few sectors hold most cooperatives (agrifood, social care, construction, services).
    popular = [
        s
        for s in divisions
        if s.code in {"01", "10", "41", "43", "49", "56", "62", "81", "87", "88"}
    ]
    themes = list(Theme.objects.all())
    types = [t for t, _label in Cooperative.Type.choices]

    def pick_sector():
        return rng.choice(popular) if rng.random() < 0.6 else rng.choice(divisions)

    cooperatives = Cooperative.objects.bulk_create(
        (
            Cooperative(
                legal_name=f"Bench Cooperativa {n:05d}",
                slug=f"bench-{n:05d}",
                cooperative_type=rng.choice(types),
                main_sector=pick_sector(),
                countries_of_interest=rng.sample(COUNTRIES, rng.choice([0, 0, 1, 2])),
                city="Bologna",
            )
            for n in range(COOPERATIVES)
        ),
        batch_size=BATCH,
    )
    coop_sectors, coop_themes = [], []
    for cooperative in cooperatives:
        for sector in {pick_sector() for _ in range(rng.choice([0, 0, 1, 2]))}:
            coop_sectors.append((cooperative.pk, sector.pk))
        for theme in rng.sample(themes, rng.choice([0, 1, 2, 3])):
            coop_themes.append((cooperative.pk, theme.pk))
    field = Cooperative._meta.get_field
    field("sectors").remote_field.through.objects.bulk_create(
        through_rows(field("sectors").remote_field, coop_sectors), batch_size=BATCH
    )
    field("themes").remote_field.through.objects.bulk_create(
        through_rows(field("themes").remote_field, coop_themes), batch_size=BATCH
    )
    users = User.objects.bulk_create(
        (
            User(
                email=f"bench-mm-{n}@coop.example", password="!", language=rng.choice(["it", "en"])
            )
            for n in range(COOPERATIVES)
        ),
        batch_size=BATCH,
    )
    Membership.objects.bulk_create(
        (
            Membership(user=u, cooperative=c, role="admin")
            for u, c in zip(users, cooperatives, strict=True)
        ),
        batch_size=BATCH,
    )

    kinds = [k for k, _label in PartnershipRequest.Kind.choices]
    applicant_types = list(ApplicantType.objects.all())
    requests = PartnershipRequest.objects.bulk_create(
        PartnershipRequest(
            owner=rng.choice(cooperatives),
            kind=rng.choice(kinds),
            title=f"Bench request {n}",
            summary="Cerchiamo partner per un progetto di filiera.",
            state=PartnershipRequest.State.PUBLISHED,
            sought_countries=rng.sample(["IT", *COUNTRIES], rng.choice([0, 0, 0, 1, 2])),
            published_at=now - timedelta(days=rng.uniform(0, 6.9))
            if n < NEW_REQUESTS
            else now - timedelta(days=rng.uniform(8, 60)),
            interest_deadline=(now + timedelta(days=rng.randint(5, 60))).date(),
        )
        for n in range(OPEN_REQUESTS)
    )
    sought = [(r.pk, pick_sector().pk) for r in requests for _ in range(rng.choice([1, 1, 2]))]
    request_field = PartnershipRequest._meta.get_field
    for name, pairs in (
        ("sought_sectors", sought),
        (
            "sought_themes",
            [(r.pk, t.pk) for r in requests for t in rng.sample(themes, rng.choice([0, 1, 2]))],
        ),
        (
            "sought_organisation_types",
            [(r.pk, rng.choice(applicant_types).pk) for r in requests if rng.random() < 0.3],
        ),
    ):
        remote = request_field(name).remote_field
        remote.through.objects.bulk_create(
            through_rows(remote, set(pairs)), batch_size=BATCH, ignore_conflicts=True
        )
    # Expressions of interest received this week, on requests of the benchmark cooperatives.
    pairs = set()
    while len(pairs) < NEW_INTERESTS:
        request = rng.choice(requests)
        other = rng.choice(cooperatives)
        if other.pk != request.owner_id:
            pairs.add((request.pk, other.pk))
    ExpressionOfInterest.objects.bulk_create(
        ExpressionOfInterest(
            request_id=r,
            cooperative_id=c,
            message="Interessati.",
            created_at=now - timedelta(days=rng.uniform(0, 6.9)),
        )
        for r, c in pairs
    )
    projects = Project.objects.bulk_create(
        Project(
            title=f"Bench project {n}",
            slug=f"bench-project-{n}",
            kind="innovation",
            status="completed",
            lead_cooperative=rng.choice(cooperatives),
        )
        for n in range(PROJECTS)
    )
    remote = Project._meta.get_field("cooperatives").remote_field
    remote.through.objects.bulk_create(
        through_rows(
            remote, {(p.pk, rng.choice(cooperatives).pk) for p in projects for _ in range(3)}
        ),
        ignore_conflicts=True,
    )
    DismissedSuggestion.objects.bulk_create(
        (
            DismissedSuggestion(
                cooperative=c,
                target_type="request",
                target_id=rng.choice(requests[:NEW_REQUESTS]).pk,
            )
            for c in rng.sample(cooperatives, min(500, len(cooperatives)))
        ),
        ignore_conflicts=True,
    )


def main():
    mail.kick_sender = lambda: None  # measure building the emails, not SMTP
    rng = random.Random(11)
    now = timezone.now()
    started = time.perf_counter()
    setup(rng, now)
    print(
        f"{connection.vendor}: {COOPERATIVES} cooperatives (one person each), "
        f"{OPEN_REQUESTS} open requests ({NEW_REQUESTS} new this week), "
        f"{NEW_INTERESTS} new expressions of interest; set up in "
        f"{time.perf_counter() - started:.0f} s"
    )
    at = now + timedelta(minutes=1)
    with QueryCounter() as queries:
        started = time.perf_counter()
        user_ids = digest.digest_user_ids()
        chunks = list(chunked(user_ids, digest.CHUNK_SIZE))
        emails = 0
        for batch in chunks:
            emails += digest.digests_build(user_ids=batch, at=at)
        seconds = time.perf_counter() - started
    runs = MatchmakingDigestRun.objects.filter(user__email__startswith="bench-mm-")
    requests_listed = sum(runs.values_list("request_count", flat=True))
    print(
        f"weekly matchmaking digest: {len(user_ids)} people in {len(chunks)} chunks of "
        f"{digest.CHUNK_SIZE}: {emails} emails written in {seconds:.1f} s, "
        f"{len(queries)} queries ({len(queries) / max(len(chunks), 1):.0f} per chunk); "
        f"{requests_listed} request suggestions listed"
    )
    with QueryCounter() as again:
        started = time.perf_counter()
        repeated = sum(digest.digests_build(user_ids=batch, at=at) for batch in chunks)
    print(
        f"second run of the same week: {repeated} emails in "
        f"{time.perf_counter() - started:.1f} s, {len(again)} queries"
    )


if __name__ == "__main__":
    main()
