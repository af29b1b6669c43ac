"""The benchmark's data: SMALL (the federation today) and LARGE (its real size), built with
bulk inserts on top of the demo data (associations, bodies, programmes, vocabularies).

Deterministic (one `random.Random(seed)`), and written against whatever models the
checkout has: a field is set only if the model has it (`_set`), so the same builder serves
the code before and after the changes it measures.
"""

import random
import time
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands, load_command_class
from django.db import connection, transaction
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from funding.models import EU_MEMBER_STATES

BATCH = 2000
WORDS = [
    "energy",
    "digital",
    "social",
    "water",
    "circular",
    "climate",
    "health",
    "food",
    "mobility",
    "tourism",
    "culture",
    "skills",
    "housing",
    "agri",
    "textile",
]
ITALIAN_WORDS = [
    "energia",
    "digitale",
    "sociale",
    "acqua",
    "circolare",
    "clima",
    "salute",
    "cibo",
    "mobilità",
    "turismo",
    "cultura",
    "competenze",
    "abitare",
]
FILLER = [
    "cooperatives",
    "innovation",
    "partners",
    "regions",
    "pilot",
    "scale",
    "market",
    "skills",
    "network",
    "transition",
    "communities",
    "services",
    "platform",
    "research",
    "value",
    "chain",
    "impact",
    "rural",
    "urban",
    "actions",
    "support",
    "consortium",
    "training",
    "demonstration",
]
COUNTRIES = ["TN", "BR", "AR", "FR", "ES", "DE", "BE", "PT", "SN", "MZ", "AL", "RS", "UA"]
EU27 = sorted(EU_MEMBER_STATES)
PROVINCES = ["BO", "MO", "RE", "PR", "FE", "RA", "FC", "RN", "PC"]
# Divisions that hold most cooperatives (agrifood, social care, construction, services).
POPULAR_DIVISIONS = {"01", "10", "41", "43", "49", "56", "62", "81", "87", "88"}
MEMBER_EMAIL = "bench-member@coop.example"
STAFF_EMAIL = "bench-staff@innovacoop.example"


@dataclass(frozen=True)
class Size:
    name: str
    cooperatives: int
    people: int  # members of the cooperatives
    subscribers: int  # people with call alerts and no cooperative
    calls: int
    requests: int
    interests: int
    startups: int
    saved_searches: int
    projects: int


SIZES = {
    "small": Size("small", 1_000, 1_000, 1_000, 500, 500, 500, 100, 2_000, 20),
    "large": Size("large", 10_000, 10_000, 10_000, 5_000, 5_000, 5_000, 1_000, 20_000, 200),
}


def model(label):
    return apps.get_model(label)


def has_field(model_class, name):
    return any(f.name == name for f in model_class._meta.get_fields())


def _set(model_class, **values):
    """An unsaved instance with only the fields (or `<fk>_id` columns) this checkout has."""
    known = set()
    for field in model_class._meta.concrete_fields:
        known.update((field.name, field.attname))
    return model_class(**{k: v for k, v in values.items() if k in known})


def _bulk(model_class, objects):
    return model_class.objects.bulk_create(objects, batch_size=BATCH)


def _through(model_class, field_name, pairs):
    """Bulk-insert (owner pk, target pk) pairs into an m2m field's through table."""
    through = model_class._meta.get_field(field_name).remote_field.through
    source, target = _through_columns(through, model_class)
    through.objects.bulk_create(
        (through(**{source: a, target: b}) for a, b in set(pairs)),
        batch_size=BATCH * 5,
        ignore_conflicts=True,
    )


def _through_columns(through, model_class):
    fks = [f for f in through._meta.fields if f.many_to_one]
    source = next(f for f in fks if f.related_model is model_class)
    target = next(f for f in fks if f is not source)
    return source.attname, target.attname


def words(rng, n, pool=FILLER):
    return " ".join(rng.choice(pool) for _ in range(n))


class Builder:
    """Builds one size into the current database (already migrated, demo data loaded)."""

    def __init__(self, size, seed=13):
        self.size = size
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.timings = {}
        self.info = {}

    def step(self, name, function):
        started = time.perf_counter()
        result = function()
        self.timings[name] = round(time.perf_counter() - started, 2)
        print(f"    {name}: {self.timings[name]:.1f} s", flush=True)
        return result

    def build(self):
        Sector, Theme = model("members.Sector"), model("members.Theme")
        self.divisions = list(Sector.objects.filter(section__isnull=False).order_by("code"))
        self.popular = [s for s in self.divisions if s.code in POPULAR_DIVISIONS]
        self.themes = list(Theme.objects.order_by("slug"))
        self.applicant_types = list(model("funding.ApplicantType").objects.order_by("code"))
        self.associations = list(model("members.Association").objects.order_by("slug"))
        self.programmes = list(model("funding.Programme").objects.order_by("acronym"))
        with transaction.atomic():
            self.step("cooperatives", self.cooperatives)
            self.step("people", self.people)
            self.step("calls", self.calls)
            self.step("requests", self.requests)
            self.step("interests", self.interests)
            self.step("startups", self.startups)
            self.step("saved searches", self.saved_searches)
            self.step("follows+alerts+projects", self.extras)
        self.step("search index", self.search_index)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        derived = {}
        for command in ("refresh_call_deadlines", "rebuild_matches"):
            if command in get_commands():
                started = time.perf_counter()
                call_command(command)
                derived[command] = round(time.perf_counter() - started, 2)
                print(f"    derived {command}: {derived[command]:.1f} s", flush=True)
            else:
                derived[command] = None
        # As autovacuum leaves a live database: the bulk updates above (search index,
        # derived columns) left as many dead rows as live ones, which every scan would read.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        self.info["derived"] = derived
        self.step("sessions", self.sessions)
        return {"timings": self.timings, **self.info}

    def pick_sector(self):
        return (
            self.rng.choice(self.popular)
            if self.rng.random() < 0.6
            else self.rng.choice(self.divisions)
        )

    # --- Cooperatives and people ---------------------------------------------------------

    def cooperatives(self):
        rng, Cooperative = self.rng, model("members.Cooperative")
        types = [t for t, _label in Cooperative.Type.choices]
        bands = [b for b, _label in Cooperative.TurnoverBand.choices]
        objects = []
        for n in range(self.size.cooperatives):
            rich = n == 0
            cooperative = _set(
                Cooperative,
                legal_name=f"Cooperativa Bench {n:05d}",
                slug=f"cooperativa-bench-{n:05d}",
                cooperative_type=rng.choice(types),
                main_sector=self.popular[0] if rich else self.pick_sector(),
                city=rng.choice(["Bologna", "Modena", "Reggio Emilia", "Parma", "Ravenna"]),
                province=rng.choice(PROVINCES),
                employee_count=rng.randint(3, 900),
                member_count=rng.randint(9, 5000),
                turnover_band=rng.choice(bands),
                year_founded=rng.randint(1900, 2024),
                website=f"https://bench-{n:05d}.coop.example",
                email=f"info@bench-{n:05d}.coop.example",
                description=f"Cooperativa di {words(rng, 6)}. {words(rng, 20)}.",
                countries_of_interest=["TN", "BR"]
                if rich
                else rng.sample(COUNTRIES, rng.choice([0, 0, 1, 2])),
                is_active=rng.random() > 0.03 or rich,
                is_demo=True,
            )
            cooperative.normalize()  # the region follows from the province, as save() does
            objects.append(cooperative)
        self.coops = _bulk(Cooperative, objects)
        sectors, themes, associations = [], [], []
        for n, cooperative in enumerate(self.coops):
            count = 2 if n == 0 else rng.choice([0, 0, 1, 2])
            sectors += [(cooperative.pk, self.pick_sector().pk) for _ in range(count)]
            count = 3 if n == 0 else rng.choice([1, 1, 2, 3])
            themes += [(cooperative.pk, t.pk) for t in rng.sample(self.themes, count)]
            count = rng.choice([1, 1, 2])
            associations += [(cooperative.pk, a.pk) for a in rng.sample(self.associations, count)]
        _through(Cooperative, "sectors", sectors)
        _through(Cooperative, "themes", themes)
        _through(Cooperative, "associations", associations)
        self.info["cooperative_slug"] = self.coops[0].slug

    def people(self):
        rng = self.rng
        User, Membership = get_user_model(), model("members.Membership")
        users = [
            User(
                email=f"bench-{n:05d}@coop.example",
                password="!",
                full_name=f"Persona {n:05d}",
                language=rng.choice(["it", "it", "en"]),
            )
            for n in range(self.size.people + self.size.subscribers)
        ]
        users = _bulk(User, users)
        self.members = users[: self.size.people]
        self.subscribers = users[self.size.people :]
        roles = ["admin", "admin", "editor", "viewer"]
        memberships = []
        for n, user in enumerate(self.members):
            # Mostly one person per cooperative; one in twenty joins a second, larger one.
            cooperative = self.coops[n % len(self.coops)]
            if n and n % 20 == 0:
                cooperative = rng.choice(self.coops)
            memberships.append(
                Membership(user=user, cooperative=cooperative, role=rng.choice(roles))
            )
        _bulk(Membership, memberships)
        self.member_of = {m.user_id: m.cooperative_id for m in memberships}
        member = User.objects.create_user(MEMBER_EMAIL, "bench", full_name="Socia Bench")
        Membership.objects.create(user=member, cooperative=self.coops[0], role="admin")
        staff = User.objects.create_superuser(STAFF_EMAIL, "bench", full_name="Staff Bench")
        self.member, self.staff = member, staff
        if apps.is_installed("allauth.account"):
            EmailAddress = model("account.EmailAddress")
            for user in (member, staff):
                EmailAddress.objects.create(
                    user=user, email=user.email, verified=True, primary=True
                )

    # --- Calls ---------------------------------------------------------------------------

    def calls(self):
        rng, now = self.rng, self.now
        Call, Deadline = model("funding.Call"), model("funding.Deadline")
        calls, plans = [], []
        for n in range(self.size.calls):
            programme = rng.choice(self.programmes)
            italian = programme.level in ("regional", "national") and rng.random() < 0.7
            word, other = rng.sample(ITALIAN_WORDS if italian else WORDS, 2)
            title = (
                f"Bando {word} e {other} per le cooperative {n:05d}"
                if italian
                else f"{word.capitalize()} and {other} solutions for cooperatives {n:05d}"
            )
            status = rng.choices(["closed", "open", "forthcoming"], [25, 65, 10])[0]
            state = rng.choices(["published", "draft", "archived"], [95, 3, 2])[0]
            published_at = None
            if state != "draft":
                # A few calls published in the last day and week: what digests pick up.
                days = rng.choices(
                    [rng.uniform(0, 0.9), rng.uniform(1, 6.5), rng.uniform(7, 400)], [1, 2, 97]
                )[0]
                published_at = now - timedelta(days=days)
            opens_at = None
            if status == "forthcoming":
                opens_at = now + timedelta(days=rng.randint(5, 90))
            elif rng.random() < 0.7:
                opens_at = now - timedelta(days=rng.randint(10, 200))
            calls.append(
                _set(
                    Call,
                    programme=programme,
                    identifier=f"BENCH-{programme.acronym}-{n:05d}",
                    slug=f"bench-call-{n:05d}",
                    title=title,
                    summary=f"{title}. {words(rng, 25)}.",
                    description="\n\n".join(
                        f"{word} {other} {words(rng, 60)}." for _ in range(rng.randint(2, 5))
                    ),
                    official_url=f"https://ec.europa.example/calls/bench-{n:05d}",
                    opens_at=opens_at,
                    total_budget=rng.choice([None, 500_000, 2_000_000, 10_000_000, 40_000_000]),
                    grant_per_project=rng.choice([None, 60_000, 250_000, 1_500_000]),
                    funding_rate=rng.choice([None, 50, 70, 100]),
                    eligible_countries=rng.choices(
                        [[*EU27, "NO", "IS", "TN"], ["IT"], []], [50, 20, 30]
                    )[0],
                    consortium_required=rng.random() < 0.4,
                    language="it" if italian else "en",
                    source="Benchmark",
                    publication_state=state,
                    published_at=published_at,
                    is_demo=True,
                )
            )
            plans.append(status)
        calls = _bulk(Call, calls)
        for call in calls:
            if call.consortium_required:
                call.min_partners = 3
        Call.objects.bulk_update([c for c in calls if c.consortium_required], ["min_partners"])
        deadlines = []
        for call, status in zip(calls, plans, strict=True):
            if status == "open" and rng.random() < 0.05:
                continue  # continuously open: no deadline
            two_stage = rng.random() < 0.15
            if status == "closed":
                last = now - timedelta(days=rng.randint(1, 300))
            elif status == "forthcoming":
                last = call.opens_at + timedelta(days=rng.randint(30, 120))
            else:
                last = now + timedelta(days=rng.randint(1, 200), hours=rng.randint(0, 23))
            last = last.replace(minute=0, second=0, microsecond=0)
            due = [last - timedelta(days=rng.randint(40, 120)), last] if two_stage else [last]
            for number, due_at in enumerate(due):
                deadlines.append(
                    Deadline(
                        call=call,
                        due_at=due_at,
                        label=(["First stage", "Second stage"][number] if two_stage else ""),
                    )
                )
        _bulk(Deadline, deadlines)
        sectors, themes, types = [], [], []
        for call in calls:
            sectors += [(call.pk, self.pick_sector().pk) for _ in range(rng.randint(1, 3))]
            themes += [(call.pk, t.pk) for t in rng.sample(self.themes, rng.randint(1, 3))]
            if rng.random() < 0.7:
                picked = rng.sample(self.applicant_types, rng.randint(1, 3))
                types += [(call.pk, t.pk) for t in picked]
        _through(Call, "sectors", sectors)
        _through(Call, "themes", themes)
        _through(Call, "applicant_types", types)
        self.calls_built = calls
        self.call_status = dict(zip((c.pk for c in calls), plans, strict=True))
        self.open_calls = [
            c
            for c in calls
            if c.publication_state == "published" and self.call_status[c.pk] == "open"
        ]
        detail = next(c for c in self.open_calls if c.pk in {d.call_id for d in deadlines})
        self.info["call_slug"] = detail.slug
        # The catalogue search: a word many titles have, with the most common theme.
        self.info["q"] = "energy"
        counts = {}
        for _call, theme in themes:
            counts[theme] = counts.get(theme, 0) + 1
        top = max(counts, key=counts.get)
        self.info["theme"] = next(t.slug for t in self.themes if t.pk == top)

    def search_index(self):
        """Calls inserted in bulk skip save(): build their search data the checkout's way."""
        Call = model("funding.Call")
        bench = Call.objects.filter(slug__startswith="bench-call-")
        if hasattr(Call, "update_search_vector"):
            for call in bench.only("pk", "language"):
                call.update_search_vector()

    # --- Partnerships, startups, alerts --------------------------------------------------

    def requests(self):
        rng, now = self.rng, self.now
        Request = model("partnerships.PartnershipRequest")
        kinds = [k for k, _label in Request.Kind.choices]
        states = ["published", "draft", "submitted", "closed", "expired"]
        objects = []
        for n in range(self.size.requests):
            owner = self.coops[0] if n < 3 else rng.choice(self.coops)
            kind = rng.choice(kinds)
            state = rng.choices(states, [60, 10, 5, 15, 10])[0]
            created = now - timedelta(days=rng.uniform(1, 200))
            published_at = None
            deadline = (now + timedelta(days=rng.randint(5, 90))).date()
            if state in ("published", "closed", "expired"):
                # A few requests published this week: what the matchmaking digest lists.
                days = rng.choices([rng.uniform(0, 6.5), rng.uniform(7, 180)], [4, 96])[0]
                published_at = now - timedelta(days=days)
                created = min(created, published_at)
                if state == "expired" or (state == "published" and rng.random() < 0.2):
                    deadline = (now - timedelta(days=rng.randint(1, 60))).date()
            word = rng.choice(WORDS)
            objects.append(
                _set(
                    Request,
                    owner=owner,
                    kind=kind,
                    title=f"Cerchiamo partner {word} {n:05d}",
                    summary=f"Richiesta di partenariato su {word}: {words(rng, 12)}.",
                    description=words(rng, 80),
                    offer=words(rng, 30),
                    sought_countries=rng.sample(["IT", *COUNTRIES], rng.choice([0, 0, 1, 2])),
                    interest_deadline=deadline if rng.random() < 0.9 else None,
                    call=rng.choice(self.open_calls) if kind == "call_partner" else None,
                    state=state,
                    outcome="partner_found" if state == "closed" and rng.random() < 0.5 else "",
                    created_at=created,
                    published_at=published_at,
                    closed_at=now - timedelta(days=1) if state == "closed" else None,
                    is_demo=True,
                )
            )
        self.requests_built = _bulk(Request, objects)
        sectors, themes, types = [], [], []
        for request in self.requests_built:
            sectors += [(request.pk, self.pick_sector().pk) for _ in range(rng.choice([1, 1, 2]))]
            themes += [(request.pk, t.pk) for t in rng.sample(self.themes, rng.choice([0, 1, 2]))]
            if rng.random() < 0.3:
                types.append((request.pk, rng.choice(self.applicant_types).pk))
        _through(Request, "sought_sectors", sectors)
        _through(Request, "sought_themes", themes)
        _through(Request, "sought_organisation_types", types)

    def interests(self):
        rng, now = self.rng, self.now
        Interest = model("partnerships.ExpressionOfInterest")
        published = [r for r in self.requests_built if r.published_at]
        people_of = {}
        for user_id, cooperative_id in self.member_of.items():
            people_of.setdefault(cooperative_id, user_id)
        pairs = {}
        while len(pairs) < min(self.size.interests, len(published) * 10):
            request = rng.choice(published)
            cooperative = self.coops[0] if len(pairs) < 5 else rng.choice(self.coops)
            if cooperative.pk != request.owner_id:
                pairs.setdefault((request.pk, cooperative.pk), request)
        objects = []
        for (_request_pk, cooperative_pk), request in pairs.items():
            state = rng.choices(["pending", "accepted", "declined"], [60, 25, 15])[0]
            created = request.published_at + (now - request.published_at) * rng.random()
            objects.append(
                _set(
                    Interest,
                    request=request,
                    cooperative_id=cooperative_pk,
                    sent_by_id=people_of.get(cooperative_pk),
                    message=f"Siamo interessati. {words(rng, 15)}.",
                    state=state,
                    decided_at=None if state == "pending" else now,
                    created_at=created,
                    is_demo=True,
                )
            )
        _bulk(Interest, objects)

    def startups(self):
        rng = self.rng
        Startup, Need = model("startups.Startup"), model("startups.Need")
        needs = list(Need.objects.order_by("code"))
        kinds = [k for k, _label in Startup.Kind.choices]
        stages = [s for s, _label in Startup.Stage.choices]
        objects = [
            _set(
                Startup,
                name=f"Startup Bench {n:04d}",
                slug=f"startup-bench-{n:04d}",
                kind=rng.choice(kinds),
                parent_cooperative=rng.choice(self.coops) if rng.random() < 0.4 else None,
                founders="Anna Rossi\nLuca Bianchi",
                year_founded=rng.choice([None, 2019, 2021, 2023, 2025]),
                stage=rng.choice(stages),
                sector=self.pick_sector(),
                team_size=rng.randint(1, 12),
                description=words(rng, 40),
                visibility="public" if rng.random() < 0.8 else "members",
                is_demo=True,
            )
            for n in range(self.size.startups)
        ]
        startups = _bulk(Startup, objects)
        _through(
            Startup,
            "themes",
            [(s.pk, t.pk) for s in startups for t in rng.sample(self.themes, rng.randint(1, 2))],
        )
        if needs:
            _through(
                Startup,
                "needs",
                [(s.pk, x.pk) for s in startups for x in rng.sample(needs, rng.randint(1, 3))],
            )

    def query_pool(self):
        """Distinct searches people make: a theme, a level, a word, status, combinations."""
        from urllib.parse import urlencode

        from funding import alerts

        themes = [t.slug for t in self.themes]
        levels = sorted({p.level for p in self.programmes})
        pool = [""]
        pool += [urlencode({"theme": t}) for t in themes]
        pool += [urlencode({"level": level}) for level in levels]
        pool += [urlencode({"q": w}) for w in WORDS]
        pool += [urlencode({"status": "open", "theme": t}) for t in themes]
        pool += [urlencode([("level", a), ("theme", t)]) for a in levels for t in themes]
        pool += [urlencode([("q", w), ("status", "open")]) for w in WORDS]
        pool += [urlencode([("q", w), ("theme", t)]) for w in WORDS for t in themes]
        head, tail = pool[:1], pool[1:]
        self.rng.shuffle(tail)
        return [alerts.normalize_query(QueryDict(q)) for q in head + tail]

    def saved_searches(self):
        rng = self.rng
        SavedSearch = model("funding.SavedSearch")
        pool = self.query_pool()
        # Popular searches are shared by many people (Zipf-like weights).
        weights = [1 / (rank + 1) ** 1.1 for rank in range(len(pool))]
        owners = self.members + self.subscribers
        count = self.size.saved_searches
        queries = rng.choices(pool, weights=weights, k=count)
        frequencies = rng.choices(["instant", "daily", "weekly"], [30, 35, 35], k=count)
        SavedSearch.objects.bulk_create(
            (
                _set(
                    SavedSearch,
                    user=owners[n % len(owners)],
                    name=f"Ricerca {n}",
                    query=q,
                    frequency=frequencies[n],
                )
                for n, q in enumerate(queries)
            ),
            batch_size=BATCH,
            ignore_conflicts=True,  # one alert per person and query
        )
        self.info["distinct_queries"] = len(set(queries))

    def extras(self):
        rng = self.rng
        Follow = model("funding.Follow")
        published = [c for c in self.calls_built if c.publication_state == "published"]
        follows = {(self.member.pk, c.pk) for c in rng.sample(self.open_calls, 15)}
        for user in self.members:
            for call in rng.sample(published, rng.choice([0, 0, 1, 2])):
                follows.add((user.pk, call.pk))
        _bulk(Follow, [Follow(user_id=u, call_id=c) for u, c in follows])
        Alert = model("funding.CooperativeAlert")
        alerts = [
            Alert(
                user_id=user_id,
                cooperative_id=cooperative_id,
                frequency=rng.choice(["instant", "daily", "weekly", "weekly"]),
            )
            for user_id, cooperative_id in self.member_of.items()
            if rng.random() < 0.2
        ]
        alerts.append(Alert(user=self.member, cooperative=self.coops[0], frequency="weekly"))
        Alert.objects.bulk_create(alerts, batch_size=BATCH, ignore_conflicts=True)
        Project = model("partnerships.Project")
        projects = _bulk(
            Project,
            [
                _set(
                    Project,
                    title=f"Progetto Bench {n}",
                    slug=f"progetto-bench-{n}",
                    kind="innovation",
                    status="completed",
                    lead_cooperative=rng.choice(self.coops),
                    is_demo=True,
                )
                for n in range(self.size.projects)
            ],
        )
        _through(
            Project,
            "cooperatives",
            [(p.pk, rng.choice(self.coops).pk) for p in projects for _ in range(3)]
            + [(projects[0].pk, self.coops[0].pk)],
        )
        Dismissed = model("partnerships.DismissedSuggestion")
        recent = [r for r in self.requests_built if r.published_at and r.state == "published"]
        Dismissed.objects.bulk_create(
            (
                _set(
                    Dismissed, cooperative=c, target_type="request", target_id=rng.choice(recent).pk
                )
                for c in rng.sample(self.coops, min(500, len(self.coops)))
            ),
            ignore_conflicts=True,
        )

    def sessions(self):
        """Signed-in sessions in the database the server reads: a member, a staff user."""
        cookies = {}
        for role, user in (("member", self.member), ("staff", self.staff)):
            client = Client()
            client.force_login(user)
            cookie = next(iter(client.cookies.values()))
            cookies[role] = f"{cookie.key}={cookie.value}"
        self.info["cookies"] = cookies
        association = max(
            self.associations,
            key=lambda a: model("members.Cooperative").objects.filter(associations=a).count(),
        )
        self.info["association"] = association.slug


def prepare():
    """Migrate and load the demo data (vocabularies, associations, bodies, programmes)."""
    call_command("migrate", verbosity=0)
    # The benchmark serves with DEBUG off; a checkout from before the flag has none.
    command = load_command_class(get_commands()["load_demo"], "load_demo")
    flags = [] if "allow_without_debug" not in _options_of(command) else ["--allow-without-debug"]
    call_command(
        "load_demo",
        *flags,
        verbosity=0,
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )


def _options_of(command):
    return {action.dest for action in command.create_parser("manage.py", "load_demo")._actions}
