"""Demo data of the portal itself: the staff account of the local demo."""

from allauth.account.models import EmailAddress

from innovacoop.models import User

DEMO_STAFF_EMAIL = "staff@innovacoop.example"
DEMO_STAFF_PASSWORD = "innovacoop-demo"


def load():
    staff, created = User.objects.get_or_create(
        email=DEMO_STAFF_EMAIL,
        defaults={
            "full_name": "Demo Staff (InnovaCoop)",
            "is_staff": True,
            "is_superuser": True,
            "language": "it",
        },
    )
    if created:
        staff.set_password(DEMO_STAFF_PASSWORD)
        staff.save(update_fields=["password"])
    # Verified, so that the demo account signs in without a confirmation round trip.
    EmailAddress.objects.get_or_create(
        user=staff, email=DEMO_STAFF_EMAIL, defaults={"verified": True, "primary": True}
    )
    return {"staff users": 1}
