"""Email subjects and plain-text parts carry what people typed as typed; HTML parts escape it.

A request titled "R&D 'x'" used to arrive as "R&amp;D &#x27;x&#x27;" in the subject and the
text part, because they were rendered with HTML autoescaping (core.mail.render_email).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.core import mail as django_mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core.mail import render_email
from core.models import Delivery
from members.services import invitation_create
from partnerships.models import PartnershipRequest
from tests.core.factories import UserFactory
from tests.partnerships.factories import PartnershipRequestFactory

pytestmark = pytest.mark.django_db

PAYLOAD = "R&D 'x' \"y\" <b>z</b> > l'economia"
ESCAPED_FORMS = ("&amp;", "&#x27;", "&#39;", "&quot;", "&lt;", "&gt;")
EMAILS_DIR = Path(settings.BASE_DIR) / "templates" / "emails"
KINDS = sorted(path.name for path in EMAILS_DIR.iterdir() if path.is_dir())
SUBJECTS_WITHOUT_TYPED_TEXT = {"digest", "matchmaking_digest", "staff_work_digest"}
# The steps of an expression of interest, each with its own subject.
INTEREST_STEPS = ["received", "sent", "accepted_owner", "accepted_sender", "declined"]
NOT_FROM_USERS = {"site_url", "language", "True", "False", "None"}


# Variables the templates use as dates or numbers (|date, blocktranslate count, |add).
DATES = {"expires_at", "interest_deadline"}
NUMBERS = {
    "days_left",
    "request_count",
    "interest_count",
    "more_requests",
    "call_count",
    "more_count",
    # The staff's daily email: items waiting and arrived, per list and in all.
    "arrived",
    "waiting",
    "count",
}


def value_for(name):
    if name in DATES:
        return timezone.now()
    if name in NUMBERS:
        return 2
    return Typed()


class Typed:
    """Whatever a template asks of it (an attribute, a key, a call, a loop) is the payload:
    every variable an email template shows becomes text a person typed."""

    def __str__(self):
        return PAYLOAD

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return value_for(name)

    def __getitem__(self, key):
        return value_for(key)

    def __call__(self):
        return self

    def __iter__(self):
        return iter([self])

    def __len__(self):
        return 1


def typed_context(kind):
    """Every identifier in the kind's templates (and the includes they share) as a Typed."""
    source = "".join(
        path.read_text() for path in [*(EMAILS_DIR / kind).iterdir(), EMAILS_DIR / "base.html"]
    )
    names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", source)) - NOT_FROM_USERS
    return {name: value_for(name) for name in names}


def assert_plain(text, where, *, carries=True):
    if carries:
        assert PAYLOAD in text, where
    for form in ESCAPED_FORMS:
        assert form not in text, (where, form)


def assert_html_escaped(html, where):
    assert escape(PAYLOAD) in html, where
    assert PAYLOAD not in html, where
    assert "<b>z</b>" not in html, where


def test_every_kind_of_email_is_known():
    assert set(KINDS) >= {
        "call_alert",
        "deadline_reminder",
        "digest",
        "invitation",
        "matchmaking_digest",
        "partnership_interest",
        "partnership_request_state",
        "startup_application",
    }


def kinds_and_variants():
    for kind in KINDS:
        if kind == "partnership_interest":
            yield from ((kind, {"step": step}) for step in INTEREST_STEPS)
        else:
            yield kind, {}


@pytest.mark.parametrize(("kind", "variant"), list(kinds_and_variants()))
@pytest.mark.parametrize("language", ["it", "en"])
def test_each_kind_keeps_typed_text_raw_in_subject_and_text_and_escapes_it_in_html(
    kind, variant, language
):
    subject, text, html = render_email(kind, {**typed_context(kind), **variant}, language)
    # Some subjects name no typed text (e.g. "Your daily alert: 2 new calls").
    assert_plain(subject, f"{kind} subject", carries=kind not in SUBJECTS_WITHOUT_TYPED_TEXT)
    assert_plain(text, f"{kind} text")
    assert_html_escaped(html, f"{kind} html")


def test_a_request_state_email_through_the_service(client, coop, coop_editor):
    partnership = PartnershipRequestFactory(
        owner=coop, title="R&D 'x' <Bando per l'economia circolare>", state="draft"
    )
    client.force_login(coop_editor)
    client.post(reverse("partnerships:request-submit", kwargs={"pk": partnership.pk}))
    assert PartnershipRequest.objects.get(pk=partnership.pk).state == "submitted"
    delivery = Delivery.objects.get(kind="partnership-request", to_email=coop_editor.email)
    assert "R&D 'x' <Bando per l'economia circolare>" in delivery.subject
    assert "R&D 'x' <Bando per l'economia circolare>" in delivery.body_text
    assert "R&amp;D &#x27;x&#x27; &lt;Bando per l&#x27;economia circolare&gt;" in (
        delivery.body_html
    )


def test_an_invitation_email_through_the_service(coop, coop_admin):
    coop_admin.full_name = 'Anna "D\'Amico" & <soci>'
    coop_admin.save()
    invitation_create(
        cooperative=coop, email="nuovo@esempio.example", role="viewer", invited_by=coop_admin
    )
    delivery = Delivery.objects.get(kind="invitation")
    assert 'Anna "D\'Amico" & <soci>' in delivery.body_text
    assert escape('Anna "D\'Amico" & <soci>') in delivery.body_html
    for form in ESCAPED_FORMS:
        assert form not in delivery.subject + delivery.body_text


def test_allauth_emails_are_plain_text_too(client):
    site = Site.objects.get_current()
    site.name = "Coop R&D 'Emilia'"
    site.save()
    Site.objects.clear_cache()
    UserFactory(email="persona@esempio.example", verified=True)
    client.post(reverse("account_reset_password"), {"email": "persona@esempio.example"})
    (message,) = django_mail.outbox
    assert "Coop R&D 'Emilia'" in message.body
    for form in ESCAPED_FORMS:
        assert form not in message.subject + message.body
