"""Staff tasks: thin, they call `staff.digest`. Safe to run twice (one ledger key per
person and day)."""

from celery import shared_task

from core.queueing import RELIABLE
from staff import digest


@shared_task(name="staff.send_work_digests", **RELIABLE)
def send_work_digests():
    """Periodic (every morning): the daily email of work waiting, when work arrived."""
    return digest.work_digests_send()
