"""Absolute links for emails, which have no request to build them from."""

from django.conf import settings


def absolute_url(path):
    """`path` ("/calls/x/") on the portal's public address (settings.SITE_URL)."""
    return settings.SITE_URL + path
