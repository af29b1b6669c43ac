from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovacoopConfig(AppConfig):
    name = "innovacoop"
    verbose_name = _("Portal")
