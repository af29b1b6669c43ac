"""The emails of calls for funding (`core.emails` registry): alerts, digests and reminders.

How they are assembled (call blocks, items, keys) is `funding.alerts.emails`."""

from django.utils.translation import gettext_lazy as _

from core.emails import EmailKind, register

CALL_ALERT = register(
    EmailKind(
        "call-alert",
        "call_alert",
        _("A call just published matches a saved search or a cooperative's alert."),
        unsubscribe=True,
    )
)
DIGEST_DAILY = register(
    EmailKind(
        "digest-daily",
        "digest",
        _("The calls published yesterday that match a person's daily alerts."),
        unsubscribe=True,
    )
)
DIGEST_WEEKLY = register(
    EmailKind(
        "digest-weekly",
        "digest",
        _("The calls published last week that match a person's weekly alerts."),
        unsubscribe=True,
    )
)
DIGESTS = {"daily": DIGEST_DAILY, "weekly": DIGEST_WEEKLY}
DEADLINE_REMINDER = register(
    EmailKind(
        "deadline-reminder",
        "deadline_reminder",
        _("A deadline of a followed call is near (14 and 3 days before, by default)."),
        unsubscribe=True,
    )
)
DEADLINE_MOVED = register(
    EmailKind(
        "deadline-moved",
        "deadline_moved",
        _("A deadline of a followed call moved at its source (an imported EU topic)."),
        unsubscribe=True,
    )
)
