"""The shared helpers of the core app, each defined once."""

import logging

import pytest
from django.db import transaction
from django.test import RequestFactory

from core.batching import chunked
from core.language import language_of
from core.links import absolute_url
from core.models import User
from core.pagination import forgiving_page
from core.queueing import after_commit, queue
from core.slugs import unique_slug
from tests.core.factories import UserFactory


def test_chunked_splits_any_iterable_in_order():
    assert list(chunked(iter(range(5)), 2)) == [[0, 1], [2, 3], [4]]
    assert list(chunked([], 3)) == []


def test_absolute_url_is_on_the_site_address(settings):
    settings.SITE_URL = "https://portal.example"
    assert absolute_url("/calls/x/") == "https://portal.example/calls/x/"


def test_language_of_a_person_falls_back_to_the_default(settings):
    assert language_of(User(language="en")) == "en"
    assert language_of(User(language="fr")) == settings.LANGUAGE_CODE


@pytest.mark.django_db
def test_unique_slug_counts_up_past_taken_slugs():
    UserFactory()  # any model with a unique text column would do; users have none: use emails
    queryset = User.objects.all()
    assert unique_slug(queryset, "Hello World", fallback="x", field="email") == "hello-world"
    User.objects.create_user("hello-world", "x")
    User.objects.create_user("hello-world-2", "x")
    assert unique_slug(queryset, "Hello World", fallback="x", field="email") == "hello-world-3"
    assert unique_slug(queryset, "!!!", fallback="thing", field="email") == "thing"
    assert (
        unique_slug(queryset, "Hello World", fallback="x", suffix="-copy", field="email")
        == "hello-world-copy"
    )


@pytest.mark.django_db
def test_forgiving_page_shows_the_last_page_past_the_end():
    request = RequestFactory().get("/", {"page": "99999999999999999999"})
    assert forgiving_page(request, list(range(30)), 20).number == 2
    assert forgiving_page(RequestFactory().get("/", {"page": "x"}), [1], 20).number == 1


class Refusing:
    name = "tests.refusing"

    def apply_async(self, **kwargs):
        raise ConnectionError("broker down")


def test_a_broker_that_refuses_is_logged_not_raised(caplog):
    with caplog.at_level(logging.WARNING, logger="core.queueing"):
        assert queue(Refusing(), 7) is False
    assert "Could not queue tests.refusing" in caplog.text


@pytest.mark.django_db
def test_after_commit_rings_once_per_transaction_when_asked(django_capture_on_commit_callbacks):
    rung = []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        after_commit(rung.append, "a", once=True)
        after_commit(rung.append, "a", once=True)
        after_commit(rung.append, "b")
        after_commit(rung.append, "b")
        assert rung == []
    assert rung == ["a", "b", "b"]


@pytest.mark.django_db
def test_services_queue_their_apps_tasks_by_name_in_any_process(caplog):
    # The apps' ready() registers the tasks their services queue by name: a web process that
    # never imported a tasks module still finds them (tasks run eagerly here).
    from celery import current_app

    registered = set(current_app.tasks)
    assert {
        "funding.process_alert_dispatch",
        "funding.send_alert_chunk",
        "matches.process_refreshes",
    } <= registered
    with caplog.at_level(logging.WARNING, logger="core.queueing"):
        assert queue("matches.process_refreshes") is True
        assert queue("no.such.task") is False
    assert "no.such.task" in caplog.text
