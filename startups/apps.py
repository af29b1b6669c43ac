from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The version token of the startup directory (core.versions).
DIRECTORY = "startups.directory"


class StartupsConfig(AppConfig):
    name = "startups"
    verbose_name = _("Startups")

    def ready(self):
        from core import versions
        from members.models import Cooperative, Sector, Theme
        from networks.models import Body
        from startups import signals  # noqa: F401
        from startups.models import Need, Startup

        # What /startups/ shows (core.fragments keeps it rendered per version).
        versions.bump_on_change(
            DIRECTORY,
            Startup,
            Need,
            Sector,
            Theme,
            Cooperative,
            Body,
            m2m=[field.remote_field.through for field in Startup._meta.many_to_many],
        )
