"""Every form and every filter parameter, fuzzed through the test client (hypothesis).

Hostile strings, NUL bytes, huge and negative numbers, repeated parameters and wrong
dates go into the GET parameters of every list page and feed, the admin changelists'
filters, and the fields of every form a person can post. The portal must answer each with
a page or a 4xx, never a 500, and a refused form must leave the database as it was
(the watched rows are compared before and after).

Each target first runs the known-hostile values on each of its parameters in turn (so
the cases the outsider found always run), then `MAX_EXAMPLES` random combinations. Every
request runs in a savepoint rolled back afterwards: each example starts from the same rows.
"""

import dataclasses
import datetime
import re
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from core.models import Delivery, User
from funding.filters import CallFilterSet
from funding.models import CooperativeAlert, SavedSearch
from members.filters import CooperativeFilterSet
from members.models import Cooperative, Invitation, Membership
from partnerships.filters import ProjectFilterSet, RequestFilterSet
from partnerships.models import (
    DismissedSuggestion,
    ExpressionOfInterest,
    PartnershipRequest,
    RequestEvent,
)
from startups.filters import ApplicationFilterSet, StartupFilterSet
from startups.models import Application, ApplicationEvent, MentorAssignment
from tests.core.world import (
    application_form,
    profile_form,
    request_form,
    shared_world,
    signup_application_form,
)

MAX_EXAMPLES = 25

# What the outsider tried, and the classics: each goes into every parameter of a target.
SEEDS = (
    "\x00",
    "99999999999999999999",
    "-1",
)
HOSTILE = (
    *SEEDS,
    "a\x00b",
    "%00",
    "-99999999999999999999",
    "9223372036854775808",
    "0",
    "1e309",
    "NaN",
    "-inf",
    "0x1F",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "31/12/2026",
    "2026-13-01T25:61",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "{{ 7*7 }}",
    "\u202e\ufeff",
    " ",
    "",
    "x" * 5000,
)

hostile = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.dates(min_value=datetime.date(1, 1, 1)).map(str),
)
# A parameter given once, or repeated (?programme=1&programme=x).
parameter = st.one_of(hostile, st.lists(hostile, min_size=2, max_size=3))

FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # No shrinking: a failing target reports the example as found, within a bounded time.
    phases=[Phase.explicit, Phase.generate],
)


def filters(filterset_class):
    return lambda w: [*filterset_class.base_filters, "page"]


@dataclasses.dataclass(frozen=True)
class Target:
    """One form or page: who opens it, where, which parameters, which rows it may change.

    `baseline(world)` is a valid submission; each example replaces some of its parameters
    with hostile values. `watch(world)` gives querysets whose rows must not change when
    the answer is not a redirect (a refused form).
    """

    name: str
    persona: str
    url: object  # callable(world) -> path
    method: str = "GET"
    names: object = None  # callable(world) -> parameter names; else the baseline's
    baseline: object = None  # callable(world) -> dict
    watch: object = None  # callable(world) -> querysets


def _url(name, **attrs):
    def build(w):
        kwargs = {key: _attr(w, path) for key, path in attrs.items()}
        return reverse(name, kwargs=kwargs or None)

    return build


def _attr(w, path):
    value = w
    for part in path.split("."):
        value = getattr(value, part)
    return value


def _requests(w):
    return [
        PartnershipRequest.objects.order_by("pk").values(),
        PartnershipRequest.sought_themes.through.objects.order_by("pk").values(),
        PartnershipRequest.sought_sectors.through.objects.order_by("pk").values(),
        RequestEvent.objects.order_by("pk").values(),
    ]


def _cooperative(w):
    return [
        Cooperative.objects.filter(pk=w.coop_a.pk).values(),
        Cooperative.themes.through.objects.order_by("pk").values(),
        Cooperative.sectors.through.objects.order_by("pk").values(),
    ]


def _applications(w):
    return [
        Application.objects.order_by("pk").values(),
        Application.needs.through.objects.order_by("pk").values(),
        ApplicationEvent.objects.order_by("pk").values(),
        User.objects.order_by("pk").values("pk", "email"),
        Delivery.objects.order_by("pk").values("pk"),
    ]


TARGETS = [
    # --- GET: the filters of every list page and feed -------------------------------------
    Target("calls", "anonymous", _url("funding:call-list"), names=filters(CallFilterSet)),
    Target("calls.ics", "anonymous", _url("funding:call-feed-ics"), names=filters(CallFilterSet)),
    Target("calls.rss", "anonymous", _url("funding:call-feed-rss"), names=filters(CallFilterSet)),
    # The public API takes the catalogue's query string, and its page size.
    Target(
        "api.calls",
        "anonymous",
        _url("api:call-list"),
        names=lambda w: [*filters(CallFilterSet)(w), "page_size"],
    ),
    Target(
        "api.programmes",
        "anonymous",
        _url("api:programme-list"),
        names=lambda w: ["page", "page_size"],
    ),
    Target(
        "cooperatives",
        "anonymous",
        _url("members:cooperative-list"),
        names=filters(CooperativeFilterSet),
    ),
    Target(
        "association",
        "anonymous",
        _url("members:association-detail", slug="association.slug"),
        names=lambda w: ["page"],
    ),
    Target(
        "requests", "viewer", _url("partnerships:request-list"), names=filters(RequestFilterSet)
    ),
    Target(
        "projects",
        "anonymous",
        _url("partnerships:project-list"),
        names=filters(ProjectFilterSet),
    ),
    Target("startups", "no_coop", _url("startups:startup-list"), names=filters(StartupFilterSet)),
    Target(
        "board",
        "staff",
        _url("startups:board", slug="support_programme.slug"),
        names=filters(ApplicationFilterSet),
    ),
    Target(
        "board.csv",
        "staff",
        _url("startups:board-export", slug="support_programme.slug"),
        names=filters(ApplicationFilterSet),
    ),
    Target(
        "request-create ?call",
        "editor",
        _url("partnerships:request-create"),
        names=lambda w: ["call"],
    ),
    Target("home ?next", "anonymous", _url("home"), names=lambda w: ["next", "page"]),
    # --- POST: every form ---------------------------------------------------------------------
    Target(
        "partnership request",
        "editor",
        _url("partnerships:request-create"),
        "POST",
        baseline=request_form,
        watch=_requests,
    ),
    Target(
        "partnership request edit",
        "editor",
        _url("partnerships:request-edit", pk="draft_request.pk"),
        "POST",
        baseline=lambda w: {key: v for key, v in request_form(w).items() if key != "owner"},
        watch=_requests,
    ),
    Target(
        "cooperative profile",
        "admin_a",
        _url("portal:cooperative-edit", slug="coop_a.slug"),
        "POST",
        baseline=profile_form,
        watch=_cooperative,
    ),
    Target(
        "apply (signing up)",
        "anonymous",
        _url("startups:apply", slug="support_programme.slug"),
        "POST",
        baseline=signup_application_form,
        watch=_applications,
    ),
    Target(
        "apply (signed in)",
        "no_coop",
        _url("startups:apply", slug="support_programme.slug"),
        "POST",
        baseline=application_form,
        watch=_applications,
    ),
    Target(
        "saved search",
        "admin_a",
        _url("alerts:create"),
        "POST",
        baseline=lambda w: {"name": "Food", "frequency": "weekly", "query": "q=food&level=eu"},
        watch=lambda w: [SavedSearch.objects.order_by("pk").values()],
    ),
    Target(
        "saved search edit",
        "admin_a",
        _url("alerts:edit", pk="saved_search.pk"),
        "POST",
        baseline=lambda w: {"name": "Food", "frequency": "daily", "is_active": "on"},
        watch=lambda w: [SavedSearch.objects.order_by("pk").values()],
    ),
    Target(
        "invitation",
        "admin_a",
        _url("portal:cooperative-members", slug="coop_a.slug"),
        "POST",
        baseline=lambda w: {"email": "new@person.example", "role": "viewer", "language": "it"},
        watch=lambda w: [
            Invitation.objects.order_by("pk").values(),
            Delivery.objects.order_by("pk").values("pk"),
        ],
    ),
    Target(
        "account",
        "no_coop",
        _url("portal:account"),
        "POST",
        baseline=lambda w: {"full_name": "Nuovo Nome", "language": "en"},
        watch=lambda w: [User.objects.filter(pk=w.no_coop.pk).values()],
    ),
    Target(
        "account delete",
        "no_coop",
        _url("portal:account-delete"),
        "POST",
        baseline=lambda w: {"password": "wrong"},
        watch=lambda w: [User.objects.order_by("pk").values("pk")],
    ),
    Target(
        "switch",
        "admin_a",
        _url("portal:switch-cooperative"),
        "POST",
        baseline=lambda w: {"cooperative": w.coop_a.slug},
    ),
    Target(
        "interest",
        "admin_a",
        _url("partnerships:interest-create", pk="request_b.pk"),
        "POST",
        baseline=lambda w: {"cooperative": w.coop_a.pk, "message": "Possiamo aiutare."},
        watch=lambda w: [
            ExpressionOfInterest.objects.order_by("pk").values(),
            Delivery.objects.order_by("pk").values("pk"),
        ],
    ),
    Target(
        "interest decline",
        "admin_a",
        _url("partnerships:interest-decline", pk="interest.pk"),
        "POST",
        baseline=lambda w: {"reason": "Non ora."},
    ),
    Target(
        "request close",
        "editor",
        _url("partnerships:request-close", pk="request.pk"),
        "POST",
        baseline=lambda w: {"outcome": "withdrawn", "note": ""},
    ),
    Target(
        "request return",
        "staff",
        _url("partnerships:request-return", pk="submitted_request.pk"),
        "POST",
        baseline=lambda w: {"reason": "Manca il budget."},
    ),
    Target(
        "dismiss",
        "viewer",
        _url("partnerships:dismiss"),
        "POST",
        baseline=lambda w: {
            "target_type": "call",
            "target_id": w.call.pk,
            "cooperative": w.coop_a.pk,
            "request": "",
            "next": "/",
        },
        watch=lambda w: [DismissedSuggestion.objects.order_by("pk").values()],
    ),
    Target(
        "membership role",
        "admin_a",
        _url("portal:membership-role", slug="coop_a.slug", pk="viewer_membership.pk"),
        "POST",
        baseline=lambda w: {"role": "editor"},
        watch=lambda w: [Membership.objects.order_by("pk").values()],
    ),
    Target(
        "cooperative alert",
        "admin_a",
        _url("alerts:cooperative", cooperative_pk="coop_a.pk"),
        "POST",
        baseline=lambda w: {
            f"coop-{w.coop_a.pk}-frequency": "weekly",
            f"coop-{w.coop_a.pk}-is_active": "on",
        },
        watch=lambda w: [CooperativeAlert.objects.order_by("pk").values()],
    ),
    Target(
        "alert preferences",
        "admin_a",
        _url("alerts:preferences"),
        "POST",
        baseline=lambda w: {"action": "stop-all"},
    ),
    Target(
        "digest preference",
        "admin_a",
        _url("partnerships:digest-preference"),
        "POST",
        baseline=lambda w: {"action": "off", "next": "/"},
    ),
    Target(
        "application transition",
        "staff",
        _url("startups:application-transition", pk="application.pk"),
        "POST",
        baseline=lambda w: {"to_stage": "incubating", "note": "", "reason": "", "next": "/"},
    ),
    Target(
        "mentor assign",
        "staff",
        _url("startups:mentor-assign", pk="application.pk"),
        "POST",
        baseline=lambda w: {"mentor": w.mentor.pk, "next": "/"},
        watch=lambda w: [MentorAssignment.objects.order_by("pk").values()],
    ),
    Target(
        "follow",
        "viewer",
        _url("funding:call-follow", slug="call.slug"),
        "POST",
        baseline=lambda w: {"next": "/calls/"},
    ),
    Target(
        "unfollow",
        "admin_a",
        _url("funding:call-unfollow", slug="call.slug"),
        "POST",
        baseline=lambda w: {"next": "/calls/"},
    ),
    Target(
        "language",
        "anonymous",
        _url("set_language"),
        "POST",
        baseline=lambda w: {"language": "en", "next": "/calls/"},
    ),
    Target(
        "sign in",
        "anonymous",
        _url("account_login"),
        "POST",
        baseline=lambda w: {"login": "admin@aurora.example", "password": "wrong"},
    ),
    Target(
        "password reset",
        "anonymous",
        _url("account_reset_password"),
        "POST",
        baseline=lambda w: {"email": "admin@aurora.example"},
    ),
]


def _sign_in(client, world, persona):
    client.logout()
    user = world.users[persona]
    if user is not None:
        client.force_login(user)


def _snapshot(target, world):
    if target.watch is None:
        return None
    return [list(queryset) for queryset in target.watch(world)]


def _attempt(client, target, world, url, data):
    """One request in a savepoint rolled back afterwards; a 500 or half-save raises."""
    cache.clear()  # rate limits (sign-in, apply) would otherwise answer 429 to the rest
    with transaction.atomic():
        before = _snapshot(target, world)
        response = client.get(url, data) if target.method == "GET" else client.post(url, data)
        assert response.status_code < 500, f"{response.status_code} for {data!r}"
        if response.status_code not in (301, 302, 303):
            after = _snapshot(target, world)
            assert before == after, f"refused ({response.status_code}) but rows changed: {data!r}"
        transaction.set_rollback(True)
    if target.method == "POST":
        _sign_in(client, world, target.persona)  # a post may sign out (language, delete)


def _describe(data, error):
    shown = {k: (v if len(str(v)) < 80 else f"{str(v)[:40]}…") for k, v in data.items()}
    return f"{shown!r}: {type(error).__name__}: {str(error).splitlines()[0][:200]}"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with shared_world(django_db_blocker) as world:
        yield world


def _try(client, target, world, url, data):
    try:
        _attempt(client, target, world, url, data)
    except Exception as error:
        return error
    return None


@pytest.mark.parametrize("target", TARGETS, ids=lambda target: target.name)
def test_no_500_and_nothing_half_saved(target, world, client, db):
    _sign_in(client, world, target.persona)
    url = target.url(world)
    baseline = target.baseline(world) if target.baseline else {}
    names = sorted(target.names(world) if target.names else baseline)
    failures = []

    # The known-hostile values in every parameter at once; on a failure, one parameter at a
    # time, to name the ones that fail.
    for value in SEEDS:
        if _try(client, target, world, url, {**baseline, **dict.fromkeys(names, value)}):
            for name in names:
                data = {**baseline, name: value}
                error = _try(client, target, world, url, data)
                if error:
                    failures.append(_describe(data, error))

    @FUZZ
    @given(choice=st.dictionaries(st.sampled_from(names), parameter, min_size=1, max_size=4))
    def fuzz(choice):
        _attempt(client, target, world, url, {**baseline, **choice})

    try:
        fuzz()
    except Exception as error:
        failures.append(f"hypothesis: {type(error).__name__}: {str(error)[:600]}")
    assert not failures, f"{target.name} ({url}):\n" + "\n".join(failures)


# --- Paths: the tokens of emailed links ----------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "method"),
    [("unsubscribe", "GET"), ("unsubscribe", "POST"), ("portal:invitation-accept", "GET")],
)
def test_link_tokens(url_name, method, world, client, db):

    @FUZZ
    @given(token=st.one_of(st.sampled_from(HOSTILE), st.text(min_size=1, max_size=300)))
    def fuzz(token):
        token = token.replace("/", "") or "x"
        path = reverse(url_name, kwargs={"token": "TOKEN"}).replace("TOKEN", quote(token, safe=""))
        with transaction.atomic():
            response = client.get(path) if method == "GET" else client.post(path)
            transaction.set_rollback(True)
        assert response.status_code < 500

    fuzz()


# --- The admin changelists' filters ---------------------------------------------------------

FILTER_LINK = re.compile(r'href="\?([^"#]+)"')


def changelist_parameters(client, url):
    """The parameter names the changelist's own filter links and search use."""
    html = client.get(url).content.decode()
    names = {"q", "o", "p", "e", "all", "_changelist_filters"}
    for query in FILTER_LINK.findall(html):
        for pair in query.replace("&amp;", "&").split("&"):
            if "=" in pair:
                names.add(pair.split("=", 1)[0])
    return sorted(names)


def test_admin_changelist_filters(world, client, db):
    _sign_in(client, world, "staff")
    changelists = {}
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        changelists[url] = changelist_parameters(client, url)
    failures = []

    def get(url, data):
        try:
            with transaction.atomic():
                response = client.get(url, data)
                transaction.set_rollback(True)
            assert response.status_code < 500, response.status_code
        except Exception as error:
            return error
        return None

    for url, names in changelists.items():
        for value in SEEDS[:2]:
            if get(url, dict.fromkeys(names, value)):
                for name in names:
                    error = get(url, {name: value})
                    if error:
                        failures.append(f"{url}?{name}={value!r}: {_describe({}, error)}")

    @settings(FUZZ, max_examples=MAX_EXAMPLES * 3)
    @given(data=st.data())
    def fuzz(data):
        url = data.draw(st.sampled_from(sorted(changelists)))
        names = changelists[url]
        choice = data.draw(
            st.dictionaries(st.sampled_from(names), parameter, min_size=1, max_size=3)
        )
        with transaction.atomic():
            response = client.get(url, choice)
            transaction.set_rollback(True)
        assert response.status_code < 500, f"{url} {choice!r}"

    try:
        fuzz()
    except Exception as error:
        failures.append(f"hypothesis: {type(error).__name__}: {str(error)[:600]}")
    assert not failures, "\n".join(failures)
