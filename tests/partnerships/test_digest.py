"""The weekly matchmaking digest: built once a week, only with news, in the person's language,
with reasons, honouring opt-out, stop-all and one-click unsubscribe."""

import datetime
import zoneinfo
from urllib.parse import urlparse

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import Delivery
from funding.models import AlertPreference
from partnerships import digest, tasks
from partnerships.models import MatchmakingDigestRun, MatchmakingSubscription
from tests.members.factories import CooperativeFactory, MembershipFactory, division
from tests.partnerships.factories import ExpressionOfInterestFactory, PartnershipRequestFactory

pytestmark = pytest.mark.django_db


# A Wednesday at noon (Rome). The clock is set to that morning for every test, so the
# factories' "now" falls earlier in the same ISO week and an hour later still does, whatever
# the day the suite runs (a "next Wednesday" computed from the real date left the factories'
# rows outside the digest's week when run on a Wednesday).
WEDNESDAY_NOON = datetime.datetime(2027, 3, 10, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Rome"))


@pytest.fixture(autouse=True)
def _wednesday_morning():
    with time_machine.travel(WEDNESDAY_NOON - datetime.timedelta(hours=3), tick=True):
        yield


@pytest.fixture
def now():
    return WEDNESDAY_NOON


@pytest.fixture
def new_request(other_coop):
    return PartnershipRequestFactory(
        owner=other_coop, title="Piattaforma per le consegne", sought_sectors=[division("62")]
    )


def build(users, at):
    return digest.digests_build(user_ids=[user.pk for user in users], at=at)


def test_person_gets_new_fitting_requests_with_reasons(coop_admin, new_request, now):
    assert build([coop_admin], now) == 1
    email = Delivery.objects.get()
    assert email.key == f"matchmaking-digest:{coop_admin.pk}:{digest.digest_week(now)}"
    assert email.to_email == coop_admin.email
    assert "Piattaforma per le consegne" in email.body_text
    assert "J62 Produzione di software" in email.body_text  # the reason, in Italian
    assert f"/partnerships/{new_request.pk}/" in email.body_html
    assert "/portal/alerts/" in email.body_text
    run = MatchmakingDigestRun.objects.get(user=coop_admin)
    assert (run.request_count, run.interest_count, run.covered_until) == (1, 0, now)


def test_digest_is_in_the_persons_language(coop_admin, new_request, now):
    coop_admin.language = "en"
    coop_admin.save()
    build([coop_admin], now)
    email = Delivery.objects.get()
    assert email.language == "en"
    assert "J62 Computer programming" in email.body_text


def test_new_expressions_of_interest_on_my_requests_are_in_it(coop_viewer, coop, now):
    mine = PartnershipRequestFactory(owner=coop, title="Nostra richiesta")
    mine.published_at = timezone.now() - datetime.timedelta(days=30)
    mine.save()
    ExpressionOfInterestFactory(
        request=mine, cooperative=CooperativeFactory(legal_name="Interessata Soc. Coop.")
    )
    assert build([coop_viewer], now) == 1
    body = Delivery.objects.get().body_text
    assert "Interessata Soc. Coop." in body and "Nostra richiesta" in body


def test_built_once_a_week_whatever_runs_again(coop_admin, new_request, now):
    assert build([coop_admin], now) == 1
    assert build([coop_admin], now + datetime.timedelta(hours=1)) == 0
    tasks.send_matchmaking_digests(at=now.isoformat())
    tasks.build_matchmaking_digest_chunk([coop_admin.pk], now.isoformat())
    assert Delivery.objects.count() == 1
    assert MatchmakingDigestRun.objects.count() == 1


def test_the_task_fans_out_and_sends_each_person_one_email(
    coop_admin, coop_viewer, new_request, now
):
    assert tasks.send_matchmaking_digests(at=now.isoformat()) == 2
    assert tasks.send_matchmaking_digests(at=now.isoformat()) == 2
    assert sorted(Delivery.objects.values_list("to_email", flat=True)) == sorted(
        [coop_admin.email, coop_viewer.email]
    )


def test_chunks_are_bounded(coop, monkeypatch, now):
    monkeypatch.setattr(digest, "CHUNK_SIZE", 2)
    for _ in range(5):
        MembershipFactory(cooperative=coop)
    sent = []
    monkeypatch.setattr(
        tasks.build_matchmaking_digest_chunk, "apply_async", lambda args, **kw: sent.append(args)
    )
    assert tasks.send_matchmaking_digests(at=now.isoformat()) == 5
    assert [len(args[0]) for args in sent] == [2, 2, 1]


def test_nothing_new_sends_nothing(coop_admin, other_coop, now):
    old = PartnershipRequestFactory(owner=other_coop, sought_sectors=[division("62")])
    old.published_at = now - datetime.timedelta(days=10)
    old.save()
    PartnershipRequestFactory(owner=other_coop, sought_sectors=[division("01")])  # no fit
    assert build([coop_admin], now) == 0
    assert not Delivery.objects.exists()


def test_next_digest_starts_after_the_previous_one(coop_admin, other_coop, new_request, now):
    build([coop_admin], now)
    next_week = now + datetime.timedelta(days=7)
    later = PartnershipRequestFactory(
        owner=other_coop, title="Seconda richiesta", sought_sectors=[division("62")]
    )
    later.published_at = now + datetime.timedelta(days=3)
    later.save()
    assert build([coop_admin], next_week) == 1
    latest = Delivery.objects.order_by("-pk").first()
    assert "Seconda richiesta" in latest.body_text
    assert "Piattaforma per le consegne" not in latest.body_text
    assert build([coop_admin], now + datetime.timedelta(days=14)) == 0  # nothing new since


def test_own_dismissed_and_answered_requests_are_not_news(coop_admin, coop, other_coop, now):
    PartnershipRequestFactory(owner=coop, sought_sectors=[division("62")])
    answered = PartnershipRequestFactory(owner=other_coop, sought_sectors=[division("62")])
    ExpressionOfInterestFactory(request=answered, cooperative=coop)
    dismissed = PartnershipRequestFactory(owner=other_coop, sought_sectors=[division("62")])
    from partnerships.matching import suggestion_dismiss

    suggestion_dismiss(
        cooperative=coop, target_type="request", target_id=dismissed.pk, by=coop_admin
    )
    assert build([coop_admin], now) == 0


def test_opted_out_people_get_nothing(coop_admin, new_request, now):
    MatchmakingSubscription.objects.create(user=coop_admin, weekly_digest=False)
    assert coop_admin.pk not in digest.digest_user_ids()
    assert build([coop_admin], now) == 0


def test_people_who_stopped_every_email_get_nothing(coop_admin, new_request, now):
    AlertPreference.objects.create(user=coop_admin, unsubscribed_all_at=timezone.now())
    assert coop_admin.pk not in digest.digest_user_ids()
    assert build([coop_admin], now) == 0


def test_people_without_an_active_cooperative_get_nothing(
    signed_in_outsider, coop, new_request, now
):
    MembershipFactory(user=signed_in_outsider, cooperative=CooperativeFactory(is_active=False))
    assert signed_in_outsider.pk not in digest.digest_user_ids()
    assert build([signed_in_outsider], now) == 0


def test_one_click_unsubscribe_stops_the_digest(client, coop_admin, other_coop, new_request, now):
    build([coop_admin], now)
    email = Delivery.objects.get()
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = email.headers["List-Unsubscribe"].strip("<>")
    assert link in email.body_text
    path = urlparse(link).path
    assert client.get(path).status_code == 200  # GET shows, changes nothing
    assert coop_admin.pk in digest.digest_user_ids()
    assert client.post(path).status_code == 200
    assert not MatchmakingSubscription.objects.get(user=coop_admin).weekly_digest
    PartnershipRequestFactory(owner=other_coop, sought_sectors=[division("62")])
    assert build([coop_admin], now + datetime.timedelta(days=7)) == 0


def test_stop_all_link_is_in_the_email(coop_admin, new_request, now):
    build([coop_admin], now)
    assert "/unsubscribe/" in Delivery.objects.get().body_html
    assert Delivery.objects.get().body_text.count("/unsubscribe/") == 2


def test_chunk_queries_do_not_grow_with_people(coop, other_coop, now):
    def person():
        return MembershipFactory(cooperative=CooperativeFactory(main_sector=division("62"))).user

    PartnershipRequestFactory(owner=other_coop, sought_sectors=[division("62")])
    first = [person()]
    with CaptureQueriesContext(connection) as one:
        assert build(first, now) == 1
    many = [person() for _ in range(10)]
    with CaptureQueriesContext(connection) as ten:
        assert build(many, now) == 10
    assert len(ten) == len(one)


# --- The switch on /portal/alerts/ ----------------------------------------------------------


def test_alerts_page_shows_the_digest_switch(client, coop_admin):
    client.force_login(coop_admin)
    response = client.get(reverse("alerts:list"))
    assert b'data-testid="digest-on"' in response.content
    response = client.post(
        reverse("partnerships:digest-preference"), {"action": "off"}, follow=True
    )
    assert b'data-testid="digest-off"' in response.content
    assert coop_admin.pk not in digest.digest_user_ids()
    client.post(reverse("partnerships:digest-preference"), {"action": "on"})
    assert coop_admin.pk in digest.digest_user_ids()


def test_digest_switch_needs_sign_in_and_post(client, coop_admin):
    url = reverse("partnerships:digest-preference")
    assert client.post(url, {"action": "off"}).status_code == 302
    assert not MatchmakingSubscription.objects.exists()
    client.force_login(coop_admin)
    assert client.get(url).status_code == 405
