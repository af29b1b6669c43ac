"""Public list and profile, visibility, the staff board and its CSV export."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import Sector
from startups.models import Application, Kind, Need, Startup
from tests.funding.factories import CallFactory
from tests.members.factories import CooperativeFactory, division, theme
from tests.startups.factories import ApplicationFactory, MentorFactory, StartupFactory

pytestmark = pytest.mark.django_db

Stage = Application.Stage


def test_anonymous_visitors_see_public_startups_only(client):
    StartupFactory(name="Pubblica Srl")
    StartupFactory(name="Riservata Coop", visibility=Startup.Visibility.MEMBERS)
    page = client.get("/startups/").content.decode()
    assert "Pubblica Srl" in page
    assert "Riservata Coop" not in page


def test_members_see_members_only_startups(client, coop_viewer):
    StartupFactory(name="Riservata Coop", visibility=Startup.Visibility.MEMBERS)
    client.force_login(coop_viewer)
    assert "Riservata Coop" in client.get("/startups/").content.decode()


@pytest.mark.parametrize("outsider", ["signed_in_outsider", "startup_applicant"])
def test_a_signed_in_outsider_does_not_see_members_only_startups(request, client, outsider):
    StartupFactory(name="Pubblica Srl")
    StartupFactory(name="Riservata Coop", visibility=Startup.Visibility.MEMBERS)
    client.force_login(request.getfixturevalue(outsider))
    page = client.get("/startups/").content.decode()
    assert "Pubblica Srl" in page
    assert "Riservata Coop" not in page


@pytest.mark.parametrize(
    ("visibility", "persona", "status"),
    [
        ("public", "anonymous", 200),
        ("public", "outsider", 200),
        ("public", "member", 200),
        ("members", "anonymous", 404),
        ("members", "outsider", 404),
        ("members", "member", 200),
        ("members", "staff", 200),
    ],
)
def test_profile_visibility(
    client, coop_viewer, signed_in_outsider, staff_user, visibility, persona, status
):
    startup = StartupFactory(visibility=visibility)
    if persona == "member":
        client.force_login(coop_viewer)
    elif persona == "outsider":
        client.force_login(signed_in_outsider)
    elif persona == "staff":
        client.force_login(staff_user)
    assert client.get(startup.get_absolute_url()).status_code == status


def test_an_unknown_startup_is_a_404(client):
    assert client.get("/startups/no-such-startup/").status_code == 404


def test_members_see_founders_contacts_and_needs_detail(client, coop_viewer):
    startup = StartupFactory(needs=[Need.objects.get(code="funding")])
    anonymous = client.get(startup.get_absolute_url()).content.decode()
    assert "Anna Rossi" not in anonymous
    assert startup.contact_email not in anonymous
    assert "A seed round of 200k EUR." not in anonymous
    assert "Finanziamenti" in anonymous  # the need itself is public
    client.force_login(coop_viewer)
    member = client.get(startup.get_absolute_url()).content.decode()
    assert "Anna Rossi" in member
    assert startup.contact_email in member
    assert "A seed round of 200k EUR." in member


def test_a_signed_in_outsider_sees_no_founders_contacts_or_needs_detail(client, signed_in_outsider):
    startup = StartupFactory(needs=[Need.objects.get(code="funding")])
    client.force_login(signed_in_outsider)
    outsider = client.get(startup.get_absolute_url()).content.decode()
    assert "Anna Rossi" not in outsider
    assert startup.contact_email not in outsider
    assert "A seed round of 200k EUR." not in outsider
    assert "Finanziamenti" in outsider  # the need itself is public


def test_list_facets_filter(client):
    StartupFactory(
        name="Agri Spinoff",
        kind=Kind.ACADEMIC_SPINOFF,
        sector=division("01"),
        themes=[theme("agrifood-food-safety")],
    )
    StartupFactory(
        name="Digital Buyout",
        kind=Kind.WORKERS_BUYOUT,
        sector=division("62"),
        stage=Startup.Stage.GROWTH,
    )
    assert "Agri Spinoff" not in client.get("/startups/?kind=workers_buyout").content.decode()
    assert "Digital Buyout" in client.get("/startups/?kind=workers_buyout").content.decode()
    by_theme = client.get("/startups/?theme=agrifood-food-safety").content.decode()
    assert "Agri Spinoff" in by_theme and "Digital Buyout" not in by_theme
    by_section = client.get("/startups/?sector=J").content.decode()
    assert "Digital Buyout" in by_section and "Agri Spinoff" not in by_section
    by_stage = client.get("/startups/?stage=growth").content.decode()
    assert "Digital Buyout" in by_stage and "Agri Spinoff" not in by_stage


def _make_startups(count):
    needs = list(Need.objects.all()[:2])
    coop = CooperativeFactory()
    for _ in range(count):
        StartupFactory(
            sector=division("62"),
            parent_cooperative=coop,
            themes=[theme("digital-transition"), theme("social-innovation")],
            needs=needs,
        )


@pytest.mark.parametrize("persona", ["anonymous", "member"])
def test_list_query_count_does_not_grow_with_the_startups(client, coop_viewer, persona):
    if persona == "member":
        client.force_login(coop_viewer)
    _make_startups(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/startups/").status_code == 200
    _make_startups(15)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/startups/").status_code == 200
    assert len(many) == len(few)


def test_matching_open_calls_are_shown_with_their_reasons(client):
    startup = StartupFactory(sector=division("10"), themes=[theme("agrifood-food-safety")])
    CallFactory(title="Food value chains call", sectors=[division("10")])
    CallFactory(title="Software call", sectors=[division("62")])
    CallFactory(title="Closed food call", sectors=[division("10")], deadlines=[])
    client.cookies.load({"innovacoop_language": "en"})
    page = client.get(startup.get_absolute_url()).content.decode()
    assert "Food value chains call" in page
    assert "same sector: 10" in page
    assert "Software call" not in page


def test_detail_query_count_does_not_grow_with_the_calls(client):
    startup = StartupFactory(sector=division("10"), themes=[theme("agrifood-food-safety")])
    CallFactory.create_batch(2, sectors=[division("10")])
    with CaptureQueriesContext(connection) as few:
        client.get(startup.get_absolute_url())
    CallFactory.create_batch(10, sectors=[division("10")], themes=[theme("agrifood-food-safety")])
    with CaptureQueriesContext(connection) as many:
        client.get(startup.get_absolute_url())
    assert len(many) == len(few)


# --- Staff board -------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["board/", "board.csv"])
@pytest.mark.parametrize(
    ("persona", "status"), [("anonymous", 302), ("outsider", 403), ("staff", 200)]
)
def test_the_board_is_for_staff_only(
    client, signed_in_outsider, staff_user, programme, url, persona, status
):
    if persona == "outsider":
        client.force_login(signed_in_outsider)
    elif persona == "staff":
        client.force_login(staff_user)
    assert client.get(f"/startups/programmes/{programme.slug}/{url}").status_code == status


def _one_per_stage(programme):
    for stage in Stage.values:
        ApplicationFactory(
            programme=programme,
            stage=stage,
            startup_name=f"App {stage}",
            sector=division("62" if stage != Stage.REJECTED else "10"),
            rejection_reason="Fuori ambito" if stage == Stage.REJECTED else "",
        )


def test_the_board_counts_per_stage_and_filters(staff_client, programme):
    _one_per_stage(programme)
    ApplicationFactory(programme=programme, stage=Stage.SUBMITTED, kind=Kind.WORKERS_BUYOUT)
    response = staff_client.get(f"/startups/programmes/{programme.slug}/board/")
    columns = {c["stage"]: c["count"] for c in response.context["columns"]}
    assert columns[Stage.SUBMITTED] == 2
    assert all(columns[stage] >= 1 for stage in Stage.values)
    assert response.context["total"] == len(Stage.values) + 1
    filtered = staff_client.get(f"/startups/programmes/{programme.slug}/board/?kind=workers_buyout")
    assert {c["stage"]: c["count"] for c in filtered.context["columns"]}[Stage.SUBMITTED] == 1
    assert filtered.context["total"] == 1
    only = staff_client.get(f"/startups/programmes/{programme.slug}/board/?stage=screening")
    assert [c["stage"] for c in only.context["columns"]] == [Stage.SCREENING]


def test_board_query_count_does_not_grow(staff_client, programme):
    _one_per_stage(programme)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(f"/startups/programmes/{programme.slug}/board/")
    for _ in range(10):
        ApplicationFactory(programme=programme, stage=Stage.SCREENING)
    MentorFactory.create_batch(3)
    with CaptureQueriesContext(connection) as many:
        staff_client.get(f"/startups/programmes/{programme.slug}/board/")
    assert len(many) == len(few)


def test_csv_export_of_the_filtered_applications(staff_client, programme):
    _one_per_stage(programme)
    response = staff_client.get(f"/startups/programmes/{programme.slug}/board.csv?sector=10")
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert len(rows) == 2
    assert rows[0][0] == "Nome della startup"
    assert rows[1][0] == "App rejected"
    assert "Fuori ambito" in rows[1]
    full = staff_client.get(f"/startups/programmes/{programme.slug}/board.csv")
    assert len(list(csv.reader(io.StringIO(full.content.decode().lstrip("\ufeff"))))) == 9


def test_programme_pages(client, programme):
    assert programme.name in client.get("/startups/programmes/").content.decode()
    page = client.get(programme.get_absolute_url()).content.decode()
    assert f"/startups/programmes/{programme.slug}/apply/" in page


def test_section_is_not_a_startup_sector():
    from django.core.exceptions import ValidationError

    startup = StartupFactory.build(sector=Sector.objects.get(code="J"))
    with pytest.raises(ValidationError):
        startup.full_clean()
