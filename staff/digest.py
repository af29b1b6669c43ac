"""The daily email to staff of the work waiting (`staff.work`), sent when something arrived.

One email per staff member and day (the ledger key names both), so the scheduled re-runs
write nothing twice; none on a day when nothing arrived, so staff are not told the same
waiting list every morning. A person turns it off on /staff/ or with the email's one-click
link; stopping every email (the global opt-out) stops it too.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import mail, unsubscribe
from core.links import absolute_url
from funding.models import AlertPreference
from staff.emails import WORK_DIGEST
from staff.models import WorkDigestPreference
from staff.work import pending_work

UNSUBSCRIBE_KIND = "staff-work"
# What counts as arrived: since the same hour the day before.
PERIOD = datetime.timedelta(days=1)


def recipients():
    """Active staff who have not turned the email off nor stopped every email."""
    User = get_user_model()
    stopped_all = AlertPreference.objects.filter(
        user=OuterRef("pk"), unsubscribed_all_at__isnull=False
    )
    turned_off = WorkDigestPreference.objects.filter(user=OuterRef("pk"), daily_email=False)
    return (
        User.objects.filter(is_staff=True, is_active=True)
        .exclude(Q(email="") | Exists(stopped_all) | Exists(turned_off))
        .order_by("pk")
    )


def work_digest_key(user_id, day):
    return f"staff-work-digest:user-{user_id}:{day.isoformat()}"


def work_digests_send(now=None):
    """Queue today's email to each recipient if work arrived in the last day; returns how
    many emails were new."""
    now = now or timezone.now()
    work = pending_work(now, since=now - PERIOD)
    if not any(item.arrived for item in work):
        return 0
    day = timezone.localdate(now)
    emails = [
        WORK_DIGEST.email(
            key=work_digest_key(person.pk, day),
            person=person,
            context={
                "work": work,
                "arrived": sum(item.arrived for item in work),
                "waiting": sum(item.count for item in work),
                "workspace_url": absolute_url("/staff/"),
            },
            stop=(UNSUBSCRIBE_KIND, person.pk),
        )
        for person in recipients()
    ]
    with transaction.atomic():
        return mail.delivery_enqueue(emails)


def digest_set(*, user_id, enabled):
    """Turn the daily email on or off for a staff member (idempotent)."""
    WorkDigestPreference.objects.update_or_create(
        user_id=user_id, defaults={"daily_email": enabled}
    )


def digest_enabled(user):
    preference = WorkDigestPreference.objects.filter(user=user).first()
    return preference is None or preference.daily_email


def _describe(user_id):
    if not get_user_model().objects.filter(pk=user_id).exists():
        return None
    return {
        "what": _("The daily email to staff of the work waiting"),
        "done": WorkDigestPreference.objects.filter(user_id=user_id, daily_email=False).exists(),
    }


def unsubscribe_kinds_register():
    unsubscribe.register(
        UNSUBSCRIBE_KIND,
        describe=_describe,
        stop=lambda pk: digest_set(user_id=pk, enabled=False),
    )
