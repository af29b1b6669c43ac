"""Operations on memberships and invitations: each in one transaction, each keeping the
rules (a cooperative always has an administrator; an invitation works once, for 7 days)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.mail import delivery_enqueue
from core.models import AuditEntry, User
from members.emails import INVITATION
from members.models import Invitation, Membership, hash_token

ROLE_RANK = {Membership.Role.VIEWER: 0, Membership.Role.EDITOR: 1, Membership.Role.ADMIN: 2}


def normalize_email(email):
    return (email or "").strip().lower()


def invitation_check(*, cooperative, email):
    """Raise ValidationError if `email` may not be invited to `cooperative` now."""
    email = normalize_email(email)
    if Membership.objects.filter(cooperative=cooperative, user__email__iexact=email).exists():
        raise ValidationError(
            _("%(email)s is already a member of %(cooperative)s.")
            % {"email": email, "cooperative": cooperative}
        )
    if Invitation.objects.pending().filter(cooperative=cooperative, email__iexact=email).exists():
        raise ValidationError(
            _("An invitation to %(email)s is already pending; revoke it first to send a new one.")
            % {"email": email}
        )


def invitation_create(*, cooperative, email, role, invited_by, language=None):
    """Invite `email` to `cooperative` with `role` and queue the email with the link.

    Returns the invitation; its `token` attribute holds the raw token (only the hash is
    stored), for the caller that needs the link, such as tests. An address with a pending
    invitation is refused (ValidationError: revoke it first); a request that loses a race
    with an identical one gets the winner's invitation, with `token` None, and no email.
    """
    email = normalize_email(email)
    invitation_check(cooperative=cooperative, email=email)
    invitee = User.objects.filter(email__iexact=email).first()
    language = language or (invitee.language if invitee else None) or settings.LANGUAGE_CODE
    now = timezone.now()
    with transaction.atomic():
        # An expired invitation to this address would hold the one-open-invitation
        # constraint: it stays in the history, marked replaced by this one.
        Invitation.objects.filter(
            cooperative=cooperative,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked=False,
            superseded_at__isnull=True,
            expires_at__lte=now,
        ).update(superseded_at=now)
        invitation = Invitation(
            email=email,
            cooperative=cooperative,
            role=role,
            language=language,
            invited_by=invited_by,
            created_at=now,
        )
        token = invitation.set_new_token()
        try:
            with transaction.atomic():
                invitation.save()
        except IntegrityError:
            # A concurrent request (a double submit) passed the check above and invited
            # the address first: that one action gets that one invitation and one email.
            existing = (
                Invitation.objects.pending()
                .filter(cooperative=cooperative, email__iexact=email)
                .first()
            )
            if existing is None:
                raise
            existing.token = None
            return existing
        audit_record(
            AuditEntry.Action.INVITATION_SENT,
            cooperative,
            by=invited_by,
            email=email,
            role=role,
            invitation=invitation.pk,
        )
        delivery_enqueue(
            [
                INVITATION.email(
                    key=f"invitation:{invitation.pk}",
                    to_email=email,
                    person=invitee,
                    language=language,
                    context={
                        "invitation": invitation,
                        "cooperative_name": cooperative.legal_name,
                        "role": invitation.role,
                        "inviter_name": invited_by.get_full_name() if invited_by else "",
                        "accept_path": invitation_path(token),
                        "expires_at": invitation.expires_at,
                    },
                )
            ]
        )
    invitation.token = token
    return invitation


def invitation_path(token):
    return reverse("portal:invitation-accept", kwargs={"token": token})


def invitation_by_token(token):
    """The invitation a link's token names (in any state), or None if it names none."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("cooperative", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def invitation_unusable_reason(invitation):
    """Why the invitation cannot be used any more, in words; None if it can."""
    state = invitation.state
    if state == Invitation.State.ACCEPTED:
        return _("This invitation has already been used.")
    if state == Invitation.State.REVOKED:
        return _("This invitation has been withdrawn.")
    if state == Invitation.State.EXPIRED:
        return _("This invitation has expired.")
    return None


def invitation_accept(*, invitation, user):
    """Claim the invitation for `user` and give them the membership it offers.

    The claim is a conditional update, so of two simultaneous acceptances one wins and the
    other gets a ValidationError. An existing membership is raised to the invited role,
    never lowered.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            Invitation.objects.pending(now)
            .filter(pk=invitation.pk)
            .update(accepted_at=now, accepted_by=user)
        )
        if not claimed:
            invitation.refresh_from_db()
            raise ValidationError(
                invitation_unusable_reason(invitation) or _("This invitation cannot be used.")
            )
        membership, created = Membership.objects.get_or_create(
            user=user, cooperative=invitation.cooperative, defaults={"role": invitation.role}
        )
        if created:
            _audit_added(membership, by=user, invitation=invitation.pk)
        if not created and ROLE_RANK[invitation.role] > ROLE_RANK[membership.role]:
            membership.role = invitation.role
            membership.save(update_fields=["role"])
    invitation.accepted_at, invitation.accepted_by = now, user
    return membership


def invitation_revoke(*, invitation, by=None):
    """Withdraw a pending invitation: its link stops working. Returns 1, or 0 when it was
    no longer pending (nothing is logged then)."""
    with transaction.atomic():
        revoked = Invitation.objects.pending().filter(pk=invitation.pk).update(revoked=True)
        if revoked:
            audit_record(
                AuditEntry.Action.INVITATION_WITHDRAWN,
                invitation.cooperative,
                by=by,
                email=invitation.email,
                invitation=invitation.pk,
            )
    return revoked


def _audit_added(membership, *, by, **data):
    audit_record(
        AuditEntry.Action.MEMBER_ADDED,
        membership.cooperative,
        by=by,
        person=membership.user.email,
        role=membership.role,
        **data,
    )


def membership_add(*, cooperative, user, role, by=None):
    """Make `user` a member of `cooperative` with `role` (staff, in the admin); logged."""
    if role not in Membership.Role.values:
        raise ValidationError(_("Unknown role."))
    with transaction.atomic():
        membership = Membership.objects.create(cooperative=cooperative, user=user, role=role)
        _audit_added(membership, by=by)
    return membership


def last_admin_left(cooperative, roles):
    """Would these memberships leave `cooperative` without an administrator it has now?

    `roles` maps membership pks to the role each would have (None: removed); new members
    are given under the key None with their roles as a list. For forms that change several
    memberships at once (the admin); the services check one change with rows locked."""
    admins_now = set(
        cooperative.memberships.filter(role=Membership.Role.ADMIN).values_list("pk", flat=True)
    )
    if not admins_now:
        return False
    new_admins = Membership.Role.ADMIN in roles.get(None, [])
    kept = {
        pk for pk in admins_now if roles.get(pk, Membership.Role.ADMIN) == Membership.Role.ADMIN
    }
    promoted = any(role == Membership.Role.ADMIN for pk, role in roles.items() if pk is not None)
    return not (kept or promoted or new_admins)


def _ensure_another_admin(membership):
    """Raise if `membership` is its cooperative's last administrator (rows locked meanwhile)."""
    if membership.role != Membership.Role.ADMIN:
        return
    admins = Membership.objects.select_for_update().filter(
        cooperative_id=membership.cooperative_id, role=Membership.Role.ADMIN
    )
    if not admins.exclude(pk=membership.pk).exists():
        raise ValidationError(
            _(
                "%(person)s is the last administrator of %(cooperative)s: make someone else "
                "administrator first."
            )
            % {"person": membership.user, "cooperative": membership.cooperative}
        )


def membership_change_role(*, membership, role, by=None):
    """Give the member another role; the last administrator cannot be demoted. A change
    (not a same-role save) gets an entry in the audit log."""
    if role not in Membership.Role.values:
        raise ValidationError(_("Unknown role."))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if role != Membership.Role.ADMIN:
            _ensure_another_admin(membership)
        before = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        if before != role:
            audit_record(
                AuditEntry.Action.ROLE_CHANGED,
                membership.cooperative,
                by=by,
                person=membership.user.email,
                before=before,
                after=role,
            )
    return membership


def membership_remove(*, membership, by=None):
    """Remove a member (or let them leave); the last administrator cannot go. Logged in the
    audit log on the cooperative."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _ensure_another_admin(membership)
        audit_record(
            AuditEntry.Action.MEMBER_REMOVED,
            membership.cooperative,
            by=by,
            person=membership.user.email,
            role=membership.role,
        )
        membership.delete()


def cooperative_profile_edited(*, cooperative, fields, by=None, source="form"):
    """Log that `cooperative`'s profile changed (`fields`: the names of what changed).

    Called by every path that edits a profile: the portal's form
    (`cooperative_profile_save`), the admin's change form and the spreadsheet import. The
    field-by-field values are in the cooperative's history (django-simple-history). `fields`
    None: not known (an import row); an empty list: nothing changed, nothing logged."""
    if fields is not None and not fields:
        return
    details = {"source": source}
    if fields is not None:
        details["fields"] = sorted(fields)
    audit_record(AuditEntry.Action.PROFILE_EDITED, cooperative, by=by, **details)


def cooperative_profile_save(*, form, by):
    """Save a cooperative's profile form (its editors in the portal) and log the change."""
    with transaction.atomic():
        cooperative = form.save()
        cooperative_profile_edited(cooperative=cooperative, fields=form.changed_data, by=by)
    return cooperative


def cooperatives_held_by(user):
    """Cooperatives of which `user` is the only administrator."""
    held = []
    for membership in Membership.objects.filter(
        user=user, role=Membership.Role.ADMIN
    ).select_related("cooperative"):
        others = Membership.objects.filter(
            cooperative_id=membership.cooperative_id, role=Membership.Role.ADMIN
        ).exclude(pk=membership.pk)
        if not others.exists():
            held.append(membership.cooperative)
    return held
