"""The home page: open calls closing soon, the federation's figures, the latest requests."""

import rules
from django.template.loader import render_to_string
from django.views.generic import TemplateView

from core import fragments
from funding import feeds
from funding.selectors import closing_calls
from members.apps import DIRECTORY
from members.models import AssociationFigure
from partnerships.apps import REQUESTS
from partnerships.models import PartnershipRequest

# The regional federation whose published figures the home page shows (seed documents).
FEDERATION_SLUG = "legacoop-emilia-romagna"
LATEST_REQUESTS = 3


class HomeView(TemplateView):
    """Open calls closing soonest, the federation's figures and, for people of member
    cooperatives, the latest partnership requests (which are for members only). Each part
    is kept rendered per version of its data (`core.fragments`); the greeting is per person."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The same for everyone: rendered once per catalogue version and minute.
        context["closing_calls_html"] = fragments.cached_html(
            "portal.home-closing-calls",
            lambda: self.render_closing_calls(context),
            data=[feeds.CATALOGUE],
        )
        context["federation_figures_html"] = fragments.cached_html(
            "portal.home-federation-figures",
            lambda: render_to_string(
                "members/_home_federation_figures.html",
                {"federation_figures": federation_figures()},
            ),
            data=[DIRECTORY],
        )
        if rules.has_perm("partnerships.browse_requests", self.request.user):
            context["latest_requests_html"] = fragments.cached_html(
                "portal.home-latest-requests",
                lambda: render_to_string(
                    "partnerships/_home_latest_requests.html",
                    {"latest_requests": latest_requests()},
                ),
                data=[REQUESTS],
            )
        return context

    def render_closing_calls(self, context):
        context["closing_calls"] = closing_calls(limit=6)
        return render_to_string(
            "funding/home_closing_calls.html", {"closing_calls": context["closing_calls"]}
        )


def federation_figures():
    return list(
        AssociationFigure.objects.filter(association__slug=FEDERATION_SLUG)
        .select_related("association")
        .order_by("pk")
    )


def latest_requests():
    """Only what the cards show: the newest rows, without their long texts."""
    return list(
        PartnershipRequest.objects.open_for_interest()
        .select_related("owner")
        .only(
            "kind",
            "state",
            "title",
            "is_demo",
            "interest_deadline",
            "published_at",
            "owner__legal_name",
        )
        .order_by("-published_at", "-pk")[:LATEST_REQUESTS]
    )
