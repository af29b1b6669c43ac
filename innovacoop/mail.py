"""Email delivery through a ledger (outbox): write first, send after, never twice.

Callers describe emails with `OutgoingEmail` and hand them to `delivery_enqueue()` inside
the transaction of the change that causes them. Each row's unique key names recipient and
reason, so a job that runs twice (a second beat tick, a redelivered task) writes nothing
new. After commit a sender task is queued; if that kick is lost (the process dies, the
broker is down) the periodic sweep finds the rows. Senders claim rows in batches with a
conditional update (`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL), so two workers
never send the same row.

One caveat no ledger removes: if a worker dies after the SMTP server accepted a message
but before the row is marked sent, the sweep sends it again. The window is one message.
"""

import logging
import re
import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from innovacoop.models import Delivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_MINUTES = [1, 5, 15, 60, 180]
STALE_AFTER = timedelta(minutes=10)


@dataclass
class OutgoingEmail:
    """An email to write to the ledger: rendered from templates/emails/<template>/."""

    key: str
    kind: str
    to_email: str
    template: str
    context: dict = field(default_factory=dict)
    language: str = settings.LANGUAGE_CODE
    recipient: object = None
    headers: dict = field(default_factory=dict)


def render_email(template, context, language):
    """Subject, plain text and HTML of an email, in `language`, with absolute links."""
    full_context = {"site_url": settings.SITE_URL, "language": language, **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}/subject.txt", full_context)
        text = render_to_string(f"emails/{template}/body.txt", full_context)
        html = render_to_string(f"emails/{template}/body.html", full_context)
    return re.sub(r"\s+", " ", subject).strip(), text.strip() + "\n", html


def existing_keys(keys):
    """The subset of `keys` already in the ledger: lets callers skip rendering known emails."""
    found = set()
    keys = list(keys)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(Delivery.objects.filter(key__in=chunk).values_list("key", flat=True))
    return found


def delivery_enqueue(emails):
    """Write the emails to the ledger (known keys are ignored) and queue a sender after commit.

    Returns the number of emails that were new.
    """
    emails = list(emails)
    if not emails:
        return 0
    known = existing_keys(email.key for email in emails)
    rows = []
    seen = set(known)
    for email in emails:
        if email.key in seen:
            continue
        seen.add(email.key)
        subject, text, html = render_email(email.template, email.context, email.language)
        rows.append(
            Delivery(
                key=email.key,
                kind=email.kind,
                recipient=email.recipient,
                to_email=email.to_email,
                language=email.language,
                subject=subject[:255],
                body_text=text,
                body_html=html,
                headers=email.headers,
            )
        )
    # A concurrent writer may have added some of the same keys since we looked.
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    if rows:
        transaction.on_commit(kick_sender)
    return len(rows)


def kick_sender():
    """Queue a sender task; losing this is safe because the periodic sweep finds the rows."""
    from innovacoop.tasks import send_queued_deliveries

    try:
        send_queued_deliveries.delay()
    except Exception:
        logger.warning("Could not queue the email sender; the sweep will", exc_info=True)


def delivery_claim_batch(*, limit=100, now=None):
    """Claim up to `limit` due rows for this sender; returns them (state SENDING)."""
    now = now or timezone.now()
    token = uuid.uuid4()
    with transaction.atomic():
        due = Delivery.objects.due(now).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:limit])
        if not ids:
            return []
        # The state condition makes the claim safe even where SKIP LOCKED does not exist.
        Delivery.objects.filter(id__in=ids, state=Delivery.State.QUEUED).update(
            state=Delivery.State.SENDING,
            claimed_at=now,
            claim_token=token,
            attempts=F("attempts") + 1,
        )
    return list(Delivery.objects.filter(claim_token=token).order_by("id"))


def is_permanent_failure(exc):
    """SMTP 5xx answers will not get better by retrying; everything else might."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def delivery_send(delivery, *, mail_connection=None):
    """Send one claimed row and record the outcome on it (only if this sender still holds it)."""
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to_email],
        headers=delivery.headers or None,
        connection=mail_connection,
    )
    if delivery.body_html:
        message.attach_alternative(delivery.body_html, "text/html")
    mine = Delivery.objects.filter(pk=delivery.pk, claim_token=delivery.claim_token)
    now = timezone.now()
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:  # OSError covers timeouts and refusals
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if is_permanent_failure(exc) or delivery.attempts >= MAX_ATTEMPTS:
            mine.update(state=Delivery.State.FAILED, last_error=error, claim_token=None)
            logger.warning("Delivery %s failed for good: %s", delivery.key, error)
            return Delivery.State.FAILED
        wait = BACKOFF_MINUTES[min(delivery.attempts, len(BACKOFF_MINUTES)) - 1]
        mine.update(
            state=Delivery.State.QUEUED,
            last_error=error,
            next_attempt_at=now + timedelta(minutes=wait),
            claim_token=None,
        )
        logger.info("Delivery %s will be retried in %s min: %s", delivery.key, wait, error)
        return Delivery.State.QUEUED
    mine.update(state=Delivery.State.SENT, sent_at=now, last_error="", claim_token=None)
    return Delivery.State.SENT


def delivery_send_due(*, batch_size=100, max_batches=5):
    """Send due rows in a few bounded batches; returns (sent, rows left due)."""
    sent = 0
    for _batch in range(max_batches):
        claimed = delivery_claim_batch(limit=batch_size)
        if not claimed:
            break
        mail_connection = get_connection()
        try:
            # One SMTP session for the batch. If it cannot be opened, each send tries again
            # and records the error on its own row.
            mail_connection.open()
        except (smtplib.SMTPException, OSError):
            logger.warning("SMTP connection failed", exc_info=True)
        try:
            for delivery in claimed:
                if delivery_send(delivery, mail_connection=mail_connection) == Delivery.State.SENT:
                    sent += 1
        finally:
            mail_connection.close()
    remaining = Delivery.objects.due(timezone.now()).exists()
    return sent, remaining


def delivery_sweep(*, now=None):
    """Give rows back that a dead worker left in SENDING; fail those out of attempts."""
    now = now or timezone.now()
    stale = Delivery.objects.stale(now - STALE_AFTER)
    failed = stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        state=Delivery.State.FAILED,
        last_error="The sending worker stopped before finishing (too many attempts).",
        claim_token=None,
    )
    requeued = stale.update(state=Delivery.State.QUEUED, next_attempt_at=now, claim_token=None)
    return requeued, failed


def delivery_resend(queryset):
    """Staff action: queue failed (or sent) rows again, with fresh attempts."""
    count = queryset.exclude(state=Delivery.State.SENDING).update(
        state=Delivery.State.QUEUED,
        attempts=0,
        next_attempt_at=timezone.now(),
        last_error="",
        claim_token=None,
    )
    if count:
        transaction.on_commit(kick_sender)
    return count
