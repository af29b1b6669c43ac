"""Loading of the shared vocabularies (NACE sectors, innovation themes).

Used by the data migrations (with historical models) and by the demo loader (the test
runner's flush between transactional tests empties migration-loaded tables). Idempotent:
rows are matched on their code or slug, so a second run changes nothing.
"""

from members.data.nace import NACE
from members.data.themes import THEMES


def load_sectors(sector_model):
    """Create or update the 21 NACE sections and 88 divisions; returns the number of rows."""
    by_code = {}
    for code, section_code, name_it, name_en in NACE:
        section = by_code[section_code] if section_code else None
        sector, _created = sector_model.objects.update_or_create(
            code=code, defaults={"section": section, "name_it": name_it, "name_en": name_en}
        )
        by_code[code] = sector
    return len(by_code)


def load_themes(theme_model):
    """Create or update the portal's innovation themes; returns the number of rows."""
    for slug, name_it, name_en in THEMES:
        theme_model.objects.update_or_create(
            slug=slug, defaults={"name_it": name_it, "name_en": name_en}
        )
    return len(THEMES)
