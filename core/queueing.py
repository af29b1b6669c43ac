"""Queuing Celery tasks: the options of reliable tasks, and queuing that never breaks a change.

Every task the portal queues from a change has its work in the database (an outbox row, a
ledger row, a dispatch), and a periodic sweep finds what a lost message left undone. So
queuing is a doorbell: it happens after the change commits (a task must not run before the
rows it reads exist, nor for a change that was rolled back), and a broker that refuses it is
logged, not raised. Tests run tasks eagerly (CELERY_TASK_ALWAYS_EAGER): `queue` runs the
task there and then.
"""

import logging

from celery import current_app
from django.db import connection, transaction

logger = logging.getLogger(__name__)

# For tasks that are safe to run twice: the message is acknowledged once the task finished,
# and a killed worker's message goes to another worker.
RELIABLE = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


def queue(task, *args, **options):
    """Queue `task(*args)` now; True if the broker took it. `options` go to `apply_async`.

    `task` is a task or its registered name ("matches.process_refreshes"). Services queue
    their own app's tasks by name: the tasks module imports the services, never the reverse,
    and each app's `AppConfig.ready` imports its tasks module, so every process (web workers
    included) has them registered.
    """
    name = task if isinstance(task, str) else task.name
    try:
        if isinstance(task, str):
            task = current_app.tasks[task]
        task.apply_async(args=list(args), **options)
    except Exception:
        logger.warning("Could not queue %s%s; the sweep will", name, args, exc_info=True)
        return False
    return True


def after_commit(func, *args, once=False):
    """Call `func(*args)` once the current transaction commits (at once outside one).

    `func` is a module's queuing function (`kick_sender`, `queue_dispatch`...), looked up
    when the change is made, so a caller can replace it (the benchmarks do). With
    `once=True`, several requests in one transaction ring once: an outbox's doorbell.
    """
    key = (func, args)
    if once and any(
        getattr(callback, "after_commit_key", None) == key
        for _savepoints, callback, *_rest in connection.run_on_commit
    ):
        return

    def callback():
        func(*args)

    callback.after_commit_key = key
    transaction.on_commit(callback)
