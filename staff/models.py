from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkDigestPreference(models.Model):
    """A staff member's choice about the daily email of work waiting (no row means on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="work_digest_preference",
    )
    daily_email = models.BooleanField(_("daily email of work waiting"), default=True)

    class Meta:
        verbose_name = _("work email preference")
        verbose_name_plural = _("work email preferences")

    def __str__(self):
        return str(self.user)
