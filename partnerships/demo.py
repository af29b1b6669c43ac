"""Demo partnership requests, expressions of interest and projects (all flagged `is_demo`).

The records are in `partnerships/demo_data/invented.yaml`. Every request state is present,
with the history (request events) that led there, so the demo shows the whole workflow:
drafts, one awaiting review, published ones (most), one returned with staff's reason, closed
ones (partner found, withdrawn) and an expired one. Nodo Digitale (giulia.ferri@coop.example)
owns a published request with expressions of interest awaiting an answer, Terre del Delta
(sara.venturi@coop.example) one with an accepted interest that can be recorded as a project.
The projects include development cooperation ones with partners in Argentina, Brazil and
Tunisia.

Dates are relative to today (Europe/Rome), so a second run on the same day writes nothing:
rows are matched on natural keys (owner and title, request and cooperative, slug) and saved
only when a value differs. Rows are written directly, not through `partnerships.services`,
so loading the demo sends no email. Needs the demo of `core`, `members`, `networks`
and `funding` loaded first (as `load_demo` does).
"""

import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from core import demo_loader
from core.demo import DEMO_STAFF_EMAIL
from members.models import Cooperative
from partnerships.models import ExpressionOfInterest, PartnershipRequest, Project, RequestEvent

ROME = ZoneInfo("Europe/Rome")
S = PartnershipRequest.State


def _at(day, hour=10, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ROME)


def _history(record, author, staff):
    """The events that brought the request to its state, oldest first, and its dates.

    A note given in the file for an event (the closing one) is kept on that event.
    """
    notes = {event["to_state"]: event.get("note", "") for event in record.get("events", [])}
    created = record["created_at"]
    day = datetime.timedelta(days=1)
    events = [("", S.DRAFT, author, _at(created, 9), "")]
    dates = {"created_at": _at(created, 9), "published_at": None, "closed_at": None}
    state = record["state"]
    if state == S.DRAFT:
        return events, dates
    events.append((S.DRAFT, S.SUBMITTED, author, _at(created + day, 11), ""))
    if state == S.SUBMITTED:
        return events, dates
    if state == S.RETURNED:
        reason = record["return_reason"]
        events.append((S.SUBMITTED, S.RETURNED, staff, _at(created + 2 * day, 15), reason))
        return events, dates
    published = _at(created + 2 * day, 15)
    events.append((S.SUBMITTED, S.PUBLISHED, staff, published, ""))
    dates["published_at"] = published
    if state == S.CLOSED:
        closed = _at(record["closed_at"], 12)
        events.append((S.PUBLISHED, S.CLOSED, author, closed, notes.get(S.CLOSED, "")))
        dates["closed_at"] = closed
    elif state == S.EXPIRED:
        # The periodic task expires it the night after its deadline (no person: by=None).
        expired = _at(record["interest_deadline"] + day, 2)
        events.append((S.PUBLISHED, S.EXPIRED, None, expired, ""))
        dates["closed_at"] = expired
    return events, dates


def _set_events(request, events):
    wanted = [
        (from_state, to_state, by.pk if by else None, at, note)
        for from_state, to_state, by, at, note in events
    ]
    existing = [
        (e.from_state, e.to_state, e.by_id, e.at, e.note)
        for e in request.events.order_by("at", "pk")
    ]
    if existing != wanted:
        request.events.all().delete()
        RequestEvent.objects.bulk_create(
            RequestEvent(request=request, from_state=f, to_state=t, by_id=by_id, at=at, note=note)
            for f, t, by_id, at, note in wanted
        )


def _load_requests(data, lookups, staff):
    requests = {}
    for record in data["partnerships.PartnershipRequest"]:
        owner = lookups.get(Cooperative, record["owner"])
        author = lookups.get(get_user_model(), record["created_by"]) or staff
        events, dates = _history(record, author, staff)
        request = demo_loader.save(
            PartnershipRequest,
            record,
            lookups,
            # The texts are Italian; `title_en`, `summary_en` in a record are its translation.
            lookup=["owner", "title_it"],
            skip=["closed_at", "title", "summary", "description"],
            extra={
                "owner": owner,
                "title_it": record["title"],
                "summary_it": record["summary"],
                "description_it": record["description"] + data["texts"]["demo_note"],
                "return_reason": record.get("return_reason", ""),
                "outcome": record.get("outcome", ""),
                "created_by": author,
                **dates,
            },
        )
        _set_events(request, events)
        requests[record["owner"], record["title"]] = request
    return requests


def _load_interests(data, lookups, staff, requests):
    interests = data["partnerships.ExpressionOfInterest"]
    User = get_user_model()
    for record in interests:
        request = requests[tuple(record["request"])]
        cooperative = lookups.get(Cooperative, record["cooperative"])
        if cooperative.pk == request.owner_id:
            raise ValueError("A cooperative never expresses interest in its own request.")
        answered = record["state"] != ExpressionOfInterest.State.PENDING
        demo_loader.save(
            ExpressionOfInterest,
            record,
            lookups,
            lookup=["request", "cooperative"],
            skip=["request"],
            extra={
                "request": request,
                "sent_by": lookups.get(User, record["sent_by"]) or staff,
                "decided_by": (
                    (lookups.get(User, record.get("decided_by")) or staff) if answered else None
                ),
                "decided_at": _at(record["decided_at"], 9, 30) if answered else None,
                "created_at": _at(record["created_at"], 16),
            },
        )
    return len(interests)


def _load_projects(data, lookups, requests):
    projects = data["partnerships.Project"]
    for record in projects:
        origin = record["origin_request"]
        demo_loader.save(
            Project,
            record,
            lookups,
            lookup=["slug"],
            skip=["origin_request"],
            extra={
                "end_date": record["end_date"] - datetime.timedelta(days=1),
                "origin_request": requests.get(tuple(origin)) if origin else None,
            },
        )
    return len(projects)


def load(today=None):
    today = today or timezone.localdate(timezone.now(), ROME)
    data = demo_loader.read("partnerships", demo_loader.INVENTED, today=today)
    lookups = demo_loader.Lookups()
    staff = get_user_model().objects.get(email=DEMO_STAFF_EMAIL)
    requests = _load_requests(data, lookups, staff)
    interests = _load_interests(data, lookups, staff, requests)
    projects = _load_projects(data, lookups, requests)
    return {
        "partnership requests": len(requests),
        "expressions of interest": interests,
        "projects": projects,
    }
