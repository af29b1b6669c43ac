"""Staff moderate partnership requests here: approve and return go through the services, so
the workflow, the audit trail and the owners' emails are the same as on the site. Projects
(what partnerships turned into) are kept here too."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import AuditTrailMixin
from core.bilingual import BilingualRequiredMixin, side_by_side
from core.changelist import BoundedDateHierarchyMixin
from partnerships import services
from partnerships.models import (
    DismissedSuggestion,
    ExpressionOfInterest,
    PartnershipRequest,
    Project,
)


class ExpressionOfInterestInline(admin.TabularInline):
    model = ExpressionOfInterest
    extra = 0
    can_delete = False
    fields = ["cooperative", "state", "sent_by", "created_at", "decided_by", "decided_at"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class ReturnReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 4})
    )


def _apply(modeladmin, request, queryset, action, done_message, **kwargs):
    done, refused = 0, []
    for partnership in queryset:
        try:
            action(request=partnership, by=request.user, **kwargs)
        except (ValidationError, PermissionDenied) as error:
            detail = "; ".join(getattr(error, "messages", [])) or _("not allowed")
            refused.append(f"{partnership}: {detail}")
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)
    for line in refused:
        modeladmin.message_user(request, line, messages.WARNING)


class PartnershipRequestAdminForm(BilingualRequiredMixin, forms.ModelForm):
    """Title, summary and description in Italian and English: title and summary in one at least."""

    bilingual_required = ("title", "summary")

    class Meta:
        model = PartnershipRequest
        # Every field, as the admin's default form; the admin's `exclude` drops the plain
        # (untranslated) text columns.
        fields = "__all__"  # noqa: DJ007


@admin.register(PartnershipRequest)
class PartnershipRequestAdmin(AuditTrailMixin, BoundedDateHierarchyMixin, admin.ModelAdmin):
    form = PartnershipRequestAdminForm
    # The texts in both languages side by side (get_fields), never the untranslated column.
    exclude = ["title", "summary", "description"]
    list_display = [
        "title",
        "owner",
        "kind",
        "state",
        "interest_deadline",
        "published_at",
        "is_demo",
    ]
    list_filter = ["state", "kind", "is_demo"]
    search_fields = ["title_it", "title_en", "summary_it", "summary_en", "owner__legal_name"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner", "call", "sought_sectors", "sought_themes"]
    filter_horizontal = ["sought_organisation_types"]
    # The workflow fields move only through the actions (services), never by hand.
    readonly_fields = [
        "state",
        "return_reason",
        "outcome",
        "created_by",
        "created_at",
        "updated_at",
        "published_at",
        "closed_at",
    ]
    inlines = [ExpressionOfInterestInline]
    actions = ["approve", "return_to_owner"]
    date_hierarchy = "created_at"

    def get_fields(self, request, obj=None):
        return side_by_side(super().get_fields(request, obj), ("title", "summary", "description"))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Approve and publish the selected submitted requests"))
    def approve(self, request, queryset):
        _apply(
            self,
            request,
            queryset,
            services.request_approve,
            lambda n: ngettext("%d request published.", "%d requests published.", n) % n,
        )

    @admin.action(description=_("Return the selected submitted requests to their owners"))
    def return_to_owner(self, request, queryset):
        form = ReturnReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            _apply(
                self,
                request,
                queryset,
                services.request_return,
                lambda n: ngettext("%d request returned.", "%d requests returned.", n) % n,
                reason=form.cleaned_data["reason"],
            )
            return None
        return TemplateResponse(
            request,
            "admin/partnerships/return_requests.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Return requests to their owners"),
                "requests": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(BoundedDateHierarchyMixin, admin.ModelAdmin):
    list_display = ["request", "cooperative", "state", "created_at", "decided_at", "is_demo"]
    list_filter = ["state", "is_demo"]
    search_fields = ["request__title_it", "request__title_en", "cooperative__legal_name", "message"]
    list_select_related = ["request", "cooperative"]
    autocomplete_fields = ["request", "cooperative"]
    # Accepting and declining are the owner's (or staff's, on the site): they send emails.
    readonly_fields = [
        "state",
        "sent_by",
        "decided_by",
        "decided_at",
        "decline_reason",
        "created_at",
    ]
    date_hierarchy = "created_at"


@admin.register(DismissedSuggestion)
class DismissedSuggestionAdmin(admin.ModelAdmin):
    list_display = [
        "cooperative",
        "target_type",
        "target_id",
        "request",
        "dismissed_by",
        "dismissed_at",
    ]
    list_filter = ["target_type"]
    search_fields = ["cooperative__legal_name"]
    list_select_related = ["cooperative", "request", "dismissed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(BoundedDateHierarchyMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "kind",
        "status",
        "lead_cooperative",
        "call",
        "start_date",
        "is_demo",
    ]
    list_filter = ["kind", "status", "is_demo"]
    search_fields = ["title", "acronym", "summary", "lead_cooperative__legal_name"]
    list_select_related = ["lead_cooperative", "call"]
    prepopulated_fields = {"slug": ["acronym"]}
    autocomplete_fields = [
        "call",
        "lead_cooperative",
        "lead_body",
        "cooperatives",
        "bodies",
        "origin_request",
    ]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "start_date"
