from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import AuditTrailMixin
from core.changelist import BoundedDateHierarchyMixin, KeptChangeListMixin
from core.exports import CSV, XLSX  # formula-safe cells (CSV injection)
from members.apps import DIRECTORY
from members.models import (
    Association,
    AssociationFigure,
    Cooperative,
    CooperativeContact,
    Invitation,
    Membership,
    Sector,
    Theme,
)
from members.resources import CooperativeResource
from members.services import (
    cooperative_profile_edited,
    invitation_check,
    invitation_create,
    invitation_revoke,
    last_admin_left,
    membership_add,
    membership_change_role,
    membership_remove,
)

# Django 6 assumes https for URLs typed without a scheme; do so already.
URL_FIELDS_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class SectorKindFilter(admin.SimpleListFilter):
    title = _("level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("section", _("Sections")), ("division", _("Divisions"))]

    def queryset(self, request, queryset):
        if self.value() == "section":
            return queryset.filter(section__isnull=True)
        if self.value() == "division":
            return queryset.filter(section__isnull=False)
        return queryset


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_it", "name_en", "section"]
    list_filter = [SectorKindFilter, "section"]
    search_fields = ["code", "name_it", "name_en"]
    autocomplete_fields = ["section"]
    list_select_related = ["section"]
    list_per_page = 120


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name_it", "name_en", "slug"]
    search_fields = ["name_it", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


class AssociationFigureInline(admin.TabularInline):
    model = AssociationFigure
    extra = 0


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "is_innovacoop_shareholder", "cooperative_count"]
    list_filter = ["kind", "is_innovacoop_shareholder"]
    search_fields = ["name", "slug", "description"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AssociationFigureInline]
    formfield_overrides = URL_FIELDS_HTTPS
    list_select_related = ["parent"]

    def get_queryset(self, request):
        # An aggregate drops the model's default ordering; keep it for stable pagination.
        return (
            super()
            .get_queryset(request)
            .annotate(_cooperative_count=Count("cooperatives"))
            .order_by("name")
        )

    @admin.display(description=_("cooperatives"), ordering="_cooperative_count")
    def cooperative_count(self, obj):
        return obj._cooperative_count


@admin.register(AssociationFigure)
class AssociationFigureAdmin(admin.ModelAdmin):
    list_display = ["association", "metric", "value", "year", "source"]
    list_filter = ["metric", "year", "association"]
    search_fields = ["association__name", "source"]
    autocomplete_fields = ["association"]
    list_select_related = ["association"]


LAST_ADMIN = _(
    "%(cooperative)s would have no administrator left: keep or make someone administrator."
)


class MembershipInlineFormSet(forms.BaseInlineFormSet):
    """Refuses, as the services do, to leave a cooperative without its administrator."""

    def clean(self):
        super().clean()
        if self.instance.pk is None or any(self.errors):
            return
        roles = {None: []}
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            role = None if self._should_delete_form(form) else form.cleaned_data.get("role")
            if form.instance.pk is None:
                if role:
                    roles[None].append(role)
            else:
                roles[form.instance.pk] = role
        if last_admin_left(self.instance, roles):
            raise ValidationError(LAST_ADMIN % {"cooperative": self.instance})


class MembershipInline(admin.TabularInline):
    """Members of the cooperative; adding, changing a role and removing go through the
    services (`save_memberships`), so each leaves its entry in the audit log."""

    model = Membership
    formset = MembershipInlineFormSet
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created"]


def save_memberships(request, formset):
    """Save an inline of memberships through the services, removals first.

    Fills the formset's new, changed and deleted objects as `formset.save()` would, for the
    admin's change message."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.deleted_forms:
        if form.instance.pk is not None:
            membership_remove(membership=form.instance, by=request.user)
            formset.deleted_objects.append(form.instance)
    for form in formset.forms:
        if form in formset.deleted_forms or not form.has_changed():
            continue
        membership = form.instance
        if membership.pk is None:
            added = membership_add(
                cooperative=formset.instance,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
            formset.new_objects.append(added)
            continue
        if "role" in form.changed_data:
            membership_change_role(
                membership=membership, role=form.cleaned_data["role"], by=request.user
            )
        others = [name for name in form.changed_data if name != "role"]
        if others:
            membership.save(update_fields=others)
        formset.changed_objects.append((membership, form.changed_data))


class InvitationForm(forms.ModelForm):
    """Checks what the service checks, so a refusal is a message on the form."""

    class Meta:
        model = Invitation
        fields = ["email", "cooperative", "role", "language"]

    def clean(self):
        cleaned = super().clean()
        cooperative = cleaned.get("cooperative") or getattr(self.instance, "cooperative", None)
        email = cleaned.get("email")
        if self.instance.pk is None and email and cooperative is not None and cooperative.pk:
            try:
                invitation_check(cooperative=cooperative, email=email)
            except ValidationError as error:
                self.add_error("email", error)
        return cleaned


class CooperativeContactInline(admin.TabularInline):
    model = CooperativeContact
    extra = 0


@admin.register(Cooperative)
class CooperativeAdmin(
    AuditTrailMixin, KeptChangeListMixin, SimpleHistoryAdmin, ImportExportModelAdmin
):
    resource_classes = [CooperativeResource]
    changelist_data = (DIRECTORY,)
    import_formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]
    list_display = [
        "legal_name",
        "cooperative_type",
        "main_sector",
        "city",
        "province",
        "vat_number",
        "is_active",
        "is_demo",
    ]
    list_filter = [
        "is_active",
        "is_demo",
        "cooperative_type",
        "province",
        "turnover_band",
        "associations",
        "themes",
    ]
    search_fields = ["legal_name", "slug", "vat_number", "city", "description"]
    autocomplete_fields = ["main_sector", "sectors", "themes", "associations"]
    prepopulated_fields = {"slug": ["legal_name"]}
    readonly_fields = ["region", "created", "updated", "invitations"]
    list_select_related = ["main_sector"]
    # At the federation's size: no second COUNT over every cooperative for "n total", pages
    # small enough to render quickly, and no description read for the rows.
    show_full_result_count = False
    list_per_page = 50
    inlines = [CooperativeContactInline, MembershipInline]
    actions = ["invite"]
    formfield_overrides = URL_FIELDS_HTTPS
    fieldsets = [
        (None, {"fields": ["legal_name", "slug", "vat_number", "cooperative_type", "is_active"]}),
        (_("Activity"), {"fields": ["main_sector", "sectors", "themes", "description"]}),
        (_("Seat"), {"fields": ["city", "province", "region"]}),
        (
            _("Size"),
            {"fields": ["employee_count", "member_count", "turnover_band", "year_founded"]},
        ),
        (
            _("Network and internationalisation"),
            {"fields": ["associations", "countries_of_interest", "website"]},
        ),
        (_("Contact data (members only)"), {"fields": ["email", "phone"]}),
        (_("Portal access"), {"fields": ["invitations"]}),
        (_("Record"), {"fields": ["is_demo", "created", "updated"]}),
    ]

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            save_memberships(request, formset)
        else:
            super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            cooperative_profile_edited(
                cooperative=form.instance, fields=form.changed_data, by=request.user, source="admin"
            )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = request.resolver_match
        if match is not None and match.url_name == "members_cooperative_changelist":
            queryset = queryset.defer("description")
        return queryset

    @admin.display(description=_("invitations"))
    def invitations(self, obj):
        """Pending invitations, and the way to send one (the Invitation form, prefilled)."""
        if obj is None or obj.pk is None:
            return "-"
        pending = obj.invitations.pending()
        items = format_html_join(
            "", "<li>{} ({})</li>", ((i.email, i.get_role_display()) for i in pending)
        )
        url = reverse("admin:members_invitation_add") + f"?cooperative={obj.pk}"
        return format_html(
            '<ul>{}</ul><a class="button" href="{}">{}</a>', items, url, _("Invite a person")
        )

    @admin.action(description=_("Invite a person to the selected cooperative"))
    def invite(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select one cooperative."), messages.WARNING)
            return None
        url = reverse("admin:members_invitation_add") + f"?cooperative={queryset.get().pk}"
        return HttpResponseRedirect(url)


@admin.register(CooperativeContact)
class CooperativeContactAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "cooperative", "email", "phone"]
    search_fields = ["name", "role", "email", "cooperative__legal_name"]
    list_filter = ["cooperative__province"]
    autocomplete_fields = ["cooperative"]
    list_select_related = ["cooperative"]


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "cooperative", "role"]

    def clean(self):
        cleaned = super().clean()
        membership = self.instance
        role = cleaned.get("role")
        if (
            membership.pk is not None
            and role
            and last_admin_left(membership.cooperative, {membership.pk: role})
        ):
            self.add_error("role", LAST_ADMIN % {"cooperative": membership.cooperative})
        return cleaned


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Memberships one by one; the same services as the portal's members page write them."""

    form = MembershipForm
    list_display = ["user", "cooperative", "role", "created"]
    list_filter = ["role", "cooperative__province"]
    search_fields = ["user__email", "user__full_name", "cooperative__legal_name"]
    autocomplete_fields = ["user", "cooperative"]
    list_select_related = ["user", "cooperative"]

    def get_readonly_fields(self, request, obj=None):
        # The person and the cooperative of a membership stay: remove it and add another.
        return ["created"] if obj is None else ["user", "cooperative", "created"]

    def save_model(self, request, obj, form, change):
        if not change:
            created = membership_add(
                cooperative=obj.cooperative, user=obj.user, role=obj.role, by=request.user
            )
            obj.pk, obj.created = created.pk, created.created
            obj._state.adding = False
        elif "role" in form.changed_data:
            membership_change_role(membership=obj, role=obj.role, by=request.user)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "POST":
            membership = self.get_object(request, unquote(object_id))
            if membership is not None and last_admin_left(
                membership.cooperative, {membership.pk: None}
            ):
                # Refused as the service would, with the reason on the page instead of a 500.
                self.message_user(
                    request, LAST_ADMIN % {"cooperative": membership.cooperative}, messages.ERROR
                )
                return HttpResponseRedirect(
                    reverse("admin:members_membership_change", args=[membership.pk])
                )
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        membership_remove(membership=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            try:
                membership_remove(membership=membership, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)


class InvitationStateFilter(admin.SimpleListFilter):
    """Pending, accepted, expired or withdrawn, as the invitation's `state_at` says."""

    title = _("state")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Invitation.State.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        expired = Q(superseded_at__isnull=False) | Q(expires_at__lte=now)
        not_accepted = Q(accepted_at__isnull=True)
        states = {
            Invitation.State.PENDING: Q(pk__in=Invitation.objects.pending(now).values("pk")),
            Invitation.State.ACCEPTED: ~not_accepted,
            Invitation.State.REVOKED: not_accepted & Q(revoked=True),
            Invitation.State.EXPIRED: not_accepted & Q(revoked=False) & expired,
        }
        if self.value() in states:
            return queryset.filter(states[self.value()])
        return queryset


@admin.register(Invitation)
class InvitationAdmin(BoundedDateHierarchyMixin, admin.ModelAdmin):
    """Staff invite a person to a cooperative: the service writes the row and the email."""

    form = InvitationForm
    list_display = ["email", "cooperative", "role", "state_display", "invited_by", "created_at"]
    list_filter = [InvitationStateFilter, "role", "cooperative__province"]
    search_fields = ["email", "cooperative__legal_name"]
    autocomplete_fields = ["cooperative"]
    list_select_related = ["cooperative", "invited_by"]
    actions = ["revoke"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "email",
            "cooperative",
            "role",
            "language",
            "invited_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "accepted_by",
            "revoked",
        ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["email", "cooperative", "role", "language"]
        return self.get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        created = invitation_create(
            cooperative=obj.cooperative,
            email=obj.email,
            role=obj.role,
            language=obj.language,
            invited_by=request.user,
        )
        # The admin logs and redirects with `obj`: make it the row the service wrote.
        obj.__dict__.update({k: v for k, v in created.__dict__.items() if k != "_state"})
        obj._state.adding = False

    @admin.display(description=_("state"))
    def state_display(self, obj):
        return obj.State(obj.state).label

    @admin.action(description=_("Withdraw the selected invitations"))
    def revoke(self, request, queryset):
        count = sum(
            invitation_revoke(invitation=invitation, by=request.user) for invitation in queryset
        )
        self.message_user(
            request, _("%(count)d invitations withdrawn.") % {"count": count}, messages.SUCCESS
        )
