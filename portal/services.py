"""Operations on a person's own account: export of their data, deletion.

The export is a list of sections, each declaring which relations to the user model it
covers ("app_label.Model.field"). A test walks every model with a foreign key to the user
and fails for a relation no section covers, so a new model holding personal data cannot be
forgotten here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AuditEntry, Delivery
from funding.models import (
    AlertPreference,
    Call,
    CooperativeAlert,
    DigestRun,
    Follow,
    SavedSearch,
)
from members.models import Cooperative, Invitation, Membership
from members.services import cooperatives_held_by
from networks.models import Body
from partnerships.models import (
    DismissedSuggestion,
    ExpressionOfInterest,
    MatchmakingDigestRun,
    MatchmakingSubscription,
    PartnershipRequest,
    RequestEvent,
)
from staff.models import WorkDigestPreference
from startups.models import Application, ApplicationEvent, Mentor


def _when(value):
    return value.isoformat() if value else None


@dataclass(frozen=True)
class ExportSection:
    """One key of the export: `rows(user)` gives its data; `covers` names the relations to
    the user model ("app_label.Model.field") whose rows it holds."""

    name: str
    covers: tuple
    rows: Callable


EXPORT_SECTIONS = []


def export_section(name, *covers):
    def register(function):
        EXPORT_SECTIONS.append(ExportSection(name=name, covers=covers, rows=function))
        return function

    return register


def exported_relations():
    """Every relation to the user model the export covers."""
    return {relation for section in EXPORT_SECTIONS for relation in section.covers}


def account_export(*, user):
    """Everything the portal holds about `user`, as plain JSON-ready data."""
    data = {"exported_at": timezone.now().isoformat()}
    for section in EXPORT_SECTIONS:
        data[section.name] = section.rows(user)
    return data


@export_section("profile")
def _profile(user):
    return {
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "groups": sorted(user.groups.values_list("name", flat=True)),
    }


@export_section("email_addresses", "account.EmailAddress.user")
def _email_addresses(user):
    return [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=user).order_by("email")
    ]


@export_section("memberships", "members.Membership.user")
def _memberships(user):
    return [
        {
            "cooperative": membership.cooperative.legal_name,
            "cooperative_slug": membership.cooperative.slug,
            "role": membership.role,
            "since": _when(membership.created),
        }
        for membership in Membership.objects.filter(user=user).select_related("cooperative")
    ]


def _invitation_data(invitation):
    return {
        "email": invitation.email,
        "cooperative": invitation.cooperative.legal_name,
        "role": invitation.role,
        "state": invitation.state,
        "created_at": _when(invitation.created_at),
        "expires_at": _when(invitation.expires_at),
        "accepted_at": _when(invitation.accepted_at),
    }


@export_section("invitations_sent", "members.Invitation.invited_by")
def _invitations_sent(user):
    invitations = Invitation.objects.filter(invited_by=user).select_related("cooperative")
    return [_invitation_data(invitation) for invitation in invitations]


@export_section("invitations_received", "members.Invitation.accepted_by")
def _invitations_received(user):
    invitations = Invitation.objects.filter(
        Q(email__iexact=user.email) | Q(accepted_by=user)
    ).select_related("cooperative")
    return [_invitation_data(invitation) for invitation in invitations]


@export_section("cooperative_changes", "members.HistoricalCooperative.history_user")
def _cooperative_changes(user):
    """The profile changes the person made (the cooperative's history names them)."""
    records = Cooperative.history.filter(history_user=user).order_by("history_date")
    return [
        {
            "cooperative": record.legal_name,
            "at": _when(record.history_date),
            "change": record.get_history_type_display(),
        }
        for record in records
    ]


@export_section("followed_calls", "funding.Follow.user")
def _followed_calls(user):
    return [
        {
            "call": follow.call.identifier,
            "title": follow.call.title,
            "followed_at": _when(follow.created_at),
        }
        for follow in Follow.objects.filter(user=user).select_related("call")
    ]


@export_section("saved_searches", "funding.SavedSearch.user")
def _saved_searches(user):
    return [
        {
            "name": search.name,
            "filters": search.query,
            "frequency": search.frequency,
            "active": search.is_active,
            "created_at": _when(search.created_at),
            "updated_at": _when(search.updated_at),
        }
        for search in SavedSearch.objects.filter(user=user)
    ]


@export_section("cooperative_alerts", "funding.CooperativeAlert.user")
def _cooperative_alerts(user):
    return [
        {
            "cooperative": alert.cooperative.legal_name,
            "frequency": alert.frequency,
            "active": alert.is_active,
            "created_at": _when(alert.created_at),
        }
        for alert in CooperativeAlert.objects.filter(user=user).select_related("cooperative")
    ]


@export_section(
    "email_preferences",
    "funding.AlertPreference.user",
    "partnerships.MatchmakingSubscription.user",
    "staff.WorkDigestPreference.user",
)
def _email_preferences(user):
    """The switches of every email kind: all alerts, deadline reminders, matchmaking, and
    for staff the daily email of work waiting."""
    preference = AlertPreference.objects.filter(user=user).first()
    subscription = MatchmakingSubscription.objects.filter(user=user).first()
    work_digest = WorkDigestPreference.objects.filter(user=user).first()
    return {
        "all_emails_stopped_at": _when(preference.unsubscribed_all_at) if preference else None,
        "deadline_reminders_stopped_at": _when(preference.reminders_off_at) if preference else None,
        # No row means the default: the weekly matchmaking digest is on.
        "weekly_matchmaking_digest": subscription.weekly_digest if subscription else True,
        "matchmaking_changed_at": _when(subscription.changed_at) if subscription else None,
        # Staff only; no row means on.
        "staff_daily_work_email": work_digest.daily_email if work_digest else user.is_staff,
    }


@export_section("call_digests", "funding.DigestRun.user")
def _call_digests(user):
    return [
        {
            "frequency": run.frequency,
            "period": run.period_key,
            "calls": run.call_count,
            "built_at": _when(run.created_at),
        }
        for run in DigestRun.objects.filter(user=user)
    ]


@export_section("matchmaking_digests", "partnerships.MatchmakingDigestRun.user")
def _matchmaking_digests(user):
    return [
        {
            "week": run.week,
            "requests": run.request_count,
            "expressions_of_interest": run.interest_count,
            "built_at": _when(run.created_at),
        }
        for run in MatchmakingDigestRun.objects.filter(user=user).order_by("week")
    ]


@export_section("partnership_requests_written", "partnerships.PartnershipRequest.created_by")
def _partnership_requests(user):
    requests = PartnershipRequest.objects.filter(created_by=user).select_related("owner")
    return [
        {
            "title": request.title,
            "kind": request.kind,
            "cooperative": request.owner.legal_name,
            "state": request.state,
            "summary": request.summary,
            "description": request.description,
            "offer": request.offer,
            "created_at": _when(request.created_at),
        }
        for request in requests.order_by("created_at", "pk")
    ]


@export_section("partnership_request_events", "partnerships.RequestEvent.by")
def _partnership_request_events(user):
    events = RequestEvent.objects.filter(by=user).select_related("request")
    return [
        {
            "request": event.request.title,
            "from": event.from_state,
            "to": event.to_state,
            "note": event.note,
            "at": _when(event.at),
        }
        for event in events
    ]


@export_section("expressions_of_interest_sent", "partnerships.ExpressionOfInterest.sent_by")
def _interests_sent(user):
    interests = ExpressionOfInterest.objects.filter(sent_by=user).select_related(
        "request", "cooperative"
    )
    return [
        {
            "request": interest.request.title,
            "for_cooperative": interest.cooperative.legal_name,
            "message": interest.message,
            "state": interest.state,
            "sent_at": _when(interest.created_at),
        }
        for interest in interests
    ]


@export_section("expressions_of_interest_answered", "partnerships.ExpressionOfInterest.decided_by")
def _interests_answered(user):
    interests = ExpressionOfInterest.objects.filter(decided_by=user).select_related(
        "request", "cooperative"
    )
    return [
        {
            "request": interest.request.title,
            "from_cooperative": interest.cooperative.legal_name,
            "answer": interest.state,
            "decline_reason": interest.decline_reason,
            "answered_at": _when(interest.decided_at),
        }
        for interest in interests
    ]


# What a "not relevant" mark points at, to name it in the export: model and its label field.
_SUGGESTION_TARGETS = {
    DismissedSuggestion.Target.CALL: (Call, "title"),
    DismissedSuggestion.Target.REQUEST: (PartnershipRequest, "title"),
    DismissedSuggestion.Target.COOPERATIVE: (Cooperative, "legal_name"),
    DismissedSuggestion.Target.BODY: (Body, "name"),
}


@export_section("not_relevant_marks", "partnerships.DismissedSuggestion.dismissed_by")
def _not_relevant_marks(user):
    marks = list(
        DismissedSuggestion.objects.filter(dismissed_by=user).select_related(
            "cooperative", "request"
        )
    )
    labels = {}  # one query per kind of target, whatever the number of marks
    for target_type, (model, field) in _SUGGESTION_TARGETS.items():
        ids = [mark.target_id for mark in marks if mark.target_type == target_type]
        if ids:
            found = model.objects.filter(pk__in=ids).values_list("pk", field)
            labels.update({(target_type, pk): label for pk, label in found})
    return [
        {
            "cooperative": mark.cooperative.legal_name,
            "for_request": mark.request.title if mark.request_id else None,
            "suggestion_kind": mark.target_type,
            "suggestion": labels.get((mark.target_type, mark.target_id)),
            "marked_at": _when(mark.dismissed_at),
        }
        for mark in marks
    ]


@export_section("startup_applications", "startups.Application.applicant")
def _startup_applications(user):
    applications = (
        Application.objects.filter(applicant=user)
        .select_related("programme", "sector", "parent_cooperative", "parent_body")
        .prefetch_related("needs", "themes", "events")
    )
    return [
        {
            "programme": application.programme.name,
            "startup_name": application.startup_name,
            "kind": application.kind,
            "description": application.description,
            "team": application.team,
            "team_size": application.team_size,
            "sector": str(application.sector) if application.sector_id else None,
            "parent": str(application.parent_cooperative or application.parent_body or "") or None,
            "needs": [need.code for need in application.needs.all()],
            "themes": [str(theme) for theme in application.themes.all()],
            "stage": application.stage,
            "rejection_reason": application.rejection_reason,
            "submitted_at": _when(application.submitted_at),
            "stages": [
                {"to": event.to_stage, "at": _when(event.at)} for event in application.events.all()
            ],
        }
        for application in applications
    ]


@export_section("startup_application_moves", "startups.ApplicationEvent.by")
def _startup_application_moves(user):
    """Pipeline moves the person made (their own submission; for staff, the screening)."""
    events = ApplicationEvent.objects.filter(by=user).select_related("application")
    return [
        {
            "application": event.application.startup_name,
            "from": event.from_stage,
            "to": event.to_stage,
            "note": event.note,
            "at": _when(event.at),
        }
        for event in events
    ]


@export_section("mentor_profiles", "startups.Mentor.user")
def _mentor_profiles(user):
    mentors = (
        Mentor.objects.filter(user=user)
        .select_related("cooperative", "body")
        .prefetch_related("themes", "assignments__startup")
    )
    return [
        {
            "name": mentor.name,
            "email": mentor.email,
            "organisation": str(mentor.cooperative or mentor.body or "") or None,
            "areas": mentor.areas,
            "themes": [str(theme) for theme in mentor.themes.all()],
            "startups": [
                {"startup": assignment.startup.name, "since": _when(assignment.since)}
                for assignment in mentor.assignments.all()
            ],
        }
        for mentor in mentors
    ]


def _deliveries_of(user):
    """The ledger's emails for the person: by account, or to their address before it."""
    return Delivery.objects.filter(Q(recipient=user) | Q(to_email__iexact=user.email))


@export_section("emails", "core.Delivery.recipient")
def _emails(user):
    return [
        {
            "kind": delivery.kind,
            "to": delivery.to_email,
            "subject": delivery.subject,
            "state": delivery.state,
            "created_at": _when(delivery.created_at),
            "sent_at": _when(delivery.sent_at),
        }
        for delivery in _deliveries_of(user).order_by("created_at", "pk")
    ]


@export_section("audit_log_entries", "core.AuditEntry.actor")
def _audit_log_entries(user):
    """The changes the person made that the audit log keeps (roles, invitations, calls)."""
    entries = AuditEntry.objects.filter(actor=user).select_related("target_type")
    return [
        {
            "at": _when(entry.at),
            "action": entry.action,
            "what": str(entry.target_type),
            "object": entry.target_label,
            "details": entry.data,
        }
        for entry in entries.order_by("at", "pk")
    ]


@export_section("admin_actions", "admin.LogEntry.user")
def _admin_actions(user):
    """Staff: what they did in the admin (Django's own change log)."""
    entries = LogEntry.objects.filter(user=user).select_related("content_type")
    return [
        {
            "at": _when(entry.action_time),
            "what": str(entry.content_type) if entry.content_type_id else None,
            "object": entry.object_repr,
            "action": {1: "added", 2: "changed", 3: "deleted"}.get(entry.action_flag),
            "change": entry.get_change_message(),
        }
        for entry in entries.order_by("action_time", "pk")
    ]


def account_deletion_refusal(user):
    """Why `user` may not delete their account now, in words; None when they may.

    The last administrator of a cooperative would leave it unmanaged (as when leaving it).
    Staff: Django's admin change log is deleted with its author, and it must survive them
    (an intruder in a staff account could otherwise wipe their traces): another staff member
    deactivates the account instead.
    """
    if user.is_staff or user.is_superuser:
        return _(
            "Staff accounts are not deleted here, so that the record of your work in the "
            "admin stays: ask another staff member to deactivate your account."
        )
    held = cooperatives_held_by(user)
    if held:
        return _(
            "You are the last administrator of %(cooperatives)s: make someone else "
            "administrator before deleting your account."
        ) % {"cooperatives": ", ".join(str(cooperative) for cooperative in held)}
    return None


def account_delete(*, user):
    """Delete `user` and their personal data; the cooperatives and their records stay.

    Removed with the account (cascade): email addresses, memberships, follows, saved
    searches, cooperative alerts, email preferences, digest runs. Removed here: invitations
    addressed to the person and the emails the ledger holds for them. Kept without the person
    (the foreign key becomes empty): startup applications with their pipeline history (staff
    need them; the startup's own data stays), mentor profiles (INNOVACOOP's registry),
    partnership requests, expressions of interest and "not relevant" marks (they belong to
    the cooperative), invitations they sent, the profile history they wrote.

    Raises ValidationError when `account_deletion_refusal` gives a reason.
    """
    with transaction.atomic():
        refusal = account_deletion_refusal(user)
        if refusal:
            raise ValidationError(refusal)
        Invitation.objects.filter(email__iexact=user.email).delete()
        _deliveries_of(user).delete()
        user.delete()
