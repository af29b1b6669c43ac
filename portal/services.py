"""Operations on a person's own account: export of their data, deletion."""

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from funding.models import Follow
from innovacoop.models import Delivery
from members.models import Invitation, Membership
from members.services import cooperatives_held_by


def _when(value):
    return value.isoformat() if value else None


def account_export(*, user):
    """Everything the portal holds about `user`, as plain JSON-ready data."""
    memberships = Membership.objects.filter(user=user).select_related("cooperative")
    sent = Invitation.objects.filter(invited_by=user).select_related("cooperative")
    received = Invitation.objects.filter(
        Q(email__iexact=user.email) | Q(accepted_by=user)
    ).select_related("cooperative")
    follows = Follow.objects.filter(user=user).select_related("call")
    return {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "email": user.email,
            "full_name": user.full_name,
            "language": user.language,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "memberships": [
            {
                "cooperative": membership.cooperative.legal_name,
                "cooperative_slug": membership.cooperative.slug,
                "role": membership.role,
                "since": _when(membership.created),
            }
            for membership in memberships
        ],
        "invitations_sent": [_invitation_data(invitation) for invitation in sent],
        "invitations_received": [_invitation_data(invitation) for invitation in received],
        "followed_calls": [
            {
                "call": follow.call.identifier,
                "title": follow.call.title,
                "followed_at": _when(follow.created_at),
            }
            for follow in follows
        ],
    }


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


def account_delete(*, user):
    """Delete `user` and their personal data; the cooperatives and their records stay.

    Memberships, follows and email addresses go with the account (cascade); invitations
    addressed to the person and emails queued or sent to them are removed; invitations they
    sent and the profile history they wrote stay, without their name. Refused while the
    person is the last administrator of a cooperative, which would be left unmanaged.
    """
    with transaction.atomic():
        held = cooperatives_held_by(user)
        if held:
            raise ValidationError(
                _(
                    "You are the last administrator of %(cooperatives)s: make someone else "
                    "administrator before deleting your account."
                )
                % {"cooperatives": ", ".join(str(cooperative) for cooperative in held)}
            )
        Invitation.objects.filter(email__iexact=user.email).delete()
        Delivery.objects.filter(Q(recipient=user) | Q(to_email__iexact=user.email)).delete()
        user.delete()
