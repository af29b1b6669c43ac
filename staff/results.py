"""What the agency achieved, for /staff/results/: tables of figures for a period and,
optionally, one association or one province.

Each table is a `Table` (its columns, its rows, the column its chart draws) computed by
aggregate queries: a fixed number of queries whatever the number of rows, so the page costs
the same at 10,000 cooperatives as on the demo. Figures about cooperatives are counted per
cooperative, never per event (a cooperative that sent three expressions of interest is one).
The CSV download of a table is the same `Table`.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Avg, Case, Count, Exists, IntegerField, OuterRef, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Delivery
from funding.models import AlertPreference, Call, Follow, Programme
from matches.models import CallMatch
from members.models import PROFILE_FIELDS, Association, Cooperative, Membership
from partnerships.models import ExpressionOfInterest, PartnershipRequest, Project
from startups.models import Application, ApplicationEvent

ALERT_KINDS = ("call-alert", "digest-daily", "digest-weekly")
REMINDER_KINDS = ("deadline-reminder",)
FUNDED = (Project.Status.FUNDED, Project.Status.RUNNING, Project.Status.COMPLETED)


@dataclass
class Scope:
    """The period (dates, both included) and the cooperatives the figures are about."""

    start: datetime.date
    end: datetime.date
    association: Association | None = None
    province: str = ""

    @property
    def since(self):
        return _midnight(self.start)

    @property
    def until(self):
        return _midnight(self.end + datetime.timedelta(days=1))

    @property
    def is_filtered(self):
        return self.association is not None or bool(self.province)

    def cooperatives(self):
        cooperatives = Cooperative.objects.all()
        if self.association is not None:
            cooperatives = cooperatives.of_association(self.association)
        if self.province:
            cooperatives = cooperatives.filter(province=self.province)
        return cooperatives

    def in_period(self, name):
        return {f"{name}__gte": self.since, f"{name}__lt": self.until}

    def months(self):
        month, last = self.start.replace(day=1), self.end.replace(day=1)
        months = []
        while month <= last:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass
class Table:
    """A table of figures: `rows` are lists whose first cell is the row's label; `chart` is
    the index of the column the chart draws (None: no chart)."""

    key: str
    title: str
    columns: list
    rows: list
    chart: int | None = 1
    note: str = ""
    totals: list = field(default_factory=list)

    # The chart's drawing: a row of ROW units per bar, the label on the left, the bar after it.
    ROW, LABEL_WIDTH, BAR_WIDTH = 24, 170, 180

    def chart_bars(self):
        """The bars of the chart's column: label, value and their SVG geometry."""
        if self.chart is None:
            return []
        values = [(str(row[0]), row[self.chart] or 0) for row in self.rows]
        top = max((float(value) for _label, value in values), default=0) or 1
        bars = []
        for n, (label, value) in enumerate(values):
            width = round(self.BAR_WIDTH * float(value) / top, 1)
            bars.append(
                {
                    "label": label if len(label) <= 26 else label[:25] + "…",
                    "full_label": label,
                    "value": value,
                    "y": n * self.ROW + 5,
                    "text_y": n * self.ROW + 16,
                    "x": self.LABEL_WIDTH,
                    "width": str(width),
                    "value_x": str(round(self.LABEL_WIDTH + width + 4, 1)),
                }
            )
        return bars

    @property
    def chart_height(self):
        return len(self.rows) * self.ROW


def _month_label(month):
    return month.strftime("%Y-%m")


def _by_month(rows, month_key="month"):
    """{(YYYY-MM, other keys...): n} from values() rows with a truncated month."""
    found = {}
    for row in rows:
        month = row.pop(month_key)
        n = row.pop("n")
        found[(_month_label(month), *row.values())] = n
    return found


# --- Calls ------------------------------------------------------------------------------------


def calls_per_month(scope):
    levels = Programme.Level.choices
    counted = _by_month(
        Call.objects.filter(**scope.in_period("published_at"))
        .annotate(month=TruncMonth("published_at"))
        .values("month", "programme__level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = []
    for month in scope.months():
        label = _month_label(month)
        per_level = [counted.get((label, level), 0) for level, _name in levels]
        rows.append([label, sum(per_level), *per_level])
    return Table(
        key="calls",
        title=_("Calls published per month, by programme level"),
        columns=[_("month"), _("calls published"), *(name for _level, name in levels)],
        rows=rows,
    )


def calls_now(scope):
    now = timezone.now()
    matched = (
        CallMatch.objects.filter(cooperative__in=scope.cooperatives().values("pk"))
        .filter(call__in=Call.objects.open(now).values("pk"))
        .values("call")
        .distinct()
        .count()
    )
    return Table(
        key="calls-now",
        title=_("Calls today"),
        columns=[_("figure"), _("calls")],
        rows=[
            [_("open calls now"), Call.objects.open(now).count()],
            [_("open calls that fit at least one cooperative"), matched],
        ],
        chart=None,
    )


# --- Emails -----------------------------------------------------------------------------------


def emails_per_month(scope):
    deliveries = Delivery.objects.filter(**scope.in_period("created_at")).filter(
        kind__in=(*ALERT_KINDS, *REMINDER_KINDS)
    )
    if scope.is_filtered:
        people = Membership.objects.filter(cooperative__in=scope.cooperatives().values("pk"))
        deliveries = deliveries.filter(recipient__in=people.values("user"))
    counted = _by_month(
        deliveries.annotate(month=TruncMonth("created_at"))
        .values("month", "kind", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    stopped = AlertPreference.objects.filter(**scope.in_period("unsubscribed_all_at"))
    if scope.is_filtered:
        stopped = stopped.filter(user__in=people.values("user"))
    unsubscribed = _by_month(
        stopped.annotate(month=TruncMonth("unsubscribed_all_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = []
    for month in scope.months():
        label = _month_label(month)

        def sent(kinds, label=label):
            return sum(counted.get((label, kind, Delivery.State.SENT), 0) for kind in kinds)

        failed = sum(
            counted.get((label, kind, Delivery.State.FAILED), 0)
            for kind in (*ALERT_KINDS, *REMINDER_KINDS)
        )
        alerts, reminders = sent(ALERT_KINDS), sent(REMINDER_KINDS)
        attempted = alerts + reminders + failed
        rate = round(100 * failed / attempted, 1) if attempted else 0
        rows.append([label, alerts, reminders, failed, rate, unsubscribed.get((label,), 0)])
    return Table(
        key="emails",
        title=_("Alerts, digests and reminders sent per month"),
        columns=[
            _("month"),
            _("alerts and digests sent"),
            _("reminders sent"),
            _("failed"),
            _("failure rate (%)"),
            _("stopped all emails"),
        ],
        rows=rows,
    )


# --- The funnel -------------------------------------------------------------------------------


def funnel(scope):
    """From an alert to a funded project, each step the number of cooperatives that took it
    in the period (a cooperative is counted once a step, whatever it did how often)."""
    cooperatives = scope.cooperatives()
    in_scope = cooperatives.values("pk")

    def count(queryset):
        return queryset.filter(pk__in=in_scope).distinct().count()

    reached = Delivery.objects.filter(
        kind__in=ALERT_KINDS, state=Delivery.State.SENT, **scope.in_period("sent_at")
    )
    followed = Follow.objects.filter(**scope.in_period("created_at"))
    posted = PartnershipRequest.objects.exclude(state=PartnershipRequest.State.DRAFT).filter(
        **scope.in_period("created_at")
    )
    interests = ExpressionOfInterest.objects.filter(**scope.in_period("created_at"))
    found = PartnershipRequest.objects.filter(
        state=PartnershipRequest.State.CLOSED,
        outcome=PartnershipRequest.Outcome.PARTNER_FOUND,
        **scope.in_period("closed_at"),
    )
    accepted_on_found = ExpressionOfInterest.objects.filter(
        state=ExpressionOfInterest.State.ACCEPTED, request__in=found.values("pk")
    )
    projects = Project.objects.filter(**scope.in_period("created_at"))
    funded = projects.filter(status__in=FUNDED)
    with_scope = Q(lead_cooperative__in=in_scope) | Q(cooperatives__in=in_scope)
    funded_in_scope = Project.objects.filter(
        pk__in=funded.filter(with_scope).values("pk")
    ).aggregate(eu=Sum("eu_contribution"), budget=Sum("budget"))

    def members_of(queryset, path="user"):
        return Cooperative.objects.filter(memberships__user__in=queryset.values(path))

    steps = [
        (_("reached by an alert"), count(members_of(reached, "recipient"))),
        (_("followed a call"), count(members_of(followed))),
        (
            _("posted a partnership request"),
            count(Cooperative.objects.filter(partnership_requests__in=posted.values("pk"))),
        ),
        (
            _("sent an expression of interest"),
            count(Cooperative.objects.filter(expressions_of_interest__in=interests.values("pk"))),
        ),
        (
            _("found a partner (request closed with a partner)"),
            count(
                Cooperative.objects.filter(
                    Q(partnership_requests__in=found.values("pk"))
                    | Q(expressions_of_interest__in=accepted_on_found.values("pk"))
                )
            ),
        ),
        (
            _("took part in a project submitted"),
            count(
                Cooperative.objects.filter(
                    Q(led_projects__in=projects.values("pk"))
                    | Q(projects__in=projects.values("pk"))
                )
            ),
        ),
        (
            _("took part in a project funded"),
            count(
                Cooperative.objects.filter(
                    Q(led_projects__in=funded.values("pk")) | Q(projects__in=funded.values("pk"))
                )
            ),
        ),
    ]
    eu = funded_in_scope["eu"] or Decimal(0)
    budget = funded_in_scope["budget"] or Decimal(0)
    return Table(
        key="funnel",
        title=_("From alert to funded project (cooperatives)"),
        columns=[_("step"), _("cooperatives")],
        rows=[[label, n] for label, n in steps],
        totals=[
            (_("EU contribution of the funded projects (EUR)"), eu),
            (_("total budget of the funded projects (EUR)"), budget),
        ],
        note=_(
            "Both sides of a request closed with a partner count: the owner and the "
            "cooperative whose expression of interest it accepted."
        ),
    )


# --- Cooperatives -----------------------------------------------------------------------------


def _completeness():
    """A cooperative's profile completeness (% of PROFILE_FIELDS filled) as SQL, so the
    average over thousands of cooperatives is one aggregate."""
    filled = []
    for name in PROFILE_FIELDS:
        field_ = Cooperative._meta.get_field(name)
        if name == "themes":
            condition = Exists(
                Cooperative.themes.through.objects.filter(cooperative=OuterRef("pk"))
            )
            filled.append(Case(When(condition, then=Value(1)), default=Value(0)))
            continue
        empty = Q(**{f"{field_.attname}__isnull": True})
        if field_.get_internal_type() in ("CharField", "TextField", "EmailField", "URLField"):
            empty |= Q(**{field_.attname: ""})
        filled.append(Case(When(empty, then=Value(0)), default=Value(1)))
    total = filled[0]
    for part in filled[1:]:
        total = total + part
    return total * Value(100) / Value(len(PROFILE_FIELDS))


def cooperatives_table(scope, *, by):
    User = get_user_model()
    active_user = Exists(
        Membership.objects.filter(
            cooperative=OuterRef("pk"),
            user__in=User.objects.filter(is_active=True, last_login__isnull=False).values("pk"),
        )
    )
    cooperatives = scope.cooperatives().filter(is_active=True)
    with_user = Case(
        When(active_user, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    cooperatives = cooperatives.annotate(with_user=with_user, completeness=_completeness())
    if by == "association":
        groups = list(Association.objects.filter(is_innovacoop_shareholder=True).order_by("name"))
        # One query: each cooperative with its associations and their parents (a member of a
        # territorial association within a shareholder counts for the shareholder), summed
        # here per shareholder, each cooperative once.
        figures = {group.pk: {} for group in groups}
        for pk, association, parent, user, complete in cooperatives.values_list(
            "pk", "associations", "associations__parent", "with_user", "completeness"
        ):
            for group in (association, parent):
                if group in figures:
                    figures[group][pk] = (user, complete)
        rows = [_cooperative_row(group.name, _summed(figures[group.pk])) for group in groups]
        key, title, first = (
            "associations",
            _("Cooperatives per shareholder association"),
            _("association"),
        )
    else:
        grouped = (
            cooperatives.values("province")
            .annotate(n=Count("pk"), users=Sum("with_user"), complete=Avg("completeness"))
            .order_by("province")
        )
        rows = [_cooperative_row(row["province"] or "—", row) for row in grouped]
        key, title, first = "territories", _("Cooperatives per province"), _("province")
    return Table(
        key=key,
        title=title,
        columns=[
            first,
            _("cooperatives"),
            _("with an active portal user"),
            _("profile completeness (%)"),
        ],
        rows=rows,
    )


def _summed(cooperatives):
    """{pk: (has a user, completeness)} as the aggregates of one group."""
    values = list(cooperatives.values())
    return {
        "n": len(values),
        "users": sum(user for user, _complete in values),
        "complete": sum(float(c) for _user, c in values) / len(values) if values else None,
    }


def _cooperative_row(label, figures):
    complete = figures["complete"]
    return [
        label,
        figures["n"] or 0,
        figures["users"] or 0,
        round(float(complete), 1) if complete is not None else 0,
    ]


# --- Startups ---------------------------------------------------------------------------------


def startups_per_stage(scope):
    stages = Application.Stage.choices
    counted = {
        (row["programme__name"], row["stage"]): row["n"]
        for row in Application.objects.filter(**scope.in_period("submitted_at"))
        .values("programme__name", "stage")
        .annotate(n=Count("pk"))
        .order_by()
    }
    programmes = sorted({programme for programme, _stage in counted})
    rows = []
    for programme in programmes:
        per_stage = [counted.get((programme, stage), 0) for stage, _label in stages]
        rows.append([programme, sum(per_stage), *per_stage])
    return Table(
        key="startups",
        title=_("Startup applications per programme and stage"),
        columns=[_("programme"), _("applications"), *(label for _stage, label in stages)],
        rows=rows,
    )


def time_per_stage(scope):
    """Average days an application stayed in each stage before it moved on (moves in the
    period), from the audit log's application events."""
    entered = ApplicationEvent.objects.filter(
        application=OuterRef("application"), to_stage=OuterRef("from_stage"), at__lt=OuterRef("at")
    ).order_by("-at")
    moves = (
        ApplicationEvent.objects.exclude(from_stage="")
        .filter(**scope.in_period("at"))
        .annotate(entered_at=entered.values("at")[:1])
        .values_list("from_stage", "at", "entered_at")
    )
    spent = {}
    for stage, left_at, entered_at in moves:
        if entered_at is not None:
            spent.setdefault(stage, []).append((left_at - entered_at).total_seconds() / 86400)
    rows = [
        [label, round(sum(spent[stage]) / len(spent[stage]), 1), len(spent[stage])]
        for stage, label in Application.Stage.choices
        if stage in spent
    ]
    return Table(
        key="stage-time",
        title=_("Average days in each stage"),
        columns=[_("stage"), _("days on average"), _("moves")],
        rows=rows,
    )


TABLES = {
    "calls": calls_per_month,
    "calls-now": calls_now,
    "emails": emails_per_month,
    "funnel": funnel,
    "associations": lambda scope: cooperatives_table(scope, by="association"),
    "territories": lambda scope: cooperatives_table(scope, by="province"),
    "startups": startups_per_stage,
    "stage-time": time_per_stage,
}


def results(scope):
    """Every table of the dashboard, in the order the page shows them."""
    return [build(scope) for build in TABLES.values()]
