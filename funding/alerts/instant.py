"""Instant alerts: who a newly published call is for, and the one email per person.

The outbox (`funding.alerts.outbox`) decides when this runs and in which chunks.
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core import mail
from funding.alerts import criteria
from funding.alerts.audience import opted_out, receiving, receiving_cooperative_alerts
from funding.alerts.emails import alert_email, call_item, calls_for_email
from funding.emails import CALL_ALERT
from funding.models import AlertFrequency, Call, CooperativeAlert, SavedSearch


def instant_recipients(call, *, at=None):
    """{user id: {"searches": [ids], "cooperative_alerts": [ids]}} for a published call."""
    at = at or timezone.now()
    one_call = Call.objects.published().filter(pk=call.pk)
    by_query = defaultdict(list)
    for search_id, user_id, query in receiving(
        SavedSearch.objects.filter(frequency=AlertFrequency.INSTANT, is_active=True)
    ).values_list("pk", "user_id", "query"):
        by_query[query].append((search_id, user_id))
    recipients = defaultdict(lambda: {"searches": [], "cooperative_alerts": []})
    for query, found in criteria.match_queries(list(by_query), one_call, at=at).items():
        if found:
            for search_id, user_id in by_query[query]:
                recipients[user_id]["searches"].append(search_id)
    alerts = list(receiving_cooperative_alerts(frequency=AlertFrequency.INSTANT))
    cooperatives = {alert.cooperative_id: alert.cooperative for alert in alerts}
    matched = criteria.match_cooperatives(cooperatives.values(), one_call, at=at)
    for alert in alerts:
        if matched.get(alert.cooperative_id):
            recipients[alert.user_id]["cooperative_alerts"].append(alert.pk)
    return dict(recipients)


def call_alert_key(user_id, call_id):
    return f"call-alert:user-{user_id}:call-{call_id}"


def call_alerts_send(*, call_id, entries, at=None):
    """Write one alert email per person for a call (whatever number of their alerts matched).

    `entries` are [user id, [saved search ids], [cooperative alert ids]]. Returns new emails.
    """
    at = at or timezone.now()
    call = (
        calls_for_email([call_id]).filter(publication_state=Call.PublicationState.PUBLISHED).first()
    )
    if call is None:
        return 0
    known = mail.existing_keys(call_alert_key(entry[0], call_id) for entry in entries)
    todo = [entry for entry in entries if call_alert_key(entry[0], call_id) not in known]
    if not todo:
        return 0
    users = get_user_model().objects.in_bulk([entry[0] for entry in todo])
    stopped = opted_out(list(users))
    searches = SavedSearch.objects.in_bulk([pk for entry in todo for pk in entry[1]])
    # of_members: a member removed between the fan-out and this chunk gets nothing through it.
    coop_alerts = (
        CooperativeAlert.objects.of_members()
        .select_related("cooperative")
        .in_bulk([pk for entry in todo for pk in entry[2]])
    )
    emails, cards = [], {}
    for user_id, search_ids, alert_ids in todo:
        user = users.get(user_id)
        if user is None or not user.is_active or user_id in stopped:
            continue
        matched = [searches[pk] for pk in search_ids if pk in searches]
        matched = [search for search in matched if search.is_active]
        cooperatives = [coop_alerts[pk] for pk in alert_ids if pk in coop_alerts]
        cooperatives = [alert for alert in cooperatives if alert.is_active]
        if not matched and not cooperatives:
            continue
        if len(matched) == 1 and not cooperatives:
            stop = ("search", matched[0].pk)
        elif cooperatives and not matched and len(cooperatives) == 1:
            stop = ("cooperative", cooperatives[0].pk)
        else:
            stop = ("alerts-instant", user_id)
        reasons = [search.name for search in matched] + [
            str(alert.cooperative) for alert in cooperatives
        ]
        item = call_item(call, at, reasons, cards)
        emails.append(
            alert_email(
                CALL_ALERT,
                key=call_alert_key(user_id, call_id),
                user=user,
                context={"item": item, "item_list": [item], "searches": matched},
                stop=stop,
            )
        )
    with transaction.atomic():
        return mail.delivery_enqueue(emails)
