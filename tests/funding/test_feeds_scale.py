"""The feeds at scale: bounded to what a calendar needs, cached, invalidated, conditional GET."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date
from icalendar import Calendar

from funding import feeds
from funding.models import Call, Deadline
from tests.funding.factories import CallFactory, ThemeFactory

pytestmark = pytest.mark.django_db

ICS, RSS = "/calls/feed.ics", "/calls/feed.rss"


def days(n):
    return timezone.now() + datetime.timedelta(days=n)


def uids(response):
    calendar = Calendar.from_ical(response.content)
    return {str(c["UID"]) for c in calendar.walk() if c.name == "VEVENT"}


def uid(deadline):
    return f"deadline-{deadline.pk}@innovacoop"


def rss_links(response):
    return [item.findtext("link") for item in ET.fromstring(response.content).iter("item")]


def test_the_calendar_holds_open_and_forthcoming_calls_and_deadlines_in_the_window(client):
    open_call = CallFactory(deadlines=[days(-60), days(-10), days(20), days(800)])
    forthcoming = CallFactory(opens_at=days(10), deadlines=[days(90)])
    closed = CallFactory(deadlines=[days(-5)])
    far_only = CallFactory(deadlines=[days(900)])  # open, but nothing within two years
    continuous = CallFactory(deadlines=[])
    draft = CallFactory(publication_state=Call.PublicationState.DRAFT, deadlines=[days(5)])

    shown = uids(client.get(ICS))

    by_due = {d.due_at.date(): d for d in open_call.deadlines.all()}
    assert shown == {
        uid(by_due[days(-10).date()]),
        uid(by_due[days(20).date()]),
        uid(forthcoming.deadlines.get()),
    }
    for call in (closed, far_only, continuous, draft):
        assert not {uid(d) for d in call.deadlines.all()} & shown


def test_the_rss_feed_leaves_closed_calls_out(client):
    current = CallFactory(slug="current")
    CallFactory(slug="closed-long-ago", deadlines=[days(-100)])
    assert [link.rsplit("/", 2)[-2] for link in rss_links(client.get(RSS))] == [current.slug]


@pytest.mark.parametrize("url", [ICS, RSS])
def test_feeds_carry_validators_and_answer_304(client, url):
    CallFactory()
    first = client.get(url)
    assert first.status_code == 200
    tag, modified = first["ETag"], first["Last-Modified"]

    assert client.get(url, headers={"if-none-match": tag}).status_code == 304
    assert client.get(url, headers={"if-modified-since": modified}).status_code == 304
    later = http_date((timezone.now() + datetime.timedelta(hours=1)).timestamp())
    assert client.get(url, headers={"if-modified-since": later}).status_code == 304
    assert client.get(url, headers={"if-none-match": '"something-else"'}).status_code == 200
    earlier = http_date((timezone.now() - datetime.timedelta(days=1)).timestamp())
    assert client.get(url, headers={"if-modified-since": earlier}).status_code == 200


@pytest.mark.parametrize("url", [ICS, RSS])
def test_the_filters_and_the_language_make_different_versions(client, url):
    ThemeFactory(slug="green")
    CallFactory()
    plain = client.get(url)["ETag"]
    assert client.get(url, {"theme": "green"})["ETag"] != plain
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(url)["ETag"] != plain
    # The same filters in another order are the same feed.
    a = client.get(url, {"status": ["open", "forthcoming"]})["ETag"]
    b = client.get(url, {"status": ["forthcoming", "open"]})["ETag"]
    assert a == b


def changes(call):
    """Each change a feed shows, applied to `call` (and the new deadline it makes)."""
    deadline = call.deadlines.get()

    def edit_call():
        call.title = "Renamed call"
        call.save()

    def move_deadline():
        deadline.due_at = days(45)
        deadline.save()

    def add_deadline():
        Deadline.objects.create(call=call, due_at=days(60), label="Second stage")

    def delete_deadline():
        call.deadlines.order_by("-due_at").first().delete()

    def tag_theme():
        call.themes.add(ThemeFactory(slug="new-theme"))

    def unpublish():
        call.publication_state = Call.PublicationState.ARCHIVED
        call.save()

    return [edit_call, move_deadline, add_deadline, delete_deadline, tag_theme, unpublish]


@pytest.mark.parametrize("url", [ICS, RSS])
def test_every_change_of_a_call_or_its_deadlines_gives_a_new_version(client, url):
    call = CallFactory(title="First title")
    seen = set()
    previous = client.get(url)
    for change in changes(call):
        change()
        response = client.get(url, headers={"if-none-match": previous["ETag"]})
        assert response.status_code == 200, change.__name__
        assert response["ETag"] not in seen | {previous["ETag"]}, change.__name__
        seen.add(previous["ETag"])
        previous = response
    # Archived: gone from the feed.
    assert call.slug not in previous.content.decode()


def test_a_moved_deadline_shows_in_the_calendar_at_once(client):
    call = CallFactory(deadlines=[days(20)])
    assert uids(client.get(ICS)) == {uid(call.deadlines.get())}
    deadline = call.deadlines.get()
    deadline.due_at = days(-45)  # out of the window
    deadline.save()
    Deadline.objects.create(call=call, due_at=days(3))
    assert uids(client.get(ICS)) == {uid(call.deadlines.get(due_at__gt=timezone.now()))}


def test_a_cached_feed_costs_no_query(client, django_assert_num_queries):
    CallFactory.create_batch(3)
    client.get(ICS)
    client.get(RSS)
    with django_assert_num_queries(0):
        assert client.get(ICS).status_code == 200
        assert client.get(RSS).status_code == 200


def rendering_queries(client, url, count):
    Call.objects.all().delete()
    CallFactory.create_batch(count, themes=[ThemeFactory(slug="shared")])
    cache.clear()  # a cold cache: the feed is rendered
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"theme": "shared"})
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("url", [ICS, RSS])
def test_rendering_a_feed_costs_the_same_queries_whatever_the_number_of_calls(client, url):
    few, _ = rendering_queries(client, url, 2)
    many, response = rendering_queries(client, url, 40)
    assert few == many
    if url == ICS:
        assert len(uids(response)) == 40


def test_the_calendar_is_capped(client, monkeypatch):
    monkeypatch.setattr(feeds, "MAX_FEED_CALLS", 3)
    soonest = [CallFactory(deadlines=[days(n)]) for n in (5, 1, 9, 3, 7)]
    shown = uids(client.get(ICS))
    expected = sorted(soonest, key=lambda call: call.deadlines.get().due_at)[:3]
    assert shown == {uid(call.deadlines.get()) for call in expected}


@pytest.mark.parametrize("url", [ICS, RSS])
def test_bad_filters_and_headers_are_no_error(client, url):
    CallFactory()
    assert client.get(url, {"budget_min": "9" * 40, "deadline_from": "99999-01-01"}).status_code
    assert client.get(url, {"status": ["open"] * 50, "page": "x"}).status_code == 200
    assert client.get(url, headers={"if-modified-since": "not a date"}).status_code == 200
    assert client.get(url, headers={"if-none-match": "\x7f" * 500}).status_code == 200
