"""Settings the benchmark serves the portal with: production-like (DEBUG off) on plain http.

Only the differences a local benchmark needs: a secret key, loopback hosts, no TLS redirect
or secure cookies, unhashed static storage (no collectstatic), emails to memory and Celery
tasks in-process, and a middleware that reports each request's SQL query count.
"""

import os
import warnings

os.environ.setdefault("SECRET_KEY", "benchmark-only-key-never-used-in-production")
os.environ.setdefault("DEBUG", "false")
# No broker: tasks run eagerly in the calling process, none reach a shared Redis.
os.environ["CELERY_BROKER_URL"] = ""

from innovacoop.settings import *  # noqa: F403
from innovacoop.settings import MIDDLEWARE, STORAGES

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "benchmark.urls"
MIDDLEWARE = ["benchmark.middleware.QueryCountMiddleware", *MIDDLEWARE]

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"

# The manifest storage needs collectstatic; pages only name static files, never fetch them.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://localhost/"

# No collectstatic in a benchmark checkout: whitenoise would warn on every worker start.
warnings.filterwarnings("ignore", message="No directory at")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
