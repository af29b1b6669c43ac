import hashlib
import secrets
from datetime import timedelta

import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from localflavor.it.it_province import PROVINCE_CHOICES
from simple_history.models import HistoricalRecords

from core.i18n import localized
from members.data.nuts import NUTS2_CHOICES, nuts2_for_province
from members.validators import normalize_phone, normalize_vat, validate_phone, validate_vat_number


class BilingualName(models.Model):
    """A row named in both portal languages (`name_it`, `name_en`): its `name`, and what it
    prints as, are in the reader's language."""

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized(self)


class Vocabulary(BilingualName):
    """A short bilingual list loaded by a data migration (`vocabularies.load_vocabulary`),
    matched on its code and shown in its `position` order: applicant types, startup needs."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_it = models.CharField(_("name (Italian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "code"]


class SectorQuerySet(models.QuerySet):
    def matching(self, sectors):
        """The sectors a choice of `sectors` stands for: each of them, the divisions of a
        section and the section of a division (a call for "C Manufacturing" concerns a food
        cooperative, "10", and the reverse)."""
        sectors = list(sectors)
        chosen = {sector.pk for sector in sectors}
        sections = {sector.section_id for sector in sectors if sector.section_id}
        return self.filter(Q(pk__in=chosen | sections) | Q(section__in=chosen))


def filter_by_sectors(queryset, sectors, fields):
    """The rows of `queryset` tagged, in one of the sector relations `fields`, with one of
    `sectors` or a sector it stands for (`SectorQuerySet.matching`).

    Every list that filters by sector uses this, so a section and its divisions match alike
    everywhere. Through a subquery on the primary key: a row tagged twice comes once, with
    no DISTINCT.
    """
    related = Sector.objects.matching(sectors).values("pk")
    tagged = Q()
    for field in fields:
        tagged |= Q(**{f"{field}__in": related})
    return queryset.filter(pk__in=queryset.model._default_manager.filter(tagged).values("pk"))


class Sector(BilingualName):
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

    objects = SectorQuerySet.as_manager()

    class Meta:
        verbose_name = _("sector (NACE)")
        verbose_name_plural = _("sectors (NACE)")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_section(self):
        return self.section_id is None


class Theme(BilingualName):
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


class CooperativeQuerySet(models.QuerySet):
    def active(self):
        """Cooperatives shown in the public directory."""
        return self.filter(is_active=True)

    def visible_to(self, user):
        """The set form of `members.view_cooperative`: active ones; every one for staff."""
        if rules.has_perm("members.view_inactive_cooperatives", user):
            return self
        return self.active()

    def of_member(self, user):
        """The set form of `members.rules.is_member`: the cooperatives `user` belongs to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()

    def of_association(self, association):
        """Members of the association or of an association within it (e.g. a territorial one)."""
        members = Q(associations=association) | Q(associations__parent=association)
        return self.filter(pk__in=Cooperative.objects.filter(members).values("pk"))

    def with_directory_data(self):
        """Everything a directory card shows, in a fixed number of queries."""
        return self.select_related("main_sector", "main_sector__section").prefetch_related(
            "associations", "themes"
        )


class Cooperative(models.Model):
    """A member cooperative of the federation."""

    class Type(models.TextChoices):
        WORKER = "worker", _("Worker cooperative")
        SOCIAL_A = "social_a", _("Social cooperative (type A)")
        SOCIAL_B = "social_b", _("Social cooperative (type B)")
        AGRICULTURAL = "agricultural", _("Agricultural cooperative")
        CONSUMER = "consumer", _("Consumer cooperative")
        HOUSING = "housing", _("Housing cooperative")
        COMMUNITY = "community", _("Community cooperative")
        RETAIL = "retail", _("Retailers' / users' cooperative")
        CONSORTIUM = "consortium", _("Cooperative consortium")

    class TurnoverBand(models.TextChoices):
        UNDER_2M = "under_2m", _("up to 2 million EUR")
        FROM_2M_TO_10M = "2m_10m", _("2 to 10 million EUR")
        FROM_10M_TO_50M = "10m_50m", _("10 to 50 million EUR")
        OVER_50M = "over_50m", _("over 50 million EUR")

    legal_name = models.CharField(_("legal name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    vat_number = models.CharField(
        _("VAT number (Partita IVA)"),
        # Room for the "IT" prefix and spaces as typed; stored as the 11 digits.
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_vat_number],
        help_text=_("11 digits, checked; the IT prefix and spaces are removed. Empty if unknown."),
    )
    cooperative_type = models.CharField(
        _("cooperative type"), max_length=20, choices=Type.choices, blank=True
    )
    main_sector = models.ForeignKey(
        Sector,
        verbose_name=_("main sector"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="main_cooperatives",
        limit_choices_to={"section__isnull": False},
        help_text=_("A NACE division (two digits)."),
    )
    sectors = models.ManyToManyField(
        Sector,
        verbose_name=_("other sectors"),
        blank=True,
        related_name="cooperatives",
        limit_choices_to={"section__isnull": False},
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=2, choices=PROVINCE_CHOICES, blank=True)
    region = models.CharField(
        _("region (NUTS-2)"),
        max_length=4,
        choices=NUTS2_CHOICES,
        blank=True,
        help_text=_("Derived from the province when there is one."),
    )
    employee_count = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    member_count = models.PositiveIntegerField(_("members (shareholders)"), null=True, blank=True)
    turnover_band = models.CharField(
        _("turnover"), max_length=10, choices=TurnoverBand.choices, blank=True
    )
    year_founded = models.PositiveSmallIntegerField(
        _("year founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1850), MaxValueValidator(2100)],
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    themes = models.ManyToManyField(
        Theme, verbose_name=_("innovation themes"), blank=True, related_name="cooperatives"
    )
    countries_of_interest = CountryField(
        _("countries of interest"),
        multiple=True,
        blank=True,
        help_text=_("Countries where the cooperative wants to work or find partners."),
    )
    associations = models.ManyToManyField(
        Association, verbose_name=_("associations"), blank=True, related_name="cooperatives"
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive cooperatives leave the directory.")
    )
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Invented for the demo: not a real cooperative.")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    # Every change of the profile, by whom (the request's user), shown to staff.
    history = HistoricalRecords(m2m_fields=[sectors, themes], excluded_fields=["updated"])

    objects = CooperativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperatives")
        ordering = ["legal_name"]
        indexes = [
            models.Index(fields=["province"]),
            models.Index(fields=["cooperative_type"]),
            # The directory and the admin list page through cooperatives in this order.
            models.Index(fields=["legal_name"], name="cooperative_legal_name_idx"),
        ]

    def __str__(self):
        return self.legal_name

    def save(self, *args, **kwargs):
        self.normalize()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("members:cooperative-detail", kwargs={"slug": self.slug})

    def clean_fields(self, exclude=None):
        self.normalize()
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        if self.main_sector_id and self.main_sector.is_section:
            raise ValidationError(
                {"main_sector": _("Choose a NACE division (two digits), not a section.")}
            )

    def profile_gaps(self):
        """Labels of the profile fields still empty (needs `themes` prefetched to stay cheap)."""
        gaps = []
        for name in PROFILE_FIELDS:
            field = self._meta.get_field(name)
            if name == "themes":
                filled = bool(self.themes.all())
            elif name == "countries_of_interest":
                filled = bool(self.countries_of_interest)
            else:
                filled = getattr(self, field.attname) not in (None, "")
            if not filled:
                gaps.append(field.verbose_name)
        return gaps

    @property
    def profile_completeness(self):
        """Share of the profile fields filled in, as a whole percentage."""
        filled = len(PROFILE_FIELDS) - len(self.profile_gaps())
        return round(100 * filled / len(PROFILE_FIELDS))

    def normalize(self):
        """Compact VAT and phone numbers, and the region that follows from the province."""
        self.vat_number = normalize_vat(self.vat_number) or None
        if self.phone:
            self.phone = normalize_phone(self.phone)
        if self.province:
            self.region = nuts2_for_province(self.province) or self.region


# What a complete profile has: what matching, partners and the directory rely on.
PROFILE_FIELDS = [
    "cooperative_type",
    "main_sector",
    "description",
    "themes",
    "countries_of_interest",
    "city",
    "province",
    "employee_count",
    "turnover_band",
    "year_founded",
    "website",
    "email",
    "phone",
]


class CooperativeContact(models.Model):
    """A person to contact at a cooperative; shown to signed-in members and staff only."""

    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("cooperative"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")
        ordering = ["cooperative", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "name"], name="unique_contact_name_per_cooperative"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.cooperative})"

    def save(self, *args, **kwargs):
        if self.phone:
            self.phone = normalize_phone(self.phone)
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A person belongs to a cooperative with a role."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        EDITOR = "editor", _("Editor")
        VIEWER = "viewer", _("Viewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("cooperative"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["cooperative", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cooperative"], name="unique_membership_per_cooperative"
            )
        ]

    def __str__(self):
        return f"{self.user} - {self.cooperative} ({self.get_role_display()})"


INVITATION_VALIDITY = timedelta(days=7)


def hash_token(token):
    """Invitations store only a hash of their token: a leaked table opens no door."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self, at=None):
        """Neither accepted, revoked nor expired (or superseded) at `at`."""
        at = at or timezone.now()
        return self.filter(
            accepted_at__isnull=True, revoked=False, superseded_at__isnull=True, expires_at__gt=at
        )


class Invitation(models.Model):
    """An email invitation to join a cooperative with a role.

    The link carries a random token; only its hash is stored. The invitation works once
    (accepting claims it with a conditional update) and expires after seven days.

    A cooperative has at most one open invitation per address (a constraint, so a double
    submit cannot send two): open is neither accepted, revoked nor superseded. Expiry
    cannot be part of a database condition, so inviting an address again after its
    invitation expired marks the expired one superseded (`invitation_create`).
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    email = models.EmailField(_("email"))
    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("cooperative"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.VIEWER
    )
    language = models.CharField(
        _("language of the email"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )
    revoked = models.BooleanField(_("revoked"), default=False)
    superseded_at = models.DateTimeField(
        _("replaced by a newer invitation"), null=True, blank=True, editable=False
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["cooperative", "email"])]
        constraints = [
            models.UniqueConstraint(
                models.F("cooperative"),
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked=False, superseded_at__isnull=True),
                name="members_invitation_one_open_per_cooperative_email",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.cooperative} ({self.get_role_display()})"

    def set_new_token(self):
        """A fresh random token; returned once (for the email), stored only as its hash."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        if not self.expires_at:
            self.expires_at = (self.created_at or timezone.now()) + INVITATION_VALIDITY
        return token

    def state_at(self, at=None):
        at = at or timezone.now()
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked:
            return self.State.REVOKED
        # Only expired invitations are superseded.
        if self.superseded_at or self.expires_at <= at:
            return self.State.EXPIRED
        return self.State.PENDING

    @property
    def state(self):
        return self.state_at()

    @property
    def is_pending(self):
        return self.state == self.State.PENDING
