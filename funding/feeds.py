"""The catalogue's selection as an iCalendar of deadlines and as an RSS 2.0 feed of calls."""

import datetime

from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

MAX_FEED_CALLS = 500
MAX_RSS_ITEMS = 50


def ics_calendar(calls, request):
    """One VEVENT per deadline; UIDs stay the same as long as the deadline exists."""
    calendar = Calendar()
    calendar.add("prodid", "-//InnovaCoop//Funding calls//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("InnovaCoop: funding call deadlines"))
    for call in calls.select_related("programme").prefetch_related("deadlines")[:MAX_FEED_CALLS]:
        url = request.build_absolute_uri(call.get_absolute_url())
        deadlines = call._deadlines()
        for deadline in deadlines:
            event = Event()
            event.add("uid", f"deadline-{deadline.pk}@innovacoop")
            event.add("dtstamp", call.updated_at.astimezone(datetime.UTC))
            event.add("dtstart", deadline.local_due_at)
            event.add("dtend", deadline.local_due_at)
            label = f" ({deadline.label})" if deadline.label else ""
            event.add("summary", _("Deadline: %(call)s") % {"call": call.identifier} + label)
            event.add("description", f"{call.title}\n{call.programme}\n{url}")
            event.add("url", url)
            event.add("categories", [call.programme.acronym])
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def rss_feed(calls, request):
    """The latest published calls of the selection, newest first."""
    feed = Rss201rev2Feed(
        title=_("InnovaCoop: funding calls"),
        link=request.build_absolute_uri("/calls/"),
        description=_("Funding calls curated by INNOVACOOP for cooperatives."),
        language=get_language(),
        feed_url=request.build_absolute_uri(),
    )
    latest = calls.select_related("programme").order_by("-published_at", "-pk")
    for call in latest[:MAX_RSS_ITEMS]:
        url = request.build_absolute_uri(call.get_absolute_url())
        feed.add_item(
            title=f"{call.identifier} \u2013 {call.title}",
            link=url,
            description=call.summary,
            pubdate=call.published_at,
            updateddate=call.updated_at,
            unique_id=url,
            unique_id_is_permalink=True,
            categories=[call.programme.acronym],
        )
    return feed
