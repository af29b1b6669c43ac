"""Forms of the request and project pages: they collect input, `partnerships.services` decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.bilingual import BilingualRequiredMixin, bilingual_fields
from funding.models import ApplicantType, Call
from members.models import Cooperative, Sector, Theme
from partnerships.models import ExpressionOfInterest, PartnershipRequest, Project


class RequestForm(BilingualRequiredMixin, forms.ModelForm):
    """A request's content. `owner` is asked only when the person may act for several."""

    owner = forms.ModelChoiceField(
        label=_("Cooperative"), queryset=Cooperative.objects.none(), empty_label=None
    )
    call = forms.ModelChoiceField(
        label=_("Funding call"),
        queryset=Call.objects.none(),
        to_field_name="slug",
        required=False,
        help_text=_("For a partner for a funding call: the call you want to answer together."),
    )

    class Meta:
        model = PartnershipRequest
        fields = [
            "owner",
            "kind",
            # In Italian, in English or both: title and summary in one language at least.
            *bilingual_fields("title", "summary", "description"),
            "offer",
            "sought_organisation_types",
            "sought_sectors",
            "sought_themes",
            "sought_countries",
            "interest_deadline",
            "call",
        ]
        widgets = {
            **{name: forms.Textarea(attrs={"rows": 2}) for name in bilingual_fields("summary")},
            **{name: forms.Textarea(attrs={"rows": 6}) for name in bilingual_fields("description")},
            "offer": forms.Textarea(attrs={"rows": 4}),
            "sought_organisation_types": forms.CheckboxSelectMultiple,
            "sought_themes": forms.CheckboxSelectMultiple,
            "sought_sectors": forms.SelectMultiple(attrs={"size": 8}),
            "sought_countries": forms.SelectMultiple(attrs={"size": 8}),
            "interest_deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    bilingual_required = ("title", "summary")

    def __init__(self, *args, cooperatives=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cooperatives is None:  # editing: the owner does not change
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = cooperatives
        self.fields["sought_sectors"].queryset = Sector.objects.filter(
            section__isnull=False
        ).order_by("code")
        self.fields["sought_themes"].queryset = Theme.objects.order_by("name_en")
        self.fields["sought_organisation_types"].queryset = ApplicantType.objects.all()
        self.fields["call"].queryset = Call.objects.published().order_by("title")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == PartnershipRequest.Kind.CALL_PARTNER and not cleaned.get("call"):
            self.add_error("call", _("Choose the funding call you look for partners for."))
        return cleaned

    def service_fields(self):
        """The cleaned values as keyword arguments of request_create / request_update."""
        data = dict(self.cleaned_data)
        data.pop("owner", None)
        return data


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("The owner reads it in the email and on the request's page."),
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=PartnershipRequest.Outcome.choices)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000
    )


class InterestForm(forms.Form):
    """An expression of interest; the cooperative is asked when the person has several."""

    cooperative = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=Cooperative.objects.none(), empty_label=None
    )
    message = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_(
            "What your cooperative brings. Contact details are exchanged only if the owner accepts."
        ),
    )

    def __init__(self, *args, cooperatives, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_object = request
        self.fields["cooperative"].queryset = cooperatives

    def clean_cooperative(self):
        cooperative = self.cleaned_data["cooperative"]
        if ExpressionOfInterest.objects.filter(
            request=self.request_object, cooperative=cooperative
        ).exists():
            raise forms.ValidationError(
                _("%(cooperative)s has already expressed interest in this request.")
                % {"cooperative": cooperative}
            )
        return cooperative


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )


class ProjectForm(forms.ModelForm):
    """A project recorded from a request: what it is, its money, dates and countries."""

    class Meta:
        model = Project
        fields = [
            "title",
            "acronym",
            "kind",
            "status",
            "budget",
            "eu_contribution",
            "start_date",
            "end_date",
            "countries",
            "summary",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("budget", "eu_contribution"):
            self.fields[name].min_value = 0
            self.fields[name].widget.attrs["min"] = 0
        self.fields["countries"].widget.attrs["size"] = 8
        self.fields["countries"].help_text = _(
            "The countries where the project works or where its partners are."
        )

    def clean(self):
        cleaned = super().clean()
        budget, contribution = cleaned.get("budget"), cleaned.get("eu_contribution")
        if budget is not None and contribution is not None and contribution > budget:
            self.add_error(
                "eu_contribution", _("The EU contribution cannot be larger than the budget.")
            )
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end is before the start."))
        return cleaned
