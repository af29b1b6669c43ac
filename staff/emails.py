"""The emails of the staff workspace (`core.emails` registry)."""

from django.utils.translation import gettext_lazy as _

from core.emails import EmailKind, register

WORK_DIGEST = register(
    EmailKind(
        "staff-work-digest",
        "staff_work_digest",
        _("To staff, once a day when work arrived: what waits for them on /staff/."),
        unsubscribe=True,
    )
)
