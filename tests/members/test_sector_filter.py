"""One sector rule for every list: a NACE section matches what is tagged with it or one of its
divisions, a division what is tagged with it or its section (`members.models.filter_by_sectors`).
"""

import pytest
from django.http import QueryDict

from funding.filters import CallFilterSet
from members.filters import CooperativeFilterSet
from members.models import Sector
from partnerships.filters import RequestFilterSet
from startups.filters import ApplicationFilterSet, StartupFilterSet
from tests.funding.factories import CallFactory
from tests.members.factories import CooperativeFactory, division
from tests.partnerships.factories import PartnershipRequestFactory
from tests.startups.factories import ApplicationFactory, StartupFactory

pytestmark = pytest.mark.django_db


def section(code="C"):
    return Sector.objects.get(code=code)


def names(filterset_class, query, attribute):
    filterset = filterset_class(
        QueryDict(query), queryset=filterset_class._meta.model.objects.all()
    )
    assert filterset.is_valid(), filterset.errors
    return sorted(getattr(row, attribute) for row in filterset.qs)


@pytest.fixture
def calls():
    CallFactory(title="food", sectors=[division("10")])
    CallFactory(title="manufacturing", sectors=[section("C")])
    CallFactory(title="software", sectors=[division("62")])


@pytest.fixture
def requests():
    PartnershipRequestFactory(title="food", sought_sectors=[division("10")])
    PartnershipRequestFactory(title="manufacturing", sought_sectors=[section("C")])
    PartnershipRequestFactory(title="software", sought_sectors=[division("62"), division("63")])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sector=10", ["food", "manufacturing"]),  # a division and its section
        ("sector=C", ["food", "manufacturing"]),  # a section and its divisions
        ("sector=62", ["software"]),
        ("sector=J", ["software"]),  # tagged with two of its divisions: listed once
        ("sector=62&sector=10", ["food", "manufacturing", "software"]),
        ("", ["food", "manufacturing", "software"]),
    ],
)
def test_calls_and_requests_follow_the_sector_rule(calls, requests, query, expected):
    assert names(CallFilterSet, query, "title") == expected
    assert names(RequestFilterSet, query, "title") == expected


def test_cooperatives_match_on_their_main_or_other_sectors_once():
    CooperativeFactory(legal_name="Frutta", main_sector=division("01"), sectors=[division("10")])
    CooperativeFactory(legal_name="Software", main_sector=division("62"), sectors=[division("63")])
    assert names(CooperativeFilterSet, "sector=10", "legal_name") == ["Frutta"]
    assert names(CooperativeFilterSet, "sector=C", "legal_name") == ["Frutta"]
    assert names(CooperativeFilterSet, "sector=A", "legal_name") == ["Frutta"]
    assert names(CooperativeFilterSet, "sector=J", "legal_name") == ["Software"]


@pytest.mark.parametrize(
    ("filterset_class", "factory", "attribute"),
    [
        (StartupFilterSet, StartupFactory, "name"),
        (ApplicationFilterSet, ApplicationFactory, "startup_name"),
    ],
)
def test_startups_and_applications_follow_the_sector_rule(filterset_class, factory, attribute):
    factory(**{attribute: "food", "sector": division("10")})
    factory(**{attribute: "software", "sector": division("62")})
    assert names(filterset_class, "sector=10", attribute) == ["food"]
    assert names(filterset_class, "sector=C", attribute) == ["food"]
    assert names(filterset_class, "sector=J", attribute) == ["software"]
    assert names(filterset_class, "sector=A", attribute) == []
