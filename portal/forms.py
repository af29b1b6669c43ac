from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from members.models import Cooperative, Membership, Sector, Theme


class CooperativeProfileForm(forms.ModelForm):
    """What a cooperative's editors keep; the legal identity (name, VAT, associations) is
    the registry's and stays with staff."""

    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Cooperative
        fields = [
            "cooperative_type",
            "main_sector",
            "sectors",
            "description",
            "themes",
            "countries_of_interest",
            "city",
            "province",
            "employee_count",
            "member_count",
            "turnover_band",
            "year_founded",
            "website",
            "email",
            "phone",
        ]
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 5}),
            "sectors": forms.SelectMultiple(attrs={"size": 8}),
            "countries_of_interest": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        divisions = Sector.objects.filter(section__isnull=False).order_by("code")
        self.fields["main_sector"].queryset = divisions
        self.fields["sectors"].queryset = divisions
        self.fields["themes"].queryset = Theme.objects.order_by("name_en")


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.VIEWER
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation email"), choices=settings.LANGUAGES
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class AccountForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["full_name", "language"]


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password, to confirm"), widget=forms.PasswordInput, strip=False
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password
