import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from funding.models import Call
from partnerships.models import ExpressionOfInterest, PartnershipRequest, Project
from partnerships.projects import project_from_request
from partnerships.views import projects as project_views
from tests.funding.factories import CallFactory, ProgrammeFactory
from tests.members.factories import CooperativeFactory
from tests.networks.factories import BodyFactory
from tests.partnerships.factories import (
    ExpressionOfInterestFactory,
    PartnershipRequestFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/partnerships/projects/"
State = PartnershipRequest.State


def titles(response):
    return {project.title for project in response.context["projects"]}


def record_url(request):
    return reverse("partnerships:request-to-project", kwargs={"pk": request.pk})


FORM = {
    "title": "Tracciabilità dei lotti con sensori",
    "acronym": "TRACE-COOP",
    "kind": Project.Kind.INNOVATION,
    "status": Project.Status.SUBMITTED,
    "budget": "500000",
    "eu_contribution": "350000",
    "start_date": "2027-03-01",
    "end_date": "2029-02-28",
    "countries": ["IT", "TN"],
    "summary": "Sensori a basso consumo per i lotti.",
}


# --- Public list and detail ---------------------------------------------------------------


def test_anonymous_visitor_sees_the_list_and_the_detail_of_projects(client):
    lead = CooperativeFactory(legal_name="Cooperativa Lead Soc. Coop.")
    partner = CooperativeFactory(legal_name="Cooperativa Partner Soc. Coop.")
    body = BodyFactory(name="Coops4dev Test", slug="coops4dev-test")
    call = CallFactory(title="Cooperative value chains in Latin America")
    project = ProjectFactory(
        title="Filiere cooperative in Argentina",
        acronym="COOP-AR",
        kind=Project.Kind.DEVELOPMENT,
        lead_cooperative=lead,
        cooperatives=[lead, partner],
        countries=["AR", "BR", "TN"],
        budget=Decimal("2450000"),
        eu_contribution=Decimal("2205000"),
        call=call,
        is_demo=True,
    )
    project.bodies.set([body])

    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert titles(response) == {"Filiere cooperative in Argentina"}
    content = response.content.decode()
    assert "Argentin" in content and "Tunisi" in content
    assert 'data-testid="demo-badge"' in content

    response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "COOP-AR" in content
    assert lead.get_absolute_url() in content and partner.get_absolute_url() in content
    assert body.get_absolute_url() in content
    assert call.get_absolute_url() in content
    assert "2.450.000,00 EUR" in content or "2,450,000.00 EUR" in content
    assert "2.205.000,00 EUR" in content or "2,205,000.00 EUR" in content
    assert 'data-testid="demo-badge"' in content


def test_unknown_project_is_404(client):
    assert client.get("/partnerships/projects/no-such-project/").status_code == 404


def test_draft_call_is_named_but_not_linked_for_the_public(client):
    call = CallFactory(publication_state=Call.PublicationState.DRAFT, title="Bando in bozza")
    project = ProjectFactory(call=call)
    content = client.get(project.get_absolute_url()).content.decode()
    assert "Bando in bozza" in content
    assert call.get_absolute_url() not in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "development_cooperation"}, {"Sviluppo in Tunisia"}),
        ({"status": "completed"}, {"Export in Germania"}),
        ({"country": "TN"}, {"Sviluppo in Tunisia"}),
        ({"country": "DE"}, {"Export in Germania"}),
        ({"programme": "HORIZON-T"}, {"Innovazione digitale"}),
        ({"cooperative": "lead-coop"}, {"Innovazione digitale", "Sviluppo in Tunisia"}),
        ({"cooperative": "partner-coop"}, {"Sviluppo in Tunisia"}),
        ({"year": "2024"}, {"Export in Germania"}),
        ({"q": "sensori"}, {"Innovazione digitale"}),
        ({"q": "EXP"}, {"Export in Germania"}),
        ({}, {"Innovazione digitale", "Sviluppo in Tunisia", "Export in Germania"}),
    ],
)
def test_project_list_filters(client, query, expected):
    lead = CooperativeFactory(slug="lead-coop")
    partner = CooperativeFactory(slug="partner-coop")
    horizon = CallFactory(programme=ProgrammeFactory(acronym="HORIZON-T"))
    ProjectFactory(
        title="Innovazione digitale",
        acronym="DIGI",
        summary="Sensori nei campi.",
        lead_cooperative=lead,
        call=horizon,
        start_date=datetime.date(2026, 1, 1),
    )
    ProjectFactory(
        title="Sviluppo in Tunisia",
        acronym="TUN",
        kind=Project.Kind.DEVELOPMENT,
        lead_cooperative=lead,
        cooperatives=[lead, partner],
        countries=["TN", "IT"],
        start_date=datetime.date(2025, 5, 1),
    )
    ProjectFactory(
        title="Export in Germania",
        acronym="EXP",
        kind=Project.Kind.INTERNATIONALISATION,
        status=Project.Status.COMPLETED,
        countries=["DE"],
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2025, 1, 1),
    )
    response = client.get(LIST_URL, query)
    assert response.status_code == 200
    assert titles(response) == expected


def test_invalid_filter_values_are_reported_not_an_error(client):
    ProjectFactory(title="Un progetto")
    for year in ("abc", "2024.5", "99999"):
        response = client.get(LIST_URL, {"year": year, "kind": "nope", "page": "999"})
        assert response.status_code == 200
        assert set(response.context["filterset"].errors) == {"year", "kind"}


def _many_projects(count):
    programme = ProgrammeFactory(acronym="PRG-Q")
    for index in range(count):
        lead = CooperativeFactory()
        project = ProjectFactory(
            call=CallFactory(programme=programme),
            lead_cooperative=lead,
            cooperatives=[lead, CooperativeFactory()],
            countries=["AR", "BR"],
            budget=Decimal("100000"),
            eu_contribution=Decimal("80000"),
            is_demo=index % 2 == 0,
        )
        project.bodies.set([BodyFactory()])


@pytest.mark.parametrize("count", [1, 30])
def test_project_list_query_count_does_not_grow_with_projects(
    client, django_assert_max_num_queries, count
):
    _many_projects(count)
    with django_assert_max_num_queries(8):
        response = client.get(LIST_URL, {"kind": "innovation", "country": "AR"})
    assert response.status_code == 200
    assert len(response.context["projects"]) == min(count, 20)


@pytest.mark.parametrize("count", [1, 30])
def test_project_detail_query_count_does_not_grow_with_partners(
    client, django_assert_max_num_queries, count
):
    cooperatives = CooperativeFactory.create_batch(count)
    project = ProjectFactory(cooperatives=cooperatives)
    project.bodies.set(BodyFactory.create_batch(count))
    with django_assert_max_num_queries(6):
        response = client.get(project.get_absolute_url())
    assert response.status_code == 200


# --- Recording a request as a project -----------------------------------------------------


@pytest.fixture
def partnership(coop, other_coop):
    """A published request of `coop` with interests accepted, declined and pending."""
    call = CallFactory(title="Bando per consorzi")
    request = PartnershipRequestFactory(
        owner=coop, call=call, title="Cerchiamo partner per il bando", sought_countries=["TN"]
    )
    ExpressionOfInterestFactory(
        request=request, cooperative=other_coop, state=ExpressionOfInterest.State.ACCEPTED
    )
    declined = CooperativeFactory(slug="declined-coop")
    ExpressionOfInterestFactory(
        request=request, cooperative=declined, state=ExpressionOfInterest.State.DECLINED
    )
    pending = CooperativeFactory(slug="pending-coop")
    ExpressionOfInterestFactory(request=request, cooperative=pending)
    return request


def test_form_is_prefilled_from_the_request(client, coop_editor, partnership):
    client.force_login(coop_editor)
    response = client.get(record_url(partnership))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == "Cerchiamo partner per il bando"
    assert form.initial["countries"] == ["TN"]
    assert form.initial["status"] == Project.Status.SUBMITTED


@pytest.mark.parametrize("persona", ["coop_editor", "coop_admin", "staff_user"])
def test_owner_editor_admin_or_staff_records_the_request_as_a_project(
    client, request, persona, partnership, coop, other_coop
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.post(record_url(partnership), FORM, follow=True)
    project = Project.objects.get()
    assert response.redirect_chain[-1][0] == project.get_absolute_url()
    notices = [str(message) for message in response.context["messages"]]
    assert any(str(project) in notice for notice in notices)
    assert project.origin_request == partnership
    assert project.lead_cooperative == coop
    assert project.call == partnership.call
    assert project.slug == "trace-coop"
    assert {c.pk for c in project.cooperatives.all()} == {coop.pk, other_coop.pk}
    assert project.budget == Decimal("500000")
    assert [c.code for c in project.countries] == ["IT", "TN"]
    partnership.refresh_from_db()
    assert partnership.state == State.CLOSED
    assert partnership.outcome == PartnershipRequest.Outcome.PARTNER_FOUND
    event = partnership.events.last()
    assert (event.from_state, event.to_state, event.by) == (State.PUBLISHED, State.CLOSED, user)


def test_double_submit_creates_one_project(client, coop_editor, partnership):
    client.force_login(coop_editor)
    first = client.post(record_url(partnership), FORM)
    second = client.post(record_url(partnership), FORM)
    assert Project.objects.count() == 1
    project = Project.objects.get()
    assert first.url == second.url == project.get_absolute_url()
    assert partnership.events.filter(to_state=State.CLOSED).count() == 1


def test_submit_that_loses_a_race_shows_the_project_the_other_recorded(
    client, monkeypatch, coop_editor, partnership
):
    def raced(**kwargs):
        # The other submit commits first, between this one's checks and its service call.
        project_from_request(**{**kwargs, "acronym": "WINNER"})
        return project_from_request(**kwargs)

    monkeypatch.setattr(project_views, "project_from_request", raced)
    client.force_login(coop_editor)
    response = client.post(record_url(partnership), FORM)
    project = Project.objects.get()
    assert project.acronym == "WINNER"
    assert response.url == project.get_absolute_url()


def test_service_refuses_a_second_project_for_the_same_request(coop_editor, partnership):
    fields = {"kind": "innovation", "status": "submitted"}
    project_from_request(request=partnership, by=coop_editor, title="Uno", **fields)
    with pytest.raises(ValidationError):
        project_from_request(request=partnership, by=coop_editor, title="Due", **fields)
    assert Project.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    # Who may see the request is refused (403); who may not even see it learns nothing (404).
    [("coop_viewer", 403), ("other_coop_admin", 403), ("signed_in_outsider", 404)],
)
def test_others_may_not_record_the_request(client, request, persona, status, partnership):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(record_url(partnership)).status_code == status
    assert client.post(record_url(partnership), FORM).status_code == status
    assert not Project.objects.exists()
    partnership.refresh_from_db()
    assert partnership.state == State.PUBLISHED


def test_anonymous_is_sent_to_sign_in(client, partnership):
    response = client.post(record_url(partnership), FORM)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert not Project.objects.exists()


def test_service_refuses_a_viewer(coop_viewer, partnership):
    with pytest.raises(PermissionDenied):
        project_from_request(
            request=partnership, by=coop_viewer, title="X", kind="innovation", status="submitted"
        )
    assert not Project.objects.exists()


def test_draft_request_is_404_for_another_cooperative_and_refused_to_the_owner(
    client, coop, coop_editor, other_coop_admin
):
    draft = PartnershipRequestFactory(owner=coop, state=State.DRAFT, published_at=None)
    client.force_login(other_coop_admin)
    assert client.get(record_url(draft)).status_code == 404
    client.force_login(coop_editor)
    response = client.post(record_url(draft), FORM)
    assert response.status_code == 302
    assert response.url == draft.get_absolute_url()
    assert not Project.objects.exists()


def test_withdrawn_request_cannot_become_a_project(client, coop, coop_editor):
    withdrawn = PartnershipRequestFactory(
        owner=coop, state=State.CLOSED, outcome=PartnershipRequest.Outcome.WITHDRAWN
    )
    client.force_login(coop_editor)
    client.post(record_url(withdrawn), FORM)
    assert not Project.objects.exists()


def test_request_closed_with_partner_found_can_still_be_recorded(client, coop, coop_editor):
    closed = PartnershipRequestFactory(
        owner=coop, state=State.CLOSED, outcome=PartnershipRequest.Outcome.PARTNER_FOUND
    )
    client.force_login(coop_editor)
    response = client.post(record_url(closed), FORM)
    project = Project.objects.get()
    assert response.url == project.get_absolute_url()
    assert project.origin_request == closed
    closed.refresh_from_db()
    assert closed.state == State.CLOSED


def test_contribution_above_budget_is_refused_on_the_form(client, coop_editor, partnership):
    client.force_login(coop_editor)
    response = client.post(record_url(partnership), {**FORM, "eu_contribution": "900000"})
    assert response.status_code == 200
    assert "eu_contribution" in response.context["form"].errors
    response = client.post(
        record_url(partnership), {**FORM, "start_date": "2029-01-01", "end_date": "2028-01-01"}
    )
    assert "end_date" in response.context["form"].errors
    assert not Project.objects.exists()
    partnership.refresh_from_db()
    assert partnership.state == State.PUBLISHED


def test_slugs_stay_unique_for_the_same_acronym(coop_editor, coop):
    fields = {"acronym": "SAME", "title": "Uno", "kind": "innovation", "status": "submitted"}
    first = project_from_request(
        request=PartnershipRequestFactory(owner=coop), by=coop_editor, **fields
    )
    second = project_from_request(
        request=PartnershipRequestFactory(owner=coop), by=coop_editor, **fields
    )
    assert (first.slug, second.slug) == ("same", "same-2")


def test_staff_sees_the_admin_link_on_the_detail(staff_client):
    project = ProjectFactory()
    content = staff_client.get(project.get_absolute_url()).content.decode()
    assert reverse("admin:partnerships_project_change", args=[project.pk]) in content


def test_project_admin_lists_projects(staff_client):
    ProjectFactory(title="Progetto in admin")
    response = staff_client.get("/admin/partnerships/project/", {"q": "admin"})
    assert response.status_code == 200
    assert "Progetto in admin" in response.content.decode()
