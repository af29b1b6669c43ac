"""The one FilterSet of calls: the catalogue, both feeds and saved-search alerts use it.

It works from a plain QueryDict (no request), so an alert can store `urlencode()` of the
catalogue's query string and rebuild the same selection later:

    CallFilterSet(QueryDict(saved_query)).qs

Invalid values become form errors (`filterset.errors`) and the invalid filter is left out;
callers that must not widen a selection (alerts) check `filterset.is_valid()` first.
"""

import datetime

import django_filters
from django import forms
from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from funding.models import (
    DEADLINE_ORDER,
    ApplicantType,
    Call,
    Deadline,
    Programme,
    status_conditions,
)
from members.filters import SectorMultipleChoiceFilter
from members.models import Theme

MAX_BUDGET = 10**13  # far above any call; keeps the value within the database column
MIN_YEAR, MAX_YEAR = 1990, 2200


class Sort:
    DEADLINE = "deadline"
    NEWEST = "newest"
    RELEVANCE = "relevance"
    CHOICES = [
        (DEADLINE, _("Closest deadline")),
        (NEWEST, _("Newest")),
        (RELEVANCE, _("Relevance")),
    ]


class CallFilterForm(forms.Form):
    def _plausible_date(self, name):
        # Far-off years overflow when converted to UTC: refuse them as a form error.
        value = self.cleaned_data.get(name)
        if value and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise forms.ValidationError(
                _("Give a date between %(first)s and %(last)s.")
                % {"first": MIN_YEAR, "last": MAX_YEAR}
            )
        return value

    def clean_deadline_from(self):
        return self._plausible_date("deadline_from")

    def clean_deadline_to(self):
        return self._plausible_date("deadline_to")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("deadline_from"), cleaned.get("deadline_to")
        if start and end and start > end:
            self.add_error("deadline_to", _("The end of the deadline range is before its start."))
        low, high = cleaned.get("budget_min"), cleaned.get("budget_max")
        if low is not None and high is not None and low > high:
            self.add_error("budget_max", _("The maximum budget is below the minimum."))
        return cleaned


def _country_choices():
    return list(countries)


class CallFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=200,
        help_text=_("Words of the title, summary or description, or the call identifier."),
    )
    programme = django_filters.ModelMultipleChoiceFilter(
        label=_("Programme"), queryset=Programme.objects.all(), method="filter_facet"
    )
    level = django_filters.MultipleChoiceFilter(
        label=_("Level"), choices=Programme.Level.choices, method="filter_facet"
    )
    theme = django_filters.ModelMultipleChoiceFilter(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        method="filter_facet",
    )
    sector = SectorMultipleChoiceFilter(label=_("Sector (NACE)"), field_name="sectors")
    country = django_filters.ChoiceFilter(
        label=_("Eligible country"),
        choices=_country_choices,
        method="filter_country",
        empty_label=_("Any country"),
    )
    applicant = django_filters.ModelMultipleChoiceFilter(
        label=_("Applicant type"),
        queryset=ApplicantType.objects.all(),
        to_field_name="code",
        method="filter_facet",
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Call.Status.choices, method="filter_facet"
    )
    deadline_from = django_filters.DateFilter(
        label=_("Deadline from"),
        method="filter_nothing",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    deadline_to = django_filters.DateFilter(
        label=_("Deadline to"),
        method="filter_nothing",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    budget_min = django_filters.NumberFilter(
        label=_("Total budget from (EUR)"),
        field_name="total_budget",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_BUDGET,
    )
    budget_max = django_filters.NumberFilter(
        label=_("Total budget up to (EUR)"),
        field_name="total_budget",
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_BUDGET,
    )
    consortium = django_filters.ChoiceFilter(
        label=_("Consortium"),
        choices=[("yes", _("Consortium required")), ("no", _("Single applicants allowed"))],
        method="filter_facet",
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=Sort.CHOICES, method="filter_nothing", empty_label=None
    )

    class Meta:
        model = Call
        fields = []
        form = CallFilterForm

    # Facets whose values are counted (checkbox groups of the catalogue), in display order.
    FACETS = ("status", "level", "programme", "theme", "applicant", "consortium")

    def __init__(self, data=None, queryset=None, *, at=None, **kwargs):
        if queryset is None:
            queryset = Call.objects.published()
        self.at = at or timezone.now()
        super().__init__(data, queryset, **kwargs)

    # --- filter methods ---

    def filter_nothing(self, queryset, name, value):
        return queryset  # applied in filter_queryset, which sees all values at once

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_country(self, queryset, name, value):
        return queryset.eligible_in(value)

    def filter_facet(self, queryset, name, value):
        condition = self.facet_condition(name, value)
        return queryset if condition is None else queryset.filter(condition)

    def facet_condition(self, name, value):
        """The Q of one facet's ticked values (None: nothing ticked), joining no table.

        Being join-free, the conditions also serve as FILTER clauses of the facet counts.
        """
        if not value:  # nothing ticked; an empty queryset is not in django-filter's EMPTY_VALUES
            return None
        if name == "status":
            conditions = status_conditions(self.at)
            wanted = Q()
            for status in value:
                wanted |= conditions[status]
            return wanted
        if name == "level":
            return Q(programme__level__in=value)
        if name == "programme":
            return Q(programme__in=value)
        if name == "theme":
            links = Call.themes.through.objects.filter(theme__in=value)
            return Q(pk__in=links.values("call_id"))
        if name == "applicant":
            links = Call.applicant_types.through.objects.filter(applicanttype__in=value)
            return Q(pk__in=links.values("call_id"))
        if name == "consortium":
            return Q(consortium_required=(value == "yes"))
        raise ValueError(name)

    # --- the whole selection ---

    def filter_queryset(self, queryset):
        return self._apply(queryset, facets=True)

    def _apply(self, queryset, *, facets):
        """The valid filters applied to `queryset`; the facet ones only if `facets`."""
        for name, value in self.form.cleaned_data.items():
            if facets or name not in self.FACETS:
                queryset = self.filters[name].filter(queryset, value)
        cleaned = self.form.cleaned_data
        start, end = cleaned.get("deadline_from"), cleaned.get("deadline_to")
        if start or end:
            deadlines = Deadline.objects.filter(call=OuterRef("pk"))
            if start:
                deadlines = deadlines.filter(due_at__gte=_start_of_day(start))
            if end:
                deadlines = deadlines.filter(due_at__lt=_start_of_day(end + datetime.timedelta(1)))
            queryset = queryset.filter(Exists(deadlines))
        return queryset

    def _cleaned(self, name):
        """A valid value of the form (invalid fields are left out, the others still apply)."""
        if not self.is_bound:
            return None
        self.errors  # noqa: B018 - validates the form
        return self.form.cleaned_data.get(name)

    @property
    def searching(self):
        return bool(self._cleaned("q"))

    @property
    def sort_value(self):
        sort = self._cleaned("sort")
        if sort == Sort.RELEVANCE and not self.searching:
            return Sort.DEADLINE
        return sort or (Sort.RELEVANCE if self.searching else Sort.DEADLINE)

    @property
    def filtered(self):
        """The matching calls, unordered and without the display annotations."""
        if not hasattr(self, "_filtered"):
            queryset = self.queryset.all()
            if self.is_bound:
                self.errors  # noqa: B018 - validates the form before filtering
                queryset = self.filter_queryset(queryset)
            self._filtered = queryset
        return self._filtered

    @property
    def qs(self):
        """The matching calls with `status`, `next_deadline`, `last_deadline`, in sort order."""
        if not hasattr(self, "_qs"):
            queryset = self.filtered.with_status(self.at)
            sort = self.sort_value
            if sort == Sort.NEWEST:
                queryset = queryset.order_by("-published_at", "-pk")
            elif sort == Sort.RELEVANCE:
                queryset = queryset.order_by("-rank", *DEADLINE_ORDER)
            else:
                queryset = queryset.order_by(*DEADLINE_ORDER)
            self._qs = queryset
        return self._qs

    def facet_counts(self):
        """{facet: {value: count}}, each counted with every other filter applied (not its own).

        Two queries whatever the catalogue's size: one grouped pass over the calls that pass
        the non-facet filters, with a conditional count per single-valued facet (status,
        level, programme, consortium), and one UNION of grouped passes over the theme and
        applicant-type links.
        """
        base = self.queryset.all()
        conditions = {}
        if self.is_bound:
            self.errors  # noqa: B018 - validates the form before filtering
            base = self._apply(base, facets=False)
            for name in self.FACETS:
                condition = self.facet_condition(name, self.form.cleaned_data.get(name))
                if condition is not None:
                    conditions[name] = condition
        base = base.order_by()

        def others(name):
            combined = Q()
            for other, condition in conditions.items():
                if other != name:
                    combined &= condition
            return combined

        def count(name):
            condition = others(name)
            return Count("pk", filter=condition) if condition else Count("pk")

        status = Case(
            *(When(q, then=Value(value)) for value, q in status_conditions(self.at).items()),
            output_field=models.CharField(),
        )
        counts = {name: {} for name in self.FACETS}
        grouped = (
            base.annotate(facet_status=status)
            .values("facet_status", "programme", "programme__level", "consortium_required")
            .annotate(**{f"n_{name}": count(name) for name in SINGLE_VALUED_FACETS})
        )
        keys = {
            "status": "facet_status",
            "level": "programme__level",
            "programme": "programme",
            "consortium": "consortium_required",
        }
        for row in grouped:
            for name in SINGLE_VALUED_FACETS:
                if row[f"n_{name}"]:
                    key = _facet_key(row[keys[name]])
                    counts[name][key] = counts[name].get(key, 0) + row[f"n_{name}"]
        links = []
        for name, through, value in (
            ("theme", Call.themes.through, "theme__slug"),
            ("applicant", Call.applicant_types.through, "applicanttype__code"),
        ):
            calls = base.filter(others(name)).values("pk")
            links.append(
                through.objects.filter(call__in=calls)
                .order_by()
                .values(value)
                .annotate(facet=Value(name), n=Count("call_id"))
                .values_list("facet", value, "n")
            )
        for name, value, n in links[0].union(links[1], all=True):
            counts[name][str(value)] = n
        return counts


SINGLE_VALUED_FACETS = ("status", "level", "programme", "consortium")


def catalogue(data, **kwargs):
    """The public catalogue's selection for a query string (a QueryDict): the published calls
    through `CallFilterSet`. /calls/, its downloads and feeds, and the public API use this one
    function, so a query string selects the same calls in each."""
    return CallFilterSet(data, queryset=Call.objects.published(), **kwargs)


def _facet_key(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _start_of_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
