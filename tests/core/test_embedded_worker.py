"""The embedded default runs its scheduled jobs on its own: the worker `scripts/run` starts
(with the beat schedule, on the file broker, over SQLite) sends a deadline reminder that is
due, and nobody runs a command for it.

The test builds a portal of its own in a temporary folder (database, broker, mail folder),
as `scripts/run` does, follows a call whose deadline is in three days, and sets the
reminders' job to run every few seconds (as staff could in the admin); then it starts the
worker exactly as `scripts/run` does and waits for the email to appear in the mail folder.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
CELERY = Path(sys.executable).with_name("celery")

SETUP = """
import datetime
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from tests.core.factories import UserFactory
from tests.funding.factories import CallFactory, FollowFactory

person = UserFactory(email="anna@coop.example", verified=True)
call = CallFactory(
    title="Bando con promemoria",
    deadlines=[timezone.now() + datetime.timedelta(days=3)],
)
FollowFactory(user=person, call=call)
every_two = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS)
job = PeriodicTask.objects.get(name="funding-deadline-reminders")
job.crontab, job.interval = None, every_two
job.save()
print("ready")
"""


def _env(folder):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "CELERY_", "SECRET_KEY", "EMAIL_"))
    }
    env.update(
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        CELERY_BROKER_URL="filesystem://localhost/",
        CELERY_BROKER_FOLDER=str(folder / "broker"),
        EMAIL_FILE_PATH=str(folder / "mail"),
        DJANGO_SETTINGS_MODULE="innovacoop.settings",
    )
    return env


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )


def _worker_command():
    """The worker line of scripts/run, read from the script so the two cannot drift."""
    script = (BASE / "scripts" / "run").read_text()
    start = script.index(".venv/bin/celery -A innovacoop worker")
    line = script[start : script.index(">", start)].replace("\\\n", " ")
    words = line.split()
    assert words[0] == ".venv/bin/celery" and "--beat" in words
    return [str(CELERY), *[word.strip('"') for word in words[1:]]]


def _reminder_files(mail):
    if not mail.exists():
        return []
    return [path for path in mail.iterdir() if "Bando con promemoria" in path.read_text()]


@pytest.mark.skipif(not CELERY.exists(), reason="celery is not installed in this environment")
def test_the_embedded_worker_sends_a_due_reminder_without_a_command(tmp_path):
    env = _env(tmp_path)
    _manage(env, "migrate", "--noinput", "-v", "0")
    assert "ready" in _manage(env, "shell", "-c", SETUP).stdout
    worker = subprocess.Popen(
        _worker_command(),
        cwd=BASE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not _reminder_files(tmp_path / "mail"):
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(1)
        found = _reminder_files(tmp_path / "mail")
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert found, f"no reminder was sent; the worker said:\n{output[-4000:]}"
    message = found[0].read_text()
    assert "anna@coop.example" in message
    # The job ran again and again meanwhile: the ledger key kept it to one email.
    assert len(found) == 1
