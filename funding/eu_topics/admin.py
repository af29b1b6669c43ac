"""Staff set up what the portal pulls from the EU Funding & Tenders portal: source queries."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from funding import tasks
from funding.eu_topics.models import SourceQuery, programme_choices, status_choices


class SourceQueryForm(forms.ModelForm):
    programmes = forms.MultipleChoiceField(
        label=_("programmes"),
        choices=programme_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every programme the catalogue knows."),
    )
    statuses = forms.MultipleChoiceField(
        label=_("statuses"),
        choices=status_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Statuses as the EU portal gives them."),
    )

    class Meta:
        model = SourceQuery
        fields = ["name", "active", "programmes", "statuses", "keywords", "publish"]

    def clean_keywords(self):
        keywords = self.cleaned_data["keywords"]
        lines = [line for line in keywords.splitlines() if line.strip()]
        if len(lines) > 20:
            raise forms.ValidationError(_("At most 20 keywords: make a second query."))
        if any(len(line) > 100 for line in lines):
            raise forms.ValidationError(_("A keyword has at most 100 characters."))
        return "\n".join(" ".join(line.split()) for line in lines)


@admin.register(SourceQuery)
class SourceQueryAdmin(admin.ModelAdmin):
    form = SourceQueryForm
    list_display = ["name", "active", "publish", "last_run_at", "last_run_ok", "last_run_summary"]
    list_filter = ["active", "publish", "last_run_ok"]
    search_fields = ["name", "keywords"]
    readonly_fields = ["last_run_at", "last_run_ok", "last_run_summary"]
    fieldsets = (
        (None, {"fields": ("name", "active", "programmes", "statuses", "keywords", "publish")}),
        (_("Last run"), {"fields": ("last_run_at", "last_run_ok", "last_run_summary")}),
    )
    actions = ["run_now"]

    @admin.action(description=_("Run the selected queries now"), permissions=["change"])
    def run_now(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        # After commit, as every task the portal queues; the worker runs it (minutes for a
        # broad query) and the result shows here under "Last run".
        transaction.on_commit(lambda: tasks.import_eu_calls.delay(ids))
        self.message_user(
            request,
            ngettext(
                "%(count)d query will run in the background: its result shows here.",
                "%(count)d queries will run in the background: their results show here.",
                len(ids),
            )
            % {"count": len(ids)},
            messages.SUCCESS,
        )
