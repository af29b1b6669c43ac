"""The applicant types calls are filtered by. Loaded by migration 0002 and by the demo loader
(a transactional test's flush empties migration-loaded tables); matched on code, idempotent."""

from members.vocabularies import load_vocabulary

APPLICANT_TYPES = [
    ("cooperative", "Cooperativa", "Cooperative"),
    ("sme", "PMI", "SME"),
    ("social-economy", "Impresa dell'economia sociale", "Social economy enterprise"),
    ("research", "Organismo di ricerca", "Research organisation"),
    ("public-body", "Ente pubblico", "Public body"),
    ("ngo", "ONG / ente del terzo settore", "NGO / non-profit organisation"),
]


def load_applicant_types(applicant_type_model):
    """Create or update the applicant types; returns the number of rows."""
    return load_vocabulary(applicant_type_model, APPLICANT_TYPES, numbered=True)
