"""Startups and spinoffs, the support programmes they apply to, and their mentors.

An application moves through a pipeline (see `startups.services.TRANSITIONS`); every move is
an `ApplicationEvent`. An accepted application becomes (or is linked to) a `Startup`.
"""

import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuditEntry, AuditView
from members.models import Vocabulary

# Parent bodies a startup (or a mentor) may come from: universities and research centres.
ACADEMIC_BODY_KINDS = ("university", "research_centre")


class Need(Vocabulary):
    """What a startup needs (funding, mentoring...): rows loaded by a data migration."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("need")
        verbose_name_plural = _("needs")


class Kind(models.TextChoices):
    INNOVATIVE_STARTUP = "innovative_startup", _("Innovative startup")
    ACADEMIC_SPINOFF = "academic_spinoff", _("Academic spinoff")
    COOPERATIVE_SPINOFF = "cooperative_spinoff", _("Cooperative spinoff")
    WORKERS_BUYOUT = "workers_buyout", _("Workers buyout")
    COMMUNITY_COOPERATIVE = "community_cooperative", _("Community cooperative")


ONE_PARENT_AT_MOST = _(
    "Choose a parent cooperative or a parent university or research centre, not both."
)


class ParentOrganisation(models.Model):
    """Where a startup comes from, on the startup and on the application that founds it: a
    member cooperative or a university or research centre, one of them at most.

    A model declares the two fields with `parent_fields` where they stand among its own
    (its forms list them in that order), with its reverse name on Cooperative and Body.
    """

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(parent_cooperative__isnull=True) | Q(parent_body__isnull=True),
                name="%(class)s_one_parent_at_most",
                violation_error_message=ONE_PARENT_AT_MOST,
            )
        ]

    @staticmethod
    def parent_fields(related_name):
        """The parent cooperative and parent body fields, `related_name` on both."""
        optional = {"on_delete": models.SET_NULL, "null": True, "blank": True}
        return (
            models.ForeignKey(
                "members.Cooperative",
                verbose_name=_("parent cooperative"),
                related_name=related_name,
                **optional,
            ),
            models.ForeignKey(
                "networks.Body",
                verbose_name=_("parent university or research centre"),
                related_name=related_name,
                limit_choices_to={"kind__in": ACADEMIC_BODY_KINDS},
                **optional,
            ),
        )

    @property
    def parent(self):
        return self.parent_cooperative or self.parent_body


class StartupQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The set form of `startups.view_startup`: public startups for everyone; members-only
        ones for people of member cooperatives and staff (`members.view_members_only`): an
        account alone, such as a founder's made through the public apply form, is not enough."""
        if rules.has_perm("members.view_members_only", user):
            return self
        return self.filter(visibility=Startup.Visibility.PUBLIC)

    def with_list_data(self):
        """Everything a list card shows, in a fixed number of queries."""
        return self.select_related("sector", "parent_cooperative", "parent_body").prefetch_related(
            "themes", "needs"
        )


class Startup(ParentOrganisation):
    """A startup or spinoff INNOVACOOP follows."""

    Kind = Kind

    class Stage(models.TextChoices):
        IDEA = "idea", _("Idea")
        VALIDATION = "validation", _("Validation")
        EARLY = "early", _("Early stage")
        GROWTH = "growth", _("Growth")

    class LegalForm(models.TextChoices):
        COOPERATIVE = "cooperative", _("Cooperative")
        SOCIAL_COOPERATIVE = "social_cooperative", _("Social cooperative")
        SRL = "srl", _("Limited company (S.r.l.)")
        SRLS = "srls", _("Simplified limited company (S.r.l.s.)")
        SPA = "spa", _("Joint-stock company (S.p.A.)")
        OTHER = "other", _("Other")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        MEMBERS = "members", _("Members only")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    parent_cooperative, parent_body = ParentOrganisation.parent_fields("startups")
    founders = models.TextField(_("founders"), blank=True, help_text=_("One name per line."))
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    year_founded = models.PositiveSmallIntegerField(
        _("year founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=_("Empty: not yet incorporated."),
    )
    legal_form = models.CharField(
        _("legal form"), max_length=30, choices=LegalForm.choices, blank=True
    )
    is_registered_innovative = models.BooleanField(
        _("in the register of innovative startups"),
        default=False,
        help_text=_("Listed in the special section of the Italian business register."),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.IDEA)
    sector = models.ForeignKey(
        "members.Sector",
        verbose_name=_("sector"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="startups",
        limit_choices_to={"section__isnull": False},
        help_text=_("A NACE division (two digits)."),
    )
    themes = models.ManyToManyField(
        "members.Theme", verbose_name=_("innovation themes"), blank=True, related_name="startups"
    )
    team_size = models.PositiveSmallIntegerField(_("team size"), null=True, blank=True)
    needs = models.ManyToManyField(
        Need, verbose_name=_("needs"), blank=True, related_name="startups"
    )
    needs_detail = models.TextField(
        _("needs in detail"),
        blank=True,
        help_text=_("Shown to the people of member cooperatives only."),
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Invented for the demo: not a real startup.")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = StartupQuerySet.as_manager()

    class Meta(ParentOrganisation.Meta):
        verbose_name = _("startup")
        verbose_name_plural = _("startups")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("startups:startup-detail", kwargs={"slug": self.slug})

    @property
    def founder_names(self):
        return [line.strip() for line in self.founders.splitlines() if line.strip()]

    def clean(self):
        super().clean()
        if self.sector_id and self.sector.is_section:
            raise ValidationError(
                {"sector": _("Choose a NACE division (two digits), not a section.")}
            )


class SupportProgrammeQuerySet(models.QuerySet):
    def open(self, today=None):
        today = today or timezone.localdate()
        return self.filter(open_date__lte=today, close_date__gte=today)


class SupportProgramme(models.Model):
    """A programme startups apply to (a call for cooperative startup ideas, an incubator)."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    criteria = models.TextField(_("criteria"), blank=True)
    open_date = models.DateField(_("opens on"))
    close_date = models.DateField(_("closes on"), help_text=_("Last day to apply (inclusive)."))
    places = models.PositiveSmallIntegerField(
        _("places available"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SupportProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("support programme")
        verbose_name_plural = _("support programmes")
        ordering = ["-open_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(close_date__gte=models.F("open_date")),
                name="programme_closes_after_opening",
                violation_error_message=_("The closing date cannot be before the opening date."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("startups:programme-detail", kwargs={"slug": self.slug})

    def places_taken(self):
        return self.applications.filter(stage__in=Application.PLACE_TAKING_STAGES).count()

    def refusal_reason(self, today=None):
        """Why the programme takes no application today, in words; None when it is open."""
        today = today or timezone.localdate()
        if today < self.open_date:
            return _("This programme opens on %(date)s: applications are not accepted yet.") % {
                "date": self.open_date.strftime("%d/%m/%Y")
            }
        if today > self.close_date:
            return _("This programme closed on %(date)s: applications are no longer accepted.") % {
                "date": self.close_date.strftime("%d/%m/%Y")
            }
        if self.places is not None and self.places_taken() >= self.places:
            return _("All the places of this programme have been taken.")
        return None

    def is_open(self, today=None):
        return self.refusal_reason(today) is None


class Application(ParentOrganisation):
    """A founding team's application to a support programme."""

    class Stage(models.TextChoices):
        AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting email confirmation")
        SUBMITTED = "submitted", _("Submitted")
        SCREENING = "screening", _("Screening")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        INCUBATING = "incubating", _("Incubating")
        GRADUATED = "graduated", _("Graduated")
        DROPPED = "dropped", _("Dropped")

    PLACE_TAKING_STAGES = (Stage.ACCEPTED, Stage.INCUBATING, Stage.GRADUATED)

    programme = models.ForeignKey(
        SupportProgramme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    # Empty once the applicant deleted their account: the application (the startup's own
    # data and its history) stays for staff, without the person.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="startup_applications",
    )
    startup_name = models.CharField(_("startup name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    description = models.TextField(_("description of the idea"))
    team = models.TextField(_("founding team"), help_text=_("One person per line, with role."))
    team_size = models.PositiveSmallIntegerField(_("team size"), null=True, blank=True)
    needs = models.ManyToManyField(
        Need, verbose_name=_("needs"), blank=True, related_name="applications"
    )
    sector = models.ForeignKey(
        "members.Sector",
        verbose_name=_("sector"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="startup_applications",
        limit_choices_to={"section__isnull": False},
    )
    themes = models.ManyToManyField(
        "members.Theme",
        verbose_name=_("innovation themes"),
        blank=True,
        related_name="startup_applications",
    )
    parent_cooperative, parent_body = ParentOrganisation.parent_fields("startup_applications")
    stage = models.CharField(
        _("stage"), max_length=25, choices=Stage.choices, default=Stage.SUBMITTED, db_index=True
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    startup = models.OneToOneField(
        Startup,
        verbose_name=_("startup"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="application",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta(ParentOrganisation.Meta):
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "applicant"],
                name="one_application_per_person_per_programme",
                violation_error_message=_("You have already applied to this programme."),
            ),
            *ParentOrganisation.Meta.constraints,
        ]

    def __str__(self):
        return f"{self.startup_name} → {self.programme}"


class ApplicationEvent(AuditView):
    """One move of an application through the pipeline: who, when, from, to, why.

    A view of the audit log (`core.models.AuditView`): creating one writes an `AuditEntry`
    on the application."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="events",
    )
    from_stage = models.CharField(
        _("from"), max_length=25, choices=Application.Stage.choices, blank=True
    )
    to_stage = models.CharField(_("to"), max_length=25, choices=Application.Stage.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        managed = False
        db_table = "startups_applicationevent"
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.application}: {self.from_stage or '—'} → {self.to_stage}"

    def audit_target(self):
        return self.application

    def audit_action(self):
        if not self.from_stage:
            return AuditEntry.Action.APPLICATION_SUBMITTED
        return AuditEntry.Action.APPLICATION_MOVED

    def audit_data(self):
        return {"from_stage": self.from_stage, "to_stage": self.to_stage, "note": self.note}


class Mentor(models.Model):
    """A person from a member cooperative or a partner body who mentors startups."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentor_profiles",
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"), unique=True)
    cooperative = models.ForeignKey(
        "members.Cooperative",
        verbose_name=_("cooperative"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentors",
    )
    body = models.ForeignKey(
        "networks.Body",
        verbose_name=_("partner body"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentors",
    )
    themes = models.ManyToManyField(
        "members.Theme", verbose_name=_("themes"), blank=True, related_name="mentors"
    )
    areas = models.CharField(
        _("areas of expertise"), max_length=300, blank=True, help_text=_("Free text.")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cooperative__isnull=True) | Q(body__isnull=True),
                name="mentor_one_organisation_at_most",
                violation_error_message=_("Choose a cooperative or a partner body, not both."),
            )
        ]

    def __str__(self):
        organisation = self.cooperative or self.body
        return f"{self.name} ({organisation})" if organisation else self.name


class MentorAssignment(models.Model):
    """A mentor follows a startup since a date."""

    mentor = models.ForeignKey(
        Mentor, verbose_name=_("mentor"), on_delete=models.CASCADE, related_name="assignments"
    )
    startup = models.ForeignKey(
        Startup,
        verbose_name=_("startup"),
        on_delete=models.CASCADE,
        related_name="mentor_assignments",
    )
    since = models.DateField(_("since"), default=timezone.localdate)

    class Meta:
        verbose_name = _("mentor assignment")
        verbose_name_plural = _("mentor assignments")
        ordering = ["startup", "since"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "startup"],
                name="one_assignment_per_mentor_and_startup",
                violation_error_message=_("This mentor already follows this startup."),
            )
        ]

    def __str__(self):
        return f"{self.mentor.name} → {self.startup}"
