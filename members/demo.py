"""Demo data of the member registry, read from `members/demo_data/`.

`real.yaml` holds the Legacoop associations and cooperatives named in the INNOVACOOP documents
(only what they say) and the associations' figures with year and source; `invented.yaml` the
invented cooperatives (flagged demo), the demo people, their memberships and an invitation.
What only code can give is here: checksum-valid invented VAT numbers, telephone numbers,
websites and email addresses derived from each cooperative, and the demo people's password
(the documented one only in the local demo, see `load_demo`).

Idempotent: rows are matched on natural keys and only written when a value differs, so a
second run changes nothing (not even the `updated` timestamps).
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from core import demo_loader
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
from members.validators import normalize_phone, vat_check_digit
from members.vocabularies import load_sectors, load_themes

DEMO_PASSWORD = "innovacoop-demo"
USERS = demo_loader.USER_MODEL_LABEL


def _invented():
    return demo_loader.read("members", demo_loader.INVENTED, today=None)


# (email, full name) of the demo people who sign in, in the order of the file.
DEMO_PEOPLE = [(person["email"], person["full_name"]) for person in _invented()[USERS]]


def demo_vat_number(index, office):
    """A checksum-valid invented Partita IVA (company numbers 9700001, 9700002, ...)."""
    first_ten = f"{9_700_000 + index:07d}{office}"
    return first_ten + vat_check_digit(first_ten)


def demo_phone(index, area_code):
    return normalize_phone(f"{area_code}{5_550_000 + index * 37:07d}"[:11])


def _email_local(name):
    return name.lower().replace(" ", ".").replace("'", "")


def _cooperative_values(index, record, provinces):
    """The invented cooperative's identifiers, computed from its position and province."""
    slug, province = record["slug"], provinces[record["province"]]
    return {
        "vat_number": demo_vat_number(index, province["vat_office"]),
        "website": f"https://www.{slug}.example",
        "email": f"info@{slug}.example",
        "phone": demo_phone(index, province["area_code"]),
    }


def load(*, known_password=True):
    """Load the registry's demo; the demo people get the documented password if `known_password`."""
    load_sectors(Sector)
    load_themes(Theme)
    lookups = demo_loader.Lookups()
    real = demo_loader.read("members", demo_loader.REAL, today=None)
    invented = _invented()

    # Parents come first in the file, so each one is found when its children name it.
    for record in real["members.Association"]:
        demo_loader.save(Association, record, lookups, lookup=["slug"])
    figures = real["members.AssociationFigure"]
    for record in figures:
        demo_loader.save(
            AssociationFigure, record, lookups, lookup=["association", "metric", "year"]
        )

    count = 0
    for record in real["members.Cooperative"]:
        demo_loader.save(Cooperative, record, lookups, lookup=["slug"])
        count += 1

    provinces = invented["provinces"]
    contacts = 0
    for index, record in enumerate(invented["members.Cooperative"], start=1):
        cooperative = demo_loader.save(
            Cooperative,
            record,
            lookups,
            lookup=["slug"],
            extra=_cooperative_values(index, record, provinces),
        )
        area_code = provinces[record["province"]]["area_code"]
        for order, person in enumerate(record["contacts"]):
            demo_loader.save(
                CooperativeContact,
                person,
                lookups,
                lookup=["cooperative", "name"],
                extra={
                    "cooperative": cooperative,
                    "email": f"{_email_local(person['name'])}@{cooperative.slug}.example",
                    "phone": demo_phone(index * 10 + order + 1, area_code),
                    "order": order,
                },
            )
            contacts += 1
        count += 1

    User = get_user_model()
    for record in invented[USERS]:
        created = not User.objects.filter(email=record["email"]).exists()
        user = demo_loader.save(User, record, lookups, lookup=["email"])
        demo_loader.set_demo_password(user, DEMO_PASSWORD, known=known_password, created=created)
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    memberships = invented["members.Membership"]
    for record in memberships:
        demo_loader.save(Membership, record, lookups, lookup=["user", "cooperative"])

    invitations = invented["members.Invitation"]
    for record in invitations:
        values, _many = demo_loader.values_of(Invitation, record, lookups)
        # Created once: its token is random and only its hash is stored, so the link is unknown.
        if not Invitation.objects.filter(
            cooperative=values["cooperative"], email=values["email"]
        ).exists():
            invitation = Invitation(**values)
            invitation.set_new_token()
            invitation.save()

    return {
        "associations": len(real["members.Association"]),
        "association figures": len(figures),
        "cooperatives": count,
        "contact people": contacts,
        "demo members": len(invented[USERS]),
        "extra memberships": len(memberships) - len(invented[USERS]),
        "pending invitations": len(invitations),
    }
