"""The consortium builder: partners meeting the call's minimum and country rules, and gaps."""

import pytest
from django.urls import reverse
from django.utils import translation

from funding.models import EU_MEMBER_STATES, ApplicantType, Call
from networks.models import Body
from partnerships import matching
from tests.funding.factories import CallFactory
from tests.members.factories import CooperativeFactory, division, theme

pytestmark = pytest.mark.django_db

EU = sorted(EU_MEMBER_STATES)


def applicants(*codes):
    return list(ApplicantType.objects.filter(code__in=codes))


def body(slug, kind, country):
    return Body.objects.create(
        name=slug, slug=slug, kind=kind, scope=Body.Scope.NATIONAL, country=country
    )


@pytest.fixture
def horizon_call():
    return CallFactory(
        slug="horizon-food",
        consortium_required=True,
        min_partners=3,
        eligible_countries=EU,
        applicant_types=applicants("cooperative", "sme", "research", "ngo"),
        sectors=[division("10")],
        themes=[theme("agrifood-food-safety")],
    )


def test_rules_derived_from_minimum_partners_and_eligible_countries(horizon_call):
    assert matching.consortium_rules(horizon_call) == (3, 3, "member_states")
    regional = CallFactory(consortium_required=True, min_partners=2, eligible_countries=["IT"])
    assert matching.consortium_rules(regional) == (2, 1, "")
    alone = CallFactory(consortium_required=False)
    assert matching.consortium_rules(alone) == (1, 1, "")
    unspecified = CallFactory(consortium_required=True)
    assert matching.consortium_rules(unspecified) == (2, 1, "")


def test_plan_meets_partners_and_countries_when_candidates_exist(horizon_call, coop):
    body("cluster-fr", Body.Kind.INNOVATION_CLUSTER, "FR")
    body("univ-es", Body.Kind.UNIVERSITY, "ES")
    CooperativeFactory(legal_name="Italian twin", main_sector=division("10"))
    with translation.override("en"):
        plan = matching.consortium_for_call(horizon_call, cooperative=coop)
    assert plan.members[0].obj == coop
    assert len(plan.members) == 3
    assert set(plan.countries) == {"IT", "FR", "ES"}
    assert plan.missing == []
    assert plan.is_complete
    spanish = next(m for m in plan.members if m.name == "univ-es")
    assert "brings a partner from Spain" in spanish.reasons
    assert "a research organisation, which the call admits" in spanish.reasons


def test_missing_names_a_research_organisation_from_another_member_state(horizon_call, coop):
    body("cluster-fr", Body.Kind.INNOVATION_CLUSTER, "FR")
    CooperativeFactory(legal_name="Italian twin", main_sector=division("10"))
    with translation.override("en"):
        plan = matching.consortium_for_call(horizon_call, cooperative=coop)
    assert len(plan.members) == 3
    assert set(plan.countries) == {"IT", "FR"}
    assert plan.missing == ["a research organisation from another Member State"]


def test_missing_counts_partners_when_there_are_too_few_candidates(coop):
    call = CallFactory(consortium_required=True, min_partners=4, eligible_countries=["IT"])
    CooperativeFactory(legal_name="Only other one", main_sector=division("10"))
    with translation.override("en"):
        plan = matching.consortium_for_call(call, cooperative=coop)
    assert [m.obj.legal_name for m in plan.members] == [coop.legal_name, "Only other one"]
    assert plan.missing == ["2 more partners"]


def test_best_fitting_partner_is_chosen_first(coop):
    call = CallFactory(
        consortium_required=True,
        min_partners=2,
        eligible_countries=["IT"],
        sectors=[division("10")],
        themes=[theme("agrifood-food-safety")],
    )
    CooperativeFactory(legal_name="Weak fit", main_sector=division("62"))
    CooperativeFactory(
        legal_name="Strong fit", main_sector=division("10"), themes=[theme("agrifood-food-safety")]
    )
    with translation.override("en"):
        plan = matching.consortium_for_call(call, cooperative=coop)
    assert plan.members[1].name == "Strong fit"
    assert "shared theme: Agrifood and food safety" in plan.members[1].reasons


def test_call_without_consortium_needs_only_the_applicant(coop):
    call = CallFactory(consortium_required=False, eligible_countries=["IT"])
    plan = matching.consortium_for_call(call, cooperative=coop)
    assert [m.obj for m in plan.members] == [coop]
    assert plan.missing == []


def test_ineligible_countries_and_applicant_types_are_left_out(horizon_call, coop):
    body("univ-us", Body.Kind.UNIVERSITY, "US")
    body("cluster-ch", Body.Kind.INNOVATION_CLUSTER, "CH")
    plan = matching.consortium_for_call(horizon_call, cooperative=coop)
    assert {m.country_code for m in plan.members} == {"IT"}


def test_dismissed_partners_are_not_suggested(horizon_call, coop, coop_admin):
    cluster = body("cluster-fr", Body.Kind.INNOVATION_CLUSTER, "FR")
    matching.suggestion_dismiss(
        cooperative=coop, target_type="body", target_id=cluster.pk, by=coop_admin
    )
    plan = matching.consortium_for_call(horizon_call, cooperative=coop)
    assert cluster not in [m.obj for m in plan.members]


def test_consortium_queries_do_not_grow_with_candidates(
    horizon_call, coop, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    body("cluster-fr", Body.Kind.INNOVATION_CLUSTER, "FR")
    CooperativeFactory(main_sector=division("10"))
    with CaptureQueriesContext(connection) as one:
        matching.consortium_for_call(horizon_call, cooperative=coop)
    for n in range(10):
        CooperativeFactory(main_sector=division("10"), themes=[theme("agrifood-food-safety")])
        body(f"univ-{n}", Body.Kind.UNIVERSITY, EU[n])
    with django_assert_num_queries(len(one)):
        matching.consortium_for_call(horizon_call, cooperative=coop)


# --- The page ---------------------------------------------------------------------------------


def test_members_see_the_plan_and_what_is_missing(client, horizon_call, coop_viewer):
    client.force_login(coop_viewer)
    response = client.get(reverse("partnerships:consortium", args=[horizon_call.slug]))
    assert response.status_code == 200
    assert b'data-testid="consortium-member"' in response.content
    assert b'data-testid="consortium-missing"' in response.content


def test_staff_without_a_cooperative_see_a_plan(staff_client, horizon_call):
    body("cluster-fr", Body.Kind.INNOVATION_CLUSTER, "FR")
    response = staff_client.get(reverse("partnerships:consortium", args=[horizon_call.slug]))
    assert response.status_code == 200


def test_people_of_no_cooperative_are_refused(client, signed_in_outsider, horizon_call):
    client.force_login(signed_in_outsider)
    url = reverse("partnerships:consortium", args=[horizon_call.slug])
    assert client.get(url).status_code == 403


def test_unpublished_calls_answer_404(client, coop_viewer):
    draft = CallFactory(slug="draft-call", publication_state=Call.PublicationState.DRAFT)
    client.force_login(coop_viewer)
    assert client.get(reverse("partnerships:consortium", args=[draft.slug])).status_code == 404
    assert client.get(reverse("partnerships:consortium", args=["nope"])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, horizon_call):
    response = client.get(reverse("partnerships:consortium", args=[horizon_call.slug]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_consortium_page_queries_are_constant(
    client, horizon_call, coop_viewer, django_assert_max_num_queries
):
    client.force_login(coop_viewer)
    url = reverse("partnerships:consortium", args=[horizon_call.slug])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(8):
        CooperativeFactory(main_sector=division("10"))
        body(f"univ-{n}", Body.Kind.UNIVERSITY, EU[n])
    with django_assert_max_num_queries(len(one)):
        assert client.get(url).status_code == 200
