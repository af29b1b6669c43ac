"""The work waiting for staff: what /staff/ lists and the staff's daily email summarises.

Each kind of work is one `WorkList`: how many items wait, the oldest few (each a link to
where it is handled), the page that lists them all and, when asked with `since`, how many
of them arrived since then (the daily email is sent only when something arrived). An item leaves its list when it is
handled (a request approved or returned, an application moved on, a call published, an
email resent, an invitation accepted, withdrawn or expired, an interest answered), because
every list is a query of the current state, never a copy of it. A fixed number of queries per list,
whatever the number of rows.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Delivery
from funding.models import Call, SourceQuery, status_conditions
from members.models import Invitation
from partnerships.models import ExpressionOfInterest, PartnershipRequest
from startups.models import Application

# The oldest items shown under each heading; the heading's link lists them all.
SHOWN = 5
# An expression of interest unanswered this long needs a nudge from staff.
UNANSWERED_AFTER = datetime.timedelta(days=14)


@dataclass
class WorkItem:
    label: str
    detail: str
    url: str
    since: datetime.datetime | None


@dataclass
class WorkList:
    """One kind of work: `key` names it (tests, the email), `title` and `help` say it."""

    key: str
    title: str
    help: str
    count: int
    url: str
    items: list = field(default_factory=list)
    arrived: int = 0


def _arrived(waiting, since, **lookup):
    """How many of `waiting` arrived after `since` (by the `lookup` field), or 0 unasked."""
    if since is None:
        return 0
    (name,) = lookup
    return waiting.filter(**{f"{name}__gt": since, f"{name}__lte": lookup[name]}).count()


def _admin_list(name, **filters):
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    url = reverse(f"admin:{name}_changelist")
    return f"{url}?{query}" if query else url


def requests_to_review(now, since=None):
    waiting = PartnershipRequest.objects.filter(state=PartnershipRequest.State.SUBMITTED).annotate(
        submitted_at=Max(
            "events__at", filter=Q(events__to_state=PartnershipRequest.State.SUBMITTED)
        )
    )
    oldest = waiting.select_related("owner").order_by("submitted_at", "pk")[:SHOWN]
    return WorkList(
        key="requests",
        title=_("Partnership requests to review"),
        help=_("Submitted by their cooperatives: approve and publish them, or return them."),
        count=waiting.count(),
        url=_admin_list("partnerships_partnershiprequest", state__exact="submitted"),
        arrived=_arrived(waiting, since, submitted_at=now),
        items=[
            WorkItem(r.title, r.owner.legal_name, r.get_absolute_url(), r.submitted_at)
            for r in oldest
        ],
    )


def applications_to_screen(now, since=None):
    stages = [Application.Stage.SUBMITTED, Application.Stage.SCREENING]
    waiting = Application.objects.filter(stage__in=stages)
    oldest = waiting.select_related("programme").order_by("submitted_at", "pk")[:SHOWN]
    return WorkList(
        key="applications",
        title=_("Startup applications to screen"),
        help=_("Received or in screening: move them on from the programme's board."),
        count=waiting.count(),
        url=_admin_list("startups_application", stage__in="submitted,screening"),
        arrived=_arrived(waiting, since, submitted_at=now),
        items=[
            WorkItem(
                a.startup_name,
                f"{a.programme.name} · {a.get_stage_display()}",
                reverse("startups:board", kwargs={"slug": a.programme.slug}),
                a.submitted_at,
            )
            for a in oldest
        ],
    )


def calls_to_review(now, since=None):
    waiting = Call.objects.filter(publication_state=Call.PublicationState.DRAFT)
    oldest = waiting.select_related("programme").order_by("pk")[:SHOWN]
    return WorkList(
        key="calls",
        title=_("Draft calls to review"),
        help=_("Entered or imported, not yet public: check them and publish them."),
        count=waiting.count(),
        url=_admin_list("funding_call", publication_state__exact="draft"),
        arrived=_arrived(waiting, since, created_at=now),
        items=[
            WorkItem(
                c.title,
                " · ".join(part for part in (c.programme.acronym, c.identifier) if part),
                reverse("admin:funding_call_change", args=[c.pk]),
                None,
            )
            for c in oldest
        ],
    )


def eu_imports_to_check(now, since=None):
    """Source queries whose last run failed, and published calls the EU portal no longer
    lists while they are still open or forthcoming (funding/eu_topics/sync.py)."""
    failed = SourceQuery.objects.filter(active=True, last_run_ok=False)
    missing = (
        Call.objects.published()
        .exclude(status_conditions(now)[Call.Status.CLOSED])
        .filter(provenance__missing_since__isnull=False)
    )
    items = [
        WorkItem(
            query.name,
            query.last_run_summary(),
            reverse("admin:funding_sourcequery_change", args=[query.pk]),
            query.last_run_at,
        )
        for query in failed.order_by("last_run_at", "pk")[:SHOWN]
    ]
    oldest = missing.select_related("provenance").order_by("provenance__missing_since", "pk")
    items += [
        WorkItem(
            c.title,
            _("No longer on the EU portal: %(identifier)s") % {"identifier": c.identifier},
            reverse("admin:funding_call_change", args=[c.pk]),
            c.provenance.missing_since,
        )
        for c in oldest[:SHOWN]
    ]
    items = items[:SHOWN]  # both queries always run: the page's queries do not vary
    arrived = 0
    if since is not None:
        arrived = failed.filter(last_run_at__gt=since, last_run_at__lte=now).count()
        arrived += missing.filter(
            provenance__missing_since__gt=since, provenance__missing_since__lte=now
        ).count()
    return WorkList(
        key="eu-imports",
        title=_("EU imports to check"),
        help=_(
            "Source queries whose last run failed, and published calls the EU portal no "
            "longer lists: check the official page, then archive the call or keep it."
        ),
        count=failed.count() + missing.count(),
        url=_admin_list("funding_sourcequery"),
        arrived=arrived,
        items=items,
    )


def failed_deliveries(now, since=None):
    waiting = Delivery.objects.filter(state=Delivery.State.FAILED)
    oldest = waiting.order_by("updated_at", "pk")[:SHOWN]
    return WorkList(
        key="deliveries",
        title=_("Emails that could not be delivered"),
        help=_("Check the address or the error, then send them again from the list."),
        count=waiting.count(),
        url=_admin_list("core_delivery", state__exact="failed"),
        arrived=_arrived(waiting, since, updated_at=now),
        items=[
            WorkItem(
                d.subject,
                d.to_email,
                reverse("admin:core_delivery_change", args=[d.pk]),
                d.updated_at,
            )
            for d in oldest
        ],
    )


def pending_invitations(now, since=None):
    waiting = Invitation.objects.pending(now)
    oldest = waiting.select_related("cooperative").order_by("created_at", "pk")[:SHOWN]
    return WorkList(
        key="invitations",
        title=_("Invitations not yet accepted"),
        help=_("Sent, not accepted, not expired: remind the person or withdraw them."),
        count=waiting.count(),
        url=_admin_list("members_invitation", status="pending"),
        arrived=_arrived(waiting, since, created_at=now),
        items=[
            WorkItem(
                i.email,
                i.cooperative.legal_name,
                reverse("admin:members_invitation_change", args=[i.pk]),
                i.created_at,
            )
            for i in oldest
        ],
    )


def unanswered_interests(now, since=None):
    waiting = ExpressionOfInterest.objects.filter(
        state=ExpressionOfInterest.State.PENDING, created_at__lte=now - UNANSWERED_AFTER
    )
    oldest = waiting.select_related("request", "cooperative").order_by("created_at", "pk")[:SHOWN]
    return WorkList(
        key="interests",
        title=_("Expressions of interest unanswered for over 14 days"),
        help=_("The owner of the request has not answered: a call from staff may help."),
        count=waiting.count(),
        url=_admin_list("partnerships_expressionofinterest", state__exact="pending"),
        # It "arrives" on the day it turns 14 days old.
        arrived=_arrived(
            waiting,
            since and since - UNANSWERED_AFTER,
            created_at=now - UNANSWERED_AFTER,
        ),
        items=[
            WorkItem(
                e.cooperative.legal_name,
                e.request.title,
                e.request.get_absolute_url(),
                e.created_at,
            )
            for e in oldest
        ],
    )


WORK = [
    requests_to_review,
    applications_to_screen,
    calls_to_review,
    eu_imports_to_check,
    failed_deliveries,
    pending_invitations,
    unanswered_interests,
]


def pending_work(now=None, since=None):
    """Every kind of work waiting, in the order /staff/ shows them; with `since`, each list
    also counts what arrived after it."""
    now = now or timezone.now()
    return [work(now, since) for work in WORK]
