"""The periodic jobs exist after `migrate`, visible in the admin with their next run time,
and a time staff changed there survives a migrate or a beat restart."""

import pytest
from django.conf import settings
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from core.schedule import PortalScheduler, periodic_tasks_create

pytestmark = pytest.mark.django_db


def test_every_job_of_the_schedule_exists_after_migrate():
    # The test database was made by `migrate`, whose post_migrate created them.
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert set(settings.CELERY_BEAT_SCHEDULE) <= names


def test_a_job_removed_by_hand_comes_back_and_a_changed_one_stays_changed():
    PeriodicTask.objects.filter(name="staff-work-digest").delete()
    reminders = PeriodicTask.objects.get(name="funding-deadline-reminders")
    reminders.crontab = CrontabSchedule.objects.create(minute="30", hour="6")
    reminders.save()
    periodic_tasks_create()
    assert PeriodicTask.objects.filter(name="staff-work-digest").exists()
    reminders.refresh_from_db()
    assert (reminders.crontab.hour, reminders.crontab.minute) == ("6", "30")


def test_beat_starting_adds_only_the_missing_jobs(monkeypatch):
    """django-celery-beat's scheduler would write every entry of the settings over the
    database's; the portal's hands it only the jobs the database lacks."""
    handed = []
    monkeypatch.setattr(
        DatabaseScheduler, "update_from_dict", lambda self, mapping: handed.append(mapping)
    )
    PeriodicTask.objects.filter(name="matches-prune").delete()
    PortalScheduler.update_from_dict(object.__new__(PortalScheduler), settings.CELERY_BEAT_SCHEDULE)
    assert [set(mapping) for mapping in handed] == [{"matches-prune"}]


def test_staff_see_the_jobs_and_their_next_run_in_the_admin(staff_client):
    page = staff_client.get(reverse("admin:django_celery_beat_periodictask_changelist"))
    assert page.status_code == 200
    assert "funding-deadline-reminders" in page.content.decode()
