import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from localflavor.it.it_province import PROVINCE_CHOICES

from members.models import Association
from staff.results import Scope

EARLIEST = datetime.date(2000, 1, 1)
# Months are table rows: a period of more than ten years is refused rather than drawn.
LONGEST = datetime.timedelta(days=3660)


class ResultsForm(forms.Form):
    """The period and the cooperatives /staff/results/ is about (GET, in the URL, so a view
    of one association can be bookmarked and printed)."""

    start = forms.DateField(
        label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    association = forms.ModelChoiceField(
        label=_("association"),
        queryset=Association.objects.order_by("-is_innovacoop_shareholder", "name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All associations"),
    )
    province = forms.ChoiceField(
        label=_("province"), choices=[("", _("All provinces")), *PROVINCE_CHOICES], required=False
    )

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        start = cleaned.get("start") or today.replace(month=1, day=1)
        end = cleaned.get("end") or today
        if self.errors:
            return cleaned
        if start < EARLIEST or end > today.replace(year=today.year + 1):
            raise forms.ValidationError(_("Choose dates between 2000 and next year."))
        if start > end:
            raise forms.ValidationError(_("The start of the period is after its end."))
        if end - start > LONGEST:
            raise forms.ValidationError(_("Choose a period of at most ten years."))
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def scope(self):
        """The `Scope` of a valid form."""
        data = self.cleaned_data
        return Scope(
            start=data["start"],
            end=data["end"],
            association=data.get("association"),
            province=data.get("province") or "",
        )
