"""Partnership tasks: thin, they call `partnerships.services`.

Expiry is safe to run twice: each request is claimed by a conditional state change and its
emails go through the delivery ledger with unique keys.
"""

from celery import shared_task

from partnerships import services


@shared_task(name="partnerships.expire_requests", ignore_result=True)
def expire_requests():
    """Periodic: move the published requests past their deadline to expired."""
    return services.requests_expire()


# --- Weekly matchmaking digest (helper B) ---------------------------------------------------
# Safe to run twice: a MatchmakingDigestRun row per person and week and a unique ledger key
# per email, written together, so a redelivered chunk writes nothing new.

DIGEST_TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@shared_task(name="partnerships.send_matchmaking_digests", **DIGEST_TASK_OPTIONS)
def send_matchmaking_digests(at=None):
    """Periodic (Monday morning): split the receiving people into chunks and queue them."""
    from django.conf import settings
    from django.utils import timezone

    from partnerships import digest

    at = at or timezone.now().isoformat()
    user_ids = digest.digest_user_ids()
    for batch in digest.chunked(user_ids, digest.CHUNK_SIZE):
        build_matchmaking_digest_chunk.apply_async(
            args=[batch, at], queue=settings.FUNDING_ALERTS_QUEUE
        )
    return len(user_ids)


@shared_task(name="partnerships.build_matchmaking_digest_chunk", **DIGEST_TASK_OPTIONS)
def build_matchmaking_digest_chunk(user_ids, at=None):
    """Write the digests of up to digest.CHUNK_SIZE people (the same `at` for a whole run)."""
    import datetime

    from django.utils import timezone

    from partnerships import digest

    at = datetime.datetime.fromisoformat(at) if at else timezone.now()
    return digest.digests_build(user_ids=user_ids, at=at)
