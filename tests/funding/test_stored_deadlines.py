"""A call's stored deadline columns follow every path that writes deadlines, and the roll."""

import datetime
import io

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding import services, tasks
from funding.models import Call, Deadline
from funding.resources import CallResource
from tests.funding.factories import CallFactory, ProgrammeFactory, brussels
from tests.funding.test_admin import GOOD_ROW, dataset, vocabulary  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

NOW = brussels(2027, 1, 15, 12)
FIRST, SECOND = brussels(2027, 3, 1), brussels(2027, 6, 1)
PAST = brussels(2026, 12, 1)
MICROSECOND = datetime.timedelta(microseconds=1)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def stored(call):
    call.refresh_from_db()
    return call.previous_deadline_at, call.next_deadline_at, call.last_deadline_at


def recomputed(call):
    """What the columns should hold, from the deadlines themselves (at the frozen now)."""
    due = sorted(call.deadlines.values_list("due_at", flat=True))
    before = [d for d in due if d < NOW]
    after = [d for d in due if d >= NOW]
    return (before[-1] if before else None, after[0] if after else None, due[-1] if due else None)


def test_created_with_deadlines(now):
    call = CallFactory(deadlines=[PAST, FIRST, SECOND])
    assert stored(call) == (PAST, FIRST, SECOND)
    # The instance the factory handed back sees them without a reload.
    assert CallFactory(deadlines=[FIRST]).next_deadline_at == FIRST


def test_a_call_without_deadline_stores_nothing(now):
    assert stored(CallFactory(deadlines=[])) == (None, None, None)


def test_save_edit_and_delete_of_one_deadline(now):
    call = CallFactory(deadlines=[FIRST])
    deadline = call.deadlines.get()
    deadline.due_at = SECOND
    deadline.save()
    assert stored(call) == (None, SECOND, SECOND)
    Deadline.objects.create(call=call, due_at=PAST)
    assert stored(call) == (PAST, SECOND, SECOND)
    deadline.delete()
    assert stored(call) == (PAST, None, PAST)


def test_saving_a_call_loaded_before_its_deadlines_changed_keeps_them(now):
    call = CallFactory(deadlines=[FIRST])
    stale = Call.objects.get(pk=call.pk)
    Deadline.objects.create(call=call, due_at=SECOND)
    stale.title = "Edited"
    stale.save()
    assert stored(call) == (None, FIRST, SECOND)
    assert call.title == "Edited"
    # A call loaded with deferred fields saves without loading them one by one.
    partial = Call.objects.defer("description").get(pk=call.pk)
    partial.title = "Again"
    with CaptureQueriesContext(connection) as queries:
        partial.save()
    loads = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    assert not any('"funding_call"."description"' in sql for sql in loads), loads


def test_moving_a_deadline_to_another_call_refreshes_both(now):
    one, other = CallFactory(deadlines=[FIRST]), CallFactory(deadlines=[])
    deadline = Deadline.objects.get(call=one)
    deadline.call = other
    deadline.save()
    assert stored(one) == (None, None, None)
    assert stored(other) == (None, FIRST, FIRST)
    Deadline.objects.filter(call=other).update(call=one)
    assert stored(one) == (None, FIRST, FIRST)
    assert stored(other) == (None, None, None)


def test_bulk_paths(now):
    call = CallFactory(deadlines=[])
    Deadline.objects.bulk_create(Deadline(call=call, due_at=due) for due in (FIRST, SECOND))
    assert stored(call) == (None, FIRST, SECOND)
    Deadline.objects.filter(call=call, due_at=SECOND).update(due_at=PAST)
    assert stored(call) == (PAST, FIRST, FIRST)
    deadlines = list(call.deadlines.all())
    for deadline in deadlines:
        deadline.due_at += datetime.timedelta(days=400)
    Deadline.objects.bulk_update(deadlines, ["due_at"])
    assert stored(call) == recomputed(call)
    call.deadlines.all().delete()
    assert stored(call) == (None, None, None)


def test_deleting_the_call_with_its_deadlines(now):
    call = CallFactory(deadlines=[FIRST])
    call.delete()
    assert not Call.objects.exists()


def test_admin_inline_add_change_and_delete(now, staff_client):
    call = CallFactory(deadlines=[FIRST, SECOND])
    first, second = call.deadlines.order_by("due_at")
    url = reverse("admin:funding_call_change", args=[call.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.pop("eligible_countries", None)
    data.update(
        {
            "programme": call.programme_id,
            "opens_at_0": "",
            "opens_at_1": "",
            "deadlines-TOTAL_FORMS": "3",
            "deadlines-INITIAL_FORMS": "2",
            "deadlines-0-id": first.pk,
            "deadlines-0-call": call.pk,
            "deadlines-0-due_at_0": "2027-03-01",
            "deadlines-0-due_at_1": "17:00:00",
            "deadlines-0-time_zone": "Europe/Brussels",
            "deadlines-0-DELETE": "on",
            "deadlines-1-id": second.pk,
            "deadlines-1-call": call.pk,
            "deadlines-1-due_at_0": "2027-07-01",
            "deadlines-1-due_at_1": "17:00:00",
            "deadlines-1-time_zone": "Europe/Brussels",
            "deadlines-2-call": call.pk,
            "deadlines-2-due_at_0": "2026-12-20",
            "deadlines-2-due_at_1": "17:00:00",
            "deadlines-2-time_zone": "Europe/Brussels",
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert call.deadlines.count() == 2
    assert stored(call) == recomputed(call)
    assert call.next_deadline_at.date() == datetime.date(2027, 7, 1)


def test_admin_duplicate_action(now):
    original = CallFactory(deadlines=[PAST, SECOND])
    copy = services.call_duplicate(call=original)
    assert stored(copy) == (PAST, SECOND, SECOND)
    empty = services.call_duplicate(call=CallFactory(deadlines=[]))
    assert stored(empty) == (None, None, None)


def test_spreadsheet_import(vocabulary, now):  # noqa: F811 - the imported fixture
    result = CallResource().import_data(dataset([GOOD_ROW]), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    call = Call.objects.get(slug="imported-call")
    assert stored(call) == (None, brussels(2027, 4, 17), brussels(2027, 9, 10))
    # Importing again with other deadlines replaces them.
    row = {**GOOD_ROW, "deadlines": "2027-02-01 17:00 Europe/Brussels"}
    CallResource().import_data(dataset([row]), dry_run=False)
    assert stored(call) == (None, brussels(2027, 2, 1), brussels(2027, 2, 1))


def test_load_demo_stores_every_call_right():
    call_command("load_demo", "--allow-without-debug", stdout=io.StringIO())
    calls = list(Call.objects.with_status().prefetch_related("deadlines"))
    assert len(calls) > 10
    for call in calls:
        due = sorted(d.due_at for d in call.deadlines.all())
        upcoming = call.next_deadline_object()
        assert call.last_deadline_at == (due[-1] if due else None), call.slug
        assert call.next_deadline_at == (upcoming.due_at if upcoming else None), call.slug
        assert call.status == call.status_at(), call.slug


# --- Status and next deadline at any instant ----------------------------------------------


@pytest.mark.parametrize(
    ("at", "status", "next_deadline"),
    [
        (FIRST - MICROSECOND, "open", FIRST),
        (FIRST, "open", FIRST),  # a deadline is inclusive
        (FIRST + MICROSECOND, "open", SECOND),  # first stage passed, the roll has not run
        (SECOND, "open", SECOND),
        (SECOND + MICROSECOND, "closed", None),
        (PAST, "open", FIRST),  # before the last refresh: still exact
    ],
)
def test_status_and_next_deadline_are_exact_with_or_without_the_roll(at, status, next_deadline):
    with time_machine.travel(NOW, tick=False):
        call = CallFactory(deadlines=[PAST - datetime.timedelta(days=1), FIRST, SECOND])
        call.opens_at = None
        call.save()
    for rolled in (False, True):
        if rolled:
            Call.objects.roll_deadlines(at)
        annotated = Call.objects.with_status(at).get(pk=call.pk)
        assert (annotated.status, annotated.next_deadline) == (status, next_deadline), rolled
        assert Call.objects.with_status_value(status, at).filter(pk=call.pk).exists()


def test_the_roll_moves_only_calls_whose_next_deadline_passed(now):
    two_stage = CallFactory(deadlines=[FIRST, SECOND])
    later = CallFactory(deadlines=[SECOND])
    with CaptureQueriesContext(connection) as queries:
        rolled = Call.objects.roll_deadlines(FIRST + MICROSECOND)
    assert rolled == 1
    assert len(queries) == 1
    two_stage.refresh_from_db()
    assert (two_stage.previous_deadline_at, two_stage.next_deadline_at) == (FIRST, SECOND)
    assert stored(later) == (None, SECOND, SECOND)


def test_the_periodic_task_rolls_at_the_current_time(now):
    call = CallFactory(deadlines=[FIRST, SECOND])
    with time_machine.travel(FIRST + datetime.timedelta(minutes=15), tick=False):
        assert tasks.roll_call_deadlines.delay().get() == 1
    assert stored(call) == (FIRST, SECOND, SECOND)


def test_the_roll_is_in_the_beat_schedule():
    from django.conf import settings

    entries = settings.CELERY_BEAT_SCHEDULE.values()
    assert any(entry["task"] == "funding.roll_call_deadlines" for entry in entries)


def test_refresh_command_repairs_rows_written_behind_the_model(now):
    calls = [CallFactory(deadlines=[FIRST, SECOND]) for _ in range(5)]
    # Raw writes (a restore, a benchmark loader) bypass the model.
    Call.objects.order_by().update(
        last_deadline_at=None, next_deadline_at=None, previous_deadline_at=None
    )
    call_command("refresh_call_deadlines", "--chunk-size", "2", stdout=io.StringIO())
    assert [stored(call) for call in calls] == [(None, FIRST, SECOND)] * 5


def test_status_reads_no_deadline_subquery(now):
    sql = str(Call.objects.open().query) + str(Call.objects.closed().query)
    assert "funding_deadline" not in sql
    assert "funding_deadline" not in str(Call.objects.closing_soon().query).split("CASE")[0]


def bulk(count, programme):
    calls = Call.objects.bulk_create(
        Call(
            programme=programme,
            identifier=f"S-{n}",
            slug=f"s-{programme.pk}-{n}",
            title=f"Stored {n}",
            publication_state=Call.PublicationState.PUBLISHED,
            published_at=NOW,
        )
        for n in range(count)
    )
    Deadline.objects.bulk_create(
        Deadline(call=call, due_at=NOW + datetime.timedelta(days=n % 40 - 2))
        for n, call in enumerate(calls)
    )


@pytest.mark.parametrize("url", ["/", "/calls/?status=open", "/calls/?sort=deadline"])
def test_home_and_lists_query_count_does_not_grow_with_calls(client, now, url):
    bulk(5, ProgrammeFactory())
    cache.clear()  # measured are views that render every part (none kept from before)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    bulk(60, ProgrammeFactory())
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
