from contextlib import suppress

from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.signals import password_reset
from allauth.account.utils import user_pk_to_url_str
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

# The session key holding the token of the invitation a visitor is following.
INVITATION_SESSION_KEY = "invitation_token"


def pending_invitation(request):
    """The still usable invitation whose link this visitor followed, or None."""
    from members.services import invitation_by_token

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
                from members.services import invitation_accept

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


@receiver(password_reset, dispatch_uid="innovacoop.login_lock_clear_on_password_reset")
def login_lock_clear_on_password_reset(sender, request, user, **kwargs):
    """A completed password reset lifts the sign-in lockout of the account's own address.

    This is the way back for a person an outsider locked out by failing on purpose (the
    lockout is per address): the reset link reaches only the owner's mailbox. allauth clears
    the addresses it holds as `EmailAddress` rows; staff made with `createsuperuser` may have
    none, so the account's own email is cleared too (with allauth's helper, same key).

    When the account's own email is the only address it has, the reset link can only have
    gone there, so the reset proves it: it is recorded as verified, and the sign-in that
    follows the reset is not sent on to a second confirmation email.
    """
    if not user.email:
        return
    get_adapter(request)._delete_login_attempts_cached_email(request, email=user.email)
    addresses = list(EmailAddress.objects.filter(user=user))
    if all(address.email.lower() == user.email.lower() for address in addresses):
        address = addresses[0] if addresses else EmailAddress(user=user, email=user.email)
        if not address.verified:
            address.verified = True
            address.primary = True
            address.save()
