"""The admin in Italian has no English left: the index and the key pages of the third-party
apps (periodic tasks, e-mail addresses, change history, import and export) render none of the
English labels staff used to meet there."""

import re
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from tests.members.factories import CooperativeFactory

pytestmark = pytest.mark.django_db

# Labels seen in English on the Italian admin before the project's catalogue supplied them.
ENGLISH = [
    "Periodic Tasks",
    "Periodic tasks",
    "Clocked",
    "Solar events",
    "Crontabs",
    "Intervals",
    "Accounts",
    "Model name",
    "Add link",
    "Change or view list link",
    "Task Name",
    "Last Run Datetime",
    "Start Datetime",
    "Interval Schedule",
    "Crontab Schedule",
    "Positional Arguments",
    "Keyword Arguments",
    "Execution Options",
    "Run selected tasks",
    "Enable selected tasks",
    "Total Run Count",
    "Changed by",
    "Change reason",
    "Choose a date from the list below",
    "This exporter will export the following fields",
    "Select all",
    "Sunrise",
    "Solar noon",
]


def visible_text(response):
    """The page's text and its titles and labels, without scripts and styles."""
    html = re.sub(
        r"<script.*?</script>|<style.*?</style>", "", response.content.decode(), flags=re.S
    )
    attributes = re.findall(r'(?:title|aria-label|placeholder)="([^"]+)"', html)
    return unescape(re.sub(r"<[^>]+>", "\n", html) + "\n".join(attributes))


@pytest.fixture
def italian(staff_client):
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"
    return staff_client


def pages():
    task = PeriodicTask.objects.order_by("pk").first()
    cooperative = CooperativeFactory()
    return [
        reverse("admin:index"),
        reverse("admin:django_celery_beat_periodictask_changelist"),
        reverse("admin:django_celery_beat_periodictask_change", args=[task.pk]),
        reverse("admin:django_celery_beat_solarschedule_add"),
        reverse("admin:django_celery_beat_intervalschedule_add"),
        reverse("admin:django_celery_beat_clockedschedule_add"),
        reverse("admin:account_emailaddress_changelist"),
        reverse("admin:members_cooperative_history", args=[cooperative.pk]),
        reverse("admin:members_cooperative_export"),
    ]


def test_the_admin_in_italian_shows_none_of_the_english_labels(italian):
    left = {}
    for url in pages():
        response = italian.get(url)
        assert response.status_code == 200, url
        assert response["Content-Language"] == "it"
        text = visible_text(response)
        found = [
            label for label in ENGLISH if re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", text)
        ]
        if found:
            left[url] = found
    assert not left, left


def test_the_same_pages_in_english_do_show_them(staff_client):
    """The check above can fail: in English the labels are there."""
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = visible_text(
        staff_client.get(reverse("admin:django_celery_beat_periodictask_changelist"))
    )
    assert "Periodic tasks" in text and "Run selected tasks" in text
