"""Filters of the startup list and of the staff board (the CSV export reuses the board's)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from members.filters import SectorChoiceFilter
from members.models import Theme
from startups.models import Application, Kind, Startup


class BootstrapFilterSet(django_filters.FilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")


class StartupFilterSet(BootstrapFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Kind.choices, empty_label=_("All kinds")
    )
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), choices=Startup.Stage.choices, empty_label=_("All stages")
    )
    sector = SectorChoiceFilter(label=_("Sector"), empty_label=_("All sectors"))
    theme = django_filters.ModelChoiceFilter(
        label=_("Innovation theme"),
        field_name="themes",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        empty_label=_("All themes"),
    )

    class Meta:
        model = Startup
        fields = []


class ApplicationFilterSet(BootstrapFilterSet):
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), choices=Application.Stage.choices, empty_label=_("All stages")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Kind.choices, empty_label=_("All kinds")
    )
    sector = SectorChoiceFilter(label=_("Sector"), empty_label=_("All sectors"))

    class Meta:
        model = Application
        fields = []
