"""The emails of cooperatives and their members (`core.emails` registry)."""

from django.utils.translation import gettext_lazy as _

from core.emails import EmailKind, register

INVITATION = register(
    EmailKind(
        "invitation",
        "invitation",
        _("An invitation to join a cooperative on the portal."),
    )
)
