"""Sign-in receivers: a completed password reset lifts the lockout of the account's address."""

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.account.signals import password_reset
from django.dispatch import receiver


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
