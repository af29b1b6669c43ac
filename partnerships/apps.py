from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The version token of the published requests' list (core.versions).
REQUESTS = "partnerships.requests"
# The version token of what people choose for themselves and their cooperatives: the calls
# they follow, their memberships and roles, "not relevant" marks (the dashboard and the
# suggestions read them).
PERSONAL = "partnerships.personal"


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self):
        from core import versions
        from funding.models import Call, Follow
        from members.models import Cooperative, Membership, Sector, Theme
        from partnerships.models import (
            DismissedSuggestion,
            ExpressionOfInterest,
            PartnershipRequest,
        )

        # What /partnerships/ shows (core.fragments keeps it rendered per version).
        versions.bump_on_change(
            REQUESTS,
            PartnershipRequest,
            ExpressionOfInterest,
            Cooperative,
            Call,
            Sector,
            Theme,
            m2m=[field.remote_field.through for field in PartnershipRequest._meta.many_to_many],
        )
        versions.bump_on_change(PERSONAL, Follow, Membership, DismissedSuggestion)
        # The digest's one-click unsubscribe kind (`core.unsubscribe`), before any request.
        from partnerships import alerts

        alerts.unsubscribe_kinds_register()
