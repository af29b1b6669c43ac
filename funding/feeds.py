"""The catalogue's selection as an iCalendar of deadlines and as an RSS 2.0 feed of calls.

Both feeds are polled by calendar apps and feed readers, over and over, for content that
changes a few times a day. So they are bounded to what a calendar needs (published calls
still open or forthcoming, and their deadlines within a window around today), rendered once
per catalogue version and kept in the cache, and answered with 304 Not Modified when the
client already holds the current version (`etag` and `last_modified` below, used with
Django's `condition` decorator).

The catalogue version is a token in the cache, replaced whenever a call, a deadline, a
call's themes, sectors or applicant types, or a programme changes (`connect_invalidation`,
wired in `FundingConfig.ready`). Feeds also expire after `FEED_TTL_SECONDS`, because the
selection depends on the time too (a deadline rolls past, a forthcoming call opens), and so
that a process whose local cache missed a change (several web workers without a shared
cache: set `CACHE_URL`) serves the change at the latest one period later.
"""

import datetime
import hashlib

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from core import versions
from funding.models import Call, Deadline, Programme, status_conditions

MAX_FEED_CALLS = 500
MAX_RSS_ITEMS = 50
# The calendar window: deadlines from a month ago (just missed, still worth seeing) to two
# years ahead (as far as programmes announce).
WINDOW_PAST = datetime.timedelta(days=30)
WINDOW_AHEAD = datetime.timedelta(days=730)
FEED_TTL_SECONDS = 15 * 60


# --- The catalogue version --------------------------------------------------------------

# The version token (core.versions) of everything the catalogue's pages and feeds show.
CATALOGUE = "funding.catalogue"


def catalogue_version():
    return versions.current(CATALOGUE)


def connect_invalidation():
    """Replace the catalogue version on every change a feed shows (called once, at start)."""
    versions.bump_on_change(
        CATALOGUE,
        Call,
        Deadline,
        Programme,
        m2m=(Call.themes.through, Call.sectors.through, Call.applicant_types.through),
    )


# --- Conditional GET ------------------------------------------------------------------------


def _period(at):
    """The number of the `FEED_TTL_SECONDS` period `at` falls in."""
    return int(at.timestamp()) // FEED_TTL_SECONDS


def _fingerprint(kind, request):
    """What a rendered feed depends on, besides the catalogue version and the period.

    The filters (sorted, so the order of the parameters does not matter), the language of
    the titles and the host the absolute links point to.
    """
    query = sorted((key, value) for key, values in request.GET.lists() for value in values)
    parts = [kind, get_language() or "", request.scheme, request.get_host(), repr(query)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def etag(kind):
    """An ETag function for `condition`: changes with the catalogue, the period and the query."""

    def compute(request, *args, **kwargs):
        period = _period(timezone.now())
        return f"{kind}-{catalogue_version()}-{period}-{_fingerprint(kind, request)}"

    return compute


def last_modified(request, *args, **kwargs):
    """The later of the last catalogue change and the start of the current period."""
    changed = int(catalogue_version()) / 1e9
    period_start = _period(timezone.now()) * FEED_TTL_SECONDS
    return datetime.datetime.fromtimestamp(max(changed, period_start), tz=datetime.UTC)


def cached_body(kind, request, render):
    """The rendered feed for this request, from the cache when this version is there."""
    key = f"funding:feeds:{etag(kind)(request)}"
    body = cache.get(key)
    if body is None:
        body = render()
        cache.set(key, body, timeout=FEED_TTL_SECONDS)
    return body


# --- What the feeds show --------------------------------------------------------------------


def not_closed(calls, at):
    """The calls open or forthcoming at `at`, on the stored deadline columns (no subquery)."""
    conditions = status_conditions(at)
    return calls.filter(conditions[Call.Status.OPEN] | conditions[Call.Status.FORTHCOMING])


def feed_calls(calls, at=None):
    """The calls of a selection a calendar needs: not closed, with a deadline in the window.

    `calls` is the catalogue selection (published calls matching the filters). Returns
    (calls, window start, window end); the calls are in deadline order, at most
    `MAX_FEED_CALLS`, each with `feed_deadlines`: its deadlines within the window.
    """
    at = at or timezone.now()
    start, end = at - WINDOW_PAST, at + WINDOW_AHEAD
    in_window = Deadline.objects.filter(due_at__gte=start, due_at__lte=end)
    selection = (
        not_closed(calls, at)
        .filter(Exists(in_window.filter(call=OuterRef("pk"))))
        .with_status(at)
        .order_by_deadline()
        # Sorted before the LIMIT: the long texts and the search index would be sorted too.
        .defer("summary", "description", "search_vector")
        .select_related("programme")
        .prefetch_related(
            Prefetch("deadlines", queryset=in_window.order_by("due_at"), to_attr="feed_deadlines")
        )
    )
    return selection[:MAX_FEED_CALLS]


def ics_calendar(calls, request, at=None):
    """One VEVENT per deadline; UIDs stay the same as long as the deadline exists."""
    calendar = Calendar()
    calendar.add("prodid", "-//InnovaCoop//Funding calls//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("InnovaCoop: funding call deadlines"))
    for call in feed_calls(calls, at):
        url = request.build_absolute_uri(call.get_absolute_url())
        for deadline in call.feed_deadlines:
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


def rss_feed(calls, request, at=None):
    """The latest published calls of the selection still open or forthcoming, newest first."""
    at = at or timezone.now()
    feed = Rss201rev2Feed(
        title=_("InnovaCoop: funding calls"),
        link=request.build_absolute_uri("/calls/"),
        description=_("Funding calls curated by INNOVACOOP for cooperatives."),
        language=get_language(),
        feed_url=request.build_absolute_uri(),
    )
    latest = (
        not_closed(calls, at)
        .select_related("programme")
        .only(
            "identifier",
            "slug",
            "title",
            "summary",
            "published_at",
            "updated_at",
            "programme__acronym",
        )
        .order_by("-published_at", "-pk")
    )
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
