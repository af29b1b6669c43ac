from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The signed-in cooperative user's self-service pages: it sits above the domain apps
    (members, funding, later partnerships) and gathers what they offer one person."""

    name = "portal"
    verbose_name = _("Cooperative portal")
