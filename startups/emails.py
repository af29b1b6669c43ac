"""The emails of the startup programmes (`core.emails` registry)."""

from django.utils.translation import gettext_lazy as _

from core.emails import EmailKind, register

APPLICATION = register(
    EmailKind(
        "startup-application",
        "startup_application",
        _("An application was received or moved to another stage."),
    )
)
