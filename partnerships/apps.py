from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The version token of the published requests' list (core.versions).
REQUESTS = "partnerships.requests"


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self):
        from core import versions
        from funding.models import Call
        from members.models import Cooperative, Sector, Theme
        from partnerships.models import ExpressionOfInterest, PartnershipRequest

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
