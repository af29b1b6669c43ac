"""A person who applied without an account confirms their email: their application goes in."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from startups.services import application_confirm_email


@receiver(email_confirmed, dispatch_uid="startups.application_confirm_email")
def submit_waiting_applications(sender, request, email_address, **kwargs):
    if email_address.user_id:
        application_confirm_email(user=email_address.user)
