"""A person who leaves a cooperative (or is removed from it) gets none of its alerts any more:
not its cooperative-profile alert (instant, daily, weekly) nor its part of the matchmaking
digest, whether the membership went through the portal, the admin or straight in the
database."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from core.models import Delivery
from funding import alerts, services
from funding.models import Call, CooperativeAlert
from funding.tasks import send_digests
from innovacoop.celery import app
from members.models import Membership
from partnerships import digest
from tests.funding.factories import CallFactory, ThemeFactory
from tests.members.factories import CooperativeFactory, MembershipFactory, division
from tests.partnerships.factories import PartnershipRequestFactory

pytestmark = pytest.mark.django_db

REMOVALS = ["portal-remove", "portal-leave", "admin-delete", "database-delete"]


@pytest.fixture(autouse=True)
def eager_tasks():
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def food(coop):
    theme = ThemeFactory(slug="food-former", name_en="Food", name_it="Cibo")
    coop.themes.set([theme])
    return theme


def remove(how, *, member, cooperative, admin, client, staff_user):
    """End `member`'s membership of `cooperative` in one of the ways a membership ends."""
    membership = Membership.objects.get(user=member, cooperative=cooperative)
    if how == "portal-remove":
        client.force_login(admin)
    elif how == "portal-leave":
        client.force_login(member)
    if how.startswith("portal"):
        url = reverse(
            "portal:membership-remove", kwargs={"slug": cooperative.slug, "pk": membership.pk}
        )
        assert client.post(url).status_code == 302
    elif how == "admin-delete":
        client.force_login(staff_user)
        url = reverse("admin:members_membership_delete", args=[membership.pk])
        assert client.post(url, {"post": "yes"}).status_code == 302
    else:  # raw SQL: no model signal, no service; only the send-time check can stop it
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {Membership._meta.db_table} WHERE id = %s", [membership.pk]
            )
    assert not Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize("how", REMOVALS)
@pytest.mark.parametrize("frequency", ["instant", "daily", "weekly"])
def test_a_former_member_gets_no_cooperative_alert(
    how,
    frequency,
    coop,
    coop_admin,
    coop_viewer,
    food,
    client,
    staff_user,
    django_capture_on_commit_callbacks,
):
    for person in (coop_admin, coop_viewer):
        CooperativeAlert.objects.create(user=person, cooperative=coop, frequency=frequency)
    remove(
        how, member=coop_viewer, cooperative=coop, admin=coop_admin, client=client,
        staff_user=staff_user,
    )  # fmt: skip
    if how != "database-delete":  # ended with the membership, not only skipped
        assert not CooperativeAlert.objects.filter(user=coop_viewer).exists()
    call = CallFactory(themes=[food], publication_state=Call.PublicationState.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        services.calls_publish(calls=Call.objects.filter(pk=call.pk))  # the instant alerts
        if frequency != "instant":
            send_digests.delay(frequency)
    assert list(Delivery.objects.values_list("to_email", flat=True)) == [coop_admin.email]


def test_a_membership_ended_after_the_fan_out_stops_the_chunk(coop, coop_viewer, food):
    alert = CooperativeAlert.objects.create(user=coop_viewer, cooperative=coop, frequency="instant")
    call = CallFactory(themes=[food])
    recipients = alerts.instant_recipients(call)
    assert recipients[coop_viewer.pk]["cooperative_alerts"] == [alert.pk]
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {Membership._meta.db_table} WHERE user_id = %s", [coop_viewer.pk]
        )
    sent = alerts.call_alerts_send(call_id=call.pk, entries=[[coop_viewer.pk, [], [alert.pk]]])
    assert not sent
    assert not Delivery.objects.exists()


def test_an_inactive_cooperative_sends_no_cooperative_alert(coop, coop_viewer, food):
    CooperativeAlert.objects.create(user=coop_viewer, cooperative=coop, frequency="instant")
    coop.is_active = False
    coop.save()
    assert alerts.instant_recipients(CallFactory(themes=[food])) == {}


def test_leaving_one_cooperative_keeps_the_alert_of_another(coop, coop_viewer, food):
    other = CooperativeFactory()
    MembershipFactory(user=coop_viewer, cooperative=other)
    CooperativeAlert.objects.create(user=coop_viewer, cooperative=coop)
    kept = CooperativeAlert.objects.create(user=coop_viewer, cooperative=other)
    Membership.objects.get(user=coop_viewer, cooperative=coop).delete()
    assert list(CooperativeAlert.objects.filter(user=coop_viewer)) == [kept]


# --- The matchmaking digest ---------------------------------------------------------------


WEDNESDAY_NOON = datetime.datetime(2027, 3, 10, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Rome"))


@pytest.fixture
def now():
    """A Wednesday at noon, with the clock set to that morning: the factories' "now" (the
    fixtures after this one) falls earlier in the same ISO week, whatever today is."""
    with time_machine.travel(WEDNESDAY_NOON - datetime.timedelta(hours=3), tick=True):
        yield WEDNESDAY_NOON


@pytest.mark.parametrize("how", REMOVALS)
def test_a_former_member_gets_no_matchmaking_digest_of_that_cooperative(
    now, how, coop, other_coop, coop_admin, coop_viewer, client, staff_user
):
    # The viewer stays a member of a third cooperative, which nothing new fits.
    MembershipFactory(user=coop_viewer, cooperative=CooperativeFactory(main_sector=division("01")))
    PartnershipRequestFactory(
        owner=other_coop, title="Fits Aurora only", sought_sectors=[division("62")]
    )
    remove(
        how, member=coop_viewer, cooperative=coop, admin=coop_admin, client=client,
        staff_user=staff_user,
    )  # fmt: skip
    digest.digests_build(user_ids=[coop_admin.pk, coop_viewer.pk], at=now)
    assert list(Delivery.objects.values_list("to_email", flat=True)) == [coop_admin.email]
    assert "Fits Aurora only" in Delivery.objects.get().body_text
