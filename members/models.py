from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innovacoop.i18n import localized


class Sector(models.Model):
    """A NACE Rev. 2 section (a letter, e.g. "C") or division (two digits, e.g. "10").

    ATECO, the code an Italian cooperative has in the business register, is the Italian
    form of NACE: at division level the two coincide.
    """

    code = models.CharField(_("NACE code"), max_length=2, unique=True)
    section = models.ForeignKey(
        "self",
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="divisions",
        help_text=_("Empty for a section; the section a division belongs to."),
    )
    name_it = models.CharField(_("name (Italian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)

    class Meta:
        verbose_name = _("sector (NACE)")
        verbose_name_plural = _("sectors (NACE)")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def name(self):
        return localized(self)

    @property
    def is_section(self):
        return self.section_id is None


class Theme(models.Model):
    """An innovation theme shared by the whole portal (cooperatives, calls, requests, startups)."""

    slug = models.SlugField(_("slug"), unique=True)
    name_it = models.CharField(_("name (Italian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        verbose_name = _("innovation theme")
        verbose_name_plural = _("innovation themes")
        ordering = ["name_en"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized(self)

    @property
    def description(self):
        return localized(self, "description")


class Association(models.Model):
    """An association of the Legacoop federation: regional, territorial or sector."""

    class Kind(models.TextChoices):
        REGIONAL = "regional", _("Regional association")
        TERRITORIAL = "territorial", _("Territorial association")
        SECTOR = "sector", _("Sector association")
        NATIONAL_SECTOR = "national_sector", _("National sector association")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent association"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    is_innovacoop_shareholder = models.BooleanField(_("shareholder of INNOVACOOP"), default=False)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("association")
        verbose_name_plural = _("associations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:association-detail", kwargs={"slug": self.slug})


class AssociationFigure(models.Model):
    """A figure an association has published, with the year it refers to and its source."""

    class Metric(models.TextChoices):
        ENTERPRISES = "enterprises", _("Enterprises")
        COOPERATIVES = "cooperatives", _("Cooperatives")
        CONSORTIA = "consortia", _("Consortia")
        EMPLOYEES = "employees", _("Employees")
        MEMBERS = "members", _("Members (shareholders)")
        PRODUCTION_VALUE_EUR = "production_value_eur", _("Production value (EUR)")

    association = models.ForeignKey(
        Association,
        verbose_name=_("association"),
        on_delete=models.CASCADE,
        related_name="figures",
    )
    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=0)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    source = models.CharField(
        _("source"),
        max_length=500,
        blank=True,
        help_text=_("Where the figure was published, e.g. the sentence of the document."),
    )

    class Meta:
        verbose_name = _("association figure")
        verbose_name_plural = _("association figures")
        ordering = ["association", "metric", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "metric", "year"], name="unique_association_figure_per_year"
            )
        ]

    def __str__(self):
        return f"{self.association}: {self.get_metric_display()} {self.value} ({self.year})"
