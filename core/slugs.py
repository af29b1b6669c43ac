"""Slugs that no other row of the same kind has."""

from django.utils.text import slugify


def unique_slug(queryset, text, *, fallback, max_length=180, suffix="", field="slug"):
    """A slug made from `text` that no row of `queryset` has in `field`.

    `text` is slugified and cut to `max_length` (a text with nothing sluggable gives
    `fallback`), `suffix` is appended ("-copy"), and "-2", "-3"... until it is free. One
    query: the slugs already taken with that stem are read at once.
    """
    stem = (slugify(text)[:max_length].strip("-") or fallback) + suffix
    taken = set(queryset.filter(**{f"{field}__startswith": stem}).values_list(field, flat=True))
    slug, number = stem, 2
    while slug in taken:
        slug = f"{stem}-{number}"
        number += 1
    return slug
