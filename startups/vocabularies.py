"""What a startup can ask for: loaded by a data migration, matched on the code."""

NEEDS = [
    ("funding", "Finanziamenti", "Funding"),
    ("mentoring", "Mentoring", "Mentoring"),
    ("market-access", "Accesso al mercato", "Market access"),
    ("partners", "Partner", "Partners"),
    ("premises", "Spazi e sede", "Premises"),
]


def load_needs(Need):
    """Create or update the needs (a second run changes nothing)."""
    for position, (code, name_it, name_en) in enumerate(NEEDS):
        Need.objects.update_or_create(
            code=code, defaults={"name_it": name_it, "name_en": name_en, "position": position}
        )
