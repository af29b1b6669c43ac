import datetime
import xml.etree.ElementTree as ET

import pytest
import time_machine
from icalendar import Calendar

from funding.models import Call, Deadline
from tests.funding.factories import CallFactory, ProgrammeFactory, ThemeFactory, brussels

pytestmark = pytest.mark.django_db

NOW = brussels(2027, 1, 15, 12)


@pytest.fixture
def calls():
    with time_machine.travel(NOW, tick=False):
        green = ThemeFactory(slug="green-circular-economy")
        two_stage = CallFactory(
            slug="two-stage",
            identifier="HORIZON-CL6-2027-02",
            title="Two-stage circular call",
            programme=ProgrammeFactory(acronym="HORIZON"),
            themes=[green],
            deadlines=[brussels(2027, 2, 10, 17), brussels(2027, 9, 16, 17)],
        )
        other = CallFactory(slug="other", title="Other call", deadlines=[brussels(2027, 3, 1, 17)])
        CallFactory(
            slug="hidden-draft",
            title="Hidden draft",
            publication_state=Call.PublicationState.DRAFT,
            deadlines=[brussels(2027, 4, 1, 17)],
        )
        yield {"two-stage": two_stage, "other": other}


def events(client, query=None):
    response = client.get("/calls/feed.ics", query or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return calendar, [c for c in calendar.walk() if c.name == "VEVENT"]


def test_ics_has_one_event_per_deadline_with_stable_uids(client, calls):
    _calendar, vevents = events(client)
    deadline_ids = Deadline.objects.filter(call__in=calls.values()).values_list("pk", flat=True)
    assert sorted(str(e["UID"]) for e in vevents) == sorted(
        f"deadline-{pk}@innovacoop" for pk in deadline_ids
    )
    _, again = events(client)
    assert [str(e["UID"]) for e in again] == [str(e["UID"]) for e in vevents]


def test_ics_events_keep_the_brussels_time_zone(client, calls):
    calendar, vevents = events(client, {"theme": "green-circular-economy"})
    starts = sorted(e.decoded("DTSTART") for e in vevents)
    assert starts == [brussels(2027, 2, 10, 17), brussels(2027, 9, 16, 17)]
    assert str(vevents[0]["DTSTART"].params["TZID"]) == "Europe/Brussels"
    assert any(c.name == "VTIMEZONE" for c in calendar.walk())
    assert "HORIZON-CL6-2027-02" in str(vevents[0]["SUMMARY"])


def test_ics_honours_the_filters_and_hides_drafts(client, calls):
    _, vevents = events(client, {"theme": "green-circular-economy"})
    assert {str(e["UID"]) for e in vevents} == {
        f"deadline-{d.pk}@innovacoop" for d in calls["two-stage"].deadlines.all()
    }
    _, everything = events(client)
    assert all("Hidden draft" not in str(e["DESCRIPTION"]) for e in everything)


def rss_items(client, query=None):
    response = client.get("/calls/feed.rss", query or {})
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    return root.findall("./channel/item")


def test_rss_lists_latest_published_calls_first(client, calls):
    Call.objects.filter(slug="other").update(published_at=NOW + datetime.timedelta(hours=1))
    items = rss_items(client)
    titles = [item.findtext("title") for item in items]
    assert len(titles) == 2
    assert titles[0].endswith("\u2013 Other call")
    assert titles[1] == "HORIZON-CL6-2027-02 \u2013 Two-stage circular call"
    assert items[0].findtext("link").endswith("/calls/other/")


def test_rss_honours_the_filters(client, calls):
    items = rss_items(client, {"theme": "green-circular-economy"})
    assert [item.findtext("link") for item in items] == ["http://testserver/calls/two-stage/"]
    assert rss_items(client, {"q": "nothing matches this"}) == []
