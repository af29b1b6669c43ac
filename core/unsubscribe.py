"""One-click unsubscribe (RFC 8058): signed tokens, a small registry of what they stop, the view.

A token is `django.core.signing` of {kind, id} with the salt "unsubscribe": no sign-in is
needed, a tampered token is refused. Apps register the kinds of what can be stopped
(`register("search", describe=..., stop=...)`) in their AppConfig.ready(), so later
features add their own emails without touching this module. GET shows what will stop and
changes nothing (mail scanners follow links); POST stops it, is exempt from CSRF because mailbox providers post without
cookies, and is idempotent.
"""

from dataclasses import dataclass

from django.core import signing
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.links import absolute_url

SALT = "unsubscribe"


@dataclass(frozen=True)
class Kind:
    """`describe(id)` gives {"what": text, "done": bool} or None (gone); `stop(id)` stops it."""

    describe: object
    stop: object


_KINDS = {}


def register(kind, *, describe, stop):
    _KINDS[kind] = Kind(describe=describe, stop=stop)


def make_token(kind, object_id):
    return signing.dumps({"k": kind, "id": object_id}, salt=SALT)


def read_token(token):
    """(kind, id) of a valid token; raises signing.BadSignature otherwise."""
    payload = signing.loads(token, salt=SALT)
    if not isinstance(payload, dict) or not isinstance(payload.get("k"), str):
        raise signing.BadSignature("Malformed unsubscribe payload.")
    return payload["k"], payload.get("id")


def unsubscribe_url(kind, object_id):
    """Absolute link for email bodies and the List-Unsubscribe header."""
    token = make_token(kind, object_id)
    return absolute_url(reverse("unsubscribe", kwargs={"token": token}))


def list_unsubscribe_headers(url):
    """The RFC 2369 / RFC 8058 headers for a one-click unsubscribe link."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    try:
        kind, object_id = read_token(token)
        handler = _KINDS[kind]
    except (signing.BadSignature, KeyError):
        return render(request, "unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        before = handler.describe(object_id)
        if before is not None:
            handler.stop(object_id)
        return render(
            request,
            "unsubscribe_done.html",
            {"target": before, "was_done": bool(before and before["done"])},
        )
    target = handler.describe(object_id)
    return render(request, "unsubscribe.html", {"target": target, "token": token})
