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
