"""The daily email to staff of the work waiting: through the ledger, once a person a day, only
when work arrived, to staff only, and never to someone who turned it off or stopped all."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core import unsubscribe
from core.models import Delivery
from funding.models import AlertPreference
from partnerships.models import PartnershipRequest
from staff import digest
from staff.tasks import send_work_digests
from tests.core.factories import UserFactory
from tests.partnerships.factories import PartnershipRequestFactory

pytestmark = pytest.mark.django_db


def submitted(coop, by, title="Cerchiamo un partner in Spagna"):
    """A request submitted through the service, so its submission time is in its events."""
    from partnerships import services

    request = services.request_create(
        owner=coop, by=by, kind="technology_offer", title=title, summary="Sensori."
    )
    services.request_submit(request=request, by=by)
    return request


def digests():
    return Delivery.objects.filter(kind="staff-work-digest")


def test_staff_get_one_email_a_day_when_work_arrived(
    coop, coop_editor, staff_user, coop_admin, django_capture_on_commit_callbacks, mailoutbox
):
    submitted(coop, coop_editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_work_digests() == 1
        assert send_work_digests() == 0  # the re-run of the same morning
    [row] = digests()
    assert row.recipient == staff_user  # not the cooperative's people
    assert "Cerchiamo un partner in Spagna" in row.body_text
    assert "/staff/" in row.body_text
    [message] = [m for m in mailoutbox if m.to == [staff_user.email]]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_no_email_when_nothing_arrived_since_yesterday(coop, coop_editor, staff_user):
    submitted(coop, coop_editor)
    tomorrow = timezone.now() + datetime.timedelta(days=1, hours=1)
    assert digest.work_digests_send(now=tomorrow) == 0  # still waiting, but not new
    assert not digests().exists()


def test_an_old_waiting_item_alone_sends_nothing(staff_user, coop):
    PartnershipRequestFactory(owner=coop, state=PartnershipRequest.State.SUBMITTED)
    # No submission event in the last day (a factory row): waiting, not arrived.
    assert digest.work_digests_send() == 0


def test_a_person_who_turned_it_off_or_stopped_all_gets_nothing(client, coop, coop_editor):
    off = UserFactory(is_staff=True, email="off@innovacoop.example")
    stopped = UserFactory(is_staff=True, email="stopped@innovacoop.example")
    on = UserFactory(is_staff=True, email="on@innovacoop.example")
    client.force_login(off)
    response = client.post(reverse("staff:digest-preference"), {})  # the switch unticked
    assert response.status_code == 302
    AlertPreference.objects.create(user=stopped, unsubscribed_all_at=timezone.now())
    submitted(coop, coop_editor)
    digest.work_digests_send()
    assert {row.to_email for row in digests()} == {on.email}
    client.post(reverse("staff:digest-preference"), {"daily_email": "on"})
    assert digest.digest_enabled(off)


def test_the_emails_one_click_link_turns_it_off(client, staff_user):
    token = unsubscribe.make_token(digest.UNSUBSCRIBE_KIND, staff_user.pk)
    client.post(reverse("unsubscribe", kwargs={"token": token}))
    assert not digest.digest_enabled(staff_user)


def test_interests_arrive_on_the_day_they_turn_14_days_unanswered(staff_user, coop):
    from tests.partnerships.factories import ExpressionOfInterestFactory

    interest = ExpressionOfInterestFactory(
        request=PartnershipRequestFactory(owner=coop),
        created_at=timezone.now() - datetime.timedelta(days=14, hours=3),
    )
    assert digest.work_digests_send() == 1
    [row] = digests()
    assert interest.cooperative.legal_name in row.body_text


def test_non_staff_cannot_change_the_switch(client, coop_admin):
    client.force_login(coop_admin)
    assert client.post(reverse("staff:digest-preference"), {}).status_code == 404
    assert client.get(reverse("staff:digest-preference")).status_code == 404
