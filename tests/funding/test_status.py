"""A call's status at the exact boundary instants, across daylight-saving changes.

Opening 2026-10-25 00:00 Brussels is still summer time (CEST, UTC+2): the clocks go back at
03:00 that night. The deadline 2027-03-28 17:00 Brussels is already summer time again (the
clocks went forward at 02:00 that morning), so it is 15:00 UTC, not 16:00.
"""

import datetime

import pytest
import time_machine
from django.utils import translation

from funding.models import Call
from tests.funding.factories import CallFactory, brussels

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
OPENING = brussels(2026, 10, 25, 0, 0)
DEADLINE = brussels(2027, 3, 28, 17, 0)
MICROSECOND = datetime.timedelta(microseconds=1)


@pytest.fixture
def dst_call():
    return CallFactory(opens_at=OPENING, deadlines=[DEADLINE], slug="dst-call")


def test_the_boundaries_are_the_expected_utc_instants():
    assert datetime.datetime(2026, 10, 24, 22, 0, tzinfo=UTC) == OPENING
    assert datetime.datetime(2027, 3, 28, 15, 0, tzinfo=UTC) == DEADLINE


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (OPENING - MICROSECOND, Call.Status.FORTHCOMING),
        (OPENING, Call.Status.OPEN),
        (OPENING + MICROSECOND, Call.Status.OPEN),
        (DEADLINE - MICROSECOND, Call.Status.OPEN),
        (DEADLINE, Call.Status.OPEN),
        (DEADLINE + MICROSECOND, Call.Status.CLOSED),
    ],
)
def test_status_at_the_boundaries_in_sql_and_in_python(dst_call, at, expected):
    annotated = Call.objects.with_status(at).get(pk=dst_call.pk)
    assert annotated.status == expected
    assert dst_call.status_at(at) == expected
    by_queryset = {
        Call.Status.FORTHCOMING: Call.objects.forthcoming(at),
        Call.Status.OPEN: Call.objects.open(at),
        Call.Status.CLOSED: Call.objects.closed(at),
    }
    for status, calls in by_queryset.items():
        assert calls.filter(pk=dst_call.pk).exists() == (status == expected), status


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (DEADLINE - MICROSECOND, "open"),
        (DEADLINE, "open"),
        (DEADLINE + MICROSECOND, "closed"),
        (OPENING - MICROSECOND, "forthcoming"),
    ],
)
def test_catalogue_status_filter_uses_the_moment_of_the_request(client, dst_call, at, expected):
    with time_machine.travel(at, tick=False):
        response = client.get("/calls/", {"status": expected})
    assert [call.slug for call in response.context["calls"]] == ["dst-call"]


def test_next_deadline_is_the_first_one_not_yet_passed():
    first, second = brussels(2027, 3, 28, 17), brussels(2027, 9, 16, 17)
    call = CallFactory(opens_at=OPENING, deadlines=[first, second])
    assert Call.objects.with_status(first).get().next_deadline == first
    assert Call.objects.with_status(first + MICROSECOND).get().next_deadline == second
    assert call.next_deadline_object(first + MICROSECOND).due_at == second
    # A two-stage call stays open until its last deadline.
    assert Call.objects.with_status(first + MICROSECOND).get().status == Call.Status.OPEN
    assert Call.objects.with_status(second + MICROSECOND).get().status == Call.Status.CLOSED


def test_a_call_without_deadline_is_continuously_open():
    call = CallFactory(deadlines=[])
    assert Call.objects.open().filter(pk=call.pk).exists()
    assert call.status_at() == Call.Status.OPEN


@translation.override("en")
def test_deadline_is_shown_in_its_own_zone_with_the_zone_name(dst_call):
    deadline = dst_call.deadlines.get()
    with time_machine.travel(DEADLINE - datetime.timedelta(days=12), tick=False):
        assert deadline.display == "28 Mar 2027, 17:00 CEST (Brussels time)"
        assert deadline.time_left() == "12 days left"
    with time_machine.travel(brussels(2027, 3, 28, 9), tick=False):
        assert deadline.time_left() == "closes today"
    with time_machine.travel(DEADLINE + MICROSECOND, tick=False):
        assert deadline.time_left() == "closed"


@translation.override("en")
def test_winter_deadline_is_shown_in_cet():
    call = CallFactory(deadlines=[brussels(2027, 1, 20, 17)])
    assert call.deadlines.get().display == "20 Jan 2027, 17:00 CET (Brussels time)"


@translation.override("it")
def test_deadline_and_time_left_in_italian(dst_call):
    deadline = dst_call.deadlines.get()
    with time_machine.travel(DEADLINE - datetime.timedelta(days=12), tick=False):
        assert deadline.display == "28 Mar 2027, 17:00 CEST (ora di Bruxelles)"
        assert deadline.time_left() == "mancano 12 giorni"
