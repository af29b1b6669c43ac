"""Demo data of the portal itself: the staff account of the local demo.

The account is in `core/demo_data/invented.yaml`. Only the local demo (`load_demo` with
DEBUG on) gives it the known password; anywhere else it is created with an unusable one, so
a password printed in the README never opens a staff account.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from core import demo_loader

DEMO_STAFF_EMAIL = "staff@innovacoop.example"
DEMO_STAFF_PASSWORD = "innovacoop-demo"


def load(*, known_password=True):
    """Create the staff account; with `known_password` False it cannot sign in by password."""
    User = get_user_model()
    data = demo_loader.read("core", demo_loader.INVENTED, today=None)
    lookups = demo_loader.Lookups()
    summary = {"staff users": 0}
    for record in data[demo_loader.USER_MODEL_LABEL]:
        created = not User.objects.filter(email=record["email"]).exists()
        staff = demo_loader.save(User, record, lookups, lookup=["email"])
        demo_loader.set_demo_password(
            staff, DEMO_STAFF_PASSWORD, known=known_password, created=created
        )
        # Verified, so that the demo account signs in without a confirmation round trip.
        EmailAddress.objects.get_or_create(
            user=staff, email=staff.email, defaults={"verified": True, "primary": True}
        )
        summary["staff users"] += 1
    return summary
