"""Request pages: the list with its filters, the detail, the form (from a call), "mine", the
portal dashboard section; query counts that do not grow with the data."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Membership
from partnerships.models import ExpressionOfInterest, PartnershipRequest, RequestEvent
from tests.core.factories import UserFactory
from tests.funding.factories import CallFactory
from tests.members.factories import CooperativeFactory, division, theme
from tests.partnerships.factories import ExpressionOfInterestFactory, PartnershipRequestFactory

pytestmark = pytest.mark.django_db

LIST = reverse("partnerships:request-list")
State = PartnershipRequest.State


def titles(response):
    return {request.title for request in response.context["requests"]}


def test_the_list_shows_published_requests_only(client, coop_viewer, coop):
    PartnershipRequestFactory(title="Pubblicata")
    PartnershipRequestFactory(title="Bozza", state=State.DRAFT, owner=coop)
    PartnershipRequestFactory(title="Chiusa", state=State.CLOSED)
    client.force_login(coop_viewer)
    response = client.get(LIST)
    assert response.status_code == 200
    assert titles(response) == {"Pubblicata"}


def test_the_list_is_for_signed_in_members(client, signed_in_outsider):
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.force_login(signed_in_outsider)  # signed in, but in no cooperative
    assert client.get(LIST).status_code == 403


def test_filters_by_kind_theme_sector_country_call_and_words(client, coop_viewer):
    call = CallFactory(slug="horizon-food")
    food = PartnershipRequestFactory(
        title="Filiera corta",
        kind=PartnershipRequest.Kind.CALL_PARTNER,
        call=call,
        sought_sectors=[division("10")],
        sought_themes=[theme("digital-transition")],
        sought_countries=["TN", "BR"],
    )
    PartnershipRequestFactory(title="Altro", summary="Niente in comune", description="")
    client.force_login(coop_viewer)
    for query in (
        {"kind": "call_partner"},
        {"theme": "digital-transition"},
        {"sector": "10"},
        {"sector": "C"},  # the NACE section of division 10
        {"country": "TN"},
        {"call": "horizon-food"},
        {"q": "filiera corta"},
    ):
        assert titles(client.get(LIST, query)) == {food.title}, query
    assert titles(client.get(LIST, {"country": "AR"})) == set()


def test_bad_filter_values_are_a_message_not_an_error(client, coop_viewer):
    client.force_login(coop_viewer)
    response = client.get(LIST, {"kind": "nonsense", "page": "999"})
    assert response.status_code == 200
    assert b'data-testid="filter-errors"' in response.content


def list_queries(client, user, count):
    owners = CooperativeFactory.create_batch(min(count, 3))
    for index in range(count):
        request = PartnershipRequestFactory(
            owner=owners[index % len(owners)],
            sought_themes=[theme("digital-transition")],
            call=CallFactory() if index % 2 else None,
        )
        ExpressionOfInterestFactory(request=request)
    client.force_login(user)
    client.get(LIST)
    # The list is kept rendered (core.fragments): measure the view that renders it.
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert len(response.context["requests"]) == min(count, 20)
    return len(queries)


def test_list_query_count_does_not_grow(client, coop_viewer, other_coop_admin):
    one = list_queries(client, coop_viewer, 1)
    many = list_queries(client, other_coop_admin, 25)
    print(f"/partnerships/ queries: 1 request -> {one}, 26 requests -> {many}")
    assert one == many


def test_detail_shows_the_timeline_only_to_the_owner_side_and_staff(
    client, coop, coop_viewer, other_coop_admin, staff_user
):
    request = PartnershipRequestFactory(owner=coop)
    RequestEvent.objects.create(request=request, from_state="submitted", to_state="published")
    url = request.get_absolute_url()
    for person, sees in ((coop_viewer, True), (staff_user, True), (other_coop_admin, False)):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert (b'data-testid="timeline"' in response.content) is sees


def test_the_owner_side_sees_the_links_to_candidates_and_project(client, coop, coop_editor):
    request = PartnershipRequestFactory(owner=coop)
    client.force_login(coop_editor)
    page = client.get(request.get_absolute_url()).content.decode()
    assert reverse("partnerships:request-candidates", kwargs={"pk": request.pk}) in page
    assert reverse("partnerships:request-to-project", kwargs={"pk": request.pk}) in page


def test_others_do_not_see_the_owner_actions(client, coop, other_coop_admin):
    request = PartnershipRequestFactory(owner=coop)
    client.force_login(other_coop_admin)
    page = client.get(request.get_absolute_url()).content.decode()
    assert 'data-testid="request-actions"' not in page


def test_the_call_button_opens_the_form_filled_in_from_the_call(client, coop, coop_editor):
    call = CallFactory(
        title="Agrifood 2027",
        themes=[theme("digital-transition")],
        sectors=[division("10")],
        eligible_countries=["IT", "TN"],
    )
    client.force_login(coop_editor)
    page = client.get(call.get_absolute_url()).content.decode()
    create_url = reverse("partnerships:request-create") + f"?call={call.slug}"
    assert create_url in page
    response = client.get(create_url)
    form = response.context["form"]
    assert form.initial["kind"] == PartnershipRequest.Kind.CALL_PARTNER
    assert form.initial["call"] == call.slug
    assert "Agrifood 2027" in form.initial["title_it"]  # the reader's language
    assert form.initial["sought_themes"] == [theme("digital-transition")]
    assert form.initial["sought_sectors"] == [division("10")]
    assert form.initial["sought_countries"] == ["IT", "TN"]


def test_viewers_and_outsiders_see_no_call_button(client, coop_viewer, signed_in_outsider):
    call = CallFactory()
    for person in (coop_viewer, signed_in_outsider):
        client.force_login(person)
        assert b'data-testid="look-for-partners"' not in client.get(call.get_absolute_url()).content


def test_build_a_consortium_link_on_calls_that_require_one(client, coop_viewer):
    call = CallFactory(consortium_required=True)
    client.force_login(coop_viewer)
    page = client.get(call.get_absolute_url()).content.decode()
    assert reverse("partnerships:consortium", kwargs={"slug": call.slug}) in page
    client.logout()
    assert b'data-testid="build-consortium"' not in client.get(call.get_absolute_url()).content


def form_data(owner, **extra):
    return {
        "owner": owner.pk,
        "kind": "technology_offer",
        "title_it": "Offriamo un gestionale",
        "summary_it": "Un gestionale per cooperative sociali.",
        "description_it": "",
        "offer": "",
        "sought_countries": ["TN"],
        "sought_themes": [theme("digital-transition").pk],
        **extra,
    }


def test_an_editor_saves_a_draft_then_submits_it_from_the_form(client, coop, coop_editor):
    client.force_login(coop_editor)
    response = client.post(reverse("partnerships:request-create"), form_data(coop))
    request = PartnershipRequest.objects.get()
    assert response.status_code == 302
    assert request.state == State.DRAFT
    assert list(request.sought_themes.all()) == [theme("digital-transition")]
    response = client.post(
        reverse("partnerships:request-edit", kwargs={"pk": request.pk}),
        {**form_data(coop), "title_it": "Offriamo un gestionale web", "submit_now": "1"},
    )
    request.refresh_from_db()
    assert (request.title, request.state) == ("Offriamo un gestionale web", State.SUBMITTED)


def test_a_call_partner_request_needs_its_call(client, coop, coop_editor):
    client.force_login(coop_editor)
    response = client.post(
        reverse("partnerships:request-create"), form_data(coop, kind="call_partner")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["call"]
    assert not PartnershipRequest.objects.exists()


def test_the_form_offers_only_the_cooperatives_the_person_acts_for(
    client, coop, coop_editor, other_coop
):
    client.force_login(coop_editor)
    response = client.get(reverse("partnerships:request-create"))
    assert list(response.context["form"].fields["owner"].queryset) == [coop]
    response = client.post(reverse("partnerships:request-create"), form_data(other_coop))
    assert response.status_code == 200
    assert not PartnershipRequest.objects.exists()


def test_mine_lists_every_state_and_the_interests(client, coop, coop_viewer, other_coop):
    PartnershipRequestFactory(owner=coop, state=State.DRAFT, title="La nostra bozza")
    published = PartnershipRequestFactory(owner=coop, title="La nostra pubblicata")
    ExpressionOfInterestFactory(request=published, cooperative=other_coop)
    theirs = PartnershipRequestFactory(owner=other_coop, title="La loro")
    ExpressionOfInterestFactory(request=theirs, cooperative=coop)
    PartnershipRequestFactory(state=State.DRAFT, title="Di altri")
    client.force_login(coop_viewer)
    response = client.get(reverse("partnerships:request-mine"))
    assert {request.title for request in response.context["requests"]} == {
        "La nostra bozza",
        "La nostra pubblicata",
    }
    assert [i.request.title for i in response.context["received_interests"]] == [
        "La nostra pubblicata"
    ]
    assert [i.request.title for i in response.context["sent_interests"]] == ["La loro"]


def test_the_dashboard_shows_the_cooperatives_requests_and_interests(
    client, coop, coop_editor, other_coop
):
    published = PartnershipRequestFactory(owner=coop, title="Cerchiamo sensori")
    ExpressionOfInterestFactory(request=published, cooperative=other_coop)
    theirs = PartnershipRequestFactory(owner=other_coop, title="Cercano software")
    ExpressionOfInterestFactory(request=theirs, cooperative=coop)
    client.force_login(coop_editor)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert "Cerchiamo sensori" in page and "Cercano software" in page
    assert reverse("partnerships:suggestions") in page
    assert 'data-testid="dashboard-new-request"' in page


def dashboard_queries(client, cooperative, user, count):
    for _ in range(count):
        request = PartnershipRequestFactory(owner=cooperative)
        ExpressionOfInterestFactory(request=request)
        ExpressionOfInterestFactory(cooperative=cooperative)
    client.force_login(user)
    client.get(reverse("portal:dashboard"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("portal:dashboard"))
    return len(queries)


def test_dashboard_query_count_does_not_grow_with_requests_and_interests(client, coop, other_coop):
    first = UserFactory(verified=True)
    Membership.objects.create(user=first, cooperative=coop, role="editor")
    second = UserFactory(verified=True)
    Membership.objects.create(user=second, cooperative=other_coop, role="editor")
    one = dashboard_queries(client, coop, first, 1)
    many = dashboard_queries(client, other_coop, second, 8)
    print(f"/portal/ queries: 1 request -> {one}, 8 requests -> {many}")
    assert one == many


def test_expression_count_on_mine(client, coop, coop_admin):
    request = PartnershipRequestFactory(owner=coop)
    ExpressionOfInterestFactory.create_batch(2, request=request)
    client.force_login(coop_admin)
    response = client.get(reverse("partnerships:request-mine"))
    row = next(iter(response.context["requests"]))
    assert (row.interest_count, row.pending_count) == (2, 2)
    assert ExpressionOfInterest.objects.count() == 2
