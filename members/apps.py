from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The version token of the cooperative directory (core.versions).
DIRECTORY = "members.directory"


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from core import versions
        from members.models import (
            Association,
            AssociationFigure,
            Cooperative,
            CooperativeContact,
            Sector,
            Theme,
        )

        # What /members/ shows (core.fragments keeps it rendered per version).
        versions.bump_on_change(
            DIRECTORY,
            Cooperative,
            CooperativeContact,
            Association,
            AssociationFigure,
            Sector,
            Theme,
            m2m=[field.remote_field.through for field in Cooperative._meta.many_to_many],
        )
