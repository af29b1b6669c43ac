"""Email delivery through a ledger (outbox): write first, send after, never twice.

Callers build emails with a registered `core.emails.EmailKind` (`kind.email(...)`) and hand
them to `delivery_enqueue()` inside the transaction of the change that causes them. Each row's unique key names recipient and
reason, so a job that runs twice (a second beat tick, a redelivered task) writes nothing
new. After commit a sender task is queued; if that kick is lost (the process dies, the
broker is down, the broker loses its queue) the periodic sweep finds the rows. Sending is
`core.sending` (claims, leases, retries), run by the tasks in `core.tasks`: this module sits
above both, so the dependencies point one way (mail -> tasks -> sending).
"""

import re

from django.conf import settings
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from core.batching import chunked
from core.emails import registered
from core.models import Delivery
from core.queueing import after_commit, queue
from core.tasks import send_queued_deliveries


def render_email(template, context, language):
    """Subject, plain text and HTML of an email, in `language`, with absolute links.

    Only the HTML part is HTML-escaped. The subject and the text part are plain text: they
    are rendered with autoescaping off (here, for every template, so no `.txt` can forget
    `{% autoescape off %}`), else a title "R&D 'x'" would arrive as "R&amp;D &#x27;x&#x27;".
    """
    full_context = {"site_url": settings.SITE_URL, "language": language, **context}
    with translation.override(language):
        subject = _render_plain_text(f"emails/{template}/subject.txt", full_context)
        text = _render_plain_text(f"emails/{template}/body.txt", full_context)
        html = render_to_string(f"emails/{template}/body.html", full_context)
    return re.sub(r"\s+", " ", subject).strip(), text.strip() + "\n", html


def _render_plain_text(template_name, context):
    # The backend's template wraps a django.template.base.Template, which takes a Context
    # whose autoescape flag every {% include %} inherits.
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def existing_keys(keys):
    """The subset of `keys` already in the ledger: lets callers skip rendering known emails."""
    found = set()
    for chunk in chunked(keys, 500):
        found.update(Delivery.objects.filter(key__in=chunk).values_list("key", flat=True))
    return found


def delivery_enqueue(emails):
    """Write the emails to the ledger (known keys are ignored) and queue a sender after commit.

    Returns the number of emails that were new. An email of a kind no app registered
    (`core.emails`) is refused with LookupError before anything is written.
    """
    emails = list(emails)
    if not emails:
        return 0
    for email in emails:
        registered(email.kind)
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
        after_commit(kick_sender)
    return len(rows)


def kick_sender():
    """Queue a sender task; losing this is safe because the periodic sweep finds the rows.

    Called after commit (`after_commit(kick_sender)`); the benchmarks replace it to
    measure writing emails without sending them.
    """
    queue(send_queued_deliveries)


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
        after_commit(kick_sender)
    return count
