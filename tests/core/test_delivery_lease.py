"""The sender's claim is a short lease renewed per message: a crash delays mail about a minute,
a slow sender keeps its rows, and a sender that lost its lease does not send.
"""

import datetime
from collections import Counter

import pytest
import time_machine
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from core import mail, sending
from core.models import Delivery
from core.tasks import send_queued_deliveries, sweep_deliveries
from tests.core.test_delivery import email_templates, notice  # noqa: F401

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """What SIGKILL looks like from inside: nothing after it runs (not an Exception)."""


def enqueue(count):
    mail.delivery_enqueue(
        [notice(key=f"notice:{n}", to=f"p{n}@coop.example") for n in range(count)]
    )


def received(mailoutbox):
    return Counter(message.to[0] for message in mailoutbox)


def test_a_killed_sender_strands_one_small_batch_for_about_a_minute(
    email_templates,  # noqa: F811
    mailoutbox,
    monkeypatch,
):
    enqueue(30)
    original = EmailMultiAlternatives.send
    calls = []

    def killed_on_the_fourth(self, *args, **kwargs):
        calls.append(self.to[0])
        if len(calls) == 4:
            raise Killed  # the worker dies while talking to the SMTP server
        return original(self, *args, **kwargs)

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        monkeypatch.setattr(EmailMultiAlternatives, "send", killed_on_the_fourth)
        with pytest.raises(Killed):
            send_queued_deliveries()
        monkeypatch.undo()
    # Only the rest of one small batch is stranded; the other rows are free for any sender.
    stranded = Delivery.objects.filter(state=Delivery.State.SENDING).count()
    assert stranded == sending.BATCH_SIZE - 3 <= 10
    assert Delivery.objects.filter(state=Delivery.State.QUEUED).count() == 30 - sending.BATCH_SIZE

    with time_machine.travel(start + datetime.timedelta(seconds=50), tick=False):
        assert sending.delivery_sweep() == (0, 0)  # the lease still holds
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        sweep_deliveries()  # what beat runs every 15 s: gives the rows back, then sends
    assert not Delivery.objects.exclude(state=Delivery.State.SENT).exists()
    assert received(mailoutbox) == {f"p{n}@coop.example": 1 for n in range(30)}


def test_a_slow_sender_keeps_its_lease_and_nothing_is_sent_twice(
    email_templates,  # noqa: F811
    mailoutbox,
    monkeypatch,
):
    """Each message takes 40 s and the sweep runs during every one: 25 messages take far
    longer than one lease, yet no row is taken back (each send renews the lease)."""
    enqueue(25)
    original = EmailMultiAlternatives.send
    with time_machine.travel(timezone.now(), tick=False) as traveller:

        def slow(self, *args, **kwargs):
            traveller.shift(datetime.timedelta(seconds=40))
            assert sending.delivery_sweep() == (0, 0)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(EmailMultiAlternatives, "send", slow)
        send_queued_deliveries()
    assert received(mailoutbox) == {f"p{n}@coop.example": 1 for n in range(25)}


def test_a_sender_whose_lease_was_taken_back_does_not_send(
    email_templates,  # noqa: F811
    mailoutbox,
):
    enqueue(2)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        stalled = sending.delivery_claim_batch()
    with time_machine.travel(start + sending.LEASE + datetime.timedelta(seconds=1), tick=False):
        assert sending.delivery_sweep() == (2, 0)
        taken_over = sending.delivery_claim_batch()  # another sender
        # The stalled sender wakes up: its rows are no longer its own.
        assert [sending.delivery_send(row) for row in stalled] == [None, None]
        assert mailoutbox == []
        assert [sending.delivery_send(row) for row in taken_over] == [Delivery.State.SENT] * 2
    assert received(mailoutbox) == {"p0@coop.example": 1, "p1@coop.example": 1}


def test_the_remaining_window_a_kill_between_the_servers_answer_and_the_update(
    email_templates,  # noqa: F811
    mailoutbox,
    monkeypatch,
):
    """At-least-once: the one message whose "250" the killed sender read but could not record
    is sent again by the next sender. This is the window the README states."""
    enqueue(3)
    original = EmailMultiAlternatives.send

    def accepted_then_killed(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if self.to == ["p1@coop.example"]:
            raise Killed

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        monkeypatch.setattr(EmailMultiAlternatives, "send", accepted_then_killed)
        with pytest.raises(Killed):
            send_queued_deliveries()
        monkeypatch.undo()
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        sweep_deliveries()
    assert received(mailoutbox) == {
        "p0@coop.example": 1,
        "p1@coop.example": 2,
        "p2@coop.example": 1,
    }


def test_the_sweep_runs_often_enough_for_a_minute_of_delay(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["sweep-email-deliveries"]["schedule"]
    assert datetime.timedelta(seconds=60) >= sending.LEASE
    assert schedule <= 20
