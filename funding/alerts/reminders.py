"""Deadline reminders for followed calls, at the offsets of FUNDING_REMINDER_OFFSETS_DAYS.

reminder:user-7:deadline-31:14d
"""

import datetime

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from core import mail
from funding.alerts.audience import receiving
from funding.alerts.emails import alert_email, call_item, calls_for_email
from funding.emails import DEADLINE_MOVED, DEADLINE_REMINDER
from funding.models import AlertPreference, Call, Deadline, Follow


def reminder_offsets():
    return sorted({int(days) for days in settings.FUNDING_REMINDER_OFFSETS_DAYS})


def reminder_offset_for(days_left):
    """The reminder due with this many days left: the smallest offset not below it.

    With offsets 14 and 3: 14 days left → the 14-day reminder, 3 → the 3-day one. A missed
    daily run (or a call followed late) still gets its reminder the next day, once.
    """
    if days_left < 0:
        return None
    return next((offset for offset in reminder_offsets() if days_left <= offset), None)


def reminder_key(user_id, deadline_id, offset):
    return f"reminder:user-{user_id}:deadline-{deadline_id}:{offset}d"


def _reminder_follows(at):
    horizon = timezone.localdate(at) + datetime.timedelta(days=max(reminder_offsets()) + 1)
    end = timezone.make_aware(datetime.datetime.combine(horizon, datetime.time.min))
    due = Deadline.objects.filter(call=models.OuterRef("call"), due_at__gte=at, due_at__lt=end)
    follows = Follow.objects.filter(call__publication_state=Call.PublicationState.PUBLISHED)
    no_reminders = AlertPreference.objects.filter(
        user=models.OuterRef("user"), reminders_off_at__isnull=False
    )
    follows = receiving(follows).filter(~models.Exists(no_reminders))
    return follows.filter(models.Exists(due)), end


def reminder_user_ids(*, at=None):
    at = at or timezone.now()
    follows, _end = _reminder_follows(at)
    return sorted(set(follows.values_list("user_id", flat=True)))


def reminders_send(*, user_ids, at=None):
    """Write the deadline reminders due now for these people's followed calls."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    follows, end = _reminder_follows(at)
    follows = list(follows.filter(user_id__in=user_ids).select_related("user"))
    if not follows:
        return 0
    calls = {call.pk: call for call in calls_for_email({follow.call_id for follow in follows})}
    emails, cards = [], {}
    for follow in follows:
        call = calls[follow.call_id]
        for deadline in call.deadlines.all():
            if not at <= deadline.due_at < end:
                continue
            days_left = (timezone.localdate(deadline.due_at) - today).days
            offset = reminder_offset_for(days_left)
            if offset is None:
                continue
            emails.append(
                alert_email(
                    DEADLINE_REMINDER,
                    key=reminder_key(follow.user_id, deadline.pk, offset),
                    user=follow.user,
                    context={
                        "item": call_item(call, at, cards=cards),
                        "deadline": deadline,
                        "days_left": days_left,
                    },
                    stop=("reminders", follow.user_id),
                )
            )
    known = mail.existing_keys(email.key for email in emails)
    emails = [email for email in emails if email.key not in known]
    with transaction.atomic():
        return mail.delivery_enqueue(emails)


def deadline_moved_key(user_id, call_id, deadlines):
    """One email per follower and new set of deadlines: the same move imported twice, or
    re-imported the next day, writes nothing new."""
    moment = "+".join(deadline.due_at.strftime("%Y%m%dT%H%M") for deadline in deadlines)
    return f"deadline-moved:user-{user_id}:call-{call_id}:{moment}"


def deadline_moved_notify(*, call, previous, at=None):
    """Tell the followers of a published call that its deadlines moved (`previous`: the
    deadlines before, as aware datetimes); people who stopped reminders or every email are
    left out. Returns how many emails were new."""
    if not call.is_published:
        return 0
    at = at or timezone.now()
    deadlines = list(call.deadlines.order_by("due_at"))
    no_reminders = AlertPreference.objects.filter(
        user=models.OuterRef("user"), reminders_off_at__isnull=False
    )
    follows = (
        receiving(Follow.objects.filter(call=call))
        .filter(~models.Exists(no_reminders))
        .select_related("user")
    )
    item = call_item(call, at)
    emails = [
        alert_email(
            DEADLINE_MOVED,
            key=deadline_moved_key(follow.user_id, call.pk, deadlines),
            user=follow.user,
            context={"item": item, "deadlines": deadlines, "previous": previous},
            stop=("reminders", follow.user_id),
        )
        for follow in follows
    ]
    return mail.delivery_enqueue(emails)
