"""/calls/ facets: the same numbers as counting each facet on its own, in two queries."""

import datetime
import itertools
import re

import pytest
import time_machine
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from funding.filters import CallFilterSet
from funding.models import Call
from tests.funding.factories import (
    ApplicantTypeFactory,
    CallFactory,
    ProgrammeFactory,
    SectorFactory,
    ThemeFactory,
    brussels,
)

pytestmark = pytest.mark.django_db

NOW = brussels(2027, 1, 15, 12)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def catalogue(now):
    """Twelve calls cycling through programmes, levels, themes, applicants and statuses."""
    programmes = [
        ProgrammeFactory(acronym="HORIZON", level="eu"),
        ProgrammeFactory(acronym="LIFE", level="eu"),
        ProgrammeFactory(acronym="FESR", level="regional"),
        ProgrammeFactory(acronym="MARCORA", level="national"),
    ]
    themes = [ThemeFactory(slug=slug) for slug in ("green", "digital", "social")]
    types = [ApplicantTypeFactory(code=code) for code in ("cooperative", "sme")]
    timing = [
        {"opens_at": now - 30 * DAY, "deadlines": [now + 10 * DAY]},  # open
        {"opens_at": now + 5 * DAY, "deadlines": [now + 60 * DAY]},  # forthcoming
        {"opens_at": now - 90 * DAY, "deadlines": [now - 5 * DAY]},  # closed
        {"opens_at": None, "deadlines": []},  # continuously open
        # Two stages, the first passed: still open.
        {"opens_at": now - 90 * DAY, "deadlines": [now - 5 * DAY, now + 5 * DAY]},
    ]
    for number in range(12):
        CallFactory(
            slug=f"call-{number}",
            title=f"Call {number} circular" if number % 2 else f"Call {number}",
            programme=programmes[number % 4],
            themes=themes[: number % 4],
            applicant_types=types[number % 3 : number % 3 + 1],
            consortium_required=number % 3 == 0,
            **timing[number % 5],
        )
    CallFactory(slug="draft", publication_state=Call.PublicationState.DRAFT, themes=themes)


def reference_counts(query):
    """Each facet counted the slow way: the selection without that facet, call by call."""
    counts = {}
    for name in CallFilterSet.FACETS:
        data = QueryDict(query, mutable=True)
        data.pop(name, None)
        calls = CallFilterSet(data).filtered.prefetch_related("themes", "applicant_types")
        values = []
        for call in calls.select_related("programme"):
            values += {
                "status": [call.status_at(NOW)],
                "level": [call.programme.level],
                "programme": [str(call.programme_id)],
                "theme": [theme.slug for theme in call.themes.all()],
                "applicant": [kind.code for kind in call.applicant_types.all()],
                "consortium": ["yes" if call.consortium_required else "no"],
            }[name]
        counts[name] = {value: values.count(value) for value in set(values)}
    return counts


QUERIES = [
    "",
    "status=open",
    "status=open&status=forthcoming",
    "level=eu",
    "theme=green",
    "theme=green&theme=social&applicant=sme",
    "consortium=yes&status=closed",
    "q=circular&level=national",
    "q=circular&theme=digital&status=open&consortium=no",
    "budget_min=1&status=open",  # no call has a budget: every count is zero
    "programme=abc&theme=green",  # the invalid filter is left out, the others count
]


@pytest.mark.parametrize("query", QUERIES)
def test_counts_equal_counting_each_facet_on_its_own(catalogue, query):
    filterset = CallFilterSet(QueryDict(query))
    assert filterset.facet_counts() == reference_counts(query)


@pytest.mark.parametrize("query", QUERIES)
def test_facets_take_two_queries(catalogue, query, django_assert_num_queries):
    filterset = CallFilterSet(QueryDict(query))
    filterset.errors  # noqa: B018 - validating model choices is not counting
    with django_assert_num_queries(2):
        filterset.facet_counts()


def test_page_shows_the_facets_with_their_counts(client, catalogue):
    response = client.get("/calls/", {"status": "open", "theme": "green"})
    groups = {group["name"]: group for group in response.context["facets"]}
    reference = reference_counts("status=open&theme=green")
    for name, group in groups.items():
        shown = {option["value"]: option["count"] for option in group["options"]}
        ticked = {"status": {"open"}, "theme": {"green"}}.get(name, set())
        assert shown == {
            value: count for value, count in reference[name].items() if count or value in ticked
        } | {value: reference[name].get(value, 0) for value in ticked}
    programme = groups["programme"]["options"]
    assert {option["label"] for option in programme} <= {
        str(p) for p in ProgrammeFactory._meta.model.objects.all()
    }


def make_calls(count, offset):
    """`count` calls, each with its own programme and theme: vocabularies grow with calls."""
    for number in range(offset, offset + count):
        CallFactory(
            programme=ProgrammeFactory(acronym=f"P{number}"),
            themes=[ThemeFactory(slug=f"theme-{number}")],
            applicant_types=[ApplicantTypeFactory(code=f"type-{number % 7}")],
            sectors=[SectorFactory(code=f"{number % 90 + 10}")],
            deadlines=[NOW + (number % 30 - 3) * DAY],
        )


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status": "open"},
        {"q": "call", "status": "open", "level": "eu", "consortium": "no"},
        {"theme": "theme-1", "applicant": "type-1", "sector": "11", "country": "IT"},
    ],
)
def test_catalogue_query_count_is_the_same_with_5_and_40_calls(client, now, query):
    make_calls(5, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/calls/", query).status_code == 200
    make_calls(35, 5)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/calls/", query)
    assert response.status_code == 200
    assert response.context["page_obj"].object_list
    assert len(many) == len(few) <= 14


def test_a_facet_with_many_values_shows_the_most_frequent_and_the_ticked(client, now):
    make_calls(14, 0)
    CallFactory(programme=ProgrammeFactory(acronym="P0"))  # P0 counts 2: the most frequent
    ticked = Call.objects.filter(programme__acronym="P13").get().programme_id
    response = client.get("/calls/", {"programme": ticked})
    # The programme facet ignores its own filter: all 14 programmes, 8 of them at first.
    group = next(g for g in response.context["facets"] if g["name"] == "programme")
    assert len(group["options"]) == 14
    visible = [option["label"] for option in group["options"] if not option["more"]]
    # The 8 most frequent, and the ticked one if it is not among them.
    assert len(visible) in (8, 9)
    assert group["more_count"] == 14 - len(visible)
    assert any(label.endswith("(P0)") for label in visible)
    assert any(label.endswith("(P13)") for label in visible)
    assert 'data-testid="facet-programme-more"' in response.content.decode()
    # Few values: no "more".
    group = next(g for g in response.context["facets"] if g["name"] == "status")
    assert group["more_count"] == 0


def test_the_sector_dropdown_lists_the_sectors_calls_use_and_their_sections(client, now):
    section = SectorFactory(code="C")
    food = SectorFactory(code="10", section=section)
    SectorFactory(code="11", section=section)  # unused division of a used section
    unused = SectorFactory(code="99")
    CallFactory(sectors=[food])
    page = client.get("/calls/").content.decode()
    assert 'value="10"' in page and 'value="C"' in page
    assert 'value="99"' not in page and 'value="11"' not in page
    # A ticked sector stays in the list, and the filter still accepts every sector.
    response = client.get("/calls/", {"sector": unused.code})
    assert 'value="99" selected' in response.content.decode()
    assert not response.context["filterset"].errors


@pytest.mark.parametrize(
    "query",
    [
        {"status": ["open", "open", "closed"]},
        {"programme": ["1", "1", "x"]},
        {"theme": ["green"] * 50},
        {"level": "eu\x01"},
        {"consortium": ["yes", "no"]},
        {"applicant": "s" * 1000},
    ],
)
def test_odd_facet_values_give_a_page(client, catalogue, query):
    response = client.get("/calls/", query)
    assert response.status_code == 200
    assert all(
        option["count"] >= 0 for group in response.context["facets"] for option in group["options"]
    )


def test_counts_do_not_depend_on_the_order_of_facets(catalogue):
    for names in itertools.permutations(["status=open", "theme=green", "level=eu"]):
        assert CallFilterSet(QueryDict("&".join(names))).facet_counts() == reference_counts(
            "status=open&theme=green&level=eu"
        )


def _status_counts(response):
    """The status facet's counts as the page shows them (also when served from the cache)."""
    html = response.content.decode()
    pattern = (
        r'name="status" value="(\w+)".*?<span class="badge text-bg-light facet-count">(\d+)</span>'
    )
    return {value: int(count) for value, count in re.findall(pattern, html, re.S)}


def test_facet_counts_are_kept_a_minute_and_follow_every_change_of_a_call(client, now):
    make_calls(3, 0)
    with CaptureQueriesContext(connection) as cold:
        first = client.get("/calls/")
    with CaptureQueriesContext(connection) as again:
        second = client.get("/calls/", {"page": "1"})
    # The same selection again reads the counts and the sector list from the cache.
    assert len(again) <= len(cold) - 3
    assert _status_counts(second) == _status_counts(first)
    # A call saved (admin, import, shell) shows in the counts at once.
    make_calls(1, 3)
    assert sum(_status_counts(client.get("/calls/")).values()) == 4


def test_facet_counts_follow_the_clock_within_a_minute(client):
    with time_machine.travel(NOW, tick=False) as traveller:
        CallFactory(deadlines=[NOW + datetime.timedelta(seconds=30)])
        assert _status_counts(client.get("/calls/")) == {"open": 1}
        # The deadline passes: no signal is sent, the cached counts last at most a minute.
        traveller.shift(datetime.timedelta(seconds=90))
        assert _status_counts(client.get("/calls/")) == {"closed": 1}
