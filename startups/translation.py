"""Which texts of startups are written in Italian and English (django-modeltranslation).

A startup's profile description and a support programme's description and criteria get
`_it` and `_en` columns; the plain name reads the reader's language, else the other one
(see funding/translation.py).
"""

from modeltranslation.translator import TranslationOptions, register

from startups.models import Startup, SupportProgramme


@register(Startup)
class StartupTranslationOptions(TranslationOptions):
    fields = ("description",)


@register(SupportProgramme)
class SupportProgrammeTranslationOptions(TranslationOptions):
    fields = ("description", "criteria")
