"""Tasks of the email ledger: thin, they call `core.sending`."""

import logging

from celery import shared_task

from core import sending
from core.queueing import RELIABLE

logger = logging.getLogger(__name__)


# The task names keep the "innovacoop." prefix: messages queued before the move, and the
# beat schedules stored in the database, name them so.
@shared_task(name="innovacoop.ping")
def ping():
    """Round trip through the broker and a worker; used by operators and the broker tests."""
    return "pong"


# The senders take no arguments and claim their rows from the ledger, so a redelivered or
# duplicated message is harmless: acks_late + reject_on_worker_lost make a killed worker's
# message go to another worker, which finds whatever rows are still due.
@shared_task(name="innovacoop.send_queued_deliveries", **RELIABLE)
def send_queued_deliveries():
    """Send due emails from the ledger in bounded batches; chain another run if more are due."""
    sent, remaining = sending.delivery_send_due()
    if send_queued_deliveries.app.conf.task_always_eager:
        # In-process (no broker): finish the job here. Each pass sends, fails or backs off
        # every row it takes, so the loop ends.
        while remaining:
            more, remaining = sending.delivery_send_due()
            sent += more
    elif remaining:
        send_queued_deliveries.apply_async(countdown=1)
    return sent


@shared_task(name="innovacoop.sweep_deliveries", ignore_result=True)
def sweep_deliveries():
    """Periodic: re-queue rows a dead worker left behind, then send whatever is due."""
    requeued, failed = sending.delivery_sweep()
    if requeued or failed:
        logger.info("Delivery sweep: %s re-queued, %s failed", requeued, failed)
    send_queued_deliveries.delay()
