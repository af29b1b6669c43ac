"""Helpers for reference data stored in both portal languages (Italian and English)."""

from django.utils.translation import get_language


def localized(obj, field="name"):
    """`obj.<field>_it` when the active language is Italian, else `obj.<field>_en` (falls back)."""
    language = (get_language() or "it")[:2]
    preferred = getattr(obj, f"{field}_{language}", "") if language in ("it", "en") else ""
    return preferred or getattr(obj, f"{field}_en", "") or getattr(obj, f"{field}_it", "")
