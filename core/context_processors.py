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
# Shown to signed-in people only, after the public sections.
PORTAL_SECTION = ("portal:dashboard", _("My portal"))


@cache
def _url(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@cache
def _section_urls():
    return tuple((_url(name), label) for name, label in SECTIONS if _url(name))


def portal(request):
    context = {"nav_sections": _section_urls()}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["portal_url"] = _url(PORTAL_SECTION[0])
        context["portal_label"] = PORTAL_SECTION[1]
    return context
