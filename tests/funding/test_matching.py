"""The call-to-cooperative match: hard gates in SQL, then a weighted fit with reasons."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override

from funding.matching import calls_for_cooperative, match_calls_for_cooperative
from funding.models import ApplicantType, Call
from members.models import Sector
from tests.funding.factories import CallFactory
from tests.members.factories import CooperativeFactory, division, theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def food_coop():
    return CooperativeFactory(
        main_sector=division("10"),
        themes=[theme("agrifood-food-safety")],
        countries_of_interest=["TN", "IT"],
    )


def test_a_call_sharing_the_division_matches_with_the_reason(food_coop):
    call = CallFactory(sectors=[division("10")])
    with override("en"):
        [match] = match_calls_for_cooperative(food_coop)
    assert match.call == call
    assert match.reasons[0].startswith("same sector: 10")


def test_theme_section_and_country_of_interest_are_reasons(food_coop):
    CallFactory(
        sectors=[Sector.objects.get(code="C")],
        themes=[theme("agrifood-food-safety")],
        eligible_countries=["IT", "TN"],
        applicant_types=[ApplicantType.objects.get(code="cooperative")],
    )
    with override("en"):
        [match] = match_calls_for_cooperative(food_coop)
    assert any(reason.startswith("related sector: C") for reason in match.reasons)
    assert any(reason.startswith("shared theme:") for reason in match.reasons)
    assert "open to Tunisia, a country of interest" in match.reasons
    assert "cooperatives are named among the applicants" in match.reasons


def test_better_fit_ranks_first(food_coop):
    weak = CallFactory(themes=[theme("agrifood-food-safety")])
    strong = CallFactory(sectors=[division("10")], themes=[theme("agrifood-food-safety")])
    assert [m.call for m in match_calls_for_cooperative(food_coop)] == [strong, weak]


@pytest.mark.parametrize(
    "gate",
    ["closed", "draft", "not_in_italy", "research_only", "nothing_shared"],
)
def test_hard_gates_exclude_the_call(food_coop, gate):
    past = timezone.now() - datetime.timedelta(days=1)
    options = {"sectors": [division("10")]}
    if gate == "closed":
        options["deadlines"] = [past]
    elif gate == "draft":
        options["publication_state"] = Call.PublicationState.DRAFT
    elif gate == "not_in_italy":
        options["eligible_countries"] = ["FR", "ES"]
    elif gate == "research_only":
        options["applicant_types"] = [ApplicantType.objects.get(code="research")]
    elif gate == "nothing_shared":
        options["sectors"] = [division("62")]
    CallFactory(**options)
    assert not calls_for_cooperative(food_coop).exists()
    assert match_calls_for_cooperative(food_coop) == []


def test_forthcoming_calls_match_too(food_coop):
    call = CallFactory(
        sectors=[division("10")], opens_at=timezone.now() + datetime.timedelta(days=10)
    )
    assert [m.call for m in match_calls_for_cooperative(food_coop)] == [call]


def test_query_count_does_not_grow_with_the_number_of_calls(food_coop):
    CallFactory.create_batch(2, sectors=[division("10")], themes=[theme("agrifood-food-safety")])
    with CaptureQueriesContext(connection) as few:
        match_calls_for_cooperative(food_coop)
    CallFactory.create_batch(20, sectors=[division("10")], themes=[theme("agrifood-food-safety")])
    with CaptureQueriesContext(connection) as many:
        assert len(match_calls_for_cooperative(food_coop)) == 22
    assert len(many) == len(few)
