"""A person's email switches (stop everything, deadline reminders) and the one-click
unsubscribe kinds of the alert emails (see core/unsubscribe.py).

The kinds are registered by `unsubscribe_kinds_register`, called from
`FundingConfig.ready()` rather than as a side effect of importing this module, so importing
a part of the alerts changes no registry; ready() runs before any request is served, so
`core.unsubscribe` always finds them.
"""

from functools import partial

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import unsubscribe
from funding.models import AlertFrequency, AlertPreference, CooperativeAlert, SavedSearch


def preference_for(user):
    preference, _created = AlertPreference.objects.get_or_create(user=user)
    return preference


def alerts_stop_all(*, user_id):
    AlertPreference.objects.get_or_create(user_id=user_id)
    AlertPreference.objects.filter(user_id=user_id, unsubscribed_all_at__isnull=True).update(
        unsubscribed_all_at=timezone.now()
    )


def alerts_resume_all(*, user_id):
    AlertPreference.objects.filter(user_id=user_id).update(unsubscribed_all_at=None)


def reminders_set(*, user_id, enabled):
    AlertPreference.objects.get_or_create(user_id=user_id)
    AlertPreference.objects.filter(user_id=user_id).update(
        reminders_off_at=None if enabled else timezone.now()
    )


# --- Unsubscribe kinds (see core/unsubscribe.py) ---------------------------------------------


def _describe_search(search_id):
    search = SavedSearch.objects.filter(pk=search_id).first()
    if search is None:
        return None
    return {
        "what": _("Emails of the alert “%(name)s”") % {"name": search.name},
        "done": not search.is_active,
    }


def _describe_cooperative(alert_id):
    alert = CooperativeAlert.objects.select_related("cooperative").filter(pk=alert_id).first()
    if alert is None:
        return None
    return {
        "what": _("Emails of calls matching %(cooperative)s") % {"cooperative": alert.cooperative},
        "done": not alert.is_active,
    }


def _describe_frequency(frequency, user_id):
    active = SavedSearch.objects.filter(user_id=user_id, frequency=frequency, is_active=True)
    coop = CooperativeAlert.objects.filter(user_id=user_id, frequency=frequency, is_active=True)
    labels = {
        AlertFrequency.INSTANT: _("All your instant call alerts"),
        AlertFrequency.DAILY: _("Your daily digest of calls"),
        AlertFrequency.WEEKLY: _("Your weekly digest of calls"),
    }
    return {"what": labels[frequency], "done": not (active.exists() or coop.exists())}


def _stop_frequency(frequency, user_id):
    SavedSearch.objects.filter(user_id=user_id, frequency=frequency).update(is_active=False)
    CooperativeAlert.objects.filter(user_id=user_id, frequency=frequency).update(is_active=False)


def _describe_reminders(user_id):
    preference = AlertPreference.objects.filter(user_id=user_id).first()
    return {
        "what": _("Deadline reminders for the calls you follow"),
        "done": bool(preference and preference.reminders_off_at),
    }


def _describe_all(user_id):
    preference = AlertPreference.objects.filter(user_id=user_id).first()
    return {
        "what": _(
            "Every alert email: call alerts, digests, deadline reminders and the matchmaking digest"
        ),
        "done": bool(preference and preference.unsubscribed_all_at),
    }


def unsubscribe_kinds_register():
    """Register the alert emails' unsubscribe kinds (idempotent: a kind is a dict key)."""
    unsubscribe.register(
        "search",
        describe=_describe_search,
        stop=lambda pk: SavedSearch.objects.filter(pk=pk).update(is_active=False),
    )
    unsubscribe.register(
        "cooperative",
        describe=_describe_cooperative,
        stop=lambda pk: CooperativeAlert.objects.filter(pk=pk).update(is_active=False),
    )
    for frequency in AlertFrequency.values:
        unsubscribe.register(
            f"alerts-{frequency}",
            describe=partial(_describe_frequency, frequency),
            stop=partial(_stop_frequency, frequency),
        )
    unsubscribe.register(
        "reminders",
        describe=_describe_reminders,
        stop=lambda pk: reminders_set(user_id=pk, enabled=False),
    )
    unsubscribe.register("all", describe=_describe_all, stop=lambda pk: alerts_stop_all(user_id=pk))
