from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchesConfig(AppConfig):
    name = "matches"
    verbose_name = _("Stored matches")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Model signals catch every entry point (admin, portal forms, imports, the shell).
        # `tasks` registers the task the services queue by name (`core.queueing.queue`).
        from matches import signals, tasks  # noqa: F401

        signals.connect()
