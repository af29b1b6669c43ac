"""Funding programmes, their calls with deadlines and eligibility, and who follows which call.

A call's status (forthcoming, open, closed) is derived at the moment of the request, in SQL,
from the opening instant and three deadline columns stored on the call (`last_deadline_at`,
`next_deadline_at`, `previous_deadline_at`): lists filter and sort on them with no subquery
over the deadlines (`CallQuerySet.with_status`). Every write to deadlines refreshes them
(`Deadline.save/delete`, `DeadlineQuerySet`); the periodic `roll_call_deadlines` task moves
`next_deadline_at` on when a first stage passes, and the annotations stay exact before it runs.
"""

import contextlib
from zoneinfo import ZoneInfo

import rules
from django.conf import settings
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Case, Exists, F, Max, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.fields import CountryField

from funding import search
from members.models import Membership, Vocabulary, filter_by_sectors

BRUSSELS = "Europe/Brussels"
EU_MEMBER_STATES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)


class ApplicantType(Vocabulary):
    """Who may apply (cooperative, SME, research organisation...): rows loaded by a migration."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("applicant type")
        verbose_name_plural = _("applicant types")


class Programme(models.Model):
    """A funding programme (Horizon Europe, a regional ERDF programme...) that publishes calls."""

    class Level(models.TextChoices):
        EU = "eu", _("European Union")
        NATIONAL = "national", _("National")
        REGIONAL = "regional", _("Regional")
        INTERNATIONAL = "international", _("International")

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(
        _("acronym"),
        max_length=40,
        unique=True,
        help_text=_("Short unique name, used in imports, e.g. HORIZON, LIFE, PR-FESR-ER."),
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    managing_authority = models.CharField(_("managing authority"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self):
        return self.acronym if self.acronym == self.name else f"{self.name} ({self.acronym})"


def status_conditions(at, prefix=""):
    """Q objects deciding a call's status at instant `at` (inclusive deadline: open at 17:00:00).

    Exact at any instant from stored columns: `last_deadline_at` only changes with the
    deadlines themselves, never with time. `prefix` ("call__") applies them to a related
    call in a join, which the planner handles far better than `call__in=<subquery>`.
    """
    not_yet_open = Q(**{f"{prefix}opens_at__gt": at})
    # Negated, a NULL last deadline (no deadline at all) counts as not passed: open.
    all_passed = Q(**{f"{prefix}last_deadline_at__lt": at})
    return {
        Call.Status.FORTHCOMING: not_yet_open,
        Call.Status.CLOSED: ~not_yet_open & all_passed,
        # No deadline at all means a continuously open call.
        Call.Status.OPEN: ~not_yet_open & ~all_passed,
    }


def next_deadline_expression(at):
    """The first deadline >= `at`, read from the stored column whenever it is right for `at`.

    The stored `next_deadline_at` was computed at the last refresh; it is the answer for any
    `at` in (`previous_deadline_at`, `next_deadline_at`]. Only rows outside that window (a
    stage passed and the roll has not run yet, or `at` before the last refresh) pay the
    subquery, and PostgreSQL and SQLite evaluate it only for those rows.
    """
    fresh = Q(next_deadline_at__gte=at) & (
        Q(previous_deadline_at__isnull=True) | Q(previous_deadline_at__lt=at)
    )
    first_after = (
        Deadline.objects.filter(call=OuterRef("pk"), due_at__gte=at)
        .order_by("due_at")
        .values("due_at")[:1]
    )
    return Case(
        When(fresh, then=F("next_deadline_at")),
        When(last_deadline_at__gte=at, then=Subquery(first_after)),
        default=Value(None),
        output_field=models.DateTimeField(),
    )


# Closest upcoming deadline first; calls without one (closed) last, latest closed first.
DEADLINE_ORDER = (
    F("next_deadline").asc(nulls_last=True),
    F("last_deadline").desc(nulls_last=True),
    "pk",
)
# Calls are mostly English, regional ones Italian; identifiers are matched word by word.
SEARCH_CONFIGS = ("english", "italian", "simple")


class CallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(publication_state=Call.PublicationState.PUBLISHED)

    def visible_to(self, user):
        """The set form of `funding.view_call`: published calls; drafts too for staff."""
        if rules.has_perm("funding.view_draft_calls", user):
            return self
        return self.published()

    def with_status(self, at=None):
        """Annotate `next_deadline` (first >= at), `last_deadline` and `status` at instant `at`."""
        at = at or timezone.now()
        conditions = status_conditions(at)
        return self.annotate(
            next_deadline=next_deadline_expression(at),
            last_deadline=F("last_deadline_at"),
            status=Case(
                *(When(condition, then=Value(status)) for status, condition in conditions.items()),
                output_field=models.CharField(),
            ),
        )

    def refresh_deadline_fields(self, at=None):
        """Recompute the stored deadline columns of these calls in one UPDATE; returns the count."""
        at = at or timezone.now()
        deadlines = Deadline.objects.filter(call=OuterRef("pk")).order_by().values("call")
        return self.order_by().update(
            last_deadline_at=Subquery(deadlines.annotate(due=Max("due_at")).values("due")),
            next_deadline_at=Subquery(
                deadlines.filter(due_at__gte=at).annotate(due=Min("due_at")).values("due")
            ),
            previous_deadline_at=Subquery(
                deadlines.filter(due_at__lt=at).annotate(due=Max("due_at")).values("due")
            ),
        )

    # Bulk writes send no save(): these keep the search index in step with them.

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        ids = [call.pk for call in created if call.pk is not None]
        if ids:
            Call.objects.filter(pk__in=ids).update_search_vectors()
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        updated = super().bulk_update(objs, fields, *args, **kwargs)
        if Call.SEARCHED_FIELDS & set(fields):
            Call.objects.filter(pk__in=[call.pk for call in objs]).update_search_vectors()
        return updated

    def update(self, **kwargs):
        if not Call.SEARCHED_FIELDS & set(kwargs):
            return super().update(**kwargs)
        ids = list(self.values_list("pk", flat=True))
        updated = super().update(**kwargs)
        Call.objects.filter(pk__in=ids).update_search_vectors()
        return updated

    update.alters_data = True

    def update_search_vectors(self):
        """Re-index these calls for search (one UPDATE on PostgreSQL); returns how many."""
        if connection.vendor == "sqlite":
            ids = list(self.values_list("pk", flat=True))
            search.index_calls(ids)
            return len(ids)
        if connection.vendor != "postgresql":
            return 0
        # Both languages' text (funding/translation.py), each stemmed as its language; the
        # few calls published in French, German or Spanish keep that text in the _en columns.
        english_config = Case(
            When(language__in=["en", "it"], then=Value("english")),
            default=Value("simple"),
        )
        vector = SearchVector("identifier", weight="A", config="simple")
        for name, weight in (("title", "A"), ("summary", "B"), ("description", "C")):
            vector += SearchVector(f"{name}_it", weight=weight, config="italian")
            vector += SearchVector(f"{name}_en", weight=weight, config=english_config)
        return self.order_by().update(search_vector=vector)

    def roll_deadlines(self, at=None):
        """Refresh the calls whose stored next deadline has passed; returns how many.

        Time alone moves `next_deadline_at` (a first stage closes): the periodic task runs
        this so that nearly every row reads fresh; `with_status` is exact meanwhile anyway.
        """
        at = at or timezone.now()
        return self.filter(next_deadline_at__lt=at).refresh_deadline_fields(at)

    def with_status_value(self, status, at=None):
        return self.filter(status_conditions(at or timezone.now())[status])

    def forthcoming(self, at=None):
        return self.with_status_value(Call.Status.FORTHCOMING, at)

    def open(self, at=None):
        return self.with_status_value(Call.Status.OPEN, at)

    def closed(self, at=None):
        return self.with_status_value(Call.Status.CLOSED, at)

    def order_by_deadline(self):
        """Needs `with_status()`: see DEADLINE_ORDER."""
        return self.order_by(*DEADLINE_ORDER)

    def closing_soon(self, at=None):
        """Open calls that still have a deadline, closest first."""
        at = at or timezone.now()
        # "Has a deadline >= at" is `last_deadline_at >= at`: an indexed condition.
        return (
            self.open(at)
            .filter(last_deadline_at__gte=at)
            .with_status(at)
            .order_by("next_deadline", "pk")
        )

    def eligible_in(self, country_code):
        """Calls an organisation based in `country_code` may join (no list: no restriction)."""
        # Stored as "AT,BE,IT": two-letter codes never straddle a comma.
        return self.filter(Q(eligible_countries="") | Q(eligible_countries__contains=country_code))

    def open_to_applicants(self, codes):
        """Calls that admit one of the applicant type `codes`, or do not restrict applicants."""
        # Read from the link table alone: joining the calls back in scans the wide rows.
        links = Call.applicant_types.through.objects
        admitting = links.filter(applicanttype__code__in=codes).values("call_id")
        restricting = links.values("call_id")
        return self.filter(Q(pk__in=admitting) | ~Q(pk__in=restricting))

    def in_sectors(self, sectors):
        """Calls tagged with one of `sectors`, with its NACE section or with its divisions."""
        return filter_by_sectors(self, sectors, ["sectors"])

    def search(self, text):
        """Full-text search annotated with `rank` (higher is better), on both databases.

        PostgreSQL: the stored vector (GIN index) or an identifier starting with the text
        (an index on its upper case, migration 0008); SQLite: the FTS5 index of word stems
        (`funding.search`). Words match in any order; an exact identifier ranks first.
        """
        text = (text or "").replace("\x00", "").strip()
        if not text:
            return self.annotate(rank=Value(0.0, output_field=models.FloatField()))
        exact_identifier = Case(
            When(identifier__iexact=text, then=Value(1000.0)),
            default=Value(0.0),
            output_field=models.FloatField(),
        )
        if connection.vendor == "postgresql":
            query = None
            for config in SEARCH_CONFIGS:
                part = SearchQuery(text, config=config, search_type="websearch")
                query = part if query is None else query | part
            # The words' stems and roots as prefixes, as on SQLite ("energia" finds "energy").
            stemmed = search.tsquery_text(text)
            if stemmed:
                query |= SearchQuery(stemmed, config="simple", search_type="raw")
            # Two conditions that each use an index, which PostgreSQL ORs in a bitmap: an
            # ILIKE '%...%' here would make it read every row instead.
            return self.filter(Q(search_vector=query) | Q(identifier__istartswith=text)).annotate(
                rank=SearchRank(F("search_vector"), query) + exact_identifier
            )
        expression = search.match_expression(text)
        if expression is None:  # no word in the text: nothing can match
            return self.none().annotate(rank=Value(0.0, output_field=models.FloatField()))
        return self.filter(pk__in=RawSQL(search.MATCHING_IDS_SQL, (expression,))).annotate(
            rank=search.Rank(expression) + exact_identifier
        )


class Call(models.Model):
    """A funding call (or topic) of a programme, with its deadlines and eligibility."""

    class Status(models.TextChoices):
        FORTHCOMING = "forthcoming", _("Forthcoming")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class PublicationState(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        ITALIAN = "it", _("Italian")
        FRENCH = "fr", _("French")
        GERMAN = "de", _("German")
        SPANISH = "es", _("Spanish")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="calls"
    )
    identifier = models.CharField(
        _("official identifier"),
        max_length=120,
        db_index=True,
        help_text=_("As published by the programme, e.g. HORIZON-CL6-2027-01-FARM2FORK-03."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Plain text; blank lines separate paragraphs.")
    )
    official_url = models.URLField(_("official page"), max_length=500, blank=True)
    opens_at = models.DateTimeField(
        _("opening"),
        null=True,
        blank=True,
        help_text=_("When applications open; empty means already open."),
    )
    total_budget = models.DecimalField(
        _("total budget (EUR)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    grant_per_project = models.DecimalField(
        _("typical grant per project (EUR)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    funding_rate = models.PositiveSmallIntegerField(
        _("funding rate (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    applicant_types = models.ManyToManyField(
        ApplicantType, verbose_name=_("eligible applicant types"), blank=True, related_name="calls"
    )
    eligible_countries = CountryField(
        _("eligible countries"),
        multiple=True,
        blank=True,
        help_text=_("Empty means no restriction by country."),
    )
    sectors = models.ManyToManyField(
        "members.Sector", verbose_name=_("sectors"), blank=True, related_name="calls"
    )
    themes = models.ManyToManyField(
        "members.Theme", verbose_name=_("themes"), blank=True, related_name="calls"
    )
    consortium_required = models.BooleanField(_("consortium required"), default=False)
    min_partners = models.PositiveSmallIntegerField(
        _("minimum number of partners"), null=True, blank=True
    )
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the call was found, e.g. EU Funding & Tenders portal."),
    )
    last_checked = models.DateField(_("last checked"), null=True, blank=True)
    publication_state = models.CharField(
        _("publication state"),
        max_length=20,
        choices=PublicationState.choices,
        default=PublicationState.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Kept up to date by save() on PostgreSQL (GIN index created by migration 0003 there).
    search_vector = SearchVectorField(null=True, editable=False)
    # Derived from the deadlines, stored so lists filter and sort on indexed columns; kept
    # right by every write to deadlines (refresh_deadline_fields) and by the periodic roll.
    last_deadline_at = models.DateTimeField(
        _("last deadline"), null=True, blank=True, editable=False, db_index=True
    )
    next_deadline_at = models.DateTimeField(
        _("next deadline"), null=True, blank=True, editable=False, db_index=True
    )
    previous_deadline_at = models.DateTimeField(
        _("previous deadline"), null=True, blank=True, editable=False
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-published_at", "-pk"]
        # The admin's date hierarchy reads MIN/MAX(opens_at) on every change list view.
        indexes = [models.Index(fields=["opens_at"], name="call_opens_at_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(funding_rate__isnull=True)
                | Q(funding_rate__gte=1, funding_rate__lte=100),
                name="call_funding_rate_percentage",
            )
        ]

    def __str__(self):
        return f"{self.identifier} \u2013 {self.title}"

    DEADLINE_FIELDS = ("last_deadline_at", "next_deadline_at", "previous_deadline_at")
    TEXT_FIELDS = ("title", "summary", "description")
    # The bilingual texts under their own names and their _it/_en columns (translation.py).
    SEARCHED_FIELDS = frozenset(
        ["identifier", "language", *TEXT_FIELDS]
        + [f"{name}_{language}" for name in TEXT_FIELDS for language in ("it", "en")]
    )
    MAINTAINED_FIELDS = frozenset([*DEADLINE_FIELDS, "search_vector"])

    def save(self, *args, **kwargs):
        if self.publication_state == self.PublicationState.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if self._state.adding:
            # A new row has no deadlines yet (a copy of another call must not keep its values).
            for name in self.DEADLINE_FIELDS:
                setattr(self, name, None)
        elif update_fields is None and not kwargs.get("force_insert"):
            # Columns maintained by their own writes are never written back from memory: an
            # instance loaded before its deadlines changed would store stale values.
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.name not in self.MAINTAINED_FIELDS
                and field.attname not in deferred
            ]
        super().save(*args, **kwargs)
        if update_fields is None or self.SEARCHED_FIELDS & set(update_fields):
            self.update_search_vector()

    def get_absolute_url(self):
        return reverse("funding:call-detail", kwargs={"slug": self.slug})

    def refresh_deadline_fields(self, at=None):
        """Store this call's deadline columns again from its deadlines (see the module doc)."""
        Call.objects.filter(pk=self.pk).refresh_deadline_fields(at)
        self.refresh_from_db(fields=self.DEADLINE_FIELDS)

    def update_search_vector(self):
        """Index the call for search: the stored vector on PostgreSQL, FTS5 rows on SQLite."""
        Call.objects.filter(pk=self.pk).update_search_vectors()

    # --- Derived values. Lists use the SQL annotations; these serve a single loaded call. ---

    def _deadlines(self):
        return sorted(self.deadlines.all(), key=lambda deadline: deadline.due_at)

    def status_at(self, at=None):
        at = at or timezone.now()
        if self.opens_at and self.opens_at > at:
            return self.Status.FORTHCOMING
        deadlines = self._deadlines()
        if deadlines and deadlines[-1].due_at < at:
            return self.Status.CLOSED
        return self.Status.OPEN

    @property
    def current_status(self):
        return getattr(self, "status", None) or self.status_at()

    @property
    def current_status_label(self):
        return self.Status(self.current_status).label

    def next_deadline_object(self, at=None):
        at = at or timezone.now()
        return next((d for d in self._deadlines() if d.due_at >= at), None)

    @property
    def upcoming_deadline(self):
        return self.next_deadline_object()

    @property
    def eligible_countries_summary(self):
        """Country names, with the 27 EU Member States shown as one group when all are listed."""
        countries = list(self.eligible_countries)
        codes = {country.code for country in countries}
        if not codes >= EU_MEMBER_STATES:
            return [country.name for country in countries]
        others = [country.name for country in countries if country.code not in EU_MEMBER_STATES]
        return [str(_("EU Member States")), *others]

    @property
    def is_published(self):
        return self.publication_state == self.PublicationState.PUBLISHED


def _refresh_calls(call_ids, chunk=500):
    call_ids = sorted({pk for pk in call_ids if pk is not None})
    # In chunks: old SQLite builds allow 999 parameters per statement.
    for start in range(0, len(call_ids), chunk):
        Call.objects.filter(pk__in=call_ids[start : start + chunk]).refresh_deadline_fields()


class DeadlineQuerySet(models.QuerySet):
    """Bulk writes to deadlines refresh the stored deadline columns of the calls they touch.

    bulk_create, bulk_update, update and delete send no per-row save/delete, yet the admin
    duplicate action, the spreadsheet import and load_demo write deadlines this way.
    """

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        created = super().bulk_create(objs, *args, **kwargs)
        _refresh_calls(deadline.call_id for deadline in objs)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        call_ids = {deadline.call_id for deadline in objs}
        if "call" in fields or "call_id" in fields:
            call_ids |= set(
                self.model.objects.filter(pk__in=[d.pk for d in objs]).values_list(
                    "call_id", flat=True
                )
            )
        updated = super().bulk_update(objs, fields, *args, **kwargs)
        _refresh_calls(call_ids)
        return updated

    def update(self, **kwargs):
        call_ids = set(self.values_list("call_id", flat=True))
        updated = super().update(**kwargs)
        moved_to = kwargs.get("call_id", kwargs.get("call"))
        call_ids.add(getattr(moved_to, "pk", moved_to))
        _refresh_calls(call_ids)
        return updated

    update.alters_data = True

    def delete(self):
        call_ids = set(self.values_list("call_id", flat=True))
        deleted = super().delete()
        _refresh_calls(call_ids)
        return deleted

    delete.alters_data = True
    delete.queryset_only = True


class Deadline(models.Model):
    """One deadline of a call (two-stage calls have two), an aware instant shown in its zone."""

    class TimeZone(models.TextChoices):
        BRUSSELS = BRUSSELS, _("Brussels time")
        ROME = "Europe/Rome", _("Rome time")
        LONDON = "Europe/London", _("London time")
        UTC = "UTC", _("UTC")

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="deadlines"
    )
    due_at = models.DateTimeField(_("due at"), db_index=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        choices=TimeZone.choices,
        default=TimeZone.BRUSSELS,
        help_text=_("The zone the programme announces the deadline in; EU calls: Brussels."),
    )
    label = models.CharField(
        _("label"), max_length=100, blank=True, help_text=_("E.g. First stage, Second stage.")
    )

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["call", "due_at"], name="unique_deadline_per_call")
        ]

    def __str__(self):
        return self.display

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._refresh_call(getattr(self, "_loaded_call_id", None))
        self._loaded_call_id = self.call_id

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._refresh_call()
        return result

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Moving a deadline to another call must refresh the call it leaves too.
        instance._loaded_call_id = instance.__dict__.get("call_id")
        return instance

    def _refresh_call(self, previous_call_id=None):
        _refresh_calls([self.call_id, previous_call_id])
        if Deadline.call.is_cached(self):
            # The caller's Call instance (an admin form's, a test's) sees the new values.
            with contextlib.suppress(Call.DoesNotExist):  # the call itself is being deleted
                self.call.refresh_from_db(fields=Call.DEADLINE_FIELDS)

    @property
    def local_due_at(self):
        return timezone.localtime(self.due_at, ZoneInfo(self.time_zone))

    @property
    def display(self):
        """E.g. "17 Apr 2027, 17:00 CEST (Brussels time)"."""
        local = self.local_due_at
        return "{} {} ({})".format(
            date_format(local, "j M Y, H:i"),
            local.tzname(),
            self.TimeZone(self.time_zone).label,
        )

    def days_left(self, at=None):
        """Whole days between today and the deadline's day, both in the portal's time zone."""
        at = at or timezone.now()
        return (timezone.localdate(self.due_at) - timezone.localdate(at)).days

    def time_left(self, at=None):
        at = at or timezone.now()
        if self.due_at < at:
            return _("closed")
        days = self.days_left(at)
        if days <= 0:
            return _("closes today")
        if days == 1:
            return _("closes tomorrow")
        return ngettext("%(count)d day left", "%(count)d days left", days) % {"count": days}


class Follow(models.Model):
    """A signed-in person follows a call (reminders use it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="call_follows",
    )
    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(_("followed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("followed call")
        verbose_name_plural = _("followed calls")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "call"], name="unique_follow")]

    def __str__(self):
        return f"{self.user} → {self.call}"


# --- Call alerts: saved searches, the cooperative-profile alert, digests, the outbox. ---


class AlertFrequency(models.TextChoices):
    INSTANT = "instant", _("Instant")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class SavedSearchQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The set form of `funding.change_saved_search`: the person's own saved searches."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class SavedSearch(models.Model):
    """A person's saved catalogue filters, emailed when new calls match them.

    `query` is the normalized querystring of CallFilterSet parameters (no page, no sort):
    the catalogue's own FilterSet decides what the alert matches.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="saved_searches",
    )
    name = models.CharField(_("name"), max_length=120)
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    frequency = models.CharField(
        _("frequency"),
        max_length=10,
        choices=AlertFrequency.choices,
        default=AlertFrequency.WEEKLY,
    )
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Off means paused."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SavedSearchQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["frequency", "is_active"], name="savedsearch_freq_idx"),
        ]
        constraints = [
            # One person, one alert per set of filters (`query` is normalized on save): a
            # double submit or saving the same search again updates it, never duplicates it.
            models.UniqueConstraint(fields=["user", "query"], name="unique_saved_search_query")
        ]

    def __str__(self):
        return self.name

    def catalogue_url(self):
        url = reverse("funding:call-list")
        return f"{url}?{self.query}" if self.query else url


class CooperativeAlertQuerySet(models.QuerySet):
    def of_members(self):
        """Alerts whose person is still a member of the cooperative, an active one.

        A cooperative alert comes through a membership: leaving (or being removed) deletes
        it, and every sender checks this too, at send time, for a membership deleted some
        other way (raw SQL, a restore) or a cooperative deactivated since.
        """
        membership = Membership.objects.filter(
            user=OuterRef("user"), cooperative=OuterRef("cooperative")
        )
        return self.filter(Exists(membership), cooperative__is_active=True)


class CooperativeAlert(models.Model):
    """Calls matching a cooperative's profile (the portal dashboard's match), by email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="cooperative_alerts",
    )
    cooperative = models.ForeignKey(
        "members.Cooperative",
        verbose_name=_("cooperative"),
        on_delete=models.CASCADE,
        related_name="alerts",
    )
    frequency = models.CharField(
        _("frequency"),
        max_length=10,
        choices=AlertFrequency.choices,
        default=AlertFrequency.WEEKLY,
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CooperativeAlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperative alert")
        verbose_name_plural = _("cooperative alerts")
        ordering = ["cooperative", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "cooperative"], name="unique_cooperative_alert")
        ]

    def __str__(self):
        return f"{self.user} → {self.cooperative}"


class AlertPreference(models.Model):
    """A person's email switches that every alert kind honours."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="alert_preference",
    )
    unsubscribed_all_at = models.DateTimeField(_("stopped all emails at"), null=True, blank=True)
    reminders_off_at = models.DateTimeField(_("stopped reminders at"), null=True, blank=True)

    class Meta:
        verbose_name = _("email preference")
        verbose_name_plural = _("email preferences")

    def __str__(self):
        return str(self.user)


class DigestRun(models.Model):
    """One person's daily or weekly digest of one period: the next one starts where it ends."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="digest_runs",
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=AlertFrequency.choices)
    period_key = models.CharField(_("period"), max_length=20)
    last_published_until = models.DateTimeField(_("calls published until"))
    call_count = models.PositiveIntegerField(_("calls"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("digest run")
        verbose_name_plural = _("digest runs")
        ordering = ["-last_published_until"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "frequency", "period_key"], name="unique_digest_run"
            )
        ]

    def __str__(self):
        return f"{self.user} {self.frequency} {self.period_key}"


class AlertDispatch(models.Model):
    """Outbox row written in the transaction that publishes a call: instant alerts to send.

    A task queued on commit processes it; the periodic sweep finds rows whose task was lost.
    """

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("Call published")

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="alert_dispatches"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PUBLISHED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert dispatch")
        verbose_name_plural = _("alert dispatches")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["call", "kind"], name="unique_alert_dispatch")
        ]

    def __str__(self):
        return f"{self.call} ({self.get_kind_display()})"


class AlertChunk(models.Model):
    """One bounded part of a dispatch's fan-out: the people it emails, kept until done.

    Written in the transaction that marks its dispatch processed, so the work the chunk task
    was to do is in the database, not only in the broker: if the broker loses the task (a
    restart without persistence), the periodic sweep queues the pending chunk again. Running
    a chunk twice is harmless (the delivery ledger's keys), so the sweep may err on the side
    of re-queuing.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    dispatch = models.ForeignKey(
        AlertDispatch,
        verbose_name=_("alert dispatch"),
        on_delete=models.CASCADE,
        related_name="chunks",
    )
    # [[user id, [saved search ids], [cooperative alert ids]], ...]
    entries = models.JSONField(_("recipients"), default=list)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # How many times it was queued, and when last: the sweep waits longer after each one.
    times_queued = models.PositiveSmallIntegerField(_("times queued"), default=0)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    emails = models.PositiveIntegerField(_("emails written"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert chunk")
        verbose_name_plural = _("alert chunks")
        ordering = ["dispatch", "pk"]
        indexes = [models.Index(fields=["state", "queued_at"], name="alertchunk_pending_idx")]

    def __str__(self):
        return f"{self.dispatch} #{self.pk} ({self.get_state_display()})"


class CallProvenance(models.Model):
    """Where an imported call came from, and what the import wrote into it.

    `imported_values` holds the values of the call's fields as the last import set them:
    a field whose current value differs was changed by staff, and the import leaves it
    alone (`differences` lists what the source says instead). `record` is the raw record,
    kept for audit."""

    class Source(models.TextChoices):
        EU_FUNDING_TENDERS = "eu-ft", _("EU Funding & Tenders portal")

    call = models.OneToOneField(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="provenance"
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_identifier = models.CharField(_("identifier in the source"), max_length=120)
    fetched_at = models.DateTimeField(_("first fetched at"))
    checked_at = models.DateTimeField(_("last checked at"))
    record = models.JSONField(_("record as published"), default=dict)
    imported_values = models.JSONField(_("values the import wrote"), default=dict)
    differences = models.JSONField(
        _("source values not applied"),
        default=dict,
        blank=True,
        help_text=_("What the source says for fields staff changed by hand."),
    )
    seen_by = models.ForeignKey(
        "funding.SourceQuery",
        verbose_name=_("last found by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="provenances",
    )
    missing_since = models.DateTimeField(
        _("no longer in the source since"),
        null=True,
        blank=True,
        help_text=_(
            "Set when a complete run of the query that found the topic no longer finds it "
            "while the call is still open or forthcoming: the call is kept, not deleted."
        ),
    )

    class Meta:
        verbose_name = _("call provenance")
        verbose_name_plural = _("call provenances")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_identifier"], name="one_call_per_source_topic"
            )
        ]

    def __str__(self):
        return f"{self.get_source_display()}: {self.source_identifier}"


# Defined beside the importer; imported here so the app registry loads it.
from funding.eu_topics.models import SourceQuery  # noqa: E402, F401
