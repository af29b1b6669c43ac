"""The cooperative directory's filters; the same FilterSet can drive exports and alerts."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from localflavor.it.it_province import PROVINCE_CHOICES

from members.models import Association, Cooperative, Sector, Theme


def _sector_label(sector):
    indent = "— " if sector.section_id else ""
    return f"{indent}{sector.code} {sector.name}"


class SectorChoiceFilter(django_filters.ModelChoiceFilter):
    """A NACE section or division, by code; a section matches all of its divisions."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        field = super().field
        field.label_from_instance = _sector_label
        return field


class CooperativeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    association = django_filters.ModelChoiceFilter(
        label=_("Association"),
        field_name="associations",
        queryset=Association.objects.all(),
        to_field_name="slug",
        empty_label=_("All associations"),
    )
    sector = SectorChoiceFilter(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        method="filter_sector",
        empty_label=_("All sectors"),
    )
    type = django_filters.ChoiceFilter(
        label=_("Cooperative type"),
        field_name="cooperative_type",
        choices=Cooperative.Type.choices,
        empty_label=_("All types"),
    )
    province = django_filters.ChoiceFilter(
        label=_("Province"), choices=PROVINCE_CHOICES, empty_label=_("All provinces")
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Innovation theme"),
        field_name="themes",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        empty_label=_("All themes"),
    )
    country = django_filters.ChoiceFilter(
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

    def filter_sector(self, queryset, name, sector):
        if sector.is_section:
            matches = Q(main_sector__section=sector) | Q(sectors__section=sector)
        else:
            matches = Q(main_sector=sector) | Q(sectors=sector)
        # Joining the other sectors can repeat a cooperative: keep each once.
        return queryset.filter(pk__in=Cooperative.objects.filter(matches).values("pk"))

    def filter_country(self, queryset, name, code):
        # Stored as comma-separated two-letter codes, so a code cannot match across a comma.
        return queryset.filter(countries_of_interest__contains=code)
