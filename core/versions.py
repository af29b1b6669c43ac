"""Version tokens of data that pages keep rendered, replaced whenever that data changes.

A token is a string in the cache: "<nanoseconds since the epoch>" of the last change. What is
rendered from the data (a feed, a list's results) is cached under a key that includes the
token, so a change makes every copy rendered before it unreachable at once, with nothing to
delete. Each app names its data once and connects the models it is read from
(`bump_on_change`, called from the app's `ready()`).

Signals do not see bulk writes (`QuerySet.update`, `bulk_create`) and, without a shared cache
(several web workers with no `CACHE_URL`), a worker does not see another's bump: so whatever
is keyed on a token also expires after a short period (see `core.fragments`), which bounds
how stale it can be.
"""

import time

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

KEY_PREFIX = "versions:"


def current(name):
    """The current token of `name`; a cache without one (cold start, eviction) starts one.

    `cache.add` keeps two workers that start at once from disagreeing.
    """
    key = KEY_PREFIX + name
    version = cache.get(key)
    if version is None:
        cache.add(key, str(time.time_ns()), timeout=None)
        version = cache.get(key) or str(time.time_ns())
    return version


def bump(name):
    """Replace the token of `name`: never the same token twice, even on a frozen clock."""
    key = KEY_PREFIX + name
    previous = cache.get(key)
    following = int(previous) + 1 if previous and previous.isdigit() else 0
    cache.set(key, str(max(time.time_ns(), following)), timeout=None)


def bump_on_change(name, *models, m2m=()):
    """Bump `name` when a row of `models` is saved or deleted or a link of `m2m` changes.

    `m2m` are many-to-many descriptors' `through` models (for example `Call.themes.through`).
    """

    def receiver(**kwargs):
        bump(name)

    # weak=False: the signals keep this closure alive (nothing else refers to it).
    for model in models:
        for signal, signal_name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(
                receiver,
                sender=model,
                weak=False,
                dispatch_uid=f"versions.{name}.{signal_name}.{model._meta.label}",
            )
    for through in m2m:
        m2m_changed.connect(
            receiver,
            sender=through,
            weak=False,
            dispatch_uid=f"versions.{name}.m2m.{through._meta.label}",
        )
