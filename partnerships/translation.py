"""Which texts of partnership requests are written in Italian and English (modeltranslation).

Members write a request in Italian, in English or in both; the plain name (`request.title`)
reads the reader's language, else the other one (see funding/translation.py).
"""

from modeltranslation.translator import TranslationOptions, register

from partnerships.models import PartnershipRequest


@register(PartnershipRequest)
class PartnershipRequestTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "description")
