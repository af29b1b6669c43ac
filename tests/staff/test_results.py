"""/staff/results/: every figure equals a count made here from the fixtures, for all
cooperatives, one association and one province; CSV downloads honour the filters and are
formula-safe; the page's queries do not grow with the data; bad input is a form error."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import Delivery
from funding.models import AlertPreference, Programme
from members.models import Cooperative, Membership
from partnerships.models import ExpressionOfInterest, PartnershipRequest, Project
from startups.models import Application, ApplicationEvent
from tests.core.factories import UserFactory
from tests.funding.factories import CallFactory, FollowFactory, ProgrammeFactory
from tests.members.factories import AssociationFactory, CooperativeFactory
from tests.partnerships.factories import (
    ExpressionOfInterestFactory,
    PartnershipRequestFactory,
    ProjectFactory,
)
from tests.startups.factories import ApplicationFactory, SupportProgrammeFactory

pytestmark = pytest.mark.django_db

RESULTS = reverse("staff:results")


def tables(client, **query):
    response = client.get(RESULTS, query)
    assert response.status_code == 200
    return {table.key: table for table in response.context["tables"]}


def funnel_of(client, **query):
    table = tables(client, **query)["funnel"]
    return [row[1] for row in table.rows], [value for _label, value in table.totals]


@pytest.fixture
def world():
    """Two cooperatives of Legacoop Romagna (Ravenna), one of another association (Bologna),
    each with a person, and what they did through the portal this year."""
    now = timezone.now()
    romagna = AssociationFactory(
        slug="legacoop-romagna", name="Legacoop Romagna", is_innovacoop_shareholder=True
    )
    bologna = AssociationFactory(
        slug="legacoop-bologna", name="Legacoop Bologna", is_innovacoop_shareholder=True
    )
    ra1 = CooperativeFactory(legal_name="Ravenna Uno", province="RA", associations=[romagna])
    ra2 = CooperativeFactory(legal_name="Ravenna Due", province="RA", associations=[romagna])
    bo = CooperativeFactory(legal_name="Bologna Tre", province="BO", associations=[bologna])
    people = {}
    for coop in (ra1, ra2, bo):
        person = UserFactory()
        Membership.objects.create(user=person, cooperative=coop, role="editor")
        people[coop.pk] = person
    people[ra1.pk].last_login = now
    people[ra1.pk].save(update_fields=["last_login"])

    # Alerts: sent to Ravenna Uno's and Bologna Tre's people, one failed to Ravenna Due's.
    for n, (coop, state) in enumerate([(ra1, "sent"), (bo, "sent"), (ra2, "failed")]):
        Delivery.objects.create(
            key=f"alert:{n}",
            kind="call-alert",
            recipient=people[coop.pk],
            to_email=people[coop.pk].email,
            subject="s",
            state=state,
            sent_at=now if state == "sent" else None,
        )
    AlertPreference.objects.create(user=people[bo.pk], unsubscribed_all_at=now)
    FollowFactory(user=people[ra1.pk])
    # Ravenna Uno posts a request; Ravenna Due's interest is accepted; closed with a partner.
    request = PartnershipRequestFactory(owner=ra1)
    interest = ExpressionOfInterestFactory(request=request, cooperative=ra2)
    ExpressionOfInterest.objects.filter(pk=interest.pk).update(state="accepted")
    PartnershipRequest.objects.filter(pk=request.pk).update(
        state="closed", outcome="partner_found", closed_at=now
    )
    PartnershipRequestFactory(owner=bo, state="draft")  # a draft is not "posted"
    funded = ProjectFactory(
        lead_cooperative=ra1,
        status=Project.Status.FUNDED,
        eu_contribution=Decimal("100000"),
        budget=Decimal("150000"),
    )
    funded.cooperatives.set([ra2])
    ProjectFactory(
        lead_cooperative=bo,
        status=Project.Status.SUBMITTED,
        eu_contribution=Decimal("50000"),
        budget=Decimal("80000"),
    )
    return {"romagna": romagna, "ra1": ra1, "ra2": ra2, "bo": bo, "people": people}


def test_the_funnel_counts_cooperatives_for_all_one_association_and_one_province(
    staff_client, world
):
    # Steps: reached by an alert, followed, posted, interest sent, found a partner,
    # in a project submitted, in a project funded; then EU contribution and budget funded.
    assert funnel_of(staff_client) == (
        [2, 1, 1, 1, 2, 3, 2],
        [Decimal("100000"), Decimal("150000")],
    )
    assert funnel_of(staff_client, association="legacoop-romagna") == (
        [1, 1, 1, 1, 2, 2, 2],
        [Decimal("100000"), Decimal("150000")],
    )
    assert funnel_of(staff_client, province="BO") == (
        [1, 0, 0, 0, 0, 1, 0],
        [Decimal("0"), Decimal("0")],
    )


def test_a_period_before_the_events_counts_nothing(staff_client, world):
    steps, totals = funnel_of(staff_client, start="2020-01-01", end="2020-12-31")
    assert steps == [0] * 7 and totals == [0, 0]


def test_calls_published_per_month_by_level(staff_client):
    eu, regional = ProgrammeFactory(level="eu"), ProgrammeFactory(level="regional")
    CallFactory.create_batch(2, programme=eu)
    CallFactory(programme=regional)
    CallFactory(programme=eu, publication_state="draft")
    table = tables(staff_client)["calls"]
    month = timezone.localdate().strftime("%Y-%m")
    [row] = [row for row in table.rows if row[0] == month]
    levels = [level for level, _label in Programme.Level.choices]
    assert row[1] == 3
    assert row[2 + levels.index("eu")] == 2 and row[2 + levels.index("regional")] == 1


def test_emails_sent_failed_and_unsubscribes(staff_client, world):
    table = tables(staff_client)["emails"]
    month = timezone.localdate().strftime("%Y-%m")
    [row] = [row for row in table.rows if row[0] == month]
    assert row[1:] == [2, 0, 1, 33.3, 1]
    [row] = [
        r
        for r in tables(staff_client, association="legacoop-romagna")["emails"].rows
        if r[0] == month
    ]
    assert row[1:] == [1, 0, 1, 50.0, 0]


def test_cooperatives_per_association_with_users_and_completeness(staff_client, world):
    rows = {row[0]: row[1:] for row in tables(staff_client)["associations"].rows}
    romagna = [world["ra1"], world["ra2"]]
    expected = round(sum(c.profile_completeness for c in romagna) / 2, 1)
    assert rows["Legacoop Romagna"][:2] == [2, 1]
    assert rows["Legacoop Romagna"][2] == pytest.approx(expected, abs=0.1)
    assert rows["Legacoop Bologna"][:2] == [1, 0]
    provinces = {row[0]: row[1] for row in tables(staff_client)["territories"].rows}
    assert provinces == {"BO": 1, "RA": 2}


def test_startups_per_stage_and_days_in_each_stage(staff_client):
    programme = SupportProgrammeFactory(name="Coopstartup Romagna")
    moved, _waiting = ApplicationFactory.create_batch(2, programme=programme)
    now = timezone.now()
    ApplicationEvent.objects.create(
        application=moved, from_stage="", to_stage="submitted", at=now - datetime.timedelta(days=3)
    )
    ApplicationEvent.objects.create(
        application=moved, from_stage="submitted", to_stage="screening", at=now
    )
    type(moved).objects.filter(pk=moved.pk).update(stage="screening")
    found = tables(staff_client)
    [row] = found["startups"].rows
    per_stage = dict(zip(Application.Stage.values, row[2:], strict=True))
    assert row[:2] == ["Coopstartup Romagna", 2]
    assert per_stage == {
        **dict.fromkeys(Application.Stage.values, 0),
        "submitted": 1,
        "screening": 1,
    }
    assert [r[1:] for r in found["stage-time"].rows] == [[3.0, 1]]


def test_the_csv_is_the_table_for_the_same_filters(staff_client, world):
    query = {"association": "legacoop-romagna"}
    response = staff_client.get(reverse("staff:results-csv", kwargs={"key": "funnel"}), query)
    assert response["Content-Type"].startswith("text/csv")
    assert "legacoop-romagna" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    table = tables(staff_client, **query)["funnel"]
    assert [int(row[1]) for row in rows[1:8]] == [row[1] for row in table.rows]


def test_csv_cells_that_look_like_formulas_are_escaped(staff_client):
    AssociationFactory(slug="formula", name='=HYPERLINK("x")', is_innovacoop_shareholder=True)
    response = staff_client.get(reverse("staff:results-csv", kwargs={"key": "associations"}))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ['\'=HYPERLINK("x")', "0", "0", "0"] in rows


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-13-45"},
        {"start": "99999-01-01"},
        {"start": "2026-05-01", "end": "2026-01-01"},
        {"start": "1000-01-01"},
        {"association": "nobody"},
        {"province": "ZZ"},
        {"start": "2000-01-01", "end": "2027-01-01"},
    ],
)
def test_bad_input_is_a_form_error_and_a_400_for_the_csv(staff_client, query):
    response = staff_client.get(RESULTS, query)
    assert response.status_code == 200
    assert response.context["form"].errors and response.context["tables"] == []
    csv_url = reverse("staff:results-csv", kwargs={"key": "funnel"})
    assert staff_client.get(csv_url, query).status_code == 400


@pytest.mark.parametrize("persona", ["signed_in_outsider", "coop_admin"])
def test_results_and_their_csv_are_404_for_everyone_but_staff(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(RESULTS).status_code == 404
    assert client.get(reverse("staff:results-csv", kwargs={"key": "funnel"})).status_code == 404
    client.logout()
    assert client.get(RESULTS).status_code == 404


def test_an_unknown_table_is_404(staff_client):
    assert (
        staff_client.get(reverse("staff:results-csv", kwargs={"key": "nothing"})).status_code == 404
    )


def _more(n):
    association = AssociationFactory(is_innovacoop_shareholder=True)
    for _ in range(n):
        coop = CooperativeFactory(associations=[association], province="FE")
        person = UserFactory()
        Membership.objects.create(user=person, cooperative=coop, role="admin")
        FollowFactory(user=person)
        request = PartnershipRequestFactory(owner=coop)
        ExpressionOfInterestFactory(request=request)
        ProjectFactory(lead_cooperative=coop, status="funded")
        ApplicationFactory()
        CallFactory()


def test_the_dashboard_runs_the_same_queries_with_more_data(staff_client, world):
    staff_client.get(RESULTS)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(RESULTS)
    _more(8)
    with CaptureQueriesContext(connection) as many:
        staff_client.get(RESULTS)
    assert len(many) == len(few)
    assert Cooperative.objects.count() > 8


@pytest.mark.parametrize(
    ("language", "heading", "step"),
    [
        ("it", "Cosa ha ottenuto l'agenzia", "hanno trovato un partner"),
        ("en", "What the agency achieved", "found a partner"),
    ],
)
def test_the_page_reads_in_italian_and_english(staff_client, world, language, heading, step):
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = staff_client.get(RESULTS).content.decode()
    assert heading in html.replace("&#x27;", "'") and step in html
    assert 'role="img"' in html and "<title" in html  # each chart has its accessible name
