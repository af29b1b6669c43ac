"""Tasks through a real broker and worker: runs where CELERY_BROKER_URL is set (CI on PostgreSQL)."""

import pytest
from django.conf import settings

from innovacoop.celery import app
from innovacoop.tasks import ping


def test_without_a_broker_tasks_run_eagerly_in_process():
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("a broker is configured: eager mode is off in this run")
    assert ping.delay().get(timeout=1) == "pong"


@pytest.mark.broker
def test_a_real_worker_answers_through_the_broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("no CELERY_BROKER_URL: tasks run eagerly, there is no worker to reach")
    replies = app.control.ping(timeout=5.0)
    assert replies, "no Celery worker answered the broadcast ping"
