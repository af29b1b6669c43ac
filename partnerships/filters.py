"""The FilterSets of partnership requests (the list page; the digest may use it) and of
projects.

They work from a plain QueryDict, like the call catalogue's. Multi-valued relations are
filtered through `pk__in` subqueries so no row is repeated and no DISTINCT is needed.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from funding.models import Call, Programme
from members.filters import QuickSelect, QuickSelectMultiple, SectorMultipleChoiceFilter
from members.models import Cooperative, Theme
from partnerships.models import PartnershipRequest, Project

# How many calls the call box suggests.
CALL_OPTIONS = 30


def _country_choices():
    return list(countries)


class RequestFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=200,
        help_text=_("Words of the title, summary or description."),
    )
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"),
        choices=PartnershipRequest.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    sector = SectorMultipleChoiceFilter(
        widget=QuickSelectMultiple,
        label=_("Sector sought (NACE)"),
        field_name="sought_sectors",
    )
    theme = django_filters.ModelMultipleChoiceFilter(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        method="filter_themes",
        widget=forms.CheckboxSelectMultiple,
    )
    country = django_filters.ChoiceFilter(
        widget=QuickSelect,
        label=_("Partner country"),
        choices=_country_choices,
        method="filter_country",
        empty_label=_("Any country"),
    )
    # A text box, not a dropdown of every call a request ever named (1,400 at the federation's
    # size): the call's identifier or address name, or words of its title; a short list of
    # the calls the listed requests name comes as suggestions (`call_options`).
    call = django_filters.CharFilter(
        label=_("Funding call"),
        method="filter_call",
        max_length=200,
        help_text=_("The call's identifier, or words of its title."),
        widget=forms.TextInput(
            attrs={"list": "request-call-options", "autocomplete": "off", "type": "search"}
        ),
    )

    class Meta:
        model = PartnershipRequest
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is None:
            queryset = PartnershipRequest.objects.published()
        super().__init__(data, queryset, **kwargs)

    def filter_search(self, queryset, name, value):
        for word in value.split():
            # Either language's text (partnerships/translation.py).
            queryset = queryset.filter(
                Q(title_it__icontains=word)
                | Q(title_en__icontains=word)
                | Q(summary_it__icontains=word)
                | Q(summary_en__icontains=word)
                | Q(description_it__icontains=word)
                | Q(description_en__icontains=word)
            )
        return queryset

    def filter_themes(self, queryset, name, value):
        if not value:
            return queryset
        tagged = PartnershipRequest.objects.filter(sought_themes__in=value)
        return queryset.filter(pk__in=tagged.values("pk"))

    def filter_country(self, queryset, name, value):
        # CountryField(multiple=True) stores "AR,BR,TN": two-letter codes joined by commas, so
        # a code can only occur as itself.
        return queryset.filter(sought_countries__contains=value)

    def filter_call(self, queryset, name, value):
        """Requests for the call with this slug or identifier, or whose call's title has
        every word given, in Italian or in English (the links from a call page carry its
        slug)."""
        value = value.strip()
        if not value:
            return queryset
        by_words = Q()
        for word in value.split():
            by_words &= Q(title_it__icontains=word) | Q(title_en__icontains=word)
        calls = Call.objects.filter(Q(slug=value) | Q(identifier__iexact=value) | by_words)
        return queryset.filter(call__in=calls.values("pk"))

    def call_options(self):
        """Suggestions for the call box: the calls the listed requests name, a few at most,
        as (identifier, title) rows: no call is loaded whole."""
        named = self.qs.exclude(call=None).order_by().values("call")
        return list(
            Call.objects.filter(pk__in=named)
            .order_by("identifier", "pk")
            .values_list("identifier", "title")[:CALL_OPTIONS]
        )


class ProjectFilterSet(django_filters.FilterSet):
    """The projects list: kind, status, country, programme, cooperative, start year, search."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_project_search", max_length=200)
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Project.Kind.choices, empty_label=_("All kinds")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Project.Status.choices, empty_label=_("All statuses")
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        choices=_country_choices,
        method="filter_project_country",
        empty_label=_("All countries"),
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"),
        field_name="call__programme",
        queryset=Programme.objects.all(),
        to_field_name="acronym",
        empty_label=_("All programmes"),
    )
    cooperative = django_filters.ModelChoiceFilter(
        label=_("Cooperative"),
        queryset=Cooperative.objects.filter(
            Q(projects__isnull=False) | Q(led_projects__isnull=False)
        ).distinct(),
        to_field_name="slug",
        method="filter_project_cooperative",
        empty_label=_("All cooperatives"),
    )
    year = django_filters.NumberFilter(
        label=_("Start year"),
        field_name="start_date__year",
        min_value=1990,
        max_value=2200,
        decimal_places=0,
    )

    class Meta:
        model = Project
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            css = "form-control" if name in ("q", "year") else "form-select"
            field.widget.attrs.setdefault("class", css)
        self.form.fields["q"].widget.input_type = "search"

    def filter_project_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(acronym__icontains=value) | Q(summary__icontains=value)
        )

    def filter_project_country(self, queryset, name, code):
        # Stored as comma-separated two-letter codes, so a code cannot match across a comma.
        return queryset.filter(countries__contains=code)

    def filter_project_cooperative(self, queryset, name, cooperative):
        # Lead or participant; a subquery keeps each project once without DISTINCT.
        participating = Project.objects.filter(
            Q(lead_cooperative=cooperative) | Q(cooperatives=cooperative)
        ).values("pk")
        return queryset.filter(pk__in=participating)
