import logging

import rules
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from kombu import Connection

from funding.selectors import closing_calls
from members.models import AssociationFigure
from partnerships.models import PartnershipRequest

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 3


# The regional federation whose published figures the home page shows (seed documents).
FEDERATION_SLUG = "legacoop-emilia-romagna"
LATEST_REQUESTS = 3


class HomeView(TemplateView):
    """Open calls closing soonest, the federation's figures and, for people of member
    cooperatives, the latest partnership requests (which are for members only)."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["closing_calls"] = closing_calls(limit=6)
        context["federation_figures"] = list(
            AssociationFigure.objects.filter(association__slug=FEDERATION_SLUG)
            .select_related("association")
            .order_by("pk")
        )
        if rules.has_perm("partnerships.browse_requests", self.request.user):
            # Only what the cards show: the three newest rows, without their long texts.
            context["latest_requests"] = list(
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
        return context


def database_is_reachable():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: database unreachable")
        return False
    return True


def broker_is_reachable():
    """True when tasks run eagerly (no broker needed) or the broker accepts a connection."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True
    try:
        with Connection(
            settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT_SECONDS
        ) as broker:
            broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception:
        logger.warning("Health check: broker unreachable", exc_info=True)
        return False
    return True


@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers and compose: 200 when every dependency answers, else 503."""
    checks = {
        "database": "ok" if database_is_reachable() else "unreachable",
        "broker": (
            "eager"
            if settings.CELERY_TASK_ALWAYS_EAGER
            else ("ok" if broker_is_reachable() else "unreachable")
        ),
    }
    healthy = all(value in ("ok", "eager") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )
