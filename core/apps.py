from django.apps import AppConfig
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
