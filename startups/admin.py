from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import AuditTrailMixin, ReadOnlyAdminMixin
from core.bilingual import side_by_side
from core.changelist import BoundedDateHierarchyMixin
from startups import services
from startups.models import (
    Application,
    ApplicationEvent,
    Mentor,
    MentorAssignment,
    Need,
    Startup,
    SupportProgramme,
)


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["code", "name_it", "name_en", "position"]
    search_fields = ["code", "name_it", "name_en"]


class MentorAssignmentInline(admin.TabularInline):
    model = MentorAssignment
    extra = 1
    autocomplete_fields = ["mentor", "startup"]


@admin.register(Startup)
class StartupAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "stage",
        "sector",
        "parent_cooperative",
        "parent_body",
        "visibility",
        "is_registered_innovative",
        "is_demo",
    ]
    list_filter = ["kind", "stage", "visibility", "is_registered_innovative", "needs", "is_demo"]
    search_fields = ["name", "slug", "description_it", "description_en", "founders"]
    # The description in Italian and English side by side, never the untranslated column.
    exclude = ["description"]
    list_select_related = ["sector", "parent_cooperative", "parent_body"]
    autocomplete_fields = ["parent_cooperative", "parent_body", "sector", "themes"]
    filter_horizontal = ["needs"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MentorAssignmentInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_fields(self, request, obj=None):
        return side_by_side(super().get_fields(request, obj), ["description"])


@admin.register(SupportProgramme)
class SupportProgrammeAdmin(BoundedDateHierarchyMixin, admin.ModelAdmin):
    list_display = ["name", "open_date", "close_date", "places", "is_demo"]
    list_filter = ["is_demo"]
    search_fields = ["name", "description_it", "description_en"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "open_date"
    exclude = ["description", "criteria"]  # by language, side by side (get_fields)

    def get_fields(self, request, obj=None):
        return side_by_side(super().get_fields(request, obj), ["description", "criteria"])


@admin.register(Application)
class ApplicationAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ["startup_name", "programme", "kind", "stage", "applicant", "submitted_at"]
    list_filter = ["stage", "kind", "programme", "is_demo"]
    search_fields = ["startup_name", "applicant__email", "description"]
    list_select_related = ["programme", "applicant"]
    autocomplete_fields = [
        "programme",
        "applicant",
        "sector",
        "themes",
        "parent_cooperative",
        "parent_body",
        "startup",
    ]
    filter_horizontal = ["needs"]
    # The stage moves only through the pipeline (board or the actions), so it is recorded.
    readonly_fields = ["stage", "rejection_reason", "submitted_at", "updated_at"]
    actions = ["move_to_screening", "move_to_incubating"]

    def _move(self, request, queryset, stage):
        moved = 0
        for application in queryset.select_related("programme", "applicant", "startup"):
            try:
                services.application_transition(
                    application=application, to_stage=stage, by=request.user
                )
                moved += 1
            except ValidationError as exc:
                self.message_user(
                    request, f"{application}: {' '.join(exc.messages)}", messages.WARNING
                )
        if moved:
            self.message_user(
                request,
                ngettext("%(count)d application moved.", "%(count)d applications moved.", moved)
                % {"count": moved},
            )

    @admin.action(description=_("Move to screening"))
    def move_to_screening(self, request, queryset):
        self._move(request, queryset, Application.Stage.SCREENING)

    @admin.action(description=_("Move to incubating"))
    def move_to_incubating(self, request, queryset):
        self._move(request, queryset, Application.Stage.INCUBATING)


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A view of the audit log: moves are made by the services, never added or edited here."""

    list_display = ["application", "from_stage", "to_stage", "by", "at"]
    list_filter = ["to_stage"]
    search_fields = ["application__startup_name", "note"]
    list_select_related = ["application", "application__programme", "by"]
    readonly_fields = ["application", "from_stage", "to_stage", "by", "note", "at"]


@admin.register(Mentor)
class MentorAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "cooperative", "body", "areas", "is_demo"]
    list_filter = ["themes", "is_demo"]
    search_fields = ["name", "email", "areas"]
    list_select_related = ["cooperative", "body"]
    autocomplete_fields = ["user", "cooperative", "body", "themes"]


@admin.register(MentorAssignment)
class MentorAssignmentAdmin(admin.ModelAdmin):
    list_display = ["mentor", "startup", "since"]
    search_fields = ["mentor__name", "startup__name"]
    list_select_related = ["mentor", "startup"]
    autocomplete_fields = ["mentor", "startup"]
