from allauth.account.adapter import get_adapter
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.template.loader import select_template
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin as BasePeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from core import mail
from core.audit import audit_trail
from core.changelist import BoundedDateHierarchyMixin
from core.models import AuditEntry, Delivery, User

admin.site.site_header = _("InnovaCoop administration")
admin.site.site_title = _("InnovaCoop")
admin.site.index_title = _("Staff work")


class RateLimitedAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin sign-in, checked by allauth's adapter like /accounts/login/.

    `adapter.authenticate` counts a failure against the address (and the IP) in allauth's
    "login_failed" limit and refuses, while the limit holds, even the right password: the
    two sign-in pages share one counter, so an attacker gains nothing by switching page.
    A successful password reset clears the count (see `core.receivers`).
    """

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            # Raises the "too many failed login attempts" ValidationError while held.
            self.user_cache = get_adapter(self.request).authenticate(
                self.request, email=email, password=password
            )
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


admin.site.login_form = RateLimitedAdminAuthenticationForm


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "language", "password1", "password2"),
            },
        ),
    )


@admin.register(Delivery)
class DeliveryAdmin(BoundedDateHierarchyMixin, admin.ModelAdmin):
    """The email ledger: what was sent to whom and why, and what failed (with its error)."""

    list_display = ["created_at", "kind", "to_email", "language", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind", "language"]
    search_fields = ["to_email", "key", "subject"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    readonly_fields = [
        "key",
        "kind",
        "recipient",
        "to_email",
        "language",
        "subject",
        "body_text",
        "headers",
        "state",
        "attempts",
        "last_error",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "created_at",
        "updated_at",
    ]
    exclude = ["body_html", "claim_token"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the selected emails again"))
    def resend(self, request, queryset):
        count = mail.delivery_resend(queryset)
        self.message_user(request, _("%(count)d emails queued again.") % {"count": count})


# django-celery-beat's schedules have a date hierarchy too: the same guard against impossible
# years (django_celery_beat is installed before this app, so its admin is registered already).
admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(BoundedDateHierarchyMixin, BasePeriodicTaskAdmin):
    pass


class ReadOnlyAdminMixin:
    """A record written by the services only: staff read it, nobody adds, edits or deletes."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, BoundedDateHierarchyMixin, admin.ModelAdmin):
    """The audit log, read-only: entries are written by the services, never by hand."""

    list_display = ["at", "actor", "action", "target_label", "target_type"]
    list_filter = ["action", "target_type"]
    list_select_related = ["actor", "target_type"]
    search_fields = ["target_label", "actor__email", "actor__full_name"]
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]
    show_full_result_count = False


class AuditTrailMixin:
    """Shows, below the change form, who did what to this object and when, from the audit
    log (calls, cooperatives, requests, applications: the objects whose changes the services
    log). A table rather than an inline: the trail is read-only, so it adds no formset the
    form's POST would have to carry."""

    audit_trail_template = "admin/audit_trail_change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add, change, form_url, obj)
        if obj is not None and obj.pk:
            # The response renders lazily: wrap whatever change form the admin chose.
            response.context_data["audit_trail"] = audit_trail(obj)[:200]
            response.context_data["audit_trail_base"] = select_template(response.template_name)
            response.template_name = self.audit_trail_template
        return response
