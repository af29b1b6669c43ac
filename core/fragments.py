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
a cached fragment: the page renders it around the fragments on each view.
"""

import hashlib
import time

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core import versions

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
