"""Sending the email ledger: claimed batches, leases, retries (see `core.mail` for writing).

Senders claim small batches (BATCH_SIZE) with a conditional update (`SELECT ... FOR UPDATE
SKIP LOCKED` on PostgreSQL), so two workers never send the same row.

A claim is a lease of LEASE (60 s), renewed before every message, and a sender sends a row
only if it still holds it: a live but slow sender never loses its rows to the sweep, and
never sends one the sweep gave to another sender. A killed sender's rows wait for the lease
to run out, then the sweep (every 15 s) gives them back: a crash delays mail about a minute.

Delivery is at-least-once with a window of one message per crash: each row is marked sent
in its own statement right after the SMTP server's "250", so only a sender killed between
reading that answer and that update (about a millisecond) leaves a row that is sent again.
"""

import logging
import smtplib
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from core.models import Delivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_MINUTES = [1, 5, 15, 60, 180]
# Rows one claim takes: what a killed sender leaves waiting for its lease to run out.
BATCH_SIZE = 10
# How long a claim holds without renewal. Each message renews it, so it must stay well above
# one SMTP send (EMAIL_TIMEOUT, 20 s, per network operation); the sweep's period adds to it.
LEASE = timedelta(seconds=60)
STALE_AFTER = LEASE


def delivery_claim_batch(*, limit=BATCH_SIZE, now=None):
    """Claim up to `limit` due rows for this sender; returns them (state SENDING).

    The rows share a claim token and a lease (`claimed_at`) that `delivery_send` renews.
    """
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
    lease_renew(delivery.claim_token)
    if not mine.filter(state=Delivery.State.SENDING).exists():
        # The lease ran out (this sender was stalled longer than LEASE) and the sweep gave
        # the row to another sender: sending now could send it twice.
        logger.warning("Delivery %s: lease lost, left to another sender", delivery.key)
        return None
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


def lease_renew(token):
    """Extend the lease of the rows this sender still holds (the rest of its batch).

    Each row is either renewed here or taken back by the sweep (both are conditional updates
    of the row), so a row still held after this call is safe from the sweep for LEASE.
    """
    return Delivery.objects.filter(claim_token=token, state=Delivery.State.SENDING).update(
        claimed_at=timezone.now()
    )


def delivery_send_due(*, batch_size=BATCH_SIZE, max_batches=50):
    """Send due rows in small claimed batches over one SMTP session; returns (sent, left due)."""
    sent = 0
    mail_connection = None
    try:
        for _batch in range(max_batches):
            claimed = delivery_claim_batch(limit=batch_size)
            if not claimed:
                break
            if mail_connection is None:
                mail_connection = get_connection()
                try:
                    # One SMTP session for the run. If it cannot be opened, each send tries
                    # again and records the error on its own row.
                    mail_connection.open()
                except (smtplib.SMTPException, OSError):
                    logger.warning("SMTP connection failed", exc_info=True)
            for delivery in claimed:
                if delivery_send(delivery, mail_connection=mail_connection) == Delivery.State.SENT:
                    sent += 1
    finally:
        if mail_connection is not None:
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
