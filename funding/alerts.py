"""Call alerts: saved searches, the cooperative-profile alert, instant alerts, digests, reminders.

What an alert matches is decided by the catalogue's own `CallFilterSet` (saved searches) and
by the stored call-to-cooperative matches (the cooperative alert; `matches.readers`, computed
by `funding.matching`): there is no second definition of "matches". Every email goes through the delivery ledger (`core.mail`)
with a key naming recipient and reason, so re-running any job here sends nothing twice:

    call-alert:user-7:call-31
    digest:weekly:user-7:2026-W48
    reminder:user-7:deadline-31:14d

Matching is batched: searches are grouped by identical normalized query, each distinct query
is validated once, and the valid ones are evaluated together as a UNION of
`filterset.filtered.values("pk")` annotated with a literal number, `MATCH_CHUNK` per SQL
statement. The statements therefore grow with the distinct queries, not with the searches.
"""

import datetime
import logging
from collections import defaultdict
from functools import partial
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Max, Prefetch, Q, Value
from django.http import QueryDict
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core import mail, unsubscribe
from core.batching import chunked
from core.language import language_of
from core.links import absolute_url
from core.queueing import after_commit, queue
from funding.filters import CallFilterSet
from funding.models import (
    AlertChunk,
    AlertDispatch,
    AlertFrequency,
    AlertPreference,
    Call,
    CooperativeAlert,
    Deadline,
    DigestRun,
    Follow,
    SavedSearch,
)
from matches import readers

logger = logging.getLogger(__name__)

CHUNK_SIZE = 200  # recipients per fan-out task: a few seconds of work each
MATCH_CHUNK = 50  # distinct queries per UNION statement
# Calls listed in one digest email, newest first; the rest are counted with a link to the
# portal. Beyond this an email is a wall nobody reads, and Gmail clips HTML over 102 KB, which
# would hide the unsubscribe links at the bottom.
DIGEST_CALLS_SHOWN = 25
MAX_DISPATCH_ATTEMPTS = 5
DISPATCH_STALE_AFTER = datetime.timedelta(minutes=5)
# A chunk still pending this long after it was queued was probably lost by the broker.
CHUNK_REQUEUE_AFTER = datetime.timedelta(minutes=1)
CHUNK_REQUEUE_MAX = datetime.timedelta(minutes=30)
DIGEST_PERIOD = {
    AlertFrequency.DAILY: datetime.timedelta(days=1),
    AlertFrequency.WEEKLY: datetime.timedelta(days=7),
}
IGNORED_PARAMS = {"page", "sort"}
MAX_SEARCHES_PER_USER = 50
ANNOUNCE_WINDOW = datetime.timedelta(days=1)  # see unannounced_calls_record
ANNOUNCE_GRACE = datetime.timedelta(minutes=1)


# --- Saved searches -----------------------------------------------------------------------


def normalize_query(data):
    """The catalogue querystring an alert stores: only filter parameters, no page or sort,
    no empty values, in a stable order (so identical searches have identical queries)."""
    known = set(CallFilterSet.base_filters) - IGNORED_PARAMS
    pairs = sorted(
        (name, value.strip())
        for name in data
        if name in known
        for value in data.getlist(name)
        if value and value.strip()
    )
    return urlencode(pairs)


def filterset_for(query, *, queryset=None, at=None):
    return CallFilterSet(QueryDict(query), queryset=queryset, at=at)


def saved_search_query_errors(query):
    """Why these (normalized) catalogue filters cannot be saved as an alert; [] if they can.

    The catalogue's FilterSet validates them, and the selection is run once (an EXISTS), so a
    value that passes the form but that the database refuses is refused here too, not later
    in every matching run.
    """
    filterset = filterset_for(query)
    try:
        with transaction.atomic():  # a refused statement must not abort the caller's
            if filterset.is_valid():
                filterset.filtered.exists()
                return []
    except Exception:
        logger.info("Refused alert filters %r", query, exc_info=True)
        return [_("These filters cannot be saved as an alert: change them in the catalogue.")]
    fields = filterset.form.fields
    return [
        f"{fields[name].label}: {message}" if name in fields else message
        for name, messages in filterset.errors.items()
        for message in messages
    ]


def saved_search_create(*, user, name, query, frequency):
    """Save catalogue filters as an alert; returns (search, created).

    The filters are normalized here and validated by the catalogue's FilterSet
    (ValidationError with the reasons if they are not valid: nothing is saved). A person has
    one alert per set of filters (a unique constraint): saving the same filters again, by a
    double click or on purpose, gives that alert the new name and frequency and resumes it.
    A simultaneous second save finds the row the first created (get_or_create retries the
    read after the IntegrityError), so it never fails.
    """
    normalized = normalize_query(QueryDict(query))
    errors = saved_search_query_errors(normalized)
    if errors:
        raise ValidationError(errors)
    others = SavedSearch.objects.filter(user=user).exclude(query=normalized)
    if others.count() >= MAX_SEARCHES_PER_USER:
        raise ValidationError(
            _("You have %(count)d alerts, the most one person can keep. Delete one first.")
            % {"count": MAX_SEARCHES_PER_USER}
        )
    return SavedSearch.objects.update_or_create(
        user=user,
        query=normalized,
        defaults={"name": name.strip(), "frequency": frequency, "is_active": True},
    )


def match_queries(queries, calls, *, at=None):
    """{query: set of matching call pks} among `calls`; invalid queries map to None.

    Each distinct query is validated once (its FilterSet form); valid ones are evaluated
    MATCH_CHUNK at a time in one UNION ALL statement. A query that raises while validated or
    evaluated (whatever the reason: a value the database refuses, a bug in a filter) maps to
    None too and is logged with its searches' ids: one bad saved search must not stop
    everyone else's alerts. Its batch is then matched again query by query.
    """
    result = {}
    cleaned = {}
    for batch in chunked(list(dict.fromkeys(queries)), MATCH_CHUNK):
        try:
            result.update(_match_batch(batch, calls, at=at, cleaned=cleaned))
        except Exception:
            for query in batch:
                try:
                    result.update(_match_batch([query], calls, at=at, cleaned=cleaned))
                except Exception:
                    _log_failing_query(query)
                    result[query] = None
    return result


def _match_batch(queries, calls, *, at, cleaned):
    """Validate and evaluate these queries in one savepoint (see `match_queries`).

    The savepoint keeps a statement the database refuses from aborting the caller's
    transaction (PostgreSQL refuses every later statement of an aborted one).
    """
    result = {}
    valid = []
    with transaction.atomic():
        for query in queries:
            filterset = filterset_for(query, queryset=calls, at=at)
            _share_model_choice_cleaning(filterset, cleaned)
            if filterset.is_valid():
                result[query] = set()
                valid.append((query, filterset))
            else:
                result[query] = None
        if valid:
            parts = [
                filterset.filtered.order_by()
                .annotate(alert_query=Value(number, output_field=models.IntegerField()))
                .values_list("alert_query", "pk")
                for number, (_query, filterset) in enumerate(valid)
            ]
            union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
            for number, pk in union:
                result[valid[number][0]].add(pk)
    return result


def _log_failing_query(query):
    """Log a query that raised (with the traceback) and the saved searches that hold it."""
    try:
        with transaction.atomic():
            search_ids = ", ".join(
                str(pk)
                for pk in SavedSearch.objects.filter(query=query)
                .order_by("pk")
                .values_list("pk", flat=True)[:20]
            )
    except Exception:  # the query text itself may be what the database refuses
        search_ids = "?"
    logger.warning(
        "Skipping saved search(es) %s: their filters %r raise when matched",
        search_ids or "(none saved)",
        query,
        exc_info=True,
    )


def _share_model_choice_cleaning(filterset, cache):
    """Validate each model-choice value (theme=x, programme=3) once per matching run.

    Validating such a field costs a query; many distinct searches share the same values
    ("theme=x", "status=open&theme=x", "level=eu&theme=x"), so this keeps the queries to the
    distinct values. The cleaned querysets are evaluated already and used as subqueries.
    """
    for name, field in filterset.form.fields.items():
        if not isinstance(field, forms.ModelChoiceField):
            continue
        original = field.clean

        def clean(value, name=name, original=original):
            key = (name, tuple(value) if isinstance(value, (list, tuple)) else value)
            if key not in cache:
                cache[key] = original(value)
            return cache[key]

        field.clean = clean


def match_cooperatives(cooperatives, calls, *, at=None):
    """{cooperative pk: set of call pks among `calls`} by the portal's call-to-cooperative match,
    read from the stored matches (`matches.readers`): the same calls the dashboard shows,
    without those the cooperative marked "not relevant". Pending refreshes of these calls
    are applied first, so a call published a moment ago is matched.

    Only the cooperative's best `matches.engine.CALLS_KEPT` (50) calls are stored, so the
    profile alert announces a new call when it is among them: a cooperative with more
    matching calls hears about the best ones."""
    return readers.call_matches_among(
        [cooperative.pk for cooperative in cooperatives],
        list(calls.values_list("pk", flat=True)),
        at=at,
    )


def searches_with_matches(user, *, at=None):
    """The user's saved searches, each with `open_count` (matching open calls today) and
    `is_broken` (its filters are no longer valid). A few queries per page, not per search."""
    at = at or timezone.now()
    searches = list(SavedSearch.objects.filter(user=user).order_by("-created_at", "-pk"))
    matches = match_queries(
        [search.query for search in searches], Call.objects.published().open(at), at=at
    )
    for search in searches:
        found = matches[search.query]
        search.is_broken = found is None
        search.open_count = 0 if found is None else len(found)
    return searches


# --- Who wants email -----------------------------------------------------------------------


def _receiving(queryset, user_path="user"):
    """Only active people who have not stopped every email."""
    stopped = AlertPreference.objects.filter(
        user=models.OuterRef(user_path), unsubscribed_all_at__isnull=False
    )
    return queryset.filter(**{f"{user_path}__is_active": True}).filter(~models.Exists(stopped))


def _opted_out(user_ids):
    return set(
        AlertPreference.objects.filter(
            user_id__in=user_ids, unsubscribed_all_at__isnull=False
        ).values_list("user_id", flat=True)
    )


def _cooperative_alerts(**filters):
    return (
        _receiving(CooperativeAlert.objects.of_members().filter(is_active=True, **filters))
        .select_related("cooperative__main_sector")
        .prefetch_related("cooperative__sectors", "cooperative__themes")
    )


def cooperative_alerts_end(*, user_id, cooperative_id):
    """A membership ended: the person's alerts on that cooperative's profile end with it."""
    return CooperativeAlert.objects.filter(user_id=user_id, cooperative_id=cooperative_id).delete()[
        0
    ]


def membership_ended(sender, instance, **kwargs):
    """post_delete of members.Membership, whatever deleted it (the portal's removal or leave,
    the admin, a cascade, the shell): `members` knows nothing of funding, so it listens here.
    Senders also check membership at send time (`CooperativeAlert.objects.of_members`)."""
    cooperative_alerts_end(user_id=instance.user_id, cooperative_id=instance.cooperative_id)


# --- Emails ---------------------------------------------------------------------------------


def _email(*, key, kind, user, template, context, stop_kind, stop_id):
    stop_url = unsubscribe.unsubscribe_url(stop_kind, stop_id)
    return mail.OutgoingEmail(
        key=key,
        kind=kind,
        to_email=user.email,
        template=template,
        context={
            "user": user,
            "unsubscribe_url": stop_url,
            "unsubscribe_all_url": unsubscribe.unsubscribe_url("all", user.pk),
            "manage_url": absolute_url("/portal/alerts/"),
            **context,
        },
        language=language_of(user),
        recipient=user,
        headers=unsubscribe.list_unsubscribe_headers(stop_url),
    )


class CallCard:
    """A call's block in alert emails (programme, identifier, title, summary, next deadline),
    rendered once per language and reused by every email of a run that lists the call.

    A digest chunk lists the same few hundred calls in thousands of emails; rendering each
    block per email was most of a digest run's time. The block is rendered lazily, in the
    language active when an email's template reads it (`mail.render_email` sets it).
    """

    def __init__(self, call, at):
        self.call = call
        self.url = absolute_url(call.get_absolute_url())
        self.deadline = call.next_deadline_object(at)
        self.signature = self.signature_of(call, self.deadline)
        self._rendered = {}

    @staticmethod
    def signature_of(call, deadline):
        """Everything the block shows: a card whose call changed since is built again."""
        return (
            settings.SITE_URL,
            call.pk,
            call.slug,
            call.title,
            call.identifier,
            call.summary,
            call.programme.acronym,
            deadline and (deadline.pk, deadline.due_at, deadline.time_zone),
        )

    def _render(self, suffix):
        key = (suffix, translation.get_language())
        if key not in self._rendered:
            context = {"item": {"call": self.call, "url": self.url, "deadline": self.deadline}}
            template = get_template(f"emails/digest/_call.{suffix}").template
            # The text block is plain text: no autoescaping (see `mail.render_email`).
            rendered = template.render(Context(context, autoescape=suffix == "html"))
            self._rendered[key] = rendered if suffix == "html" else rendered.rstrip("\n")
        return self._rendered[key]

    @property
    def html(self):
        return mark_safe(self._render("html"))  # rendered by the template engine, escaped

    @property
    def text(self):
        return self._render("txt")


# The cards of the digest run this worker process is writing, shared by the chunks it runs (a
# run's chunks list mostly the same calls): {run's `at`: {call pk: CallCard}}, the latest run only.
_RUN_CARDS = {}


def _run_cards(calls, at):
    """The run's cards for these calls (a dict `_call_item` takes), built where missing or
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


def _call_item(call, at, reasons=(), cards=None):
    """One call of an alert email with the reasons it matched; `cards` ({call pk: CallCard})
    is shared by the emails of one run so each call's block is built once."""
    card = cards.get(call.pk) if cards is not None else None
    if card is None:
        card = CallCard(call, at)
        if cards is not None:
            cards[call.pk] = card
    return {
        "call": call,
        "url": card.url,
        "deadline": card.deadline,
        "reasons": list(reasons),
        "card": card,
    }


def _calls_for_email(call_ids):
    return (
        Call.objects.filter(pk__in=call_ids)
        .select_related("programme")
        .prefetch_related(Prefetch("deadlines", queryset=Deadline.objects.order_by("due_at")))
    )


# --- Instant alerts: outbox row at publication, fan-out after commit ------------------------


def alert_dispatch_record(*, call):
    """Inside the publishing transaction: the outbox row that will send the instant alerts."""
    dispatch, created = AlertDispatch.objects.get_or_create(
        call=call, kind=AlertDispatch.Kind.PUBLISHED
    )
    if created:
        after_commit(queue_dispatch, dispatch.pk)
    return dispatch


def unannounced_calls_record(*, now=None):
    """Record the dispatch of published calls no entry point announced; returns how many.

    The admin form and action and the import call `services.call_announce` themselves; a
    call saved as published any other way (the shell, a script) is found here by the
    periodic sweep. Only calls published in the last ANNOUNCE_WINDOW, and at least
    ANNOUNCE_GRACE ago so that the themes and sectors set after the save are in place when
    the alerts are matched. Once per call: the dispatch row is unique per call.
    """
    now = now or timezone.now()
    announced = AlertDispatch.objects.filter(
        call=models.OuterRef("pk"), kind=AlertDispatch.Kind.PUBLISHED
    )
    calls = list(
        Call.objects.published()
        .filter(published_at__gt=now - ANNOUNCE_WINDOW, published_at__lte=now - ANNOUNCE_GRACE)
        .filter(~models.Exists(announced))
        .order_by("published_at", "pk")[:500]
    )
    for call in calls:
        with transaction.atomic():
            alert_dispatch_record(call=call)
    return len(calls)


def queue_dispatch(dispatch_id):
    """Queue the fan-out; losing this is safe: the periodic sweep finds unprocessed rows."""
    queue("funding.process_alert_dispatch", dispatch_id, queue=settings.FUNDING_ALERTS_QUEUE)


def instant_recipients(call, *, at=None):
    """{user id: {"searches": [ids], "cooperative_alerts": [ids]}} for a published call."""
    at = at or timezone.now()
    one_call = Call.objects.published().filter(pk=call.pk)
    by_query = defaultdict(list)
    for search_id, user_id, query in _receiving(
        SavedSearch.objects.filter(frequency=AlertFrequency.INSTANT, is_active=True)
    ).values_list("pk", "user_id", "query"):
        by_query[query].append((search_id, user_id))
    recipients = defaultdict(lambda: {"searches": [], "cooperative_alerts": []})
    for query, found in match_queries(list(by_query), one_call, at=at).items():
        if found:
            for search_id, user_id in by_query[query]:
                recipients[user_id]["searches"].append(search_id)
    alerts = list(_cooperative_alerts(frequency=AlertFrequency.INSTANT))
    cooperatives = {alert.cooperative_id: alert.cooperative for alert in alerts}
    matched = match_cooperatives(cooperatives.values(), one_call, at=at)
    for alert in alerts:
        if matched.get(alert.cooperative_id):
            recipients[alert.user_id]["cooperative_alerts"].append(alert.pk)
    return dict(recipients)


def alert_dispatch_process(*, dispatch_id, now=None):
    """Match a published call against every instant alert and write its fan-out chunks.

    Claims the row with a conditional update (attempts + 1, committed before the work, so a
    worker that dies on it still counts); gives up after MAX_DISPATCH_ATTEMPTS claims and
    leaves it failed for staff. The chunks (`AlertChunk`, CHUNK_SIZE people each) are written
    in the same transaction that marks the dispatch processed, and queued after commit: from
    then on the work is in the database, and a chunk whose task the broker loses is queued
    again by `alert_dispatches_sweep`. Returns the number of recipients.
    """
    now = now or timezone.now()
    claimed = AlertDispatch.objects.filter(
        pk=dispatch_id, processed_at__isnull=True, failed_at__isnull=True
    ).update(attempts=F("attempts") + 1, started_at=now)
    if not claimed:
        return 0
    dispatch = AlertDispatch.objects.select_related("call").get(pk=dispatch_id)
    if dispatch.attempts > MAX_DISPATCH_ATTEMPTS:
        AlertDispatch.objects.filter(pk=dispatch_id).update(
            failed_at=now, last_error="Too many attempts: the worker stopped each time."
        )
        return 0
    recipients = instant_recipients(dispatch.call, at=now) if dispatch.call.is_published else {}
    entries = [
        [user_id, found["searches"], found["cooperative_alerts"]]
        for user_id, found in sorted(recipients.items())
    ]
    with transaction.atomic():
        # Two workers may both have matched (a redelivery racing the sweep): only the one
        # that marks the row processed writes chunks.
        if not AlertDispatch.objects.filter(pk=dispatch_id, processed_at__isnull=True).update(
            processed_at=now, recipients=len(entries)
        ):
            return 0
        chunks = AlertChunk.objects.bulk_create(
            AlertChunk(dispatch_id=dispatch_id, entries=batch, times_queued=1, queued_at=now)
            for batch in chunked(entries, CHUNK_SIZE)
        )
        # bulk_create returns the pks on PostgreSQL and SQLite (RETURNING).
        after_commit(_queue_chunks, [chunk.pk for chunk in chunks])
    return len(entries)


def _queue_chunks(chunk_ids):
    for chunk_id in chunk_ids:
        queue_alert_chunk(chunk_id)


def queue_alert_chunk(chunk_id):
    """Queue one chunk; losing this is safe: the sweep re-queues chunks left pending."""
    queue("funding.send_alert_chunk", chunk_id, queue=settings.FUNDING_ALERTS_QUEUE)


def alert_chunk_send(*, chunk_id, at=None):
    """Write the alert emails of one chunk and mark it done, in one transaction.

    Counts an attempt first (committed), so a chunk that keeps killing its worker is failed
    after MAX_DISPATCH_ATTEMPTS instead of being re-queued for ever. A chunk already done
    (a duplicate message, a re-queue racing the first run) writes nothing. Returns new emails.
    """
    at = at or timezone.now()
    pending = AlertChunk.objects.filter(pk=chunk_id, state=AlertChunk.State.PENDING)
    if not pending.update(attempts=F("attempts") + 1):
        return 0
    chunk = AlertChunk.objects.select_related("dispatch").get(pk=chunk_id)
    if chunk.attempts > MAX_DISPATCH_ATTEMPTS:
        pending.update(state=AlertChunk.State.FAILED, done_at=at)
        logger.error("Alert chunk %s failed: the worker stopped on each attempt", chunk_id)
        return 0
    with transaction.atomic():
        written = call_alerts_send(call_id=chunk.dispatch.call_id, entries=chunk.entries, at=at)
        pending.update(state=AlertChunk.State.DONE, done_at=at, emails=F("emails") + written)
    return written


def call_alert_key(user_id, call_id):
    return f"call-alert:user-{user_id}:call-{call_id}"


def call_alerts_send(*, call_id, entries, at=None):
    """Write one alert email per person for a call (whatever number of their alerts matched).

    `entries` are [user id, [saved search ids], [cooperative alert ids]]. Returns new emails.
    """
    at = at or timezone.now()
    call = (
        _calls_for_email([call_id])
        .filter(publication_state=Call.PublicationState.PUBLISHED)
        .first()
    )
    if call is None:
        return 0
    known = mail.existing_keys(call_alert_key(entry[0], call_id) for entry in entries)
    todo = [entry for entry in entries if call_alert_key(entry[0], call_id) not in known]
    if not todo:
        return 0
    users = get_user_model().objects.in_bulk([entry[0] for entry in todo])
    stopped = _opted_out(list(users))
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
        item = _call_item(call, at, reasons, cards)
        emails.append(
            _email(
                key=call_alert_key(user_id, call_id),
                kind="call-alert",
                user=user,
                template="call_alert",
                context={"item": item, "item_list": [item], "searches": matched},
                stop_kind=stop[0],
                stop_id=stop[1],
            )
        )
    with transaction.atomic():
        return mail.delivery_enqueue(emails)


def alert_dispatches_sweep(*, now=None):
    """Queue again the work whose task was lost (a broker that dropped its queue, a kick that
    failed) or whose worker died: dispatch rows not processed, and chunks still pending.

    A pending chunk may merely be waiting in a long broker queue, so each re-queue waits
    longer than the one before (CHUNK_REQUEUE_AFTER, doubled per time queued, at most
    CHUNK_REQUEUE_MAX): a lost chunk is found within a minute or two, and a backlog does not
    fill the broker with copies. Returns the number of dispatches and chunks queued.
    """
    now = now or timezone.now()
    unannounced_calls_record(now=now)  # published from the shell: the dispatch they lack
    stale = AlertDispatch.objects.filter(processed_at__isnull=True, failed_at__isnull=True).filter(
        Q(started_at__isnull=True, created_at__lt=now - datetime.timedelta(minutes=1))
        | Q(started_at__lt=now - DISPATCH_STALE_AFTER)
    )
    ids = list(stale.values_list("pk", flat=True)[:500])
    for dispatch_id in ids:
        queue_dispatch(dispatch_id)
    pending = AlertChunk.objects.filter(
        state=AlertChunk.State.PENDING, queued_at__lt=now - CHUNK_REQUEUE_AFTER
    ).order_by("queued_at", "pk")
    requeue = [
        chunk_id
        for chunk_id, queued_at, times in pending.values_list("pk", "queued_at", "times_queued")[
            :2000
        ]
        if queued_at < now - min(CHUNK_REQUEUE_AFTER * 2 ** max(times - 1, 0), CHUNK_REQUEUE_MAX)
    ][:500]
    if requeue:
        AlertChunk.objects.filter(pk__in=requeue).update(
            queued_at=now, times_queued=F("times_queued") + 1
        )
        for chunk_id in requeue:
            queue_alert_chunk(chunk_id)
    return len(ids) + len(requeue)


# --- Digests -------------------------------------------------------------------------------


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
    searchers = _receiving(
        SavedSearch.objects.filter(frequency=frequency, is_active=True)
    ).values_list("user_id", flat=True)
    members = _receiving(
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
    found = match_queries(list(queries), candidates, at=at)
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
            found.update(match_queries(missing, candidates, at=at))
        for search in searches:
            for call_id in found[search.query] or ():
                if call_id in new_calls:  # the run's window may be wider than this chunk's
                    matched[search.user_id][call_id].append(search.name)
        alerts = list(_cooperative_alerts(frequency=frequency, user_id__in=todo))
        cooperatives = {alert.cooperative_id: alert.cooperative for alert in alerts}
        by_cooperative = match_cooperatives(cooperatives.values(), candidates, at=at)
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
    calls = {call.pk: call for call in _calls_for_email(wanted_calls)} if wanted_calls else {}
    users = get_user_model().objects.in_bulk(todo)
    stopped = _opted_out(todo)
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
            _call_item(calls[call_id], at, per_user[user_id][call_id], cards)
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
            _email(
                key=digest_key(frequency, user_id, period),
                kind=f"digest-{frequency}",
                user=user,
                template="digest",
                context={
                    "items": items,
                    "call_count": len(newest_first),
                    "more_count": len(newest_first) - len(items),
                    "frequency": frequency,
                    "since": since[user_id],
                },
                stop_kind=f"alerts-{frequency}",
                stop_id=user_id,
            )
        )
    with transaction.atomic():
        DigestRun.objects.bulk_create(runs, ignore_conflicts=True)
        return mail.delivery_enqueue(emails)


# --- Deadline reminders --------------------------------------------------------------------


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
    follows = _receiving(follows).filter(~models.Exists(no_reminders))
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
    calls = {call.pk: call for call in _calls_for_email({follow.call_id for follow in follows})}
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
                _email(
                    key=reminder_key(follow.user_id, deadline.pk, offset),
                    kind="deadline-reminder",
                    user=follow.user,
                    template="deadline_reminder",
                    context={
                        "item": _call_item(call, at, cards=cards),
                        "deadline": deadline,
                        "days_left": days_left,
                    },
                    stop_kind="reminders",
                    stop_id=follow.user_id,
                )
            )
    known = mail.existing_keys(email.key for email in emails)
    emails = [email for email in emails if email.key not in known]
    with transaction.atomic():
        return mail.delivery_enqueue(emails)


# --- Preferences ---------------------------------------------------------------------------


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
for _frequency in AlertFrequency.values:
    unsubscribe.register(
        f"alerts-{_frequency}",
        describe=partial(_describe_frequency, _frequency),
        stop=partial(_stop_frequency, _frequency),
    )
unsubscribe.register(
    "reminders",
    describe=_describe_reminders,
    stop=lambda pk: reminders_set(user_id=pk, enabled=False),
)
unsubscribe.register("all", describe=_describe_all, stop=lambda pk: alerts_stop_all(user_id=pk))
