"""The matchmaking digest's email switch and its one-click unsubscribe kind.

The kind is registered by `PartnershipsConfig.ready` (`unsubscribe_kinds_register`), before
any request, as funding registers its own. The "all" kind (stop every email) is funding's
and the digest honours it.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core import unsubscribe
from partnerships.models import MatchmakingSubscription


def digest_enabled(user):
    """On unless the person turned it off (no row means on)."""
    subscription = MatchmakingSubscription.objects.filter(user=user).first()
    return subscription is None or subscription.weekly_digest


def digest_set(*, user_id, enabled):
    """Turn the weekly matchmaking digest on or off for a person (idempotent)."""
    MatchmakingSubscription.objects.update_or_create(
        user_id=user_id, defaults={"weekly_digest": enabled}
    )


def _describe(user_id):
    if not get_user_model().objects.filter(pk=user_id).exists():
        return None
    return {
        "what": _(
            "The weekly matchmaking digest: partnership requests and expressions of interest"
        ),
        "done": MatchmakingSubscription.objects.filter(
            user_id=user_id, weekly_digest=False
        ).exists(),
    }


def unsubscribe_kinds_register():
    unsubscribe.register(
        "matchmaking", describe=_describe, stop=lambda pk: digest_set(user_id=pk, enabled=False)
    )
