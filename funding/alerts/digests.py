"""Daily and weekly digests: one email per person and period combining all their alerts of
that frequency, each call once, only calls published since their previous digest.

    digest:weekly:user-7:2026-W48

The fan-out task (`funding.tasks.send_digests`) matches the run's queries once
(`digest_matches`) and hands the result to every chunk (`digests_build`).
"""

import datetime
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core import mail
from core.batching import chunked
from funding.alerts import criteria
from funding.alerts.audience import opted_out, receiving, receiving_cooperative_alerts
from funding.alerts.emails import CallCard, alert_email, call_item, calls_for_email
from funding.emails import DIGESTS
from funding.models import AlertFrequency, Call, CooperativeAlert, DigestRun, SavedSearch

# Calls listed in one digest email, newest first; the rest are counted with a link to the
# portal. Beyond this an email is a wall nobody reads, and Gmail clips HTML over 102 KB, which
# would hide the unsubscribe links at the bottom.
DIGEST_CALLS_SHOWN = 25
DIGEST_PERIOD = {
    AlertFrequency.DAILY: datetime.timedelta(days=1),
    AlertFrequency.WEEKLY: datetime.timedelta(days=7),
}


# The cards of the digest run this worker process is writing, shared by the chunks it runs (a
# run's chunks list mostly the same calls): {run's `at`: {call pk: CallCard}}, the latest run only.
_RUN_CARDS = {}


def _run_cards(calls, at):
    """The run's cards for these calls (a dict `call_item` takes), built where missing or
    out of date (`CallCard.signature_of`), so a call edited during a run shows its new text."""
    if at not in _RUN_CARDS:
        _RUN_CARDS.clear()
        _RUN_CARDS[at] = {}
    cards = _RUN_CARDS[at]
    for call in calls:
        card = cards.get(call.pk)
        if card is None or card.signature != CallCard.signature_of(
            call, call.next_deadline_object(at)
        ):
            cards[call.pk] = CallCard(call, at)
    return cards


def digest_period_key(frequency, at):
    """The period a digest belongs to, in the portal's time zone: 2026-11-30 or 2026-W48."""
    day = timezone.localdate(at)
    if frequency == AlertFrequency.WEEKLY:
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def digest_key(frequency, user_id, period_key):
    return f"digest:{frequency}:user-{user_id}:{period_key}"


def digest_user_ids(frequency):
    """People with at least one active daily (weekly) alert who still receive email."""
    searchers = receiving(
        SavedSearch.objects.filter(frequency=frequency, is_active=True)
    ).values_list("user_id", flat=True)
    members = receiving(
        CooperativeAlert.objects.of_members().filter(frequency=frequency, is_active=True)
    ).values_list("user_id", flat=True)
    return sorted(set(searchers) | set(members))


def digest_due_user_ids(frequency, user_ids, at):
    """Those of `user_ids` whose digest of the period of `at` is not written yet.

    Lets the scheduled re-runs of a digest (see CELERY_BEAT_SCHEDULE) queue only the people
    a lost chunk or a dead worker left out, and nothing at all when everyone has theirs.
    """
    done = set()
    period = digest_period_key(frequency, at)
    for batch in chunked(user_ids, 1000):
        done.update(
            DigestRun.objects.filter(
                frequency=frequency, period_key=period, user_id__in=batch
            ).values_list("user_id", flat=True)
        )
    return [user_id for user_id in user_ids if user_id not in done]


def digest_window_start(frequency, at):
    """The earliest "since" of anyone's next digest: the window every chunk of a run matches in.

    One query: each person's previous digest ends where it covered up to; people without one
    start a period back.
    """
    default_since = at - DIGEST_PERIOD[frequency]
    earliest = (
        DigestRun.objects.filter(frequency=frequency)
        .values("user_id")
        .annotate(until=Max("last_published_until"))
        .order_by("until")
        .values_list("until", flat=True)
        .first()
    )
    return min(earliest, default_since) if earliest else default_since


def digest_matches(frequency, *, at):
    """{query: [call pks]} for every distinct active query of `frequency`, among the calls
    published in the run's window; invalid queries map to None.

    Computed once per run by the fan-out task and handed to every chunk, so a query shared by
    thousands of people is matched once a run, not once per chunk.
    """
    queries = (
        SavedSearch.objects.filter(frequency=frequency, is_active=True)
        .order_by()
        .values_list("query", flat=True)
        .distinct()
    )
    candidates = Call.objects.published().filter(
        published_at__gt=digest_window_start(frequency, at), published_at__lte=at
    )
    found = criteria.match_queries(list(queries), candidates, at=at)
    return {query: None if ids is None else sorted(ids) for query, ids in found.items()}


def digests_build(*, frequency, user_ids, at=None, matches=None):
    """Write the digests of `frequency` for these people (one bounded chunk).

    Each person gets one email combining all their alerts of that frequency, each call once,
    only calls published since their previous digest; none when nothing is new. A DigestRun
    row per person and period, written in the same transaction as the email, marks where the
    next digest starts. `matches` is the run's `digest_matches()`; queries missing from it
    (a search saved after the run began) are matched here. Returns the number of emails written.
    """
    at = at or timezone.now()
    period = digest_period_key(frequency, at)
    done = set(
        DigestRun.objects.filter(
            frequency=frequency, period_key=period, user_id__in=user_ids
        ).values_list("user_id", flat=True)
    )
    todo = [user_id for user_id in user_ids if user_id not in done]
    if not todo:
        return 0
    previous = dict(
        DigestRun.objects.filter(frequency=frequency, user_id__in=todo)
        .values_list("user_id")
        .annotate(until=Max("last_published_until"))
        .values_list("user_id", "until")
    )
    default_since = at - DIGEST_PERIOD[frequency]
    since = {user_id: previous.get(user_id) or default_since for user_id in todo}
    new_calls = dict(
        Call.objects.published()
        .filter(published_at__gt=min(since.values()), published_at__lte=at)
        .values_list("pk", "published_at")
    )
    # What each person's alerts match among the new calls.
    matched = defaultdict(lambda: defaultdict(list))  # user -> call -> reasons
    if new_calls:
        candidates = Call.objects.filter(pk__in=list(new_calls))
        searches = list(
            SavedSearch.objects.filter(user_id__in=todo, frequency=frequency, is_active=True).only(
                "pk", "user_id", "name", "query"
            )
        )
        found = dict(matches or {})
        missing = [search.query for search in searches if search.query not in found]
        if missing:
            found.update(criteria.match_queries(missing, candidates, at=at))
        for search in searches:
            for call_id in found[search.query] or ():
                if call_id in new_calls:  # the run's window may be wider than this chunk's
                    matched[search.user_id][call_id].append(search.name)
        alerts = list(receiving_cooperative_alerts(frequency=frequency, user_id__in=todo))
        cooperatives = {alert.cooperative_id: alert.cooperative for alert in alerts}
        by_cooperative = criteria.match_cooperatives(cooperatives.values(), candidates, at=at)
        for alert in alerts:
            for call_id in by_cooperative.get(alert.cooperative_id, ()):
                matched[alert.user_id][call_id].append(str(alert.cooperative))
    per_user = {
        user_id: {
            call_id: reasons
            for call_id, reasons in matched.get(user_id, {}).items()
            if new_calls[call_id] > since[user_id]
        }
        for user_id in todo
    }
    wanted_calls = {call_id for calls in per_user.values() for call_id in calls}
    calls = {call.pk: call for call in calls_for_email(wanted_calls)} if wanted_calls else {}
    users = get_user_model().objects.in_bulk(todo)
    stopped = opted_out(todo)
    runs, emails = [], []
    cards = _run_cards(calls.values(), at)
    for user_id in todo:
        user = users.get(user_id)
        if user is None:
            continue
        newest_first = sorted(
            (call_id for call_id in per_user[user_id] if call_id in calls),
            key=lambda call_id: (-calls[call_id].published_at.timestamp(), call_id),
        )
        items = [
            call_item(calls[call_id], at, per_user[user_id][call_id], cards)
            for call_id in newest_first[:DIGEST_CALLS_SHOWN]
        ]
        runs.append(
            DigestRun(
                user_id=user_id,
                frequency=frequency,
                period_key=period,
                last_published_until=at,
                call_count=len(newest_first),
            )
        )
        if not newest_first or user_id in stopped or not user.is_active:
            continue
        emails.append(
            alert_email(
                DIGESTS[frequency],
                key=digest_key(frequency, user_id, period),
                user=user,
                context={
                    "items": items,
                    "call_count": len(newest_first),
                    "more_count": len(newest_first) - len(items),
                    "frequency": frequency,
                    "since": since[user_id],
                },
                stop=(f"alerts-{frequency}", user_id),
            )
        )
    with transaction.atomic():
        DigestRun.objects.bulk_create(runs, ignore_conflicts=True)
        return mail.delivery_enqueue(emails)
