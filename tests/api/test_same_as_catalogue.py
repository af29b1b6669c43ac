"""The API answers the calls /calls/ shows for the same query string, in the same order,
across pages (issue 16: "a query string means the same on /calls/ and on the API")."""

import itertools

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGE = reverse("funding:call-list")
API = reverse("api:call-list")


def page_identifiers(client, query):
    """Every call of /calls/ for `query`, page after page."""
    found, number = [], 1
    while True:
        cache.clear()  # the results part is kept rendered: read it anew
        response = client.get(PAGE, {**query, "page": number})
        assert response.status_code == 200
        found += [call.identifier for call in response.context["calls"]]
        if number >= response.context["paginator"].num_pages:
            return found
        number += 1


def api_identifiers(client, query, **extra):
    """Every call of the API for `query`, following `next` to the end."""
    response = client.get(API, {**query, **extra})
    found = []
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        found += [call["identifier"] for call in body["results"]]
        if body["next"] is None:
            assert body["count"] == len(found)
            return found
        response = client.get(body["next"])


def queries(catalogue):
    horizon, regional, national = (str(p.pk) for p in catalogue["programmes"])
    listed = [
        {},
        {"q": "circular"},
        {"q": "cooperative", "sort": "deadline"},
        {"q": "energia"},
        {"q": "HORIZON-2027-03"},
        {"programme": horizon},
        {"programme": [regional, national]},
        {"theme": "green-circular-economy"},
        {"theme": ["green-circular-economy", "digital-transition"]},
        {"sector": "10"},
        {"sector": "C"},
        {"sector": ["62", "10"]},
        {"country": "FR"},
        {"country": "DE"},
        {"applicant": "sme"},
        {"applicant": ["cooperative", "ngo"]},
        {"deadline_from": "2027-01-20"},
        {"deadline_to": "2027-02-10"},
        {"deadline_from": "2027-01-01", "deadline_to": "2027-03-31"},
        {"budget_min": "1000000"},
        {"budget_max": "900000"},
        {"budget_min": "500000", "budget_max": "2000000"},
        {"consortium": "yes"},
        {"consortium": "no", "country": "IT"},
        {"theme": "digital-transition", "applicant": "sme", "level": "regional"},
        # Parameters the catalogue does not know are ignored by both.
        {"utm_source": "newsletter"},
    ]
    # Every combination of level, status and sort.
    levels = [None, "eu", ["eu", "regional"]]
    statuses = [None, "open", "forthcoming", "closed", ["open", "forthcoming"]]
    sorts = [None, "deadline", "newest", "relevance"]
    for level, status, sort in itertools.product(levels, statuses, sorts):
        query = {"level": level, "status": status, "sort": sort}
        listed.append({key: value for key, value in query.items() if value is not None})
    return listed


def test_the_api_answers_the_calls_of_the_catalogue_for_every_query(
    client, catalogue, generous_rate
):
    checked, sizes = 0, set()
    for query in queries(catalogue):
        expected = page_identifiers(client, query)
        assert api_identifiers(client, query) == expected, query
        # Another page size cuts the pages elsewhere: still the same calls in the same order.
        assert api_identifiers(client, query, page_size=7) == expected, query
        assert not {"HIDDEN-draft", "HIDDEN-archived"} & set(expected)
        checked += 1
        sizes.add(len(expected))
    assert checked > 80
    # The combinations select different amounts (none, one page, more than a page).
    assert 0 in sizes and max(sizes) == 27 and len(sizes) > 8


def test_the_first_page_matches_the_catalogues_first_page(client, catalogue, generous_rate):
    cache.clear()
    page = client.get(PAGE)
    body = client.get(API).json()
    assert [c["identifier"] for c in body["results"]] == [
        call.identifier for call in page.context["calls"]
    ]
    assert body["count"] == page.context["paginator"].count == 27
    assert len(body["results"]) == 20  # the page size of /calls/
    assert body["previous"] is None and "page=2" in body["next"]


def test_a_query_string_copied_from_the_catalogue_works_as_is(client, catalogue, generous_rate):
    query = QueryDict(mutable=True)
    query.setlist("status", ["open", "forthcoming"])
    query["sort"] = "newest"
    query_string = query.urlencode()
    cache.clear()
    page = client.get(f"{PAGE}?{query_string}")
    body = client.get(f"{API}?{query_string}").json()
    assert [c["identifier"] for c in body["results"]] == [
        call.identifier for call in page.context["calls"]
    ]
    assert {c["status"] for c in body["results"]} == {"open", "forthcoming"}
