"""/staff/: the work waiting. Staff only (404 for everyone else); each list shows an item
while its cause exists and drops it once handled; the page's queries do not grow with rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import mail
from core.models import Delivery
from funding import services as funding
from funding.models import Call, CallProvenance, SourceQuery
from members import services as members
from partnerships import services as partnerships
from partnerships.models import PartnershipRequest
from startups import services as startups
from tests.funding.factories import CallFactory
from tests.partnerships.factories import ExpressionOfInterestFactory, PartnershipRequestFactory
from tests.startups.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

HOME = reverse("staff:home")


def work(staff_client):
    """{list key: (count, [item labels])} as /staff/ shows them."""
    response = staff_client.get(HOME)
    assert response.status_code == 200
    return {w.key: (w.count, [item.label for item in w.items]) for w in response.context["work"]}


@pytest.mark.parametrize("persona", ["signed_in_outsider", "coop_admin", "coop_viewer"])
def test_everyone_but_staff_gets_404(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(HOME).status_code == 404


def test_an_anonymous_visitor_gets_404_not_the_sign_in_page(client):
    assert client.get(HOME).status_code == 404


def test_with_nothing_waiting_every_list_says_none(staff_client):
    response = staff_client.get(HOME)
    assert all(count == 0 for count, _ in work(staff_client).values())
    assert b'data-testid="nothing-waiting"' in response.content


def test_a_submitted_request_waits_until_it_is_approved(staff_client, staff_user, coop):
    request = PartnershipRequestFactory(
        owner=coop, state=PartnershipRequest.State.SUBMITTED, title="Cerchiamo partner in Spagna"
    )
    assert work(staff_client)["requests"] == (1, ["Cerchiamo partner in Spagna"])
    page = staff_client.get(HOME).content.decode()
    assert request.get_absolute_url() in page  # where staff approve or return it
    partnerships.request_approve(request=request, by=staff_user)
    assert work(staff_client)["requests"] == (0, [])


def test_drafts_and_other_states_are_not_waiting_for_review(staff_client, coop):
    for state in ("draft", "published", "returned", "closed"):
        PartnershipRequestFactory(owner=coop, state=state)
    assert work(staff_client)["requests"][0] == 0


def test_an_application_waits_while_received_or_in_screening(staff_client, staff_user):
    application = ApplicationFactory(startup_name="Filiera Corta")
    assert work(staff_client)["applications"] == (1, ["Filiera Corta"])
    startups.application_transition(application=application, to_stage="screening", by=staff_user)
    assert work(staff_client)["applications"][0] == 1
    startups.application_transition(application=application, to_stage="accepted", by=staff_user)
    assert work(staff_client)["applications"] == (0, [])


def test_a_draft_call_waits_until_it_is_published(staff_client, staff_user):
    draft = CallFactory(publication_state=Call.PublicationState.DRAFT, title="Bando bozza")
    CallFactory(title="Bando pubblicato")
    assert work(staff_client)["calls"] == (1, ["Bando bozza"])
    funding.calls_publish(calls=Call.objects.filter(pk=draft.pk), by=staff_user)
    assert work(staff_client)["calls"] == (0, [])


def _imported(call, missing_since=None):
    now = timezone.now()
    return CallProvenance.objects.create(
        call=call,
        source=CallProvenance.Source.EU_FUNDING_TENDERS,
        source_identifier=call.identifier,
        fetched_at=now,
        checked_at=now,
        missing_since=missing_since,
    )


def test_failed_source_queries_and_calls_gone_from_the_eu_portal_wait(staff_client, staff_user):
    assert work(staff_client)["eu-imports"] == (0, [])
    now = timezone.now()
    failed = SourceQuery.objects.create(
        name="Economia sociale", last_run_at=now, last_run_ok=False, last_run_error="HTTP 503"
    )
    SourceQuery.objects.create(name="Riuscita", last_run_at=now, last_run_ok=True)
    SourceQuery.objects.create(name="In pausa", active=False, last_run_ok=False)
    gone = CallFactory(title="Topic sparito")
    _imported(gone, missing_since=now)
    _imported(CallFactory(title="Topic presente"))
    closed = CallFactory(title="Topic chiuso", deadlines=[now - datetime.timedelta(days=3)])
    _imported(closed, missing_since=now)
    assert work(staff_client)["eu-imports"] == (2, ["Economia sociale", "Topic sparito"])
    # Handled: the query runs again fine, the call is archived.
    SourceQuery.objects.filter(pk=failed.pk).update(last_run_ok=True)
    funding.calls_archive(calls=Call.objects.filter(pk=gone.pk), by=staff_user)
    assert work(staff_client)["eu-imports"] == (0, [])


def test_a_failed_email_waits_until_it_is_sent_again(staff_client):
    failed = Delivery.objects.create(
        key="x:1",
        kind="invitation",
        to_email="nessuno@coop.example",
        subject="Invito",
        body_text="t",
        state=Delivery.State.FAILED,
    )
    Delivery.objects.create(key="x:2", kind="invitation", to_email="a@coop.example", subject="s")
    assert work(staff_client)["deliveries"] == (1, ["Invito"])
    mail.delivery_resend(Delivery.objects.filter(pk=failed.pk))
    assert work(staff_client)["deliveries"] == (0, [])


def test_a_pending_invitation_waits_until_withdrawn_or_expired(staff_client, coop, coop_admin):
    invitation = members.invitation_create(
        cooperative=coop, email="collega@aurora.example", role="viewer", invited_by=coop_admin
    )
    assert work(staff_client)["invitations"] == (1, ["collega@aurora.example"])
    members.invitation_revoke(invitation=invitation, by=coop_admin)
    assert work(staff_client)["invitations"] == (0, [])
    expired = members.invitation_create(
        cooperative=coop, email="altro@aurora.example", role="viewer", invited_by=coop_admin
    )
    type(expired).objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    assert work(staff_client)["invitations"] == (0, [])


def test_an_interest_waits_after_14_days_unanswered_until_answered(staff_client, coop, coop_admin):
    request = PartnershipRequestFactory(owner=coop)
    old = ExpressionOfInterestFactory(
        request=request, created_at=timezone.now() - datetime.timedelta(days=15)
    )
    ExpressionOfInterestFactory(
        request=PartnershipRequestFactory(owner=coop),
        created_at=timezone.now() - datetime.timedelta(days=13),
    )
    assert work(staff_client)["interests"] == (1, [old.cooperative.legal_name])
    partnerships.interest_accept(interest=old, by=coop_admin)
    assert work(staff_client)["interests"] == (0, [])


def test_each_list_links_to_a_page_that_lists_it_all(staff_client):
    for item in staff_client.get(HOME).context["work"]:
        response = staff_client.get(item.url)
        assert response.status_code == 200, item.url
        # The admin redirects with ?e=1 when a filter is unknown; the lists use real ones.
        assert "e=1" not in response.get("Location", ""), item.url


def test_the_invitations_list_filter_shows_only_pending_ones(staff_client, coop, coop_admin):
    members.invitation_create(
        cooperative=coop, email="attesa@aurora.example", role="viewer", invited_by=coop_admin
    )
    gone = members.invitation_create(
        cooperative=coop, email="ritirata@aurora.example", role="viewer", invited_by=coop_admin
    )
    members.invitation_revoke(invitation=gone, by=coop_admin)
    html = staff_client.get(reverse("admin:members_invitation_changelist") + "?status=pending")
    assert "attesa@aurora.example" in html.content.decode()
    assert "ritirata@aurora.example" not in html.content.decode()


def _fill(n, coop):
    for i in range(n):
        PartnershipRequestFactory(owner=coop, state=PartnershipRequest.State.SUBMITTED)
        ApplicationFactory()
        CallFactory(publication_state=Call.PublicationState.DRAFT)
        Delivery.objects.create(
            key=f"fill:{n}:{i}",
            kind="invitation",
            to_email="x@coop.example",
            subject="s",
            state=Delivery.State.FAILED,
        )
        ExpressionOfInterestFactory(
            request=PartnershipRequestFactory(owner=coop),
            created_at=timezone.now() - datetime.timedelta(days=20),
        )
        SourceQuery.objects.create(name=f"fill {n} {i}", last_run_ok=False)
        _imported(CallFactory(), missing_since=timezone.now())


def test_the_page_runs_the_same_queries_with_one_or_many_items(staff_client, coop):
    _fill(1, coop)
    staff_client.get(HOME)  # warm the session and content types
    with CaptureQueriesContext(connection) as few:
        staff_client.get(HOME)
    _fill(12, coop)
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(HOME)
    assert len(many) == len(few)
    assert work(staff_client)["requests"][0] == 13
    assert len(response.context["work"][0].items) == 5  # the oldest five, then "See all"
