"""The portal's periodic jobs in the database, where staff see and change them.

`settings.CELERY_BEAT_SCHEDULE` lists every job once. Each is created as a django-celery-beat
`PeriodicTask` after `migrate` (so the admin shows them, with their next run time, before any
worker started) and, for one added later, when beat starts. A job that exists already is left
as it is: times staff changed in the admin survive a restart or a deploy (django-celery-beat's
own scheduler would reset them to the settings' values).
"""

from celery import current_app
from django.conf import settings
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler, ModelEntry


def missing_jobs(mapping, using="default"):
    known = set(PeriodicTask.objects.using(using).values_list("name", flat=True))
    return {name: entry for name, entry in mapping.items() if name not in known}


def periodic_tasks_create(using="default", **kwargs):
    """post_migrate: create the jobs of CELERY_BEAT_SCHEDULE that are not in the database."""
    for name, entry in missing_jobs(settings.CELERY_BEAT_SCHEDULE, using).items():
        ModelEntry.from_entry(name, app=current_app, **entry)


class PortalScheduler(DatabaseScheduler):
    """django-celery-beat's scheduler, adding the missing jobs without overwriting the rest."""

    def update_from_dict(self, mapping):
        super().update_from_dict(missing_jobs(mapping))
