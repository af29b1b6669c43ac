"""When tasks run: after the commit of the change that queued them, never for a rolled-back one;
and through a real broker and worker where CELERY_BROKER_URL is set (CI on PostgreSQL)."""

import pytest
from celery.signals import task_postrun
from django.conf import settings
from django.db import transaction

from core.queueing import after_commit, queue
from core.tasks import ping
from innovacoop.celery import app

# What the eager test here used to check (tasks run in process without a broker) could not
# fail: the autouse fixture in tests/conftest.py forces eager mode. That production settings
# with a broker do not run tasks eagerly is tests/core/test_settings_env.py's
# `test_broker_url_turns_eager_mode_off`; what matters in process is *when* a task runs.


@pytest.fixture
def finished_tasks():
    """Names and results of the tasks that ran while the test did (eager ones too)."""
    finished = []

    def record(sender=None, retval=None, **kwargs):
        finished.append((sender.name, retval))

    task_postrun.connect(record, weak=False)
    yield finished
    task_postrun.disconnect(record)


@pytest.mark.django_db
def test_a_task_queued_inside_a_transaction_runs_only_after_the_commit(
    django_capture_on_commit_callbacks, finished_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            after_commit(queue, ping)
            assert finished_tasks == []
        assert finished_tasks == []  # committed inside the test's transaction: not yet
    assert finished_tasks == [(ping.name, "pong")]


@pytest.mark.django_db
def test_a_task_queued_by_a_change_rolled_back_never_runs(
    django_capture_on_commit_callbacks, finished_tasks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        after_commit(queue, ping)
        raise RuntimeError("the change fails")
    assert finished_tasks == []


@pytest.mark.broker
def test_a_real_worker_answers_through_the_broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("no CELERY_BROKER_URL: tasks run eagerly, there is no worker to reach")
    replies = app.control.ping(timeout=5.0)
    assert replies, "no Celery worker answered the broadcast ping"
