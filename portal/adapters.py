"""allauth's account adapter for the portal: people join by invitation, never by open signup."""

from contextlib import suppress

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from members.services import invitation_accept, invitation_by_token

# The session key holding the token of the invitation a visitor is following.
INVITATION_SESSION_KEY = "invitation_token"


def pending_invitation(request):
    """The still usable invitation whose link this visitor followed, or None."""
    session = getattr(request, "session", None)
    token = session.get(INVITATION_SESSION_KEY) if session is not None else None
    invitation = invitation_by_token(token) if token else None
    if invitation is None or not invitation.is_pending:
        return None
    return invitation


class AccountAdapter(DefaultAccountAdapter):
    """People join by invitation (staff or a cooperative's admin), never by open signup.

    Following an invitation link puts its token in the session and stashes the invited
    address as verified (allauth's invitation flow): signup then opens, prefilled with
    that address, and the new account starts with a verified email and the membership.
    """

    def is_open_for_signup(self, request):
        return pending_invitation(request) is not None

    def clean_email(self, email):
        email = super().clean_email(email)
        request = getattr(self, "request", None)
        user = getattr(request, "user", None)
        if request is not None and (user is None or not user.is_authenticated):
            invitation = pending_invitation(request)
            if invitation is not None and invitation.email.lower() != email.lower():
                raise ValidationError(
                    _("Sign up with the address the invitation was sent to: %(email)s.")
                    % {"email": invitation.email}
                )
        return email

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            invitation = pending_invitation(request)
            if invitation is not None and invitation.email.lower() == user.email.lower():
                user.language = invitation.language
                user.save(update_fields=["language"])
                # Claimed meanwhile by someone else: the account stays, without the membership.
                with suppress(ValidationError):
                    invitation_accept(invitation=invitation, user=user)
                request.session.pop(INVITATION_SESSION_KEY, None)
        return user

    def get_signup_redirect_url(self, request):
        return reverse("portal:dashboard")

    def get_email_verification_redirect_url(self, email_address):
        """An account without a password goes on from its confirmation to choose one.

        Such accounts are made by forms that sign a person up without asking a password
        (the startup apply form), so that whoever typed the address cannot use it. Only
        the holder of the confirmation link gets here, i.e. the owner of the mailbox: they
        get a fresh password-reset link, which is the set-password page.
        """
        user = email_address.user
        if user.has_usable_password():
            return super().get_email_verification_redirect_url(email_address)
        return reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": default_token_generator.make_token(user),
            },
        )
