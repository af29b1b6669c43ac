"""The world outside the federation: European and international bodies, offices in Brussels,
development platforms, universities, research centres and clusters, their published figures
and who belongs to whom."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.i18n import localized


class BodyQuerySet(models.QuerySet):
    def kind_ordered(self):
        """Bodies in the order of `Body.Kind` (the order the network pages group them in)."""
        order = models.Case(
            *(models.When(kind=value, then=index) for index, value in enumerate(Body.Kind.values)),
            default=len(Body.Kind.values),
            output_field=models.IntegerField(),
        )
        return self.alias(kind_order=order).order_by("kind_order", "name")


class Body(models.Model):
    """An organisation INNOVACOOP's network reaches: a federation, office, platform or partner."""

    class Kind(models.TextChoices):
        EUROPEAN_FEDERATION = "european_federation", _("European federation")
        EUROPEAN_SECTOR_CONFEDERATION = (
            "european_sector_confederation",
            _("European sector confederation"),
        )
        INTERNATIONAL_ALLIANCE = "international_alliance", _("International alliance")
        DEVELOPMENT_PLATFORM = "development_platform", _("Development platform")
        REPRESENTATION_OFFICE = "representation_office", _("Representation office")
        REGIONAL_OFFICE = "regional_office", _("Regional office")
        UNIVERSITY = "university", _("University")
        RESEARCH_CENTRE = "research_centre", _("Research centre")
        INNOVATION_CLUSTER = "innovation_cluster", _("Innovation cluster or platform")

    class Scope(models.TextChoices):
        REGIONAL = "regional", _("Regional")
        NATIONAL = "national", _("National")
        EUROPEAN = "european", _("European")
        GLOBAL = "global", _("Global")

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent body"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The body this one is a committee, platform or office of."),
    )
    country = CountryField(_("country"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("Invented for the demo: not a real organisation or not real data."),
    )

    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("network body")
        verbose_name_plural = _("network bodies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="body_not_its_own_parent",
                violation_error_message=_("A body cannot be its own parent."),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("networks:body-detail", kwargs={"slug": self.slug})

    @property
    def description(self):
        return localized(self, "description")

    @property
    def short_name(self):
        """The acronym where the body has one (as the documents call it), else the name."""
        return self.acronym or self.name

    def clean(self):
        super().clean()
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": _("A body cannot be inside itself (the parents form a loop).")}
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class BodyFigure(models.Model):
    """A figure a body has published, with the year it refers to (if known) and its source."""

    class Metric(models.TextChoices):
        MEMBER_ORGANISATIONS = "member_organisations", _("Member organisations")
        FULL_MEMBERS = "full_members", _("Full members")
        AFFILIATED_MEMBERS = "affiliated_members", _("Affiliated members")
        PARTNER_ORGANISATIONS = "partner_organisations", _("Partner organisations")
        COUNTRIES = "countries", _("Countries")
        ENTERPRISES = "enterprises", _("Enterprises")
        WORKERS = "workers", _("Workers")
        PROJECTS = "projects", _("Projects")

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="figures"
    )
    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices)
    value = models.PositiveBigIntegerField(_("value"))
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("Empty when the source gives no year.")
    )
    source = models.TextField(
        _("source"), help_text=_("The sentence of the document the figure comes from.")
    )

    class Meta:
        verbose_name = _("body figure")
        verbose_name_plural = _("body figures")
        ordering = ["body", "metric", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "metric", "year"], name="unique_body_figure_per_year"
            ),
            # NULLs are distinct in a unique index: one undated figure per metric needs its own.
            models.UniqueConstraint(
                fields=["body", "metric"],
                condition=Q(year__isnull=True),
                name="unique_undated_body_figure",
                violation_error_message=_(
                    "This body already has an undated figure for this metric."
                ),
            ),
        ]

    def __str__(self):
        year = f" ({self.year})" if self.year else ""
        return f"{self.body.short_name}: {self.get_metric_display()} {self.value}{year}"


class AffiliationQuerySet(models.QuerySet):
    def with_members(self):
        return self.select_related("association", "member_body", "body")


class Affiliation(models.Model):
    """An association of the federation, or a body, belonging to a body (as what, since when)."""

    class Role(models.TextChoices):
        FULL_MEMBER = "full_member", _("Full member")
        PARTNER = "partner", _("Partner")
        AFFILIATED = "affiliated", _("Affiliated")
        COMMITTEE_OR_PLATFORM = "committee_or_platform", _("Committee or platform of")

    association = models.ForeignKey(
        "members.Association",
        verbose_name=_("member association"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="affiliations",
    )
    member_body = models.ForeignKey(
        Body,
        verbose_name=_("member body"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )
    body = models.ForeignKey(
        Body,
        verbose_name=_("body joined"),
        on_delete=models.CASCADE,
        related_name="affiliations",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    since = models.PositiveSmallIntegerField(_("since (year)"), null=True, blank=True)
    note = models.TextField(
        _("note"), blank=True, help_text=_("For example the sentence of the document.")
    )
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("Invented for the demo: no document supports this relation."),
    )

    objects = AffiliationQuerySet.as_manager()

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering = ["body", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(association__isnull=False, member_body__isnull=True)
                    | Q(association__isnull=True, member_body__isnull=False)
                ),
                name="affiliation_has_exactly_one_member",
                violation_error_message=_(
                    "Choose either a member association or a member body, not both."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(member_body=models.F("body")),
                name="affiliation_body_not_member_of_itself",
                violation_error_message=_("A body cannot be a member of itself."),
            ),
            models.UniqueConstraint(
                fields=["association", "body"],
                condition=Q(association__isnull=False),
                name="unique_association_affiliation",
                violation_error_message=_("This association already belongs to this body."),
            ),
            models.UniqueConstraint(
                fields=["member_body", "body"],
                condition=Q(member_body__isnull=False),
                name="unique_body_affiliation",
                violation_error_message=_("This body already belongs to this body."),
            ),
        ]

    def __str__(self):
        return f"{self.member} → {self.body.short_name} ({self.get_role_display()})"

    @property
    def member(self):
        """The association or body that belongs to `body`."""
        return self.association if self.association_id else self.member_body
