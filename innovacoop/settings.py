"""Settings for the InnovaCoop portal, read from the environment (see the README's table).

With nothing set, the portal runs on a bare machine: SQLite in the project folder, Celery
tasks executed eagerly in-process and emails written as files under var/mail/.
"""

from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from innovacoop import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env.get_bool("DEBUG", False)

SECRET_KEY = env.get_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-only-used-with-DEBUG-on"

ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS")

# Absolute base for links in emails, which have no request to build them from.
SITE_URL = env.get_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Before the admin, as django-modeltranslation requires: _it/_en fields of content.
    "modeltranslation",
    # Django's admin, its index grouped by task with the work waiting (staff/admin_site.py).
    "staff.admin_config.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_countries",
    "django_celery_beat",
    "import_export",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "core",
    "members",
    "networks",
    "funding",
    "partnerships",
    "startups",
    "portal",
    "matches",
    "staff",
    "benchmark",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that may answer: CORS headers on /api/ only (CORS_URLS_REGEX below).
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Inside the session middleware, so the stamp is saved with the session.
    "core.middleware.WriteStampMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.LanguageMiddleware",
    # A NUL byte anywhere in the request is a 400 before it can reach a query (PostgreSQL).
    "core.middleware.RejectNullCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "innovacoop.urls"
WSGI_APPLICATION = "innovacoop.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.get_database("DATABASE_URL", BASE_DIR / "db.sqlite3")}
# allauth's rate limits count in the cache: share it between processes in production.
CACHE_URL = env.get_str("CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: email is the login, verification is mandatory, rate limits are on
# (allauth's defaults, a longer sign-in lockout below). Open signup is closed by the adapter:
# people join by invitation.
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[InnovaCoop] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Lockout: after 5 failed sign-ins for one email the account is held for 15 minutes (allauth
# shows "too many attempts"); an address trying many accounts is held after 10 a minute.
# The staff admin's sign-in (/admin/login/) goes through the same adapter check, so both
# pages share this one counter. A completed password reset lifts the hold and, with
# LOGIN_ON_PASSWORD_RESET, signs the owner in at once: an outsider who keeps failing on
# purpose can delay a person's sign-in but never lock them out for good.
# "startup_apply": the startup programme's apply form creates accounts, so it is limited
# like allauth's signup (20 a minute per IP) and, as each try emails the address, to
# 5 an hour per address.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/15m/key",
    "startup_apply": "20/m/ip,5/h/key",
}
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Bilingual content (django-modeltranslation, each app's translation.py): a text missing in
# the reader's language is shown in the other one, and the page marks it (core.bilingual).
MODELTRANSLATION_DEFAULT_LANGUAGE = "it"
MODELTRANSLATION_LANGUAGES = ("it", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("it", "en"), "it": ("en",), "en": ("it",)}
LANGUAGE_COOKIE_NAME = "innovacoop_language"
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "var" / "media"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: SMTP when EMAIL_HOST is set, otherwise readable .log files under var/mail/.
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "InnovaCoop <noreply@innovacoop.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env.get_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.get_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env.get_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env.get_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env.get_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = env.get_int("EMAIL_TIMEOUT", 20)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.get_str("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")

# Celery: with no broker configured, tasks run eagerly in the calling process.
CELERY_BROKER_URL = env.get_broker_url("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    # An in-process transport, named with a host so kombu does not warn on every eager task.
    CELERY_BROKER_URL = "memory://localhost/"
if CELERY_BROKER_URL.startswith("filesystem:"):
    # The embedded default's broker (scripts/run): messages are files under var/broker/, so
    # a worker with the beat schedule runs beside the web server with no server to install.
    # Web server, worker and beat share one folder; nothing needs to survive a restart, as
    # every job's work is also in the database (the sweeps find what a lost message left).
    BROKER_DIR = Path(env.get_str("CELERY_BROKER_FOLDER") or VAR_DIR / "broker")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "messages"),
        "data_folder_out": str(BROKER_DIR / "messages"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    for folder in ("messages", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = env.get_str("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "core.schedule:PortalScheduler"
# Every periodic job of the portal, in one place. `migrate` (and beat, for one added later)
# creates the missing ones in the database, where staff see them and change their times in
# the admin; a time changed there is kept (core/schedule.py).
CELERY_BEAT_SCHEDULE = {
    # Gives back rows a dead sender left (its lease, core.sending.LEASE, ran out) and
    # sends what is due: with a 60 s lease a crash delays mail by 60-75 s.
    "sweep-email-deliveries": {
        "task": "innovacoop.sweep_deliveries",
        "schedule": 15.0,
    },
    # Call alerts (funding/tasks.py); crontab times are Europe/Rome (CELERY_TIMEZONE).
    # Digests and reminders run at 7 and 8 and again every hour until 11 and 12: the runs are
    # idempotent (DigestRun rows, ledger keys), so a re-run writes only what a lost chunk
    # task or a dead worker left out, and nothing when all went well.
    "funding-daily-digest": {
        "task": "funding.send_digests",
        "schedule": crontab(hour="7-11", minute=0),
        "args": ["daily"],
    },
    "funding-weekly-digest": {
        "task": "funding.send_digests",
        "schedule": crontab(hour="7-11", minute=0, day_of_week="mon"),
        "args": ["weekly"],
    },
    "funding-deadline-reminders": {
        "task": "funding.send_reminders",
        "schedule": crontab(hour="8-12", minute=0),
    },
    # Instant alerts: dispatches and fan-out chunks whose task was lost, every minute.
    "funding-sweep-alert-dispatches": {
        "task": "funding.sweep_alert_dispatches",
        "schedule": 60.0,
    },
    # Calls whose stored next deadline has passed (a first stage closed) get the following
    # one (funding/tasks.py). Lists are exact meanwhile, with a subquery for those few rows.
    "funding-roll-call-deadlines": {
        "task": "funding.roll_call_deadlines",
        "schedule": crontab(minute="*/15"),
    },
    # Partnership requests past their deadline for interest (partnerships/tasks.py).
    "partnerships-expire-requests": {
        "task": "partnerships.expire_requests",
        "schedule": crontab(hour=1, minute=5),
    },
    # Stored matches: rows of closed calls and closed or answered requests deleted, and the
    # cooperatives left with fewer visible rows than a page shows refreshed (matches/tasks.py).
    "matches-prune": {
        "task": "matches.prune",
        "schedule": crontab(hour=1, minute=20),
    },
    # Stored matches (matches/tasks.py): refreshes whose task the broker lost.
    "matches-sweep-refreshes": {
        "task": "matches.sweep_refreshes",
        "schedule": 60.0,
    },
    # The daily email to staff of the work waiting, when work arrived (staff/tasks.py);
    # re-runs until 10 write only what a lost task left out (one ledger key a person a day).
    "staff-work-digest": {
        "task": "staff.send_work_digests",
        "schedule": crontab(hour="8-10", minute=15),
    },
    # Topics of the EU Funding & Tenders portal, through the source queries staff set in
    # the admin (funding/eu_topics/sync.py): daily at 5:40 Rome time, before the digests.
    # Offline, each query fails with one log line and is tried again the next day.
    "funding-import-eu-calls": {
        "task": "funding.import_eu_calls",
        "schedule": crontab(hour=5, minute=40),
    },
    # Weekly matchmaking digest (partnerships/tasks.py): Monday morning, Rome time.
    "partnerships-weekly-digest": {
        "task": "partnerships.send_matchmaking_digests",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
}
# Deadline reminders for followed calls, in days before each deadline.
FUNDING_REMINDER_OFFSETS_DAYS = [14, 3]
# The queue the alert tasks go to (a test worker listens on a queue of its own).
FUNDING_ALERTS_QUEUE = env.get_str("FUNDING_ALERTS_QUEUE", "celery")
# The EU Funding & Tenders portal's public search API and its public key (funding/eu_topics).
EU_FUNDING_TENDERS_SEARCH_URL = env.get_str(
    "EU_FUNDING_TENDERS_SEARCH_URL", "https://api.tech.ec.europa.eu/search-api/prod/rest/search"
)
EU_FUNDING_TENDERS_API_KEY = env.get_str("EU_FUNDING_TENDERS_API_KEY", "SEDIA")

# Security. Production defaults apply whenever DEBUG is off; each can be relaxed by the
# environment for a deployment behind a proxy that terminates TLS differently.
SECURE = not DEBUG
SESSION_COOKIE_SECURE = env.get_bool("SESSION_COOKIE_SECURE", SECURE)
CSRF_COOKIE_SECURE = env.get_bool("CSRF_COOKIE_SECURE", SECURE)
SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", SECURE)
SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 31_536_000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.get_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE)
SECURE_HSTS_PRELOAD = env.get_bool("SECURE_HSTS_PRELOAD", SECURE)
if env.get_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz is probed by load balancers over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache and written through to the database (the source of truth):
# a signed-in page costs no session query, and a cache that forgets loses no session.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Pages load only their own scripts, styles and images: Bootstrap is served from static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The public read API (/api/v1/, funding/api/): JSON only, no sign-in (so no session or CSRF
# coupling), read-only, and limited per client address in the default cache (share it with
# CACHE_URL when several processes serve the API). Over the rate: 429 with Retry-After.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"public_api": env.get_str("API_RATE", "120/min")},
    # The client address the rate counts on: how many proxies in front of the portal append
    # to X-Forwarded-For. 0: the connection's address, never the header, which any client
    # could otherwise fill with a new value on each request to escape the limit.
    "NUM_PROXIES": env.get_int("API_PROXIES", 0),
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "InnovaCoop public API",
    "DESCRIPTION": (
        "Published funding calls of the InnovaCoop catalogue, read-only. The list takes the "
        "query string of /calls/ and answers the same calls in the same order."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI (/api/schema/docs/) from the portal's static files, its set-up script a file
    # of its own (SpectacularSwaggerSplitView): the CSP allows no CDN and no inline script.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}
# Any site may read the API from a browser script (GET, no cookies); nothing else gets CORS.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False
CORS_PREFLIGHT_MAX_AGE = 86400

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
