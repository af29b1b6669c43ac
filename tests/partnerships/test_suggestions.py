"""Suggestion pages and "Not relevant": who sees what, dismissals stick, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.current import SESSION_KEY as CURRENT_COOPERATIVE_KEY
from networks.models import Body
from partnerships.models import DismissedSuggestion
from tests.funding.factories import CallFactory
from tests.members.factories import CooperativeFactory, MembershipFactory, division, theme
from tests.partnerships.factories import PartnershipRequestFactory

pytestmark = pytest.mark.django_db

SUGGESTIONS = reverse("partnerships:suggestions")
DISMISS = reverse("partnerships:dismiss")


def candidates_url(request):
    return reverse("partnerships:request-candidates", args=[request.pk])


@pytest.fixture
def fitting_request(other_coop):
    return PartnershipRequestFactory(
        owner=other_coop, title="Cerchiamo sviluppatori", sought_sectors=[division("62")]
    )


@pytest.fixture
def own_request(coop):
    return PartnershipRequestFactory(owner=coop, sought_sectors=[division("62")])


# --- /partnerships/suggestions/ -------------------------------------------------------------


def test_member_sees_fitting_requests_and_calls_with_reasons(client, coop_viewer, fitting_request):
    call = CallFactory(title="Digital cooperatives call", sectors=[division("62")])
    client.force_login(coop_viewer)
    response = client.get(SUGGESTIONS)
    assert response.status_code == 200
    assert [s.obj for s in response.context["request_suggestions"]] == [fitting_request]
    assert [s.obj for s in response.context["call_suggestions"]] == [call]
    content = response.content.decode()
    assert "Cerchiamo sviluppatori" in content
    assert "J62" in content  # the reason, in words
    assert content.count('data-testid="dismiss"') == 2


def test_suggestions_follow_the_current_cooperative(client, coop_viewer, other_coop, coop):
    MembershipFactory(user=coop_viewer, cooperative=other_coop)
    mine = PartnershipRequestFactory(owner=coop, sought_sectors=[division("62")])
    client.force_login(coop_viewer)
    session = client.session
    session[CURRENT_COOPERATIVE_KEY] = other_coop.pk
    session.save()
    response = client.get(SUGGESTIONS)
    assert response.context["cooperative"] == other_coop
    assert [s.obj for s in response.context["request_suggestions"]] == [mine]


def test_people_without_a_cooperative_get_an_explanation(client, signed_in_outsider):
    client.force_login(signed_in_outsider)
    response = client.get(SUGGESTIONS)
    assert response.status_code == 200
    assert b'data-testid="no-cooperative"' in response.content


def test_anonymous_visitors_are_sent_to_sign_in(client, fitting_request):
    for url in (SUGGESTIONS, candidates_url(fitting_request)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert client.post(DISMISS, {"target_type": "request", "target_id": 1}).status_code == 302
    assert not DismissedSuggestion.objects.exists()


def test_suggestions_queries_do_not_grow(
    client, coop_viewer, other_coop, django_assert_max_num_queries
):
    client.force_login(coop_viewer)
    PartnershipRequestFactory(owner=other_coop, sought_sectors=[division("62")])
    CallFactory(sectors=[division("62")])
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(SUGGESTIONS).context["request_suggestions"]) == 1
    for _ in range(8):
        owner = CooperativeFactory(themes=[theme("digital-transition")])
        PartnershipRequestFactory(
            owner=owner, sought_sectors=[division("62")], sought_themes=[theme("housing")]
        )
        CallFactory(sectors=[division("62")], themes=[theme("housing")])
    with django_assert_max_num_queries(len(one)):
        assert len(client.get(SUGGESTIONS).context["request_suggestions"]) == 9


# --- /partnerships/<id>/candidates/ ---------------------------------------------------------


@pytest.mark.parametrize("persona", ["coop_admin", "coop_editor", "coop_viewer", "staff_user"])
def test_owner_members_and_staff_see_candidates(client, request, persona, own_request):
    CooperativeFactory(legal_name="Software Coop", main_sector=division("62"))
    client.force_login(request.getfixturevalue(persona))
    response = client.get(candidates_url(own_request))
    assert response.status_code == 200
    assert [s.name for s in response.context["candidates"]] == ["Software Coop"]
    assert b'data-testid="reasons"' in response.content


@pytest.mark.parametrize("persona", ["other_coop_admin", "signed_in_outsider"])
def test_others_get_404_for_candidates(client, request, persona, own_request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(candidates_url(own_request)).status_code == 404


def test_unknown_request_candidates_answer_404(client, coop_admin):
    client.force_login(coop_admin)
    assert client.get("/partnerships/999999/candidates/").status_code == 404


def test_candidates_queries_do_not_grow(
    client, coop_admin, own_request, django_assert_max_num_queries
):
    client.force_login(coop_admin)
    CooperativeFactory(main_sector=division("62"))
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(candidates_url(own_request)).context["candidates"]) == 1
    for n in range(8):
        CooperativeFactory(main_sector=division("62"), themes=[theme("housing")])
        Body.objects.create(
            name=f"Uni {n}", slug=f"uni-{n}", kind=Body.Kind.UNIVERSITY, scope="national"
        )
    own_request.sought_organisation_types.clear()
    with django_assert_max_num_queries(len(one)):
        assert len(client.get(candidates_url(own_request)).context["candidates"]) == 9


# --- "Not relevant" ---------------------------------------------------------------------------


def dismiss_request(client, cooperative, request, next_url=SUGGESTIONS):
    return client.post(
        DISMISS,
        {
            "target_type": "request",
            "target_id": request.pk,
            "cooperative": cooperative.pk,
            "next": next_url,
        },
    )


@pytest.mark.parametrize("persona", ["coop_admin", "coop_editor", "coop_viewer", "staff_user"])
def test_any_member_or_staff_may_dismiss_for_the_cooperative(
    client, request, persona, coop, fitting_request
):
    client.force_login(request.getfixturevalue(persona))
    response = dismiss_request(client, coop, fitting_request)
    assert response.status_code == 302
    assert response["Location"] == SUGGESTIONS
    assert DismissedSuggestion.objects.filter(
        cooperative=coop, target_type="request", target_id=fitting_request.pk
    ).exists()


def test_dismissed_request_stops_coming_back(client, coop_viewer, coop, fitting_request):
    client.force_login(coop_viewer)
    dismiss_request(client, coop, fitting_request)
    assert client.get(SUGGESTIONS).context["request_suggestions"] == []


def test_dismissing_twice_is_harmless(client, coop_viewer, coop, fitting_request):
    client.force_login(coop_viewer)
    dismiss_request(client, coop, fitting_request)
    assert dismiss_request(client, coop, fitting_request).status_code == 302
    assert DismissedSuggestion.objects.count() == 1


def test_other_cooperatives_members_cannot_dismiss_for_it(
    client, other_coop_admin, coop, fitting_request
):
    client.force_login(other_coop_admin)
    assert dismiss_request(client, coop, fitting_request).status_code == 404
    assert not DismissedSuggestion.objects.exists()


def test_dismiss_needs_post(client, coop_viewer):
    client.force_login(coop_viewer)
    assert client.get(DISMISS).status_code == 405


def test_dismiss_rejects_bad_input(client, coop_viewer, coop, fitting_request):
    client.force_login(coop_viewer)
    assert client.post(DISMISS, {"target_type": "request"}).status_code == 400
    bad_type = {"target_type": "planet", "target_id": 1, "cooperative": coop.pk}
    assert client.post(DISMISS, bad_type).status_code == 400
    gone = {"target_type": "request", "target_id": 999999, "cooperative": coop.pk}
    assert client.post(DISMISS, gone).status_code == 404
    no_coop = {"target_type": "request", "target_id": fitting_request.pk, "cooperative": "x"}
    assert client.post(DISMISS, no_coop).status_code == 404
    assert not DismissedSuggestion.objects.exists()


def test_dismiss_ignores_an_unsafe_next(client, coop_viewer, coop, fitting_request):
    client.force_login(coop_viewer)
    response = dismiss_request(client, coop, fitting_request, next_url="https://evil.example/")
    assert response["Location"] == SUGGESTIONS


def test_owner_member_dismisses_a_candidate_for_one_request(client, coop_viewer, own_request):
    candidate = CooperativeFactory(legal_name="Software Coop", main_sector=division("62"))
    client.force_login(coop_viewer)
    response = client.post(
        DISMISS,
        {"target_type": "cooperative", "target_id": candidate.pk, "request": own_request.pk},
    )
    assert response["Location"] == candidates_url(own_request)
    assert client.get(candidates_url(own_request)).context["candidates"] == []


def test_non_members_cannot_dismiss_candidates_of_a_request(client, other_coop_admin, own_request):
    candidate = CooperativeFactory(main_sector=division("62"))
    client.force_login(other_coop_admin)
    response = client.post(
        DISMISS,
        {"target_type": "cooperative", "target_id": candidate.pk, "request": own_request.pk},
    )
    assert response.status_code == 404
    assert not DismissedSuggestion.objects.exists()
