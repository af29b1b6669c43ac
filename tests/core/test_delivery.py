"""The email ledger: written once per key, claimed once, retried on transient errors only."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.utils import timezone

from core import emails, mail, sending
from core.emails import EmailKind
from core.models import Delivery
from core.tasks import send_queued_deliveries, sweep_deliveries
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db


NOTICE = EmailKind("notice", "notice", "A test notice")


@pytest.fixture
def email_templates(tmp_path, settings, monkeypatch):
    """A minimal kind of email with its templates, registered for the test only, so the
    ledger is tested apart from any feature's emails."""
    monkeypatch.setitem(emails._KINDS, NOTICE.name, NOTICE)
    folder = tmp_path / "emails" / "notice"
    folder.mkdir(parents=True)
    (folder / "subject.txt").write_text("{% load i18n %}{% translate 'Sign out' %}: {{ title }}\n")
    (folder / "body.txt").write_text("{{ title }} — {{ site_url }}/calls/\n")
    (folder / "body.html").write_text(
        '{% extends "emails/base.html" %}{% block content %}<p>{{ title }}</p>{% endblock %}'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    return folder


def notice(key="notice:1", to="anna@coop.example", language="it", recipient=None):
    return NOTICE.email(
        key=key,
        to_email=to,
        person=recipient,
        context={"title": "Horizon Europe"},
        language=language,
    )


def test_an_email_is_rendered_in_the_recipients_language_and_sent_after_commit(
    email_templates, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        assert mail.delivery_enqueue([notice(language="it")]) == 1
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "Esci: Horizon Europe"
    assert "http://" in message.body and "/calls/" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    row = Delivery.objects.get()
    assert row.state == Delivery.State.SENT
    assert row.attempts == 1
    assert row.sent_at is not None


def test_the_same_reason_never_produces_a_second_email(
    email_templates, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        mail.delivery_enqueue([notice(), notice()])
    with django_capture_on_commit_callbacks(execute=True):
        assert mail.delivery_enqueue([notice()]) == 0
    send_queued_deliveries()
    assert len(mailoutbox) == 1
    assert Delivery.objects.count() == 1


def test_english_recipient_gets_english(email_templates, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail.delivery_enqueue([notice(language="en")])
    assert django_mail.outbox[0].subject == "Sign out: Horizon Europe"


def test_a_claimed_batch_is_not_claimed_again(email_templates):
    mail.delivery_enqueue([notice(key=f"notice:{n}") for n in range(5)])
    first = sending.delivery_claim_batch(limit=3)
    second = sending.delivery_claim_batch(limit=10)
    assert len(first) == 3
    assert len(second) == 2
    assert not {row.pk for row in first} & {row.pk for row in second}
    assert sending.delivery_claim_batch(limit=10) == []


def test_transient_smtp_error_is_retried_later(email_templates, monkeypatch):
    mail.delivery_enqueue([notice()])

    def busy(*args, **kwargs):
        raise smtplib.SMTPResponseException(451, b"try again later")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", busy)
    send_queued_deliveries()
    row = Delivery.objects.get()
    assert row.state == Delivery.State.QUEUED
    assert row.attempts == 1
    assert "451" in row.last_error
    assert row.next_attempt_at > timezone.now()


def test_connection_error_is_transient(email_templates, monkeypatch):
    mail.delivery_enqueue([notice()])
    monkeypatch.setattr(
        "django.core.mail.EmailMultiAlternatives.send",
        lambda *a, **k: (_ for _ in ()).throw(ConnectionRefusedError("refused")),
    )
    send_queued_deliveries()
    assert Delivery.objects.get().state == Delivery.State.QUEUED


def test_permanent_smtp_error_fails_at_once(email_templates, monkeypatch):
    mail.delivery_enqueue([notice()])

    def refused(*args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"anna@coop.example": (550, b"no such user")})

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refused)
    send_queued_deliveries()
    row = Delivery.objects.get()
    assert row.state == Delivery.State.FAILED
    assert "550" in row.last_error


def test_rows_left_sending_by_a_dead_worker_are_sent_by_the_sweep(email_templates, mailoutbox):
    mail.delivery_enqueue([notice()])
    claimed = sending.delivery_claim_batch(limit=10)
    assert claimed  # ...and the worker dies here, before sending
    Delivery.objects.update(claimed_at=timezone.now() - timedelta(minutes=30))
    sweep_deliveries()
    row = Delivery.objects.get()
    assert row.state == Delivery.State.SENT
    assert len(mailoutbox) == 1


def test_a_row_out_of_attempts_is_failed_by_the_sweep(email_templates):
    mail.delivery_enqueue([notice()])
    sending.delivery_claim_batch(limit=1)
    Delivery.objects.update(
        claimed_at=timezone.now() - timedelta(hours=1), attempts=sending.MAX_ATTEMPTS
    )
    sweep_deliveries()
    assert Delivery.objects.get().state == Delivery.State.FAILED


def test_staff_can_resend_a_failed_email_from_the_admin(
    email_templates, staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    mail.delivery_enqueue([notice()])
    Delivery.objects.update(state=Delivery.State.FAILED, last_error="550 no such user")
    row = Delivery.objects.get()
    changelist = staff_client.get("/admin/core/delivery/?state__exact=failed")
    assert "anna@coop.example" in changelist.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/admin/core/delivery/",
            {"action": "resend", "_selected_action": [row.pk]},
        )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == Delivery.State.SENT
    assert len(mailoutbox) == 1


def test_members_cannot_see_the_ledger(client, email_templates):
    client.force_login(UserFactory(verified=True))
    response = client.get("/admin/core/delivery/")
    assert response.status_code == 302  # to the admin login


def test_headers_such_as_list_unsubscribe_are_sent(
    email_templates, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    newsletter = EmailKind("newsletter", "notice", "A test newsletter", unsubscribe=True)
    monkeypatch.setitem(emails._KINDS, newsletter.name, newsletter)
    person = UserFactory(email="anna@coop.example")
    email = newsletter.email(
        key="newsletter:1", person=person, context={"title": "x"}, stop=("all", person.pk)
    )
    with django_capture_on_commit_callbacks(execute=True):
        mail.delivery_enqueue([email])
    headers = mailoutbox[0].extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        headers["List-Unsubscribe"].startswith("<http")
        and "/unsubscribe/" in headers["List-Unsubscribe"]
    )
