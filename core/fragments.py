"""Parts of pages rendered once and kept for a short while, per data version and request.

A list page's results and filter counts read and render many rows, yet change only when the
data does or as time passes (a deadline rolls by, a forthcoming call opens). `cached_html`
keeps such a fragment in the cache under a key made of:
- the version tokens of the data it shows (`core.versions`), so any change is seen at once;
- the current period of `SECONDS`, which bounds what a change no signal reports (a bulk
  update, another worker's bump without a shared cache) or the clock can leave stale;
- the language and the request's query parameters (sorted, repeated ones kept), so two
  selections never share a fragment.
What differs per person (a save-as-alert form, a follow button, CSRF tokens) is never part of
a fragment shared by everyone: the page renders it around the fragments on each view.

A person's own pages (the dashboard, the suggestions) are kept per person with
`personal_html`: keyed on the person, their last write (`core.middleware.WriteStampMiddleware`)
and the versions of what the page shows; the CSRF token is put in on each view.
"""

import hashlib
import time

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core import versions
from core.middleware import WRITE_STAMP_SESSION_KEY

SECONDS = 60


def query_of(request, *, ignore=()):
    """The request's query parameters as a sorted tuple of pairs, `ignore`d names left out."""
    return tuple(
        sorted(
            (key, value)
            for key, values in request.GET.lists()
            if key not in ignore
            for value in values
        )
    )


def cache_key(kind, *, data=(), vary=(), language=True, now=None):
    """The key of fragment `kind` for the current versions of `data`, period and `vary`."""
    period = int(now if now is not None else time.time()) // SECONDS
    parts = [
        kind,
        *(versions.current(name) for name in data),
        str(period),
        get_language() if language else "",
        repr(tuple(vary)),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    return f"fragments:{kind}:{digest}"


def cached(kind, compute, *, data=(), vary=(), language=True):
    """`compute()`, kept per versions of `data`, period, language and `vary`."""
    key = cache_key(kind, data=data, vary=vary, language=language)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, SECONDS)
    return value


def cached_html(kind, render, *, data=(), vary=(), language=True):
    """The HTML `render()` returns, kept as `cached` keeps values; safe to output as is."""
    return mark_safe(cached(kind, lambda: str(render()), data=data, vary=vary, language=language))


# Stands for the CSRF token in a kept personal fragment; no real token looks like it (tokens
# are letters and digits only).
CSRF_PLACEHOLDER = "csrf-token-put-in-on-each-view"


def personal_html(request, kind, template, context, *, data=(), vary=()):
    """`template` rendered for the signed-in person of `request`, kept as `cached` keeps
    values, per person, their last write, path and query, versions of `data` and `vary`.

    `context()` computes the template's data; it runs only when the fragment is rendered.
    The template is rendered without the request's context processors: it receives
    `request`, `user` and a `csrf_token` that stands for the person's token until it is put
    in on each view. Returns (html, context): the context computed in this request, empty
    when the fragment came from the cache.
    """
    computed = {}

    def render():
        computed.update(context())
        return render_to_string(
            template,
            {**computed, "request": request, "user": request.user, "csrf_token": CSRF_PLACEHOLDER},
        )

    person = (
        request.user.pk,
        request.session.get(WRITE_STAMP_SESSION_KEY),
        request.get_full_path(),
    )
    html = cached(kind, render, data=data, vary=(*person, *vary))
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(html), computed


class CachedContentMixin:
    """For list views whose whole content block is the same for everyone who sends the same
    query (and the same `content_vary()`): the filters, the results and the pages are
    rendered from `content_template` once per versions of `content_data`, period, language
    and query, and the page template outputs `content_html`.

    `content_template` is rendered without the request, so it cannot show anything per
    person (no `user`, no `perms`, no CSRF token): a test renders it that way. The context
    of content rendered in this request is also the page's.
    """

    content_template = None
    content_data = ()

    def content_vary(self):
        """What else, besides the query and the language, the content depends on."""
        return ()

    def render_content(self):
        self.object_list = self.get_queryset()
        self.content_context = self.get_context_data(query=self.request.GET)
        return render_to_string(self.content_template, self.content_context)

    def get(self, request, *args, **kwargs):
        self.content_context = {}
        self.object_list = None  # read from the queryset only when the content is rendered
        html = cached_html(
            self.content_template,
            self.render_content,
            data=self.content_data,
            vary=(*query_of(request), *self.content_vary()),
        )
        return self.render_to_response({**self.content_context, "view": self, "content_html": html})
