"""The cooperative directory's filters; the same FilterSet can drive exports and alerts."""

import django_filters
from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from localflavor.it.it_province import PROVINCE_CHOICES

from members.models import Association, Cooperative, Sector, Theme, filter_by_sectors


class QuickSelectMixin:
    """Writes the <select> in Python instead of one template per <option>.

    Django renders every option through its own template: on a directory page the country,
    sector and province lists (about 470 options) cost more than the page's queries. The
    markup is the one Django's templates write; which options are selected is still
    decided by Django (`optgroups`).
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (
                        "" if option["value"] is None else str(option["value"]),
                        mark_safe(" selected") if option["selected"] else "",
                        option["label"],
                    )
                    for option in options
                ),
            )
            if group_name:
                parts.append(
                    format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered)
                )
            else:
                parts.append(rendered)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(parts)),
        )


class QuickSelect(QuickSelectMixin, forms.Select):
    pass


class QuickSelectMultiple(QuickSelectMixin, forms.SelectMultiple):
    pass


def _sector_label(sector):
    indent = "— " if sector.section_id else ""
    return f"{indent}{sector.code} {sector.name}"


class SectorFilterMixin:
    """Filters by NACE sector, by code, with `filter_by_sectors`: a section matches what is
    tagged with it or one of its divisions, a division what is tagged with it or its section.

    `field_names` are the sector relations looked in (a cooperative's main sector and its
    other sectors); the filter's own name by default.
    """

    def __init__(self, *args, field_names=None, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("queryset", Sector.objects.all())
        super().__init__(*args, **kwargs)
        self.field_names = field_names

    def filter(self, qs, value):
        # One sector from a dropdown; a queryset, maybe empty, from a multiple choice.
        sectors = [value] if isinstance(value, Sector) else list(value or [])
        if not sectors:
            return qs
        return filter_by_sectors(qs, sectors, self.field_names or [self.field_name])


class SectorChoiceFilter(SectorFilterMixin, django_filters.ModelChoiceFilter):
    """One NACE section or division, in a dropdown that indents the divisions."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", QuickSelect)
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        field = super().field
        field.label_from_instance = _sector_label
        return field


class SectorMultipleChoiceFilter(SectorFilterMixin, django_filters.ModelMultipleChoiceFilter):
    """Any of several NACE sections or divisions."""


class CooperativeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    association = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        label=_("Association"),
        field_name="associations",
        queryset=Association.objects.all(),
        to_field_name="slug",
        empty_label=_("All associations"),
    )
    sector = SectorChoiceFilter(
        label=_("Sector"),
        field_names=["main_sector", "sectors"],
        empty_label=_("All sectors"),
    )
    type = django_filters.ChoiceFilter(
        widget=QuickSelect,
        label=_("Cooperative type"),
        field_name="cooperative_type",
        choices=Cooperative.Type.choices,
        empty_label=_("All types"),
    )
    province = django_filters.ChoiceFilter(
        widget=QuickSelect,
        label=_("Province"),
        choices=PROVINCE_CHOICES,
        empty_label=_("All provinces"),
    )
    theme = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        label=_("Innovation theme"),
        field_name="themes",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        empty_label=_("All themes"),
    )
    country = django_filters.ChoiceFilter(
        widget=QuickSelect,
        label=_("Country of interest"),
        choices=lambda: list(countries),
        method="filter_country",
        empty_label=_("All countries"),
    )

    class Meta:
        model = Cooperative
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            css = "form-control" if name == "q" else "form-select"
            field.widget.attrs.setdefault("class", css)
        self.form.fields["q"].widget.input_type = "search"

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(legal_name__icontains=value)
            | Q(description__icontains=value)
            | Q(city__icontains=value)
        )

    def filter_country(self, queryset, name, code):
        # Stored as comma-separated two-letter codes, so a code cannot match across a comma.
        return queryset.filter(countries_of_interest__contains=code)
