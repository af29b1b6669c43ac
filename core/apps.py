from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from core import lookups


class CoreConfig(AppConfig):
    """What every app leans on: people, the email ledger, unsubscribe and small helpers."""

    name = "core"
    verbose_name = _("Portal")

    def ready(self):
        # Connects the password-reset receiver that lifts a sign-in lockout; it imports
        # allauth's models, which can be imported only once the app registry is ready.
        from core import receivers  # noqa: F401

        lookups.register()
        # Each app's email kinds (`<app>/emails.py`, `core.emails`): all registered at start,
        # so the ledger and its admin know every kind before any job runs.
        autodiscover_modules("emails")
        # The periodic jobs exist once the tables do (`core.schedule`), once per migrate.
        from core import schedule

        post_migrate.connect(
            schedule.periodic_tasks_create, sender=self, dispatch_uid="core.periodic_tasks"
        )
