from celery import shared_task


@shared_task(name="innovacoop.ping")
def ping():
    """Round trip through the broker and a worker; used by operators and the broker tests."""
    return "pong"
