"""Settings come from the environment; bad values stop start-up with one line naming the variable.

Each case runs Django in a child process, since settings are read once per process.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER, "broker": settings.CELERY_BROKER_URL,
    "email_backend": settings.EMAIL_BACKEND, "email_path": getattr(settings, "EMAIL_FILE_PATH", ""),
    "debug": settings.DEBUG, "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS, "secure_cookies": settings.SESSION_COOKIE_SECURE,
    "site_url": settings.SITE_URL, "allowed_hosts": settings.ALLOWED_HOSTS,
}))
"""

CONFIG_VARIABLES = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "EMAIL_HOST",
    "EMAIL_FILE_PATH",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def run_django(code, **env_vars):
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    env["DJANGO_SETTINGS_MODULE"] = "innovacoop.settings"
    env.update(env_vars)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_with(**env_vars):
    result = run_django(PRINT_SETTINGS, **env_vars)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def manage(*args, **env_vars):
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(env_vars)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_unset_environment_means_sqlite_in_the_project_eager_tasks_and_mail_files():
    values = settings_with(DEBUG="true")
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(PROJECT / "db.sqlite3")
    assert values["eager"] is True
    assert values["email_backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["email_path"] == str(PROJECT / "var" / "mail")


def test_database_url_selects_postgresql():
    values = settings_with(
        DEBUG="true", DATABASE_URL="postgres://portal:secret@db.internal:5432/innovacoop"
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "innovacoop"
    assert values["host"] == "db.internal"


def test_broker_url_turns_eager_mode_off():
    values = settings_with(DEBUG="true", CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/0"


def test_smtp_is_used_when_an_email_host_is_set():
    values = settings_with(DEBUG="true", EMAIL_HOST="smtp.example.org")
    assert values["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"


def test_production_defaults_when_debug_is_off():
    values = settings_with(
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="portal.example.org",
        SITE_URL="https://portal.example.org/",
    )
    assert values["debug"] is False
    assert values["ssl_redirect"] is True
    assert values["secure_cookies"] is True
    assert values["hsts"] >= 31_536_000
    assert values["allowed_hosts"] == ["portal.example.org"]
    assert values["site_url"] == "https://portal.example.org"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "not a url at all"),
        ("DATABASE_URL", "nosuchdb://host/name"),
        ("CELERY_BROKER_URL", "redis//missing-colon"),
        ("CELERY_BROKER_URL", "redis://127.0.0.1:notaport/0"),
        ("DEBUG", "perhaps"),
    ],
)
def test_malformed_variable_stops_start_up_with_one_line_naming_it(variable, value):
    result = manage("check", **{"DEBUG": "true", variable: value})
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_secret_key_in_production_is_refused():
    result = manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_deploy_check_passes_with_production_environment():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-very-long-and-random-production-secret-key-0123456789-abcdefghijkl",
        ALLOWED_HOSTS="portal.example.org",
        SITE_URL="https://portal.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout
