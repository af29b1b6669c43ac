"""What a startup can ask for: loaded by a data migration, matched on the code."""

from members.vocabularies import load_vocabulary

NEEDS = [
    ("funding", "Finanziamenti", "Funding"),
    ("mentoring", "Mentoring", "Mentoring"),
    ("market-access", "Accesso al mercato", "Market access"),
    ("partners", "Partner", "Partners"),
    ("premises", "Spazi e sede", "Premises"),
]


def load_needs(need_model):
    """Create or update the needs (a second run changes nothing); returns the number of rows."""
    return load_vocabulary(need_model, NEEDS, numbered=True)
