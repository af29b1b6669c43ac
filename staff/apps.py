from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """The staff workspace (/staff/): the work waiting and, later, the agency's results. It
    reads every app and no app reads it."""

    name = "staff"
    verbose_name = _("Staff workspace")

    def ready(self):
        # `tasks` registers the daily email's task; the email's one-click unsubscribe kind
        # is registered before any request (`core.unsubscribe`).
        from staff import digest, tasks  # noqa: F401

        digest.unsubscribe_kinds_register()
        _translate_third_party_labels()


def _translate_third_party_labels():
    """django-celery-beat gives PeriodicTask.task a plain-string label ('Task Name'), which no
    catalogue can translate; make it translatable (its Italian is in the project's catalogue,
    see `staff/admin_strings.py`)."""
    from django_celery_beat.models import PeriodicTask

    PeriodicTask._meta.get_field("task").verbose_name = _("Task Name")
