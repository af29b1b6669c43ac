from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Cooperative, Sector, Theme
from networks.models import Body
from startups.models import ACADEMIC_BODY_KINDS, Application, Mentor, Need


class ApplicationForm(forms.ModelForm):
    """A founding team's application to a programme."""

    needs = forms.ModelMultipleChoiceField(
        label=_("What the startup needs"),
        queryset=Need.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Innovation themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Application
        fields = [
            "startup_name",
            "kind",
            "description",
            "team",
            "team_size",
            "sector",
            "parent_cooperative",
            "parent_body",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "team": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.filter(section__isnull=False)
        self.fields["parent_cooperative"].queryset = Cooperative.objects.active()
        self.fields["parent_body"].queryset = Body.objects.filter(kind__in=ACADEMIC_BODY_KINDS)
        self.fields["parent_cooperative"].help_text = _(
            "Optional: the member cooperative the startup comes from."
        )
        self.fields["parent_body"].help_text = _(
            "Optional: the university or research centre of an academic spinoff."
        )

    def application_data(self):
        """The application's own fields, for `application_submit`."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def _get_validation_exclusions(self):
        # Programme and applicant are set by the service, which reports duplicates itself.
        return {*super()._get_validation_exclusions(), "programme", "applicant"}


class SignupApplicationForm(ApplicationForm):
    """The same form for a person without an account: they sign up while applying.

    No password here: it is chosen through the emailed link, by whoever reads the mailbox,
    so typing someone else's address cannot give anyone their account.
    """

    full_name = forms.CharField(label=_("Your full name"), max_length=150)
    email = forms.EmailField(
        label=_("Your email"),
        help_text=_(
            "We send you a link to confirm it and choose your password; the application "
            "waits until you do."
        ),
    )

    field_order = ["full_name", "email"]


class TransitionForm(forms.Form):
    to_stage = forms.ChoiceField(choices=Application.Stage.choices)
    note = forms.CharField(required=False, widget=forms.Textarea)
    reason = forms.CharField(required=False, widget=forms.Textarea)


class MentorAssignForm(forms.Form):
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=Mentor.objects.all())
