"""Explainable matching: hard gates, weighted fit with reasons in words, dismissals, queries."""

import pytest
from django.utils import translation

from funding.models import ApplicantType
from networks.models import Affiliation, Body
from partnerships import matching
from partnerships.models import DismissedSuggestion, PartnershipRequest
from tests.funding.factories import CallFactory
from tests.members.factories import CooperativeFactory, division, theme
from tests.partnerships.factories import (
    ExpressionOfInterestFactory,
    PartnershipRequestFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


def applicant(code):
    return ApplicantType.objects.get(code=code)


def body(slug, kind=Body.Kind.UNIVERSITY, country="IT", **extra):
    return Body.objects.create(
        name=slug.replace("-", " ").title(),
        slug=slug,
        kind=kind,
        scope=Body.Scope.NATIONAL,
        country=country,
        **extra,
    )


@pytest.fixture
def food_request(coop):
    coop.countries_of_interest = ["TN", "BR"]
    coop.save()
    return PartnershipRequestFactory(
        owner=coop, sought_sectors=[division("10")], sought_themes=[theme("agrifood-food-safety")]
    )


def by_name(suggestions):
    return {s.name: s for s in suggestions}


def test_same_sector_theme_and_country_are_reasons_in_words(food_request):
    partner = CooperativeFactory(
        legal_name="Caseificio Unito",
        main_sector=division("10"),
        themes=[theme("agrifood-food-safety")],
        countries_of_interest=["TN"],
    )
    with translation.override("en"):
        found = by_name(matching.candidates_for_request(food_request))
    reasons = found["Caseificio Unito"].reasons
    assert "same sector: C10 Manufacture of food products" in reasons
    assert "shared theme: Agrifood and food safety" in reasons
    assert "both interested in Tunisia" in reasons
    assert found["Caseificio Unito"].kind == "cooperative"
    assert found["Caseificio Unito"].obj == partner


def test_sector_names_follow_the_readers_language(food_request):
    CooperativeFactory(legal_name="Caseificio Unito", main_sector=division("10"))
    with translation.override("it"):
        reasons = by_name(matching.candidates_for_request(food_request))["Caseificio Unito"].reasons
    assert any("C10 Industrie alimentari" in reason for reason in reasons)


def test_same_section_counts_less_than_same_division(food_request):
    CooperativeFactory(legal_name="Same division", main_sector=division("10"))
    CooperativeFactory(legal_name="Same section", main_sector=division("11"))
    with translation.override("en"):
        found = matching.candidates_for_request(food_request)
    names = [s.name for s in found]
    assert names.index("Same division") < names.index("Same section")
    assert "related sector: C Manufacturing" in by_name(found)["Same section"].reasons


def test_owner_inactive_cooperatives_and_poor_fits_are_not_candidates(food_request):
    CooperativeFactory(legal_name="Closed down", main_sector=division("10"), is_active=False)
    CooperativeFactory(legal_name="Nothing in common", main_sector=division("62"))
    names = {s.name for s in matching.candidates_for_request(food_request)}
    assert food_request.owner.legal_name not in names
    assert "Closed down" not in names
    assert "Nothing in common" not in names


def test_organisation_type_sought_is_a_hard_gate(food_request):
    food_request.sought_organisation_types.set([applicant("research")])
    CooperativeFactory(legal_name="Caseificio Unito", main_sector=division("10"))
    university = body("universita-di-bologna")
    body("cluster-agrifood", kind=Body.Kind.INNOVATION_CLUSTER)
    with translation.override("en"):
        found = matching.candidates_for_request(food_request)
    assert [s.obj for s in found] == [university]
    assert found[0].kind == "body"
    assert "organisation type sought: Research organisation" in found[0].reasons


def test_country_sought_is_a_hard_gate(food_request):
    food_request.sought_countries = ["FR"]
    food_request.save()
    CooperativeFactory(legal_name="Caseificio Unito", main_sector=division("10"))
    french = body("coop-fr", kind=Body.Kind.INNOVATION_CLUSTER, country="FR")
    body("uni-es", kind=Body.Kind.UNIVERSITY, country="ES")
    found = matching.candidates_for_request(food_request)
    assert [s.obj for s in found] == [french]


def test_call_eligible_countries_and_applicants_gate_candidates(coop):
    call = CallFactory(eligible_countries=["FR", "ES"], applicant_types=[applicant("research")])
    request = PartnershipRequestFactory(owner=coop, call=call, sought_sectors=[division("10")])
    CooperativeFactory(legal_name="Caseificio Unito", main_sector=division("10"))
    body("uni-bo", country="IT")
    spanish = body("uni-es", country="ES")
    ProjectFactory(lead_cooperative=coop).bodies.set([spanish])
    found = matching.candidates_for_request(request)
    assert [s.obj for s in found] == [spanish]


def test_foreign_members_of_european_bodies_are_candidates(food_request):
    europe = body("cooperatives-europe", kind=Body.Kind.EUROPEAN_FEDERATION, country="BE")
    tunisian = body("tunisian-coops", kind=Body.Kind.INNOVATION_CLUSTER, country="TN")
    other = Body.objects.create(
        name="Union des coopératives", slug="ucf", kind=Body.Kind.DEVELOPMENT_PLATFORM,
        scope=Body.Scope.NATIONAL, country="TN",
    )  # fmt: skip
    Affiliation.objects.create(member_body=other, body=europe, role="full_member")
    with translation.override("en"):
        found = by_name(matching.candidates_for_request(food_request))
    assert "based in Tunisia, a country of interest" in found[str(other)].reasons
    assert "member of Cooperatives Europe" in found[str(other)].reasons
    assert str(tunisian) in found  # a cluster in a country of interest


def test_past_projects_together_and_on_the_same_call_are_reasons(coop):
    call = CallFactory()
    request = PartnershipRequestFactory(owner=coop, call=call, sought_sectors=[division("62")])
    old_friend = CooperativeFactory(legal_name="Old friend", main_sector=division("01"))
    veteran = CooperativeFactory(legal_name="Veteran", main_sector=division("01"))
    ProjectFactory(acronym="AGRI4EU", lead_cooperative=coop, cooperatives=[old_friend])
    ProjectFactory(acronym="CALLWISE", lead_cooperative=veteran, call=call)
    with translation.override("en"):
        found = by_name(matching.candidates_for_request(request))
    assert "worked together on the project AGRI4EU" in found["Old friend"].reasons
    assert "already in a project on the same call: CALLWISE" in found["Veteran"].reasons


def test_same_cooperative_type_is_a_reason(food_request):
    CooperativeFactory(
        legal_name="Also workers", main_sector=division("10"), cooperative_type="worker"
    )
    with translation.override("en"):
        reasons = by_name(matching.candidates_for_request(food_request))["Also workers"].reasons
    assert "same kind of cooperative: Worker cooperative" in reasons


def test_dismissed_candidates_do_not_come_back(food_request, coop_admin):
    partner = CooperativeFactory(legal_name="Caseificio Unito", main_sector=division("10"))
    matching.suggestion_dismiss(
        cooperative=food_request.owner,
        target_type="cooperative",
        target_id=partner.pk,
        request=food_request,
        by=coop_admin,
    )
    assert partner not in [s.obj for s in matching.candidates_for_request(food_request)]
    # Only for that request: another request of the same owner still gets it.
    other = PartnershipRequestFactory(owner=food_request.owner, sought_sectors=[division("10")])
    assert partner in [s.obj for s in matching.candidates_for_request(other)]


def test_weights_rank_candidates(food_request):
    CooperativeFactory(legal_name="Sector only", main_sector=division("10"))
    CooperativeFactory(
        legal_name="Sector and theme",
        main_sector=division("10"),
        themes=[theme("agrifood-food-safety")],
    )
    found = matching.candidates_for_request(food_request)
    assert [s.name for s in found][:2] == ["Sector and theme", "Sector only"]
    assert found[0].score - found[1].score == matching.WEIGHTS["theme"]


def test_candidate_queries_do_not_grow_with_candidates(food_request, django_assert_num_queries):
    CooperativeFactory(main_sector=division("10"), themes=[theme("agrifood-food-safety")])
    body("uni-1")
    ProjectFactory(lead_cooperative=food_request.owner)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert len(matching.candidates_for_request(food_request)) == 1
    for n in range(15):
        CooperativeFactory(
            main_sector=division("10"),
            themes=[theme("agrifood-food-safety")],
            sectors=[division("11")],
        )
        body(f"uni-more-{n}")
        ProjectFactory(lead_cooperative=food_request.owner)
    with django_assert_num_queries(len(one)):
        assert len(matching.candidates_for_request(food_request, limit=None)) == 16


# --- Requests for a cooperative ---------------------------------------------------------------


def test_requests_for_cooperative_ranks_fitting_open_requests(coop, other_coop):
    coop.themes.set([theme("agrifood-food-safety")])
    fits = PartnershipRequestFactory(owner=other_coop, sought_sectors=[division("62")])
    better = PartnershipRequestFactory(
        owner=other_coop,
        sought_sectors=[division("62")],
        sought_themes=[theme("agrifood-food-safety")],
    )
    PartnershipRequestFactory(owner=coop, sought_sectors=[division("62")])  # its own
    PartnershipRequestFactory(owner=other_coop, sought_sectors=[division("01")])  # no fit
    PartnershipRequestFactory(
        owner=other_coop, sought_sectors=[division("62")], state=PartnershipRequest.State.DRAFT
    )
    with translation.override("en"):
        found = matching.requests_for_cooperative(coop)
    assert [s.obj for s in found] == [better, fits]
    assert found[0].kind == "request"
    assert "same sector: J62 Computer programming, consultancy and related activities" in (
        found[0].reasons
    )


def test_requests_closed_to_cooperatives_or_italy_are_not_suggested(coop, other_coop):
    research_only = PartnershipRequestFactory(owner=other_coop, sought_sectors=[division("62")])
    research_only.sought_organisation_types.set([applicant("research")])
    PartnershipRequestFactory(
        owner=other_coop, sought_sectors=[division("62")], sought_countries=["FR"]
    )
    assert matching.requests_for_cooperative(coop) == []


def test_dismissed_or_answered_requests_are_not_suggested_again(coop, other_coop, coop_admin):
    dismissed = PartnershipRequestFactory(owner=other_coop, sought_sectors=[division("62")])
    answered = PartnershipRequestFactory(owner=other_coop, sought_sectors=[division("62")])
    kept = PartnershipRequestFactory(owner=other_coop, sought_sectors=[division("62")])
    matching.suggestion_dismiss(
        cooperative=coop, target_type="request", target_id=dismissed.pk, by=coop_admin
    )
    ExpressionOfInterestFactory(request=answered, cooperative=coop)
    assert [s.obj for s in matching.requests_for_cooperative(coop)] == [kept]


def test_dismissing_twice_records_one_dismissal(coop, other_coop, coop_admin):
    request = PartnershipRequestFactory(owner=other_coop)
    for _ in range(2):
        matching.suggestion_dismiss(
            cooperative=coop, target_type="request", target_id=request.pk, by=coop_admin
        )
    assert DismissedSuggestion.objects.count() == 1


def test_calls_for_cooperative_are_funding_matches_minus_dismissed(coop, coop_admin):
    kept = CallFactory(sectors=[division("62")])
    dropped = CallFactory(sectors=[division("62")])
    matching.suggestion_dismiss(
        cooperative=coop, target_type="call", target_id=dropped.pk, by=coop_admin
    )
    found = matching.calls_for_cooperative_suggestions(coop)
    assert [s.obj for s in found] == [kept]
    assert found[0].kind == "call" and found[0].reasons
