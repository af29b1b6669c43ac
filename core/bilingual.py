"""Bilingual content: which language a shown text is in, and whether it is the fallback.

Calls, requests and startups keep their texts in `<field>_it` and `<field>_en` columns
(django-modeltranslation, each app's translation.py). `translated(obj, "title")` is the
text the reader gets: their language's, or the other one's when theirs is empty, as a
`Translated` string that knows its language and whether it is that fallback. Pages use it
through the `{% translated %}` tag and mark a fallback with `{% fallback_note %}`
(core/templatetags/bilingual.py), so no template decides this on its own.
"""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst, format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)
# What a page says next to a text shown in the other language, by that text's language.
ONLY_IN = {
    "it": _("Only available in Italian"),
    "en": _("Only available in English"),
}


class Translated(str):
    """A text with `lang` (the language it is written in) and `is_fallback`."""

    lang = ""
    is_fallback = False

    @classmethod
    def of(cls, text, lang, is_fallback):
        value = cls(text or "")
        value.lang, value.is_fallback = lang, is_fallback
        return value

    @property
    def note(self):
        """What to show next to a fallback text ("Only available in English"), else ""."""
        return ONLY_IN.get(self.lang, "") if self.is_fallback else ""


def reader_language(language=None):
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE


def translated(obj, field, language=None):
    """`obj.<field>` in `language` (the active one by default), else in the other language.

    An empty text in both languages is "" in the reader's language, no fallback.
    """
    wanted = reader_language(language)
    for code in (wanted, *(code for code in LANGUAGE_CODES if code != wanted)):
        text = getattr(obj, f"{field}_{code}", None)
        if text:
            return Translated.of(text, code, code != wanted)
    return Translated.of("", wanted, False)


def side_by_side(fields, texts):
    """An admin field list with each of `texts` as one line, Italian next to English."""
    pairs = {
        f"{text}_{code}": tuple(bilingual_fields(text)) for text in texts for code in LANGUAGE_CODES
    }
    result = []
    for field in fields:
        pair = pairs.get(field)
        if pair is None:
            result.append(field)
        elif pair not in result:
            result.append(pair)
    return result


def bilingual_fields(*fields):
    """The form field names of bilingual `fields`, each Italian next to English."""
    return [f"{field}_{code}" for field in fields for code in LANGUAGE_CODES]


class BilingualRequiredMixin:
    """A model form whose `bilingual_required` texts need one language at least (or both).

    The _it and _en columns are optional one by one (django-modeltranslation makes them
    so); a text required before is required in one language now, whichever.
    """

    bilingual_required = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "Title (Italian)", "Title (English)" rather than modeltranslation's "title [it]".
        names = dict(settings.LANGUAGES)
        for name, field in self.fields.items():
            base, _sep, code = name.rpartition("_")
            if code in names and base and hasattr(self._meta.model, f"{base}_it"):
                try:
                    model_field = self._meta.model._meta.get_field(base)
                except FieldDoesNotExist:
                    continue
                field.label = format_lazy(
                    "{} ({})", capfirst(model_field.verbose_name), names[code]
                )

    def clean(self):
        cleaned_data = super().clean()
        for field in self.bilingual_required:
            names = [f"{field}_{code}" for code in LANGUAGE_CODES]
            if any(name not in self.fields for name in names):
                continue
            if not any((cleaned_data.get(name) or "").strip() for name in names):
                for name in names:
                    if name not in self.errors:
                        self.add_error(name, REQUIRED_IN_ONE)
        return cleaned_data


REQUIRED_IN_ONE = _("Write it in Italian, in English or in both.")
