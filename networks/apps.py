from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The version token of the network directory (core.versions).
DIRECTORY = "networks.directory"


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("Networks")

    def ready(self):
        from core import versions
        from members.models import Association
        from networks.models import Affiliation, Body, BodyFigure

        # What /networks/ shows (core.fragments keeps it rendered per version).
        versions.bump_on_change(DIRECTORY, Body, BodyFigure, Affiliation, Association)
