"""A person's language, for what is sent to them (emails)."""

from django.conf import settings


def language_of(person):
    """The language `person` reads the portal in, if the portal speaks it, else the default."""
    return (
        person.language if person.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    )
