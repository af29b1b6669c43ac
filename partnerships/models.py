"""Partnership requests, expressions of interest, dismissed suggestions and projects.

A request moves through a small workflow (`PartnershipRequest.TRANSITIONS`); every move is
done by `partnerships.services` and recorded as a `RequestEvent` (who, when, why).
"""

import rules
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.models import AuditEntry, AuditView
from members.rules import member_cooperative_ids


def open_for_interest_condition(at=None, prefix=""):
    """The condition of a request open for expressions of interest at `at`: published, its
    deadline for them not passed. `prefix` ("request__") applies it to a related request in a
    join, which the planner handles far better than `request__in=<subquery>`."""
    today = timezone.localdate(at or timezone.now())
    return Q(**{f"{prefix}state": PartnershipRequest.State.PUBLISHED}) & (
        Q(**{f"{prefix}interest_deadline__isnull": True})
        | Q(**{f"{prefix}interest_deadline__gte": today})
    )


class PartnershipRequestQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=PartnershipRequest.State.PUBLISHED)

    def open_for_interest(self, at=None):
        """Published requests whose deadline for expressions of interest has not passed."""
        return self.filter(open_for_interest_condition(at))

    def past_deadline(self, at=None):
        """Published requests whose deadline for expressions of interest is over."""
        today = timezone.localdate(at or timezone.now())
        return self.published().filter(interest_deadline__lt=today)

    def of_cooperatives(self, cooperative_ids):
        return self.filter(owner_id__in=cooperative_ids)

    def visible_to(self, user):
        """The set form of `partnerships.view_request`: every request for staff; the requests
        of the person's cooperatives, and published, closed or expired ones for people who
        may browse (members of a cooperative)."""
        if rules.has_perm("partnerships.moderate_request", user):
            return self
        visible = Q(owner_id__in=member_cooperative_ids(user))
        if rules.has_perm("partnerships.browse_requests", user):
            visible |= Q(state__in=PUBLIC_STATES)
        return self.filter(visible)


class PartnershipRequest(models.Model):
    """A cooperative looking for a partner, offering or seeking a technology, and so on."""

    class Kind(models.TextChoices):
        CALL_PARTNER = "call_partner", _("Partner for a funding call")
        TECHNOLOGY_OFFER = "technology_offer", _("Technology offer")
        TECHNOLOGY_REQUEST = "technology_request", _("Technology request")
        RESEARCH = "research", _("Research collaboration")
        INTERNATIONALISATION = "internationalisation", _("Internationalisation")
        COOPERATION = "cooperation", _("Cooperation among cooperatives")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        RETURNED = "returned", _("Returned to the owner")
        CLOSED = "closed", _("Closed")
        EXPIRED = "expired", _("Expired")

    class Outcome(models.TextChoices):
        PARTNER_FOUND = "partner_found", _("Partner found")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Allowed moves: (from, to) -> who may make it. "owner" is an editor or administrator of
    # the owner cooperative (staff may act for it); "staff" is staff only; "system" is the
    # periodic expiry task.
    TRANSITIONS = {
        (State.DRAFT, State.SUBMITTED): "owner",
        (State.RETURNED, State.SUBMITTED): "owner",
        (State.SUBMITTED, State.PUBLISHED): "staff",
        (State.SUBMITTED, State.RETURNED): "staff",
        (State.PUBLISHED, State.CLOSED): "owner",
        (State.SUBMITTED, State.CLOSED): "owner",
        (State.DRAFT, State.CLOSED): "owner",
        (State.RETURNED, State.CLOSED): "owner",
        (State.PUBLISHED, State.EXPIRED): "system",
    }
    EDITABLE_STATES = (State.DRAFT, State.RETURNED)

    owner = models.ForeignKey(
        "members.Cooperative",
        on_delete=models.CASCADE,
        related_name="partnership_requests",
        verbose_name=_("cooperative"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400)
    description = models.TextField(_("description"), blank=True)
    offer = models.TextField(_("what we offer"), blank=True)
    sought_organisation_types = models.ManyToManyField(
        "funding.ApplicantType",
        blank=True,
        related_name="+",
        verbose_name=_("organisations sought"),
    )
    sought_sectors = models.ManyToManyField(
        "members.Sector", blank=True, related_name="+", verbose_name=_("sectors sought")
    )
    sought_themes = models.ManyToManyField(
        "members.Theme", blank=True, related_name="+", verbose_name=_("themes")
    )
    sought_countries = CountryField(_("partner countries"), multiple=True, blank=True)
    interest_deadline = models.DateField(
        _("deadline for expressions of interest"),
        null=True,
        blank=True,
        help_text=_("After this day the request expires and takes no more interest."),
    )
    call = models.ForeignKey(
        "funding.Call",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partnership_requests",
        verbose_name=_("funding call"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Invented for the demo, not a real request.")
    )

    objects = PartnershipRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("partnership request")
        verbose_name_plural = _("partnership requests")
        indexes = [models.Index(fields=["state", "interest_deadline"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("partnerships:request-detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self):
        return self.state in self.EDITABLE_STATES

    def is_open_for_interest(self, at=None):
        if self.state != self.State.PUBLISHED:
            return False
        return self.interest_deadline is None or self.interest_deadline >= timezone.localdate(
            at or timezone.now()
        )

    def who_may_move_to(self, state):
        """'owner', 'staff', 'system' or None when the move is not allowed from here."""
        return self.TRANSITIONS.get((self.state, state))


# Requests anyone who may browse sees; drafts, submitted and returned ones are the owner's.
PUBLIC_STATES = (
    PartnershipRequest.State.PUBLISHED,
    PartnershipRequest.State.CLOSED,
    PartnershipRequest.State.EXPIRED,
)


class RequestEvent(AuditView):
    """One move of a request through its workflow: the audit trail staff and owners see.

    A view of the audit log (`core.models.AuditView`): creating one writes an `AuditEntry`
    on the request whose action says what the move was."""

    ACTIONS = {
        PartnershipRequest.State.SUBMITTED: AuditEntry.Action.REQUEST_SUBMITTED,
        PartnershipRequest.State.PUBLISHED: AuditEntry.Action.REQUEST_APPROVED,
        PartnershipRequest.State.RETURNED: AuditEntry.Action.REQUEST_RETURNED,
        PartnershipRequest.State.CLOSED: AuditEntry.Action.REQUEST_CLOSED,
        PartnershipRequest.State.EXPIRED: AuditEntry.Action.REQUEST_EXPIRED,
    }

    request = models.ForeignKey(
        PartnershipRequest,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="events",
    )
    from_state = models.CharField(
        _("from"), max_length=20, choices=PartnershipRequest.State.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=20, choices=PartnershipRequest.State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the portal did it (expiry)."),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        managed = False
        db_table = "partnerships_requestevent"
        ordering = ["at", "pk"]
        verbose_name = _("request event")
        verbose_name_plural = _("request events")

    def __str__(self):
        return f"{self.request_id}: {self.from_state} -> {self.to_state}"

    def audit_target(self):
        return self.request

    def audit_action(self):
        if not self.from_state:
            return AuditEntry.Action.REQUEST_CREATED
        if self.from_state == self.to_state:
            return AuditEntry.Action.REQUEST_EDITED
        return self.ACTIONS[self.to_state]

    def audit_data(self):
        return {"from_state": self.from_state, "to_state": self.to_state, "note": self.note}


class ExpressionOfInterestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The set form of `partnerships.view_interest`: interests in requests `user` sees."""
        return self.filter(request__in=PartnershipRequest.objects.visible_to(user))


class ExpressionOfInterest(models.Model):
    """A cooperative answering another cooperative's published request (one per request)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    request = models.ForeignKey(
        PartnershipRequest,
        on_delete=models.CASCADE,
        related_name="interests",
        verbose_name=_("partnership request"),
    )
    cooperative = models.ForeignKey(
        "members.Cooperative",
        on_delete=models.CASCADE,
        related_name="expressions_of_interest",
        verbose_name=_("cooperative"),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    message = models.TextField(_("message"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ExpressionOfInterestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "cooperative"], name="one_interest_per_cooperative"
            )
        ]

    def __str__(self):
        return f"{self.cooperative} -> {self.request}"

    @property
    def contacts_revealed(self):
        """Both sides see each other's contact details only once the owner accepted."""
        return self.state == self.State.ACCEPTED


class DismissedSuggestion(models.Model):
    """A suggestion a cooperative marked "not relevant": it is not suggested to it again.

    `request` is the context when the suggestion was a candidate partner for one of the
    cooperative's requests; empty for suggestions made to the cooperative itself.
    """

    class Target(models.TextChoices):
        CALL = "call", _("Funding call")
        REQUEST = "request", _("Partnership request")
        COOPERATIVE = "cooperative", _("Cooperative")
        BODY = "body", _("Network organisation")

    cooperative = models.ForeignKey(
        "members.Cooperative", on_delete=models.CASCADE, related_name="dismissed_suggestions"
    )
    request = models.ForeignKey(
        PartnershipRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dismissed_candidates",
    )
    target_type = models.CharField(_("suggestion"), max_length=20, choices=Target.choices)
    target_id = models.PositiveIntegerField()
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    dismissed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("dismissed suggestion")
        verbose_name_plural = _("dismissed suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "target_type", "target_id"],
                condition=Q(request__isnull=True),
                name="one_dismissal_per_suggestion",
            ),
            models.UniqueConstraint(
                fields=["request", "target_type", "target_id"],
                condition=Q(request__isnull=False),
                name="one_dismissal_per_candidate",
            ),
        ]

    def __str__(self):
        return f"{self.cooperative_id} dismissed {self.target_type} {self.target_id}"


class MatchmakingSubscription(models.Model):
    """A person's choice about the weekly matchmaking digest (on unless they stop it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="matchmaking"
    )
    weekly_digest = models.BooleanField(_("weekly matchmaking digest"), default=True)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("matchmaking digest subscription")
        verbose_name_plural = _("matchmaking digest subscriptions")

    def __str__(self):
        return f"{self.user}: {'on' if self.weekly_digest else 'off'}"


class MatchmakingDigestRun(models.Model):
    """One weekly digest built for a person: what it covered, so the next starts after it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="matchmaking_digests"
    )
    week = models.CharField(_("week"), max_length=10, help_text=_("ISO week, e.g. 2026-W48."))
    covered_until = models.DateTimeField(_("covers events until"))
    request_count = models.PositiveIntegerField(_("requests"), default=0)
    interest_count = models.PositiveIntegerField(_("expressions of interest"), default=0)
    created_at = models.DateTimeField(_("built"), auto_now_add=True)

    class Meta:
        verbose_name = _("matchmaking digest")
        verbose_name_plural = _("matchmaking digests")
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="one_matchmaking_digest_a_week")
        ]

    def __str__(self):
        return f"{self.user_id} {self.week}"


class Project(models.Model):
    """A partnership that became a project (submitted to a call, funded, running...)."""

    class Kind(models.TextChoices):
        INNOVATION = "innovation", _("Innovation")
        INTERNATIONALISATION = "internationalisation", _("Internationalisation")
        DEVELOPMENT = "development_cooperation", _("Development cooperation")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        FUNDED = "funded", _("Funded")
        REJECTED = "rejected", _("Not funded")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")

    title = models.CharField(_("title"), max_length=250)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    summary = models.TextField(_("summary"), blank=True)
    call = models.ForeignKey(
        "funding.Call",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("funding call"),
    )
    lead_cooperative = models.ForeignKey(
        "members.Cooperative",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_projects",
        verbose_name=_("lead cooperative"),
    )
    lead_body = models.ForeignKey(
        "networks.Body",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_projects",
        verbose_name=_("lead organisation"),
        help_text=_("When the lead is a network organisation rather than a cooperative."),
    )
    cooperatives = models.ManyToManyField(
        "members.Cooperative",
        blank=True,
        related_name="projects",
        verbose_name=_("participating cooperatives"),
    )
    bodies = models.ManyToManyField(
        "networks.Body",
        blank=True,
        related_name="projects",
        verbose_name=_("participating organisations"),
    )
    countries = CountryField(_("countries"), multiple=True, blank=True)
    budget = models.DecimalField(
        _("total budget (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    eu_contribution = models.DecimalField(
        _("EU contribution (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    origin_request = models.OneToOneField(
        PartnershipRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project",
        verbose_name=_("from partnership request"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Invented for the demo, not a real project.")
    )

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(eu_contribution__isnull=True)
                | Q(budget__isnull=True)
                | Q(eu_contribution__lte=models.F("budget")),
                name="project_contribution_within_budget",
            ),
        ]

    def __str__(self):
        return f"{self.acronym}: {self.title}" if self.acronym else self.title

    def get_absolute_url(self):
        return reverse("partnerships:project-detail", kwargs={"slug": self.slug})
