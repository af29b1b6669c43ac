import pytest
from django.core import mail

from core import demo as core_demo
from core import demo_loader
from core.models import Delivery
from funding import demo as funding_demo
from members import demo as members_demo
from networks import demo as networks_demo
from partnerships import demo
from partnerships.models import ExpressionOfInterest, PartnershipRequest, Project, RequestEvent

pytestmark = pytest.mark.django_db

State = PartnershipRequest.State
WRITTEN = demo_loader.parse(demo_loader.data_dir("partnerships") / "invented.yaml")
REQUESTS = WRITTEN["partnerships.PartnershipRequest"]
INTERESTS = WRITTEN["partnerships.ExpressionOfInterest"]
PROJECTS = WRITTEN["partnerships.Project"]


@pytest.fixture
def prerequisites():
    core_demo.load()
    members_demo.load()
    networks_demo.load()
    funding_demo.load()


def snapshot():
    tables = [
        PartnershipRequest.objects.values_list(),
        PartnershipRequest.sought_sectors.through.objects.values_list(),
        PartnershipRequest.sought_themes.through.objects.values_list(),
        PartnershipRequest.sought_organisation_types.through.objects.values_list(),
        RequestEvent.objects.values_list(),
        ExpressionOfInterest.objects.values_list(),
        Project.objects.values_list(),
        Project.cooperatives.through.objects.values_list(),
        Project.bodies.through.objects.values_list(),
    ]
    return [sorted(map(repr, table.order_by())) for table in tables]


def test_demo_loads_requests_interests_and_projects_flagged_as_demo(prerequisites):
    summary = demo.load()
    assert summary == {
        "partnership requests": len(REQUESTS),
        "expressions of interest": len(INTERESTS),
        "projects": len(PROJECTS),
    }
    assert PartnershipRequest.objects.count() >= 12
    assert Project.objects.count() >= 8
    assert not PartnershipRequest.objects.filter(is_demo=False).exists()
    assert not ExpressionOfInterest.objects.filter(is_demo=False).exists()
    assert not Project.objects.filter(is_demo=False).exists()


def test_demo_loading_twice_changes_nothing(prerequisites):
    demo.load()
    first = snapshot()
    request = PartnershipRequest.objects.get(title=REQUESTS[0]["title"])
    demo.load()
    assert snapshot() == first
    request.refresh_from_db()
    assert request.updated_at == PartnershipRequest.objects.get(pk=request.pk).updated_at
    assert PartnershipRequest.objects.count() == len(REQUESTS)
    assert Project.objects.get(slug="mare-tn").budget == 1_330_000


def test_demo_loading_sends_no_email(prerequisites):
    before = Delivery.objects.count()
    demo.load()
    assert Delivery.objects.count() == before
    assert mail.outbox == []


def test_every_request_state_and_kind_is_present_with_its_history(prerequisites):
    demo.load()
    requests = PartnershipRequest.objects.prefetch_related("events")
    assert {r.state for r in requests} == set(State.values)
    assert {r.kind for r in requests} == set(PartnershipRequest.Kind.values)
    assert {r.outcome for r in requests if r.state == State.CLOSED} == {
        "partner_found",
        "withdrawn",
    }
    published = [r for r in requests if r.state == State.PUBLISHED]
    assert len(published) > len(requests) / 3
    for request in requests:
        events = list(request.events.all())
        assert events[-1].to_state == request.state
        assert events[0].to_state == State.DRAFT
    returned = requests.get(state=State.RETURNED)
    assert returned.return_reason and returned.events.last().note == returned.return_reason
    expired = requests.get(state=State.EXPIRED)
    assert expired.events.last().by is None
    assert requests.filter(call__consortium_required=True).exists()
    assert requests.values("owner").distinct().count() >= 8


def test_interests_in_every_state_never_on_own_request(prerequisites):
    demo.load()
    interests = ExpressionOfInterest.objects.select_related("request")
    assert {i.state for i in interests} == set(ExpressionOfInterest.State.values)
    assert all(i.cooperative_id != i.request.owner_id for i in interests)


def test_giulia_ferri_cooperative_has_a_published_request_with_a_pending_interest(
    prerequisites,
):
    demo.load()
    assert PartnershipRequest.objects.filter(
        owner__memberships__user__email="giulia.ferri@coop.example",
        state=State.PUBLISHED,
        interests__state=ExpressionOfInterest.State.PENDING,
    ).exists()


def test_development_cooperation_projects_have_partners_in_argentina_brazil_and_tunisia(
    prerequisites,
):
    demo.load()
    development = Project.objects.filter(kind=Project.Kind.DEVELOPMENT)
    countries = {country.code for project in development for country in project.countries}
    assert {"AR", "BR", "TN"} <= countries
    projects = Project.objects.all()
    assert {p.status for p in projects} == set(Project.Status.values)
    assert {p.kind for p in projects} == set(Project.Kind.values)
    for project in projects:
        if project.budget is not None and project.eu_contribution is not None:
            assert project.eu_contribution <= project.budget
        assert project.lead_cooperative or project.lead_body
    from_request = Project.objects.get(origin_request__isnull=False)
    assert from_request.origin_request.outcome == "partner_found"
    assert from_request.lead_cooperative_id == from_request.origin_request.owner_id
    assert development.filter(bodies__isnull=False).exists()
