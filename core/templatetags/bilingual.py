"""Template side of core.bilingual: the reader's text of a bilingual field, marked if fallback.

{% load bilingual %}
{% translated call "title" as title %}
<h1 lang="{{ title.lang }}">{{ title }}</h1>{% fallback_note title %}
"""

from django import template
from django.utils.html import format_html

from core import bilingual

register = template.Library()


@register.simple_tag
def translated(obj, field):
    """The text of `obj.<field>` in the reader's language, or the other one (a Translated)."""
    return bilingual.translated(obj, field)


@register.simple_tag
def fallback_note(*texts):
    """A small marker when a text shown is the other language's: "Only available in English".

    Given several texts (a card's title and summary), one marker for the first fallback.
    """
    for text in texts:
        note = getattr(text, "note", "")
        if note:
            return format_html(
                '<span class="badge text-bg-light border fw-normal fallback-note" '
                'data-testid="fallback-note" lang="{}">{}</span>',
                bilingual.reader_language(),
                note,
            )
    return ""
