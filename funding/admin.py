from django import forms
from django.contrib import admin, messages
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import JSON

from core.admin import AuditTrailMixin
from core.bilingual import BilingualRequiredMixin
from core.changelist import BoundedDateHierarchyMixin, KeptChangeListMixin
from core.exports import CSV  # formula-safe cells (CSV injection)
from funding import services
from funding.feeds import CATALOGUE
from funding.models import ApplicantType, Call, Deadline, Follow, Programme
from funding.resources import CallResource


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "level", "managing_authority"]
    list_filter = ["level"]
    search_fields = ["name", "acronym", "managing_authority"]


@admin.register(ApplicantType)
class ApplicantTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_it", "name_en", "position"]
    search_fields = ["code", "name_it", "name_en"]


def _is_changelist(request, model):
    """True on the model's change list (not its change form, which shows every field)."""
    match = request.resolver_match
    opts = model._meta
    return match is not None and match.url_name == f"{opts.app_label}_{opts.model_name}_changelist"


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 1


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Call.Status.choices

    def queryset(self, request, queryset):
        if self.value() in Call.Status.values:
            return queryset.with_status_value(self.value())
        return queryset


class CallAdminForm(BilingualRequiredMixin, forms.ModelForm):
    """Title, summary and description in Italian and English: the title in one at least."""

    bilingual_required = ("title",)

    class Meta:
        model = Call
        fields = ("title_it", "title_en")  # the admin adds its fieldsets


@admin.register(Call)
class CallAdmin(
    AuditTrailMixin, KeptChangeListMixin, BoundedDateHierarchyMixin, ImportExportModelAdmin
):
    form = CallAdminForm
    resource_classes = [CallResource]
    formats = [CSV, JSON]
    changelist_data = (CATALOGUE,)
    inlines = [DeadlineInline]
    list_display = [
        "title",
        "identifier",
        "programme",
        "status_display",
        "next_deadline_display",
        "publication_state",
        "is_demo",
    ]
    list_filter = [
        StatusFilter,
        "publication_state",
        "programme__level",
        "programme",
        "consortium_required",
        "is_demo",
    ]
    # Both languages (a plain "title" would search the admin's language only).
    search_fields = ["title_it", "title_en", "identifier", "summary_it", "summary_en"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme", "sectors", "themes"]
    filter_horizontal = ["applicant_types"]
    prepopulated_fields = {"slug": ["identifier"]}
    readonly_fields = ["published_at", "created_at", "updated_at", "imported_from"]
    date_hierarchy = "opens_at"
    actions = ["publish", "archive", "duplicate"]
    fieldsets = (
        (None, {"fields": ("programme", "identifier", "slug")}),
        (
            # Italian and English side by side; the page shows the reader's, else the other.
            _("Text (Italian | English)"),
            {
                "fields": (
                    ("title_it", "title_en"),
                    ("summary_it", "summary_en"),
                    ("description_it", "description_en"),
                )
            },
        ),
        (_("Dates"), {"fields": ("opens_at",)}),
        (_("Money"), {"fields": ("total_budget", "grant_per_project", "funding_rate")}),
        (
            _("Eligibility"),
            {
                "fields": (
                    "applicant_types",
                    "eligible_countries",
                    "consortium_required",
                    "min_partners",
                    "sectors",
                    "themes",
                )
            },
        ),
        (
            _("Source and publication"),
            {
                "fields": (
                    "official_url",
                    "language",
                    "source",
                    "last_checked",
                    "publication_state",
                    "is_demo",
                    "published_at",
                    "created_at",
                    "updated_at",
                    "imported_from",
                )
            },
        ),
    )

    @admin.display(description=_("imported from"))
    def imported_from(self, call):
        """Where an imported call came from, when it was checked, and what the source says
        for the fields staff changed by hand (the import leaves those alone)."""
        provenance = getattr(call, "provenance", None) if call.pk else None
        if provenance is None:
            return _("Entered by hand.")
        differences = format_html_join(
            "",
            "<li><strong>{}</strong>: {}</li>",
            ((name, value) for name, value in sorted(provenance.differences.items())),
        )
        missing = (
            _("No longer listed by the source since %(date)s (the call is kept).")
            % {"date": date_format(provenance.missing_since, "SHORT_DATETIME_FORMAT")}
            if provenance.missing_since
            else ""
        )
        return format_html(
            "{} · {}<br>{}<br>{}{}{}",
            provenance.get_source_display(),
            provenance.source_identifier,
            _("first fetched %(fetched)s, last checked %(checked)s")
            % {
                "fetched": date_format(provenance.fetched_at, "SHORT_DATETIME_FORMAT"),
                "checked": date_format(provenance.checked_at, "SHORT_DATETIME_FORMAT"),
            },
            format_html("<strong>{}</strong><br>", missing) if missing else "",
            _("The source says otherwise for fields changed by hand:") if differences else "",
            format_html("<ul>{}</ul>", differences) if differences else "",
        )

    # The change list at the catalogue's size: no second COUNT over every call for "n total",
    # pages small enough to render quickly, and neither long texts nor the search index read
    # for the rows (the status and next deadline come from stored columns: `with_status`).
    show_full_result_count = False
    list_per_page = 50
    # Newest first by the primary key's index; "-published_at" has no index and puts drafts
    # (no publication date) first on PostgreSQL but last on SQLite.
    ordering = ["-pk"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).with_status()
        if _is_changelist(request, self.model):
            queryset = queryset.defer("summary", "description", "search_vector")
        return queryset

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the M2M are saved, so the instant alerts (sent after commit) see the themes
        # and sectors; only when this save publishes the call, not on later edits.
        if form.instance.is_published and (not change or "publication_state" in form.changed_data):
            services.call_announce(call=form.instance, by=request.user)

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, call):
        return Call.Status(call.status).label

    @admin.display(description=_("next deadline"), ordering="next_deadline")
    def next_deadline_display(self, call):
        return call.next_deadline or "—"

    @admin.action(description=_("Publish the selected calls"), permissions=["change"])
    def publish(self, request, queryset):
        count = services.calls_publish(calls=queryset, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d call published.", "%(count)d calls published.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Archive the selected calls"), permissions=["change"])
    def archive(self, request, queryset):
        count = services.calls_archive(calls=queryset, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d call archived.", "%(count)d calls archived.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Duplicate the selected calls as drafts"), permissions=["add"])
    def duplicate(self, request, queryset):
        copies = [services.call_duplicate(call=call) for call in queryset]
        self.message_user(
            request,
            ngettext(
                "%(count)d draft copy created.", "%(count)d draft copies created.", len(copies)
            )
            % {"count": len(copies)},
            messages.SUCCESS,
        )


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["call", "user", "created_at"]
    list_select_related = ["call", "user"]
    search_fields = ["call__title_it", "call__title_en", "call__identifier", "user__email"]
    raw_id_fields = ["call", "user"]


# The EU source queries (funding/eu_topics/admin.py) register with the calls.
from funding.eu_topics import admin as eu_topics_admin  # noqa: E402, F401
