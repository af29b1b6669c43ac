"""CSV / Excel import and export of cooperatives (django-import-export).

Sectors are given by NACE code, associations and themes by slug, countries by ISO code.
A bad row (invalid VAT number, unknown code) is reported with its row and column, and the
whole file is rolled back: nothing of it is saved.
"""

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_countries import countries
from import_export import fields, resources, widgets

from members.models import Association, Cooperative, Sector, Theme
from members.services import cooperative_profile_edited
from members.validators import normalize_vat


class DivisionWidget(widgets.ForeignKeyWidget):
    """A NACE division by its two-digit code; an unknown code is a field error."""

    def __init__(self):
        super().__init__(Sector, field="code")

    def clean(self, value, row=None, **kwargs):
        code = _code(value)
        if not code:
            return None
        try:
            return Sector.objects.get(code=code, section__isnull=False)
        except Sector.DoesNotExist:
            raise ValueError(_("Unknown NACE division code: %(code)s") % {"code": code}) from None


class StrictManyToManyWidget(widgets.ManyToManyWidget):
    """Natural keys joined by `separator`; an unknown key is an error of its row and column
    (import-export's own widget drops it without a word). Used by every import.

    `queryset` narrows what may be named (a cooperative's sectors are NACE divisions, not
    sections): a key outside it is unknown too. Keys are read as spreadsheets write them
    (`_code`).
    """

    def __init__(self, model, field, *, separator=",", queryset=None):
        super().__init__(model, separator=separator, field=field)
        self.queryset = queryset if queryset is not None else model.objects.all()

    def clean(self, value, row=None, **kwargs):
        keys = [_code(key) for key in _code(value).split(self.separator)]
        keys = [key for key in keys if key]
        if not keys:
            return self.model.objects.none()
        found = self.queryset.filter(**{f"{self.field}__in": keys})
        missing = sorted(set(keys) - {str(getattr(obj, self.field)) for obj in found})
        if missing:
            raise ValueError(
                _("Unknown %(model)s: %(values)s.")
                % {"model": self.model._meta.verbose_name, "values": ", ".join(missing)}
            )
        return found


class ManyToManyCheckMixin:
    """Checks the many-to-many columns with the row's other fields, before anything is saved.

    import-export cleans them only after saving the row: an unknown key would come out as
    the row's exception, not as an error of its column like the other fields'.
    """

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row, **kwargs)
                except ValueError as exc:
                    errors[field.attribute] = [ValidationError(str(exc), code="invalid")]
        if errors:
            raise ValidationError(errors)


class CountriesWidget(widgets.Widget):
    """Comma-separated ISO 3166 two-letter codes (or English names)."""

    def clean(self, value, row=None, **kwargs):
        codes, unknown = [], []
        for item in str(value or "").split(","):
            item = item.strip()
            if not item:
                continue
            code = countries.alpha2(item) or countries.by_name(item)
            (codes if code else unknown).append(code or item)
        if unknown:
            raise ValueError(_("Unknown countries: %(values)s") % {"values": ", ".join(unknown)})
        return codes

    def render(self, value, obj=None, **kwargs):
        return ",".join(country.code for country in value or [])


def _code(value):
    """Cells come back from spreadsheets as text or numbers ("01" may arrive as 1)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text.zfill(2) if text.isdigit() and len(text) < 2 else text


class CooperativeResource(ManyToManyCheckMixin, resources.ModelResource):
    main_sector = fields.Field(
        attribute="main_sector", column_name="main_sector", widget=DivisionWidget()
    )
    sectors = fields.Field(
        attribute="sectors",
        column_name="sectors",
        widget=StrictManyToManyWidget(
            Sector, field="code", queryset=Sector.objects.filter(section__isnull=False)
        ),
    )
    associations = fields.Field(
        attribute="associations",
        column_name="associations",
        widget=StrictManyToManyWidget(Association, field="slug"),
    )
    themes = fields.Field(
        attribute="themes", column_name="themes", widget=StrictManyToManyWidget(Theme, field="slug")
    )
    countries_of_interest = fields.Field(
        attribute="countries_of_interest",
        column_name="countries_of_interest",
        widget=CountriesWidget(),
    )

    class Meta:
        model = Cooperative
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "legal_name",
            "vat_number",
            "cooperative_type",
            "main_sector",
            "sectors",
            "city",
            "province",
            "region",
            "employee_count",
            "member_count",
            "turnover_band",
            "year_founded",
            "website",
            "description",
            "themes",
            "countries_of_interest",
            "associations",
            "email",
            "phone",
            "is_active",
            "is_demo",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = False
        use_transactions = True

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("main_sector")
            .prefetch_related("sectors", "associations", "themes")
        )

    def before_import_row(self, row, **kwargs):
        # A sheet written by hand may leave the slug empty: derive it from the legal name.
        if not (row.get("slug") or "").strip() and row.get("legal_name"):
            row["slug"] = slugify(row["legal_name"])[:200]
        if row.get("vat_number") is not None:
            # Spreadsheets turn VAT numbers into integers and drop their leading zeros.
            vat = row["vat_number"]
            if isinstance(vat, float) and vat.is_integer():
                vat = int(vat)
            vat = normalize_vat(str(vat))
            row["vat_number"] = vat.zfill(11) if vat.isdigit() else vat

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, is_create, row, **kwargs)
        # An update of an existing profile is logged as the forms' edits are (its history
        # says which fields changed); a new cooperative is not "edited".
        if not is_create:
            cooperative_profile_edited(
                cooperative=instance, fields=None, by=kwargs.get("user"), source="import"
            )

    def import_data(self, dataset, **kwargs):
        # All or nothing: a file with any invalid row is rolled back entirely.
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)
