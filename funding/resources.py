"""Import and export of calls (CSV, JSON) for staff, keyed by slug.

Every value is checked before anything is written: an unknown programme, theme, sector or
applicant type, a malformed date or deadline is reported on its row, and the whole file is
rolled back (the admin imports with `rollback_on_validation_errors=True`).

Deadlines travel in one column, entries separated by ";", each
`YYYY-MM-DD HH:MM <time zone> [label]`, e.g. `2027-04-17 17:00 Europe/Brussels First stage`.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django_countries import countries
from import_export import fields, resources, widgets

from funding import services
from funding.models import ApplicantType, Call, Deadline, Programme
from members.models import Sector, Theme
from members.resources import ManyToManyCheckMixin, StrictManyToManyWidget

LIST_SEPARATOR = "|"


class StrictForeignKeyWidget(widgets.ForeignKeyWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("Unknown %(model)s “%(value)s”.")
                % {"model": self.model._meta.verbose_name, "value": value}
            ) from None


class CountriesWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        codes = [code.strip().upper() for code in str(value or "").split(",") if code.strip()]
        unknown = [code for code in codes if code not in countries]
        if unknown:
            raise ValueError(_("Unknown country codes: %(codes)s.") % {"codes": ", ".join(unknown)})
        return codes

    def render(self, value, obj=None, **kwargs):
        return ",".join(country.code for country in value or [])


class AwareDateTimeWidget(widgets.Widget):
    """ISO 8601; a value without offset is read in the portal's time zone (Europe/Rome)."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            parsed = value
        else:
            try:
                parsed = parse_datetime(str(value).strip())
            except ValueError:
                parsed = None
        if parsed is None:
            raise ValueError(
                _("“%(value)s” is not a date and time (YYYY-MM-DD HH:MM).") % {"value": value}
            )
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class IsoDateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            parsed = parse_date(str(value).strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValueError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value})
        return parsed

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class DeadlinesWidget(widgets.Widget):
    """Parses the deadlines column into a list of (aware due_at, time zone, label)."""

    def clean(self, value, row=None, **kwargs):
        entries = []
        for raw in str(value or "").split(";"):
            raw = raw.strip()
            if not raw:
                continue
            parts = raw.split(None, 3)
            if len(parts) < 3 or parts[2] not in Deadline.TimeZone.values:
                raise ValueError(
                    _("Deadline “%(value)s” must read YYYY-MM-DD HH:MM Europe/Brussels [label].")
                    % {"value": raw}
                )
            try:
                naive = datetime.datetime.fromisoformat(f"{parts[0]} {parts[1]}")
            except ValueError:
                raise ValueError(
                    _("Deadline “%(value)s” has a malformed date.") % {"value": raw}
                ) from None
            if naive.tzinfo is not None:
                raise ValueError(_("Deadline “%(value)s”: give the zone by name.") % {"value": raw})
            due_at = naive.replace(tzinfo=ZoneInfo(parts[2]))
            entries.append((due_at, parts[2], parts[3] if len(parts) > 3 else ""))
        return entries

    def render(self, value, obj=None, **kwargs):
        """Deadlines, or the (due_at, zone, label) entries an import has just parsed."""
        entries = []
        for item in value or []:
            due_at, zone, label = (
                item if isinstance(item, tuple) else (item.due_at, item.time_zone, item.label)
            )
            local = due_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
            entries.append(" ".join(part for part in (local, zone, label) if part))
        return "; ".join(entries)


class CallResource(ManyToManyCheckMixin, resources.ModelResource):
    programme = fields.Field(
        attribute="programme",
        column_name="programme",
        widget=StrictForeignKeyWidget(Programme, field="acronym"),
    )
    opens_at = fields.Field(
        attribute="opens_at", column_name="opens_at", widget=AwareDateTimeWidget()
    )
    last_checked = fields.Field(
        attribute="last_checked", column_name="last_checked", widget=IsoDateWidget()
    )
    eligible_countries = fields.Field(
        attribute="eligible_countries", column_name="eligible_countries", widget=CountriesWidget()
    )
    applicant_types = fields.Field(
        attribute="applicant_types",
        column_name="applicant_types",
        widget=StrictManyToManyWidget(ApplicantType, field="code", separator=LIST_SEPARATOR),
    )
    themes = fields.Field(
        attribute="themes",
        column_name="themes",
        widget=StrictManyToManyWidget(Theme, field="slug", separator=LIST_SEPARATOR),
    )
    sectors = fields.Field(
        attribute="sectors",
        column_name="sectors",
        widget=StrictManyToManyWidget(Sector, field="code", separator=LIST_SEPARATOR),
    )
    deadlines = fields.Field(
        attribute="imported_deadlines", column_name="deadlines", widget=DeadlinesWidget()
    )

    class Meta:
        model = Call
        import_id_fields = ("slug",)
        clean_model_instances = True
        skip_unchanged = False
        fields = (
            "slug",
            "identifier",
            "programme",
            # Bilingual texts (funding/translation.py); a file with plain "title", "summary"
            # and "description" columns (older exports) is read into the row's language.
            "title_it",
            "title_en",
            "summary_it",
            "summary_en",
            "description_it",
            "description_en",
            "official_url",
            "opens_at",
            "deadlines",
            "total_budget",
            "grant_per_project",
            "funding_rate",
            "applicant_types",
            "eligible_countries",
            "sectors",
            "themes",
            "consortium_required",
            "min_partners",
            "language",
            "source",
            "last_checked",
            "publication_state",
            "is_demo",
        )

    def dehydrate_deadlines(self, call):
        return DeadlinesWidget().render(call._deadlines())

    def before_import_row(self, row, **kwargs):
        self._saved_instance = None
        column = "it" if row.get("language") == "it" else "en"
        for name in Call.TEXT_FIELDS:
            if name in row:
                value = row.pop(name)
                if not row.get(f"{name}_{column}"):
                    row[f"{name}_{column}"] = value

    def before_save_instance(self, instance, row, **kwargs):
        # Whether this row publishes the call (a new published call, or a draft now
        # published): only then are its instant alerts announced, as for the admin form.
        instance._publishes = instance.is_published and not (
            instance.pk
            and Call.objects.filter(
                pk=instance.pk, publication_state=Call.PublicationState.PUBLISHED
            ).exists()
        )

    def after_import_row(self, row, row_result, **kwargs):
        """After the row's many-to-many are saved: announce a call this row published.

        Through the same service as the admin (`services.call_announce`), so the instant
        alerts are sent after commit, once per call however often the file is imported; a
        dry run (the preview) and a rolled-back import announce nothing.
        """
        instance = getattr(self, "_saved_instance", None)
        if instance is not None and instance._publishes and not self._is_dry_run(kwargs):
            services.call_announce(call=instance, by=kwargs.get("user"))

    def after_save_instance(self, instance, row, **kwargs):
        self._saved_instance = instance
        entries = getattr(instance, "imported_deadlines", None)
        if entries is None or "deadlines" not in row:
            return
        instance.deadlines.all().delete()
        Deadline.objects.bulk_create(
            Deadline(call=instance, due_at=due_at, time_zone=zone, label=label)
            for due_at, zone, label in entries
        )
