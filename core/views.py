"""The portal's own endpoints: the health check and the language switch."""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language
from kombu import Connection

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 3


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


def set_language(request):
    """Django's language switch, also remembered on the signed-in person's profile.

    The profile's language decides the language of the emails they get, so a person who
    switches the pages to English gets English emails too.
    """
    response = django_set_language(request)
    language = request.POST.get("language")
    supported = {code for code, _name in settings.LANGUAGES}
    user = request.user
    if (
        request.method == "POST"
        and language in supported
        and user.is_authenticated
        and user.language != language
    ):
        user.language = language
        user.save(update_fields=["language"])
    return response
