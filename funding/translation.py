"""Which texts of funding are written in Italian and English (django-modeltranslation).

Each field gets an `_it` and an `_en` column; the plain name (`call.title`) reads the
reader's language, falling back to the other (settings: MODELTRANSLATION_FALLBACK_LANGUAGES),
and `core.bilingual.translated` says which language a shown text is in.
"""

from modeltranslation.translator import TranslationOptions, register

from funding.models import Call


@register(Call)
class CallTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "description")
