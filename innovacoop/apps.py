from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovacoopConfig(AppConfig):
    name = "innovacoop"
    verbose_name = _("Portal")

    def ready(self):
        # adapters: connects the password-reset receiver that lifts a sign-in lockout.
        from innovacoop import (
            adapters,  # noqa: F401
            lookups,
        )

        lookups.register()
