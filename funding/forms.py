from django import forms
from django.utils.translation import gettext_lazy as _

from funding.models import AlertFrequency, SavedSearch


class SavedSearchCreateForm(forms.Form):
    """Save the catalogue's current filters (sent as a querystring) as an alert."""

    name = forms.CharField(label=_("Alert name"), max_length=120)
    frequency = forms.ChoiceField(
        label=_("Frequency"), choices=AlertFrequency.choices, initial=AlertFrequency.WEEKLY
    )
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


class SavedSearchForm(forms.ModelForm):
    class Meta:
        model = SavedSearch
        fields = ["name", "frequency", "is_active"]
        labels = {"name": _("Alert name"), "is_active": _("Active (untick to pause)")}


class CooperativeAlertForm(forms.Form):
    frequency = forms.ChoiceField(label=_("Frequency"), choices=AlertFrequency.choices)
    is_active = forms.BooleanField(label=_("Send me these calls"), required=False)
