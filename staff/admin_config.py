"""Django's admin app with the portal's site (`staff.admin_site.PortalAdminSite`). Kept apart
from the site itself: INSTALLED_APPS imports this module before any model can be."""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "staff.admin_site.PortalAdminSite"
