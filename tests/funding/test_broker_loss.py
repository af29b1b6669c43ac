"""Instant alerts survive a broker that loses its queued messages (in-process).

A Redis restart without persistence drops every queued task. Once a dispatch has been
processed, its fan-out lives in `AlertChunk` rows; the periodic sweep queues again the chunks
left pending, so every alert arrives, once. The same loss against a real Redis and worker is
in test_alerts_worker.py.
"""

import datetime
from collections import Counter

import pytest
import time_machine
from django.utils import timezone

from core.models import Delivery
from funding import alerts, services
from funding.alerts import audience, instant
from funding.models import AlertChunk, AlertDispatch, Call, SavedSearch
from funding.tasks import (
    build_digests_chunk,
    send_alert_chunk,
    send_digests,
    send_reminders,
    send_reminders_chunk,
    sweep_alert_dispatches,
)
from tests.core.factories import UserFactory
from tests.funding.factories import CallFactory, FollowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(audience, "CHUNK_SIZE", 2)


@pytest.fixture
def lossy_broker(monkeypatch):
    """Chunk tasks are "queued" and then lost, as if the broker restarted empty."""
    lost = []
    monkeypatch.setattr(
        send_alert_chunk, "apply_async", lambda args=None, **kwargs: lost.append(args)
    )
    return lost


@pytest.fixture
def people():
    users = [UserFactory(language="en") for _ in range(5)]
    for user in users:
        SavedSearch.objects.create(user=user, name="All", query="", frequency="instant")
    return users


def publish_new_call():
    call = CallFactory(publication_state=Call.PublicationState.DRAFT, title="Lost and found")
    services.calls_publish(calls=Call.objects.filter(pk=call.pk))
    return call


def received(mailoutbox):
    return Counter(message.to[0] for message in mailoutbox)


def test_alerts_whose_chunk_tasks_the_broker_lost_are_delivered_once_after_the_sweep(
    run_on_commit, mailoutbox, monkeypatch, small_chunks, lossy_broker, people
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        run_on_commit(publish_new_call)
    # The fan-out was queued (three chunks), then the broker lost it: nothing was written.
    assert len(lossy_broker) == 3
    assert AlertDispatch.objects.get().processed_at is not None
    assert AlertChunk.objects.filter(state=AlertChunk.State.PENDING).count() == 3
    assert mailoutbox == [] and not Delivery.objects.exists()

    monkeypatch.undo()  # the broker is back (and keeps what it is given)
    monkeypatch.setattr(audience, "CHUNK_SIZE", 2)
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        run_on_commit(sweep_alert_dispatches.delay)
    assert mailoutbox == []  # too early: the chunks may still be waiting in the queue
    with time_machine.travel(start + datetime.timedelta(seconds=70), tick=False):
        run_on_commit(sweep_alert_dispatches.delay)
    assert received(mailoutbox) == {user.email: 1 for user in people}
    assert not AlertChunk.objects.exclude(state=AlertChunk.State.DONE).exists()

    # Later sweeps, and a late duplicate of a lost message, send nothing more.
    with time_machine.travel(start + datetime.timedelta(hours=1), tick=False):
        run_on_commit(sweep_alert_dispatches.delay)
        for chunk in AlertChunk.objects.all():
            run_on_commit(send_alert_chunk.delay, chunk.pk)
    assert received(mailoutbox) == {user.email: 1 for user in people}
    assert Delivery.objects.filter(kind="call-alert").count() == len(people)


def test_only_the_lost_chunks_are_sent_again(run_on_commit, mailoutbox, small_chunks, people):
    start = timezone.now()
    delivered = []
    original = send_alert_chunk.apply_async

    def lose_the_second(args=None, **kwargs):
        delivered.append(args)
        if len(delivered) != 2:
            return original(args=args, **kwargs)
        return None

    with time_machine.travel(start, tick=False):
        send_alert_chunk.apply_async = lose_the_second
        try:
            run_on_commit(publish_new_call)
        finally:
            del send_alert_chunk.apply_async
    assert len(mailoutbox) == 3  # chunks 1 and 3 (2 + 1 people)
    assert AlertChunk.objects.filter(state=AlertChunk.State.PENDING).count() == 1

    with time_machine.travel(start + datetime.timedelta(minutes=2), tick=False):
        assert run_on_commit(alerts.alert_dispatches_sweep) == 1
    assert received(mailoutbox) == {user.email: 1 for user in people}


def test_a_chunk_waiting_in_a_long_queue_is_not_copied_every_minute(
    run_on_commit, small_chunks, lossy_broker, people
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        run_on_commit(publish_new_call)
    lossy_broker.clear()

    def sweep_at(minutes):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            alerts.alert_dispatches_sweep()
        queued = len(lossy_broker)
        lossy_broker.clear()
        return queued

    # Re-queued after 1 minute, then after 2 more, then 4 more: not at every sweep.
    sweeps = [sweep_at(minutes) for minutes in (1.5, 2.5, 3.5, 4.0, 5.5, 8.0, 10.0)]
    assert sweeps == [3, 0, 0, 3, 0, 0, 3]


def test_a_chunk_that_keeps_killing_its_worker_is_given_up(
    run_on_commit, mailoutbox, small_chunks, lossy_broker, people
):
    run_on_commit(publish_new_call)
    chunk = AlertChunk.objects.order_by("pk").first()
    AlertChunk.objects.filter(pk=chunk.pk).update(attempts=alerts.MAX_DISPATCH_ATTEMPTS)
    assert alerts.alert_chunk_send(chunk_id=chunk.pk) == 0
    chunk.refresh_from_db()
    assert chunk.state == AlertChunk.State.FAILED
    assert mailoutbox == []


def test_a_dispatch_processed_by_two_workers_at_once_writes_its_chunks_once(
    run_on_commit, mailoutbox, small_chunks, monkeypatch, people
):
    call = CallFactory(publication_state=Call.PublicationState.DRAFT)
    services.calls_publish(calls=Call.objects.filter(pk=call.pk))  # not run: no on-commit
    dispatch = AlertDispatch.objects.get()
    matching = instant.instant_recipients

    def while_matching_another_worker_finishes(call, **kwargs):
        found = matching(call, **kwargs)
        monkeypatch.setattr(instant, "instant_recipients", matching)
        run_on_commit(alerts.alert_dispatch_process, dispatch_id=dispatch.pk)
        return found

    monkeypatch.setattr(instant, "instant_recipients", while_matching_another_worker_finishes)
    # The first worker's claim succeeded; the second claims again (a redelivery) and
    # finishes first: the first then writes no second set of chunks.
    run_on_commit(alerts.alert_dispatch_process, dispatch_id=dispatch.pk)
    assert AlertChunk.objects.count() == 3
    assert received(mailoutbox) == {user.email: 1 for user in people}


# --- Digests and reminders: the scheduled re-runs fill in what a lost chunk left out ----------

ROME = datetime.timezone(datetime.timedelta(hours=1))


@pytest.fixture
def lossy_chunks(monkeypatch):
    """Switch: while `lost` is on, digest and reminder chunk tasks vanish in the broker."""
    state = {"lost": True, "count": 0}
    for task in (build_digests_chunk, send_reminders_chunk):
        original = task.apply_async

        def maybe_lose(args=None, original=original, **kwargs):
            state["count"] += 1
            return None if state["lost"] else original(args=args, **kwargs)

        monkeypatch.setattr(task, "apply_async", maybe_lose)
    return state


def test_a_daily_digest_lost_at_seven_arrives_with_the_eight_o_clock_run_once(
    run_on_commit, mailoutbox, lossy_chunks, people
):
    SavedSearch.objects.update(frequency="daily")
    seven = datetime.datetime(2026, 11, 30, 7, 0, tzinfo=ROME)
    with time_machine.travel(seven - datetime.timedelta(hours=2), tick=False):
        CallFactory(title="Overnight call")
    with time_machine.travel(seven, tick=False):
        run_on_commit(send_digests.delay, "daily")
    assert lossy_chunks["count"] == 1 and mailoutbox == []

    lossy_chunks["lost"] = False
    for hour in (8, 9):
        with time_machine.travel(seven.replace(hour=hour), tick=False):
            run_on_commit(send_digests.delay, "daily")
    assert received(mailoutbox) == {user.email: 1 for user in people}
    assert "Overnight call" in mailoutbox[0].body
    assert lossy_chunks["count"] == 2  # the 9 o'clock run found nobody left to queue


def test_a_deadline_reminder_lost_at_eight_arrives_with_the_nine_o_clock_run_once(
    run_on_commit, mailoutbox, lossy_chunks
):
    eight = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=ROME)
    with time_machine.travel(eight, tick=False):
        follow = FollowFactory(call=CallFactory(deadlines=[eight + datetime.timedelta(days=3)]))
        run_on_commit(send_reminders.delay)
    assert lossy_chunks["count"] == 1 and mailoutbox == []
    lossy_chunks["lost"] = False
    for hour in (9, 10):
        with time_machine.travel(eight.replace(hour=hour), tick=False):
            run_on_commit(send_reminders.delay)
    assert received(mailoutbox) == {follow.user.email: 1}


def test_digests_and_reminders_are_re_run_through_the_morning(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["funding-daily-digest"]["schedule"].hour == set(range(7, 12))
    assert schedule["funding-weekly-digest"]["schedule"].hour == set(range(7, 12))
    assert schedule["funding-deadline-reminders"]["schedule"].hour == set(range(8, 13))
    assert schedule["funding-sweep-alert-dispatches"]["schedule"] <= 60
