"""Assembling alert emails: the common context and one-click unsubscribe headers, and a
call's block (`CallCard`) rendered once and shared by the emails that list the call.

Every email goes through the delivery ledger (`core.mail`) with a key naming recipient and
reason (the keys are made by the instant alerts, digests and reminders), so re-running any
job sends nothing twice.
"""

from django.conf import settings
from django.db.models import Prefetch
from django.template import Context
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import mark_safe

from core.links import absolute_url
from funding.models import Call, Deadline


def alert_email(kind, *, key, user, context, stop):
    """An alert email of `kind` (a `funding.emails` kind) to `user`; `stop` is the (kind, id)
    its unsubscribe link stops."""
    return kind.email(key=key, person=user, context=context, stop=stop)


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
            # Both languages: the block is rendered in each reader's (with fallback).
            call.title_it,
            call.title_en,
            call.identifier,
            call.summary_it,
            call.summary_en,
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


def call_item(call, at, reasons=(), cards=None):
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


def calls_for_email(call_ids):
    return (
        Call.objects.filter(pk__in=call_ids)
        .select_related("programme")
        .prefetch_related(Prefetch("deadlines", queryset=Deadline.objects.order_by("due_at")))
    )
