"""End to end through a real SMTP server (aiosmtpd) on loopback."""

import email
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from core import mail
from core.models import Delivery
from tests.core.test_delivery import email_templates, notice  # noqa: F401

pytestmark = pytest.mark.django_db


class Sink(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    yield sink
    controller.stop()


def test_email_reaches_a_real_smtp_server_once(
    email_templates,  # noqa: F811
    smtp_server,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        mail.delivery_enqueue([notice(language="en")])
    with django_capture_on_commit_callbacks(execute=True):
        mail.delivery_enqueue([notice(language="en")])
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received["To"] == "anna@coop.example"
    assert received["Subject"] == "Sign out: Horizon Europe"
    assert received.is_multipart()
    parts = [part.get_content_type() for part in received.walk()]
    assert "text/plain" in parts and "text/html" in parts
    assert Delivery.objects.get().state == Delivery.State.SENT
    assert email.utils.parseaddr(received["From"])[1] == "noreply@innovacoop.example"


def test_unreachable_smtp_server_leaves_the_email_queued(
    email_templates,  # noqa: F811
    settings,
    django_capture_on_commit_callbacks,
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    settings.EMAIL_TIMEOUT = 2
    with django_capture_on_commit_callbacks(execute=True):
        mail.delivery_enqueue([notice()])
    row = Delivery.objects.get()
    assert row.state == Delivery.State.QUEUED
    assert row.attempts == 1
    assert row.last_error
