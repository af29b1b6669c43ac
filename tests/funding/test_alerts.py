"""Call alerts: saved searches on /portal/alerts/, instant alerts, digests, reminders."""

import datetime
from urllib.parse import urlencode

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.models import Delivery
from funding import alerts, services
from funding.alerts import audience, criteria
from funding.models import (
    AlertChunk,
    AlertDispatch,
    AlertFrequency,
    Call,
    CooperativeAlert,
    DigestRun,
    SavedSearch,
)
from funding.tasks import send_digests, send_reminders, sweep_alert_dispatches
from tests.core.factories import UserFactory
from tests.funding.factories import CallFactory, FollowFactory, ThemeFactory
from tests.members.factories import CooperativeFactory, MembershipFactory, division

pytestmark = pytest.mark.django_db

ROME = datetime.timezone(datetime.timedelta(hours=1))


@pytest.fixture
def food():
    return ThemeFactory(slug="food-test", name_en="Food", name_it="Cibo")


@pytest.fixture
def energy():
    return ThemeFactory(slug="energy-test", name_en="Energy", name_it="Energia")


def search(user, frequency="instant", name="Food calls", **params):
    return SavedSearch.objects.create(
        user=user, name=name, frequency=frequency, query=urlencode(params, doseq=True)
    )


def draft(**kwargs):
    return CallFactory(publication_state=Call.PublicationState.DRAFT, **kwargs)


def publish(call):
    return services.calls_publish(calls=Call.objects.filter(pk=call.pk))


# --- Saved searches on the catalogue and /portal/alerts/ --------------------------------------


def test_catalogue_offers_save_as_alert_only_to_signed_in_people(client, signed_in_outsider):
    assert b"save-alert-form" not in client.get("/calls/").content
    client.force_login(signed_in_outsider)
    page = client.get("/calls/?q=food&page=2").content.decode()
    assert 'id="save-alert-form"' in page
    assert 'name="query" value="q=food"' in page


def test_saving_from_the_catalogue_stores_the_normalized_filters(client, signed_in_outsider, food):
    client.force_login(signed_in_outsider)
    response = client.post(
        reverse("alerts:create"),
        {
            "name": "Food",
            "frequency": "daily",
            "query": f"theme={food.slug}&page=3&sort=newest&q=&status=open&level=eu&level=national",
        },
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get(user=signed_in_outsider)
    assert saved.frequency == "daily"
    assert saved.query == f"level=eu&level=national&status=open&theme={food.slug}"


def test_saving_without_a_name_shows_the_form_again(client, signed_in_outsider):
    client.force_login(signed_in_outsider)
    response = client.post(reverse("alerts:create"), {"name": "", "frequency": "daily"})
    assert response.status_code == 400
    assert not SavedSearch.objects.exists()


def test_alert_list_shows_each_search_with_its_open_matches_today(
    client, signed_in_outsider, food, django_assert_max_num_queries
):
    CallFactory(themes=[food])
    CallFactory(themes=[food])
    CallFactory(themes=[food], deadlines=[timezone.now() - datetime.timedelta(days=1)])  # closed
    CallFactory()
    search(signed_in_outsider, name="Food", theme=food.slug)
    search(signed_in_outsider, name="Everything")
    search(signed_in_outsider, name="Broken", theme="no-such-theme")
    client.force_login(signed_in_outsider)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("alerts:list"))
    rows = {row.name: row for row in response.context["searches"]}
    assert rows["Food"].open_count == 2
    assert rows["Everything"].open_count == 3
    assert rows["Broken"].is_broken
    assert b'data-testid="broken"' in response.content


def test_alert_list_needs_sign_in(client):
    response = client.get(reverse("alerts:list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_edit_pause_resume_and_delete(client, signed_in_outsider):
    saved = search(signed_in_outsider)
    client.force_login(signed_in_outsider)
    client.post(
        reverse("alerts:edit", args=[saved.pk]),
        {"name": "Renamed", "frequency": "weekly", "is_active": "on"},
    )
    saved.refresh_from_db()
    assert (saved.name, saved.frequency, saved.is_active) == ("Renamed", "weekly", True)
    client.post(reverse("alerts:toggle", args=[saved.pk]))
    saved.refresh_from_db()
    assert not saved.is_active
    client.post(reverse("alerts:toggle", args=[saved.pk]))
    saved.refresh_from_db()
    assert saved.is_active
    client.post(reverse("alerts:delete", args=[saved.pk]))
    assert not SavedSearch.objects.exists()


@pytest.mark.parametrize(
    ("name", "method"),
    [("edit", "get"), ("edit", "post"), ("toggle", "post"), ("delete", "post")],
)
def test_another_persons_search_is_404(client, signed_in_outsider, name, method):
    theirs = search(UserFactory())
    client.force_login(signed_in_outsider)
    response = getattr(client, method)(reverse(f"alerts:{name}", args=[theirs.pk]), {"name": "x"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Food calls" and theirs.is_active


def test_a_member_switches_on_the_cooperative_alert_but_not_for_another_cooperative(
    client, signed_in_outsider
):
    mine = MembershipFactory(user=signed_in_outsider).cooperative
    other = CooperativeFactory()
    client.force_login(signed_in_outsider)
    assert b'data-testid="cooperative-alert"' in client.get(reverse("alerts:list")).content
    prefix = f"coop-{mine.pk}"
    client.post(
        reverse("alerts:cooperative", args=[mine.pk]),
        {f"{prefix}-frequency": "instant", f"{prefix}-is_active": "on"},
    )
    alert = CooperativeAlert.objects.get(user=signed_in_outsider)
    assert (alert.cooperative, alert.frequency, alert.is_active) == (mine, "instant", True)
    response = client.post(
        reverse("alerts:cooperative", args=[other.pk]),
        {f"coop-{other.pk}-frequency": "instant", f"coop-{other.pk}-is_active": "on"},
    )
    assert response.status_code == 404


# --- Instant alerts ---------------------------------------------------------------------------


def test_publishing_sends_one_email_per_person_even_with_several_matching_searches(
    run_on_commit, mailoutbox, food
):
    anna, bruno, carla = UserFactory(), UserFactory(), UserFactory()
    search(anna, name="Food", theme=food.slug)
    search(anna, name="Everything")
    search(bruno, name="Food too", theme=food.slug)
    search(carla, name="Food digest", frequency="weekly", theme=food.slug)  # not instant
    search(UserFactory(), name="Other", q="no-such-word-anywhere")
    call = draft(themes=[food], title="Short food supply chains")

    assert run_on_commit(publish, call) == 1

    assert sorted(message.to[0] for message in mailoutbox) == sorted([anna.email, bruno.email])
    to_anna = next(message for message in mailoutbox if message.to == [anna.email])
    assert "Short food supply chains" in to_anna.subject
    assert "Food" in to_anna.body and "Everything" in to_anna.body
    assert f"http://127.0.0.1:8000/calls/{call.slug}/" in to_anna.body
    assert AlertDispatch.objects.get(call=call).processed_at is not None


def test_publishing_again_or_rerunning_the_dispatch_sends_nothing_twice(
    run_on_commit, mailoutbox, food
):
    search(UserFactory(), theme=food.slug)
    call = draft(themes=[food])
    run_on_commit(publish, call)
    assert len(mailoutbox) == 1
    run_on_commit(publish, call)  # already published: no change
    dispatch = AlertDispatch.objects.get(call=call)
    AlertDispatch.objects.filter(pk=dispatch.pk).update(processed_at=None)  # a redelivery
    run_on_commit(alerts.alert_dispatch_process, dispatch_id=dispatch.pk)
    Call.objects.filter(pk=call.pk).update(publication_state=Call.PublicationState.DRAFT)
    run_on_commit(publish, call)  # republished: the outbox row exists already
    assert len(mailoutbox) == 1
    assert Delivery.objects.filter(kind="call-alert").count() == 1


def test_paused_searches_and_people_who_stopped_everything_get_nothing(run_on_commit, mailoutbox):
    paused = search(UserFactory())
    paused.is_active = False
    paused.save()
    stopped = UserFactory()
    search(stopped)
    alerts.alerts_stop_all(user_id=stopped.pk)
    run_on_commit(publish, draft())
    assert mailoutbox == []


def test_the_cooperative_alert_uses_the_dashboard_match(run_on_commit, mailoutbox, food):
    member = MembershipFactory().user
    cooperative = member.memberships.get().cooperative
    cooperative.themes.set([food])
    CooperativeAlert.objects.create(user=member, cooperative=cooperative, frequency="instant")
    run_on_commit(publish, draft(themes=[food], title="For the cooperative"))
    run_on_commit(publish, draft(title="Unrelated"))
    assert [message.subject for message in mailoutbox] == ["Nuovo bando: For the cooperative"]


def test_admin_save_that_publishes_a_call_sends_the_instant_alerts(
    staff_client, run_on_commit, mailoutbox, food
):
    search(UserFactory(), theme=food.slug)
    call = draft(themes=[food])
    change_url = reverse("admin:funding_call_change", args=[call.pk])
    form = staff_client.get(change_url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(
        {
            "programme": call.programme_id,
            "themes": [food.pk],
            "publication_state": "published",
            "opens_at_0": "",
            "opens_at_1": "",
            "deadlines-TOTAL_FORMS": "0",
            "deadlines-INITIAL_FORMS": "0",
        }
    )
    data.pop("eligible_countries", None)
    response = run_on_commit(staff_client.post, change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert len(mailoutbox) == 1
    # A later edit of the published call sends nothing more.
    run_on_commit(staff_client.post, change_url, {**data, "title": "Edited"})
    assert len(mailoutbox) == 1


def test_a_lost_dispatch_task_is_found_by_the_sweep(run_on_commit, mailoutbox, food):
    search(UserFactory(), theme=food.slug)
    call = draft(themes=[food])
    publish(call)  # on-commit callbacks not run: the task was never queued
    assert mailoutbox == []
    AlertDispatch.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    run_on_commit(sweep_alert_dispatches.delay)
    assert len(mailoutbox) == 1


def test_a_dispatch_that_keeps_killing_workers_is_given_up(food):
    call = draft(themes=[food])
    publish(call)
    dispatch = AlertDispatch.objects.get()
    AlertDispatch.objects.update(attempts=alerts.MAX_DISPATCH_ATTEMPTS)
    assert alerts.alert_dispatch_process(dispatch_id=dispatch.pk) == 0
    dispatch.refresh_from_db()
    assert dispatch.failed_at is not None and dispatch.last_error


def test_fan_out_is_split_in_bounded_chunks(food):
    users = [UserFactory() for _ in range(5)]
    for user in users:
        search(user, theme=food.slug)
    call = draft(themes=[food])
    publish(call)
    old = audience.CHUNK_SIZE
    audience.CHUNK_SIZE = 2
    try:
        count = alerts.alert_dispatch_process(dispatch_id=AlertDispatch.objects.get().pk)
    finally:
        audience.CHUNK_SIZE = old
    assert count == 5
    chunks = AlertChunk.objects.order_by("pk")
    assert [len(chunk.entries) for chunk in chunks] == [2, 2, 1]


# --- Language and headers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "subject", "greeting"),
    [("it", "Nuovo bando: Bando X", "Buongiorno"), ("en", "New call: Bando X", "Hello")],
)
def test_alert_is_in_the_recipients_language_with_one_click_headers(
    run_on_commit, mailoutbox, language, subject, greeting
):
    user = UserFactory(language=language, full_name="Anna Rossi")
    saved = search(user)
    run_on_commit(publish, draft(title="Bando X"))
    message = mailoutbox[0]
    assert message.subject == subject
    assert message.body.startswith(f"{greeting} Anna")
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http://127.0.0.1:8000/unsubscribe/") and header.endswith("/>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token_url = header[1:-1]
    assert token_url in message.body and token_url in message.alternatives[0][0]
    assert saved.name in message.body


# --- Digests ----------------------------------------------------------------------------------


def published_at(call, when):
    Call.objects.filter(pk=call.pk).update(published_at=when)


def test_daily_digest_combines_searches_each_call_once_and_only_new_calls(
    run_on_commit, mailoutbox, food, energy
):
    user = UserFactory(language="en")
    search(user, frequency="daily", name="Food", theme=food.slug)
    search(user, frequency="daily", name="Energy", theme=energy.slug)
    search(user, frequency="weekly", name="Weekly one")
    with time_machine.travel(datetime.datetime(2026, 11, 30, 7, 0, tzinfo=ROME), tick=False):
        now = timezone.now()
        both = CallFactory(themes=[food, energy], title="Food and energy")
        only_food = CallFactory(themes=[food], title="Only food")
        CallFactory(title="Matches nothing daily")
        old = CallFactory(themes=[food], title="Old food call")
        published_at(old, now - datetime.timedelta(days=3))
        run_on_commit(send_digests.delay, "daily")
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert mailoutbox[0].subject == "Your daily alert: 2 new calls"
    assert body.count("Food and energy") == 1 and "Only food" in body
    assert "Old food call" not in body and "Matches nothing" not in body
    assert "Food, Energy" in body or "Energy, Food" in body
    assert Delivery.objects.get().key == f"digest:daily:user-{user.pk}:2026-11-30"
    assert {both.pk, only_food.pk}

    # The next day: only calls published since, and none when nothing is new.
    with time_machine.travel(datetime.datetime(2026, 12, 1, 7, 0, tzinfo=ROME), tick=False):
        run_on_commit(send_digests.delay, "daily")
        assert len(mailoutbox) == 1
        assert DigestRun.objects.get(period_key="2026-12-01").call_count == 0
    with time_machine.travel(datetime.datetime(2026, 12, 2, 7, 0, tzinfo=ROME), tick=False):
        CallFactory(themes=[food], title="Newer food call")
        run_on_commit(send_digests.delay, "daily")
        run_on_commit(send_digests.delay, "daily")  # a second beat tick
    assert len(mailoutbox) == 2
    assert "Newer food call" in mailoutbox[1].body
    assert "Only food" not in mailoutbox[1].body


def test_a_long_digest_lists_the_newest_calls_and_counts_the_rest(run_on_commit, mailoutbox, food):
    user = UserFactory(language="en")
    search(user, frequency="daily", name="Food", theme=food.slug)
    shown = alerts.DIGEST_CALLS_SHOWN
    with time_machine.travel(datetime.datetime(2026, 11, 30, 7, 0, tzinfo=ROME), tick=False):
        now = timezone.now()
        calls = CallFactory.create_batch(shown + 3, themes=[food])
        for age, call in enumerate(calls):  # calls[0] is the newest
            published_at(call, now - datetime.timedelta(minutes=age + 1))
        run_on_commit(send_digests.delay, "daily")
    [message] = mailoutbox
    html = message.alternatives[0][0]
    assert message.subject == f"Your daily alert: {shown + 3} new calls"
    for call in calls[:shown]:
        assert call.get_absolute_url() in message.body and call.get_absolute_url() in html
    for call in calls[shown:]:
        assert call.get_absolute_url() not in message.body
        assert call.get_absolute_url() not in html
    assert "And 3 more new calls match your alerts." in message.body
    assert "And 3 more new calls match your alerts." in html
    assert f"See the results of each alert on the portal: {settings.SITE_URL}/portal/alerts/" in (
        message.body
    )
    assert DigestRun.objects.get(user=user).call_count == shown + 3


def test_a_call_edited_during_a_digest_run_shows_its_new_text_in_later_chunks(food):
    # The chunks of a run share each call's rendered block; an edit between chunks shows.
    first, second = UserFactory(language="en"), UserFactory(language="en")
    for user in (first, second):
        search(user, frequency="daily", name="Food", theme=food.slug)
    call = CallFactory(themes=[food], title="Old title")
    at = timezone.now()
    matches = alerts.digest_matches("daily", at=at)
    alerts.digests_build(frequency="daily", user_ids=[first.pk], at=at, matches=matches)
    Call.objects.filter(pk=call.pk).update(title_en="New title")
    alerts.digests_build(frequency="daily", user_ids=[second.pk], at=at, matches=matches)
    assert "Old title" in Delivery.objects.get(recipient=first).body_text
    second_email = Delivery.objects.get(recipient=second)
    assert "New title" in second_email.body_text and "New title" in second_email.body_html
    assert "Old title" not in second_email.body_text + second_email.body_html


def test_weekly_digest_is_separate_from_daily_and_keyed_by_iso_week(
    run_on_commit, mailoutbox, food
):
    user = UserFactory()
    search(user, frequency="weekly", name="Weekly food", theme=food.slug)
    search(UserFactory(), frequency="daily", name="Daily food", theme=food.slug)
    with time_machine.travel(datetime.datetime(2026, 11, 30, 7, 0, tzinfo=ROME), tick=False):
        CallFactory(themes=[food])
        run_on_commit(send_digests.delay, "weekly")
        run_on_commit(send_digests.delay, "weekly")
    assert [message.to for message in mailoutbox] == [[user.email]]
    assert Delivery.objects.get().key == f"digest:weekly:user-{user.pk}:2026-W49"
    assert "settimanale" in mailoutbox[0].subject


def test_no_digest_when_nothing_is_new(run_on_commit, mailoutbox, food):
    search(UserFactory(), frequency="daily", theme=food.slug)
    CallFactory()  # does not match
    run_on_commit(send_digests.delay, "daily")
    assert mailoutbox == []
    assert DigestRun.objects.count() == 1


def test_digest_run_matches_each_distinct_query_once_for_all_chunks(
    run_on_commit, mailoutbox, food, monkeypatch
):
    people = [UserFactory() for _ in range(5)]
    for person in people:
        search(person, frequency="weekly", theme=food.slug)
    CallFactory(themes=[food], title="Food for five")
    matched = []
    original = criteria.match_queries

    def counting(queries, calls, **kwargs):
        matched.append(list(queries))
        return original(queries, calls, **kwargs)

    monkeypatch.setattr(criteria, "match_queries", counting)
    monkeypatch.setattr(audience, "CHUNK_SIZE", 2)  # three chunks
    run_on_commit(send_digests.delay, "weekly")
    assert len(mailoutbox) == 5
    assert matched == [[f"theme={food.slug}"]]  # once for the run, not once per chunk


def test_digest_chunk_matches_a_search_saved_after_the_run_began(mailoutbox, food):
    person = UserFactory()
    search(person, frequency="weekly", name="Saved late", theme=food.slug)
    call = CallFactory(themes=[food], title="Food, saved late")
    written = alerts.digests_build(
        frequency="weekly", user_ids=[person.pk], at=timezone.now(), matches={}
    )
    assert written == 1
    assert Delivery.objects.filter(key__startswith="digest:weekly").count() == 1
    assert call.pk in alerts.digest_matches("weekly", at=timezone.now())[f"theme={food.slug}"]


def test_cooperative_alert_digest(run_on_commit, mailoutbox, food):
    member = MembershipFactory().user
    cooperative = member.memberships.get().cooperative
    cooperative.themes.set([food])
    CooperativeAlert.objects.create(user=member, cooperative=cooperative, frequency="weekly")
    CallFactory(themes=[food], title="Food for coops")
    run_on_commit(send_digests.delay, "weekly")
    assert len(mailoutbox) == 1 and "Food for coops" in mailoutbox[0].body
    assert str(cooperative) in mailoutbox[0].body


# --- Deadline reminders -----------------------------------------------------------------------


def test_reminders_at_14_and_3_days_each_sent_once(run_on_commit, mailoutbox):
    due = datetime.datetime(2026, 12, 31, 17, 0, tzinfo=ROME)
    follow = FollowFactory(call=CallFactory(deadlines=[due]), user=UserFactory(language="en"))
    sent_on = {}
    start = datetime.date(2026, 12, 10)
    for offset in range(0, 22):
        day = start + datetime.timedelta(days=offset)
        moment = datetime.datetime.combine(day, datetime.time(8, 0), tzinfo=ROME)
        with time_machine.travel(moment, tick=False):
            before = len(mailoutbox)
            run_on_commit(send_reminders.delay)
            run_on_commit(send_reminders.delay)  # a second tick sends nothing more
            if len(mailoutbox) > before:
                sent_on[day] = [message.subject for message in mailoutbox[before:]]
    assert sent_on == {
        datetime.date(2026, 12, 17): [f"14 days to the deadline: {follow.call.title}"],
        datetime.date(2026, 12, 28): [f"3 days to the deadline: {follow.call.title}"],
    }
    deadline = follow.call.deadlines.get()
    assert set(Delivery.objects.values_list("key", flat=True)) == {
        f"reminder:user-{follow.user_id}:deadline-{deadline.pk}:14d",
        f"reminder:user-{follow.user_id}:deadline-{deadline.pk}:3d",
    }


def test_reminder_offsets_come_from_settings(settings):
    settings.FUNDING_REMINDER_OFFSETS_DAYS = [7]
    assert alerts.reminder_offset_for(7) == 7
    assert alerts.reminder_offset_for(8) is None


def test_no_reminders_after_stopping_them(run_on_commit, mailoutbox):
    follow = FollowFactory(call=CallFactory(deadlines=[timezone.now() + datetime.timedelta(2)]))
    alerts.reminders_set(user_id=follow.user_id, enabled=False)
    run_on_commit(send_reminders.delay)
    assert mailoutbox == []


# --- Staff command ----------------------------------------------------------------------------


def test_send_alerts_now_for_one_person(run_on_commit, mailoutbox, food, capsys):
    user = UserFactory()
    search(user, frequency="instant", theme=food.slug)
    search(user, frequency="weekly", theme=food.slug, status="open")  # one row per query
    call = CallFactory(themes=[food])
    run_on_commit(call_command, "send_alerts_now", user=user.email, kind="instant", call=call.slug)
    run_on_commit(call_command, "send_alerts_now", user=user.email, kind="instant", call=call.slug)
    run_on_commit(call_command, "send_alerts_now", user=user.email, kind="weekly")
    FollowFactory(user=user, call=CallFactory(deadlines=[timezone.now() + datetime.timedelta(3)]))
    run_on_commit(call_command, "send_alerts_now", user=user.email, kind="reminders")
    assert [message.extra_headers and message.to for message in mailoutbox] == [[user.email]] * 3
    assert "already sent" in capsys.readouterr().out


def test_matching_is_batched_by_distinct_query(food, django_assert_max_num_queries):
    call = CallFactory(themes=[food])
    queries = [urlencode({"theme": food.slug})] * 300 + [
        urlencode({"level": "eu"}),
        urlencode({"q": "nothing-like-this"}),
    ]
    with django_assert_max_num_queries(4):
        found = alerts.match_queries(queries, Call.objects.filter(pk=call.pk))
    assert found[urlencode({"theme": food.slug})] == {call.pk}
    assert found[urlencode({"q": "nothing-like-this"})] == set()


def test_normalize_query_drops_page_sort_empty_and_unknown_params():
    from django.http import QueryDict

    assert alerts.normalize_query(QueryDict("sort=newest&page=2&q=&x=1&status=open&q=bio")) == (
        "q=bio&status=open"
    )
    assert AlertFrequency.INSTANT == "instant"
    assert division()  # the NACE vocabulary is loaded
