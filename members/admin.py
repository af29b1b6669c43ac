from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from members.models import (
    Association,
    AssociationFigure,
    Cooperative,
    CooperativeContact,
    Membership,
    Sector,
    Theme,
)
from members.resources import CooperativeResource

# Django 6 assumes https for URLs typed without a scheme; do so already.
URL_FIELDS_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class SectorKindFilter(admin.SimpleListFilter):
    title = _("level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("section", _("Sections")), ("division", _("Divisions"))]

    def queryset(self, request, queryset):
        if self.value() == "section":
            return queryset.filter(section__isnull=True)
        if self.value() == "division":
            return queryset.filter(section__isnull=False)
        return queryset


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_it", "name_en", "section"]
    list_filter = [SectorKindFilter, "section"]
    search_fields = ["code", "name_it", "name_en"]
    autocomplete_fields = ["section"]
    list_select_related = ["section"]
    list_per_page = 120


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name_it", "name_en", "slug"]
    search_fields = ["name_it", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


class AssociationFigureInline(admin.TabularInline):
    model = AssociationFigure
    extra = 0


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "is_innovacoop_shareholder", "cooperative_count"]
    list_filter = ["kind", "is_innovacoop_shareholder"]
    search_fields = ["name", "slug", "description"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AssociationFigureInline]
    formfield_overrides = URL_FIELDS_HTTPS
    list_select_related = ["parent"]

    def get_queryset(self, request):
        # An aggregate drops the model's default ordering; keep it for stable pagination.
        return (
            super()
            .get_queryset(request)
            .annotate(_cooperative_count=Count("cooperatives"))
            .order_by("name")
        )

    @admin.display(description=_("cooperatives"), ordering="_cooperative_count")
    def cooperative_count(self, obj):
        return obj._cooperative_count


@admin.register(AssociationFigure)
class AssociationFigureAdmin(admin.ModelAdmin):
    list_display = ["association", "metric", "value", "year", "source"]
    list_filter = ["metric", "year", "association"]
    search_fields = ["association__name", "source"]
    autocomplete_fields = ["association"]
    list_select_related = ["association"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created"]


class CooperativeContactInline(admin.TabularInline):
    model = CooperativeContact
    extra = 0


@admin.register(Cooperative)
class CooperativeAdmin(ImportExportModelAdmin):
    resource_classes = [CooperativeResource]
    import_formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]
    list_display = [
        "legal_name",
        "cooperative_type",
        "main_sector",
        "city",
        "province",
        "vat_number",
        "is_active",
        "is_demo",
    ]
    list_filter = [
        "is_active",
        "is_demo",
        "cooperative_type",
        "province",
        "turnover_band",
        "associations",
        "themes",
    ]
    search_fields = ["legal_name", "slug", "vat_number", "city", "description"]
    autocomplete_fields = ["main_sector", "sectors", "themes", "associations"]
    prepopulated_fields = {"slug": ["legal_name"]}
    readonly_fields = ["region", "created", "updated"]
    list_select_related = ["main_sector"]
    inlines = [CooperativeContactInline, MembershipInline]
    formfield_overrides = URL_FIELDS_HTTPS
    fieldsets = [
        (None, {"fields": ["legal_name", "slug", "vat_number", "cooperative_type", "is_active"]}),
        (_("Activity"), {"fields": ["main_sector", "sectors", "themes", "description"]}),
        (_("Seat"), {"fields": ["city", "province", "region"]}),
        (
            _("Size"),
            {"fields": ["employee_count", "member_count", "turnover_band", "year_founded"]},
        ),
        (
            _("Network and internationalisation"),
            {"fields": ["associations", "countries_of_interest", "website"]},
        ),
        (_("Contact data (members only)"), {"fields": ["email", "phone"]}),
        (_("Record"), {"fields": ["is_demo", "created", "updated"]}),
    ]


@admin.register(CooperativeContact)
class CooperativeContactAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "cooperative", "email", "phone"]
    search_fields = ["name", "role", "email", "cooperative__legal_name"]
    list_filter = ["cooperative__province"]
    autocomplete_fields = ["cooperative"]
    list_select_related = ["cooperative"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "cooperative", "role", "created"]
    list_filter = ["role", "cooperative__province"]
    search_fields = ["user__email", "user__full_name", "cooperative__legal_name"]
    autocomplete_fields = ["user", "cooperative"]
    list_select_related = ["user", "cooperative"]
    readonly_fields = ["created"]
