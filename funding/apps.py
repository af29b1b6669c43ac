from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding")

    def ready(self):
        from django.db.models.signals import post_delete

        # `tasks` registers the tasks the alerts queue by name (`core.queueing.queue`).
        from funding import alerts, feeds, tasks  # noqa: F401

        post_delete.connect(
            alerts.membership_ended,
            sender="members.Membership",
            dispatch_uid="funding.alerts.membership_ended",
        )
        # The one-click unsubscribe kinds of the alert emails (`core.unsubscribe`): registered
        # here, before any request, rather than as a side effect of importing the alerts.
        alerts.unsubscribe_kinds_register()
        feeds.connect_invalidation()
