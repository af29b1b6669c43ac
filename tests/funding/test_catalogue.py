import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from funding.filters import CallFilterSet
from funding.models import Call, Deadline, Programme
from members.models import Sector, Theme
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
    """Three published calls that differ in every facet, and a draft matching everything."""
    section_c = SectorFactory(code="C")
    food = SectorFactory(code="10", section=section_c)
    software = SectorFactory(code="62")
    green = ThemeFactory(slug="green-circular-economy")
    digital = ThemeFactory(slug="digital-transition")
    cooperative = ApplicantTypeFactory(code="cooperative")
    sme = ApplicantTypeFactory(code="sme")
    ngo = ApplicantTypeFactory(code="ngo")
    horizon = ProgrammeFactory(acronym="HORIZON", name="Horizon Europe", level="eu")
    regional = ProgrammeFactory(acronym="PR-FESR-ER", name="PR FESR", level="regional")
    national = ProgrammeFactory(acronym="MARCORA", name="Nuova Marcora", level="national")
    calls = {
        "alpha": CallFactory(
            slug="alpha",
            title="Alpha circular food",
            identifier="HORIZON-CL6-2027-01-FOOD",
            programme=horizon,
            themes=[green],
            sectors=[food],
            applicant_types=[cooperative],
            eligible_countries=["IT", "FR"],
            total_budget=1_000_000,
            consortium_required=True,
            min_partners=3,
            opens_at=now - 30 * DAY,
            deadlines=[now + 10 * DAY],
        ),
        "beta": CallFactory(
            slug="beta",
            title="Beta manufacturing",
            identifier="PR-FESR-2027-1.1",
            summary="Investments in circular production.",
            programme=regional,
            themes=[digital],
            sectors=[section_c],
            applicant_types=[sme],
            eligible_countries=["IT"],
            total_budget=5_000_000,
            opens_at=now + 5 * DAY,
            deadlines=[now + 60 * DAY],
        ),
        "gamma": CallFactory(
            slug="gamma",
            title="Gamma software",
            identifier="MARCORA-2026",
            description="Software for cooperatives.",
            programme=national,
            sectors=[software],
            applicant_types=[ngo],
            total_budget=None,
            opens_at=now - 90 * DAY,
            deadlines=[now - 5 * DAY],
        ),
    }
    CallFactory(
        slug="draft",
        title="Draft circular food software",
        programme=horizon,
        themes=[green, digital],
        sectors=[food, software],
        applicant_types=[cooperative, sme, ngo],
        publication_state=Call.PublicationState.DRAFT,
    )
    return calls


def slugs(client, query):
    response = client.get("/calls/", query)
    assert response.status_code == 200
    return [call.slug for call in response.context["calls"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["alpha", "beta", "gamma"]),
        ({"level": "eu"}, ["alpha"]),
        ({"level": ["regional", "national"]}, ["beta", "gamma"]),
        ({"theme": "green-circular-economy"}, ["alpha"]),
        ({"theme": ["green-circular-economy", "digital-transition"]}, ["alpha", "beta"]),
        # A division matches calls tagged with its section; a section matches its divisions.
        ({"sector": "10"}, ["alpha", "beta"]),
        ({"sector": "C"}, ["alpha", "beta"]),
        ({"sector": "62"}, ["gamma"]),
        # No country listed means no restriction.
        ({"country": "FR"}, ["alpha", "gamma"]),
        ({"country": "IT"}, ["alpha", "beta", "gamma"]),
        ({"country": "DE"}, ["gamma"]),
        ({"applicant": "sme"}, ["beta"]),
        ({"applicant": ["cooperative", "ngo"]}, ["alpha", "gamma"]),
        ({"status": "open"}, ["alpha"]),
        ({"status": "forthcoming"}, ["beta"]),
        ({"status": "closed"}, ["gamma"]),
        ({"status": ["open", "forthcoming"]}, ["alpha", "beta"]),
        ({"deadline_from": "2027-01-20", "deadline_to": "2027-01-25"}, ["alpha"]),
        ({"deadline_from": "2027-01-20"}, ["alpha", "beta"]),
        ({"deadline_to": "2027-01-25"}, ["alpha", "gamma"]),
        ({"budget_min": "2000000"}, ["beta"]),
        ({"budget_max": "2000000"}, ["alpha"]),
        ({"budget_min": "500000", "budget_max": "5000000"}, ["alpha", "beta"]),
        ({"consortium": "yes"}, ["alpha"]),
        ({"consortium": "no"}, ["beta", "gamma"]),
        ({"q": "circular"}, ["alpha", "beta"]),
        ({"q": "software"}, ["gamma"]),
        ({"q": "MARCORA-2026"}, ["gamma"]),
        ({"q": "circular", "status": "open"}, ["alpha"]),
    ],
)
def test_each_filter(client, catalogue, query, expected):
    assert sorted(slugs(client, query)) == expected


def test_programme_filter_takes_programme_ids(client, catalogue):
    horizon = Programme.objects.get(acronym="HORIZON")
    assert slugs(client, {"programme": horizon.pk}) == ["alpha"]


def test_closest_deadline_first_and_closed_calls_last(client, catalogue):
    assert slugs(client, {}) == ["alpha", "beta", "gamma"]
    assert slugs(client, {"sort": "deadline"}) == ["alpha", "beta", "gamma"]


def test_newest_sort(client, catalogue):
    Call.objects.filter(slug="gamma").update(published_at=NOW)
    assert slugs(client, {"sort": "newest"})[0] == "gamma"


def test_relevance_puts_title_matches_first_on_sqlite_too(client, catalogue):
    # "circular" is in alpha's title and only in beta's summary.
    assert slugs(client, {"q": "circular", "sort": "relevance"}) == ["alpha", "beta"]


def test_drafts_and_archived_calls_are_not_listed(client, catalogue):
    Call.objects.filter(slug="beta").update(publication_state=Call.PublicationState.ARCHIVED)
    page = client.get("/calls/").content.decode()
    assert "Draft circular food software" not in page
    assert "Beta manufacturing" not in page


def test_facet_counts_count_each_value_with_the_other_filters(client, catalogue):
    response = client.get("/calls/", {"status": "open"})
    facets = {group["name"]: group for group in response.context["facets"]}
    status = {option["value"]: option["count"] for option in facets["status"]["options"]}
    # The status facet ignores its own filter, so the other values keep their counts.
    assert status == {"forthcoming": 1, "open": 1, "closed": 1}
    level = {option["value"]: option["count"] for option in facets["level"]["options"]}
    assert level == {"eu": 1}
    assert next(o for o in facets["status"]["options"] if o["value"] == "open")["checked"]


def test_filter_state_is_in_the_url_of_pagination_and_feeds(client, catalogue):
    for number in range(25):
        CallFactory(slug=f"more-{number}", themes=[Theme.objects.get(slug="digital-transition")])
    response = client.get("/calls/", {"theme": "digital-transition"})
    page = response.content.decode()
    assert "?theme=digital-transition&amp;page=2" in page
    assert "/calls/feed.ics?theme=digital-transition" in page
    assert "/calls/feed.rss?theme=digital-transition" in page


@pytest.mark.parametrize(
    "query",
    [
        {"programme": "999999"},
        {"programme": "not-a-number"},
        {"theme": "no-such-theme"},
        {"sector": "ZZ"},
        {"applicant": "martians"},
        {"country": "XX"},
        {"status": "sleeping"},
        {"level": "galactic"},
        {"deadline_from": "2027-13-45"},
        {"deadline_from": "0001-01-01"},
        {"deadline_to": "9999-12-31"},
        {"deadline_from": "2027-02-01", "deadline_to": "2027-01-01"},
        {"budget_min": "lots"},
        {"budget_min": "1e400"},
        {"budget_max": "-5"},
        {"budget_min": "NaN"},
        {"consortium": "maybe"},
        {"sort": "random"},
        {"q": "x" * 500},
        # A NUL byte is a 400 before any form sees it: tests/core/test_bad_input.py.
    ],
)
def test_bad_filter_values_give_a_clean_page_with_the_message(client, catalogue, query):
    response = client.get("/calls/", query)
    assert response.status_code == 200
    assert response.context["filterset"].errors
    assert 'data-testid="filter-errors"' in response.content.decode()
    for feed in ("/calls/feed.ics", "/calls/feed.rss"):
        assert client.get(feed, query).status_code == 200


def test_unknown_programme_is_a_form_error_and_the_other_filters_still_apply(catalogue):
    from django.http import QueryDict

    filterset = CallFilterSet(QueryDict("programme=999999&status=open"))
    assert "programme" in filterset.errors
    assert [call.slug for call in filterset.qs] == ["alpha"]
    assert not filterset.is_valid()


def test_filterset_works_from_a_plain_querydict_without_request(catalogue):
    from django.http import QueryDict

    filterset = CallFilterSet(QueryDict("theme=green-circular-economy&country=IT"))
    assert filterset.is_valid()
    assert [call.slug for call in filterset.qs] == ["alpha"]


@pytest.mark.parametrize("page", ["999999999", "-1", "abc", "1e9", "0"])
def test_huge_or_invalid_page_numbers_show_a_page(client, catalogue, page):
    response = client.get("/calls/", {"page": page})
    assert response.status_code == 200
    assert response.context["calls"]


def bulk_calls(count, start):
    """Fast calls with a deadline, themes, sectors and applicant types."""
    programme = ProgrammeFactory(acronym="BULK")
    themes = list(Theme.objects.filter(slug="digital-transition")) + list(Theme.objects.all()[:1])
    sectors = list(Sector.objects.all()[:2])
    now = timezone.now()
    calls = Call.objects.bulk_create(
        Call(
            programme=programme,
            identifier=f"BULK-{number}",
            slug=f"bulk-{number}",
            title=f"Bulk call {number}",
            publication_state=Call.PublicationState.PUBLISHED,
            published_at=now,
            opens_at=now - 10 * DAY,
        )
        for number in range(start, start + count)
    )
    Deadline.objects.bulk_create(
        # From 5 days ago to 84 days ahead: every batch, even of 10, has open and closed calls.
        Deadline(call=call, due_at=now + (number % 90 - 5) * DAY)
        for number, call in enumerate(calls)
    )
    for call in calls:
        call.themes.set(themes)
        call.sectors.set(sectors)
    return calls


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    if url.startswith("/calls/?") or url == "/calls/":
        # A page with no results would skip the per-page queries and prove nothing.
        assert response.context["page_obj"].object_list
    return len(queries)


@pytest.mark.parametrize("url", ["/calls/", "/calls/?q=bulk&theme=digital-transition&status=open"])
def test_catalogue_query_count_is_the_same_with_10_and_500_calls(client, url):
    ThemeFactory(slug="digital-transition")
    bulk_calls(10, 0)
    with_ten = count_queries(client, url)
    bulk_calls(490, 10)
    assert count_queries(client, url) == with_ten
    assert with_ten <= 20


def test_feeds_query_count_is_fixed(client):
    bulk_calls(10, 0)
    ics, rss = count_queries(client, "/calls/feed.ics"), count_queries(client, "/calls/feed.rss")
    bulk_calls(190, 10)
    assert count_queries(client, "/calls/feed.ics") == ics
    assert count_queries(client, "/calls/feed.rss") == rss
