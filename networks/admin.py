from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from networks.models import Affiliation, Body, BodyFigure


class BodyFigureInline(admin.TabularInline):
    model = BodyFigure
    extra = 0
    fields = ("metric", "value", "year", "source")


class MemberInline(admin.TabularInline):
    model = Affiliation
    fk_name = "body"
    extra = 0
    verbose_name = _("member")
    verbose_name_plural = _("members of this body")
    fields = ("association", "member_body", "role", "since", "note", "is_demo")
    autocomplete_fields = ("association", "member_body")


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "acronym",
        "kind",
        "scope",
        "city",
        "country",
        "parent",
        "figure_count",
        "member_count",
        "is_demo",
    )
    list_filter = ("kind", "scope", "is_demo", "country")
    search_fields = ("name", "acronym", "slug", "city")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    prepopulated_fields = {"slug": ("name",)}
    # The figure and member counts group the query, and grouped queries drop Meta.ordering.
    ordering = ("name",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = (BodyFigureInline, MemberInline)
    fieldsets = (
        (None, {"fields": ("name", "acronym", "slug", "kind", "scope", "parent", "is_demo")}),
        (_("Where"), {"fields": ("country", "city", "website")}),
        (_("Description"), {"fields": ("description_it", "description_en")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                figure_total=Count("figures", distinct=True),
                member_total=Count("affiliations", distinct=True),
            )
        )

    @admin.display(description=_("figures"), ordering="figure_total")
    def figure_count(self, body):
        return body.figure_total

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, body):
        return body.member_total


@admin.register(BodyFigure)
class BodyFigureAdmin(admin.ModelAdmin):
    list_display = ("body", "metric", "value", "year", "short_source")
    list_filter = ("metric", "year", "body__kind")
    search_fields = ("body__name", "body__acronym", "source")
    list_select_related = ("body",)
    autocomplete_fields = ("body",)

    @admin.display(description=_("source"))
    def short_source(self, figure):
        return figure.source if len(figure.source) <= 80 else figure.source[:79] + "…"


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ("member_name", "body", "role", "since", "is_demo")
    list_filter = ("role", "is_demo", "body__kind")
    search_fields = (
        "association__name",
        "member_body__name",
        "member_body__acronym",
        "body__name",
        "body__acronym",
        "note",
    )
    list_select_related = ("association", "member_body", "body")
    # Association autocomplete relies on the members app's Association admin (search_fields).
    autocomplete_fields = ("association", "member_body", "body")

    @admin.display(description=_("member"))
    def member_name(self, affiliation):
        return str(affiliation.member)
