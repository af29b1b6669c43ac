"""Loading of the bilingual vocabularies: the shared ones (NACE sectors, innovation themes)
here, and with the same loader the applicant types of calls and the needs of startups.

Used by the data migrations (with historical models) and by the demo loader (the test
runner's flush between transactional tests empties migration-loaded tables). Idempotent:
rows are matched on their code or slug, so a second run changes nothing.
"""

from members.data.nace import NACE
from members.data.themes import THEMES


def load_vocabulary(model, rows, *, key="code", numbered=False, parent=None):
    """Create or update the rows of a bilingual vocabulary, matched on `key`; returns how many.

    `rows` are (key, name_it, name_en) tuples. With `parent` (the field naming a row's
    parent, for a tree such as NACE's sections and divisions) they are (key, parent key or
    None, name_it, name_en), each parent before its children. `numbered` keeps the rows'
    order in their `position`. `model` may be a migration's historical model.
    """
    loaded = {}
    for position, row in enumerate(rows):
        defaults = {}
        if parent:
            value, parent_key, name_it, name_en = row
            defaults[parent] = loaded[parent_key] if parent_key else None
        else:
            value, name_it, name_en = row
        defaults.update(name_it=name_it, name_en=name_en)
        if numbered:
            defaults["position"] = position
        loaded[value], _created = model.objects.update_or_create(**{key: value}, defaults=defaults)
    return len(loaded)


def load_sectors(sector_model):
    """Create or update the 21 NACE sections and 88 divisions; returns the number of rows."""
    return load_vocabulary(sector_model, NACE, parent="section")


def load_themes(theme_model):
    """Create or update the portal's innovation themes; returns the number of rows."""
    return load_vocabulary(theme_model, THEMES, key="slug")
