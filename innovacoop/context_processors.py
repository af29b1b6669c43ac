from functools import cache

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The sections of the URL map, in navbar order. A section appears once its app serves it,
# so the navbar never links to a page that does not exist yet.
SECTIONS = [
    ("funding:call-list", _("Calls")),
    ("partnerships:request-list", _("Partnerships")),
    ("members:cooperative-list", _("Cooperatives")),
    ("networks:body-list", _("Networks")),
    ("startups:startup-list", _("Startups")),
]


@cache
def _section_urls():
    urls = []
    for name, label in SECTIONS:
        try:
            urls.append((reverse(name), label))
        except NoReverseMatch:
            continue
    return tuple(urls)


def portal(request):
    return {"nav_sections": _section_urls()}
