"""Alerts end to end: through a real SMTP server (aiosmtpd), and the embedded default's files."""

import datetime

import pytest
from django.utils import timezone

from core.models import Delivery
from funding import services
from funding.models import Call, SavedSearch
from innovacoop.celery import app
from tests.core.factories import UserFactory
from tests.core.test_delivery_smtp import smtp_server  # noqa: F401
from tests.funding.factories import CallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager_tasks():
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def publish_with_alert(django_capture_on_commit_callbacks, language="en"):
    user = UserFactory(language=language)
    SavedSearch.objects.create(user=user, name="Everything", query="", frequency="instant")
    call = CallFactory(
        publication_state=Call.PublicationState.DRAFT,
        title="Circular textiles",
        deadlines=[timezone.now() + datetime.timedelta(days=20)],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.calls_publish(calls=Call.objects.filter(pk=call.pk))
    return user, call


def test_instant_alert_reaches_a_real_smtp_server_once_with_one_click_headers(
    smtp_server,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    user, call = publish_with_alert(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.calls_publish(calls=Call.objects.filter(pk=call.pk))
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received["To"] == user.email
    assert received["Subject"] == "New call: Circular textiles"
    assert received["List-Unsubscribe"].strip().startswith("<http://127.0.0.1:8000/unsubscribe/")
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert {part.get_content_type() for part in received.walk()} >= {"text/plain", "text/html"}
    assert Delivery.objects.get().state == Delivery.State.SENT


def test_embedded_default_writes_the_alert_as_a_file(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    publish_with_alert(django_capture_on_commit_callbacks, language="it")
    files = list(tmp_path.iterdir())
    assert len(files) == 1
    content = files[0].read_text()
    assert "Nuovo bando: Circular textiles" in content
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in content
