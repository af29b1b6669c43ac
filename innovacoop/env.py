"""Reading configuration from the environment, failing with one clear line per variable."""

import os
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}

# Transports a Celery broker URL may name; anything else is a typo we want to catch at start-up.
BROKER_SCHEMES = {"redis", "rediss", "amqp", "amqps", "pyamqp", "memory", "sqs", "filesystem"}


def get_str(name, default=""):
    return os.environ.get(name, default).strip()


def get_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def get_int(name, default):
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def get_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


# SQLite allows one writer at a time. A deferred transaction (SQLite's default) that reads and
# then writes cannot wait for the lock: it fails at once with "database is locked", a 500 on
# a double submit. BEGIN IMMEDIATE takes the write lock when the transaction starts, so
# concurrent writers queue for up to `timeout` seconds instead (Django 5.1+).
SQLITE_OPTIONS = {"transaction_mode": "IMMEDIATE", "timeout": 20}


def get_database(name, default_sqlite_path):
    """DATABASE_URL as Django's DATABASES['default']; unset means an SQLite file."""
    raw = get_str(name)
    if not raw:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite_path),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:
        raise ImproperlyConfigured(f"{name} is not a valid database URL ({exc}).") from None
    if not config.get("ENGINE") or not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} must name a database engine and a database name.")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config


def get_broker_url(name):
    """The Celery broker URL, or '' when unset (tasks then run eagerly in-process)."""
    raw = get_str(name)
    if not raw:
        return ""
    parts = urlsplit(raw)
    # memory:// and filesystem:// (the embedded default's worker, scripts/run) need no host.
    hostless = parts.scheme in ("memory", "filesystem")
    if parts.scheme not in BROKER_SCHEMES or (not hostless and not parts.netloc):
        raise ImproperlyConfigured(
            f"{name} is not a valid broker URL (expected e.g. redis://127.0.0.1:6379/0)."
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a non-numeric port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has an invalid port.") from None
    return raw
