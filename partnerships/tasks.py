"""Partnership tasks: thin, they call `partnerships.services` and `partnerships.digest`.

Both are safe to run twice. Expiry claims each request by a conditional state change and its
emails go through the delivery ledger with unique keys. The weekly matchmaking digest writes a
MatchmakingDigestRun row per person and week and a unique ledger key per email together, so a
redelivered chunk writes nothing new.
"""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core.batching import chunked
from core.queueing import RELIABLE
from partnerships import digest, services


@shared_task(name="partnerships.expire_requests", ignore_result=True)
def expire_requests():
    """Periodic: move the published requests past their deadline to expired."""
    return services.requests_expire()


@shared_task(name="partnerships.send_matchmaking_digests", **RELIABLE)
def send_matchmaking_digests(at=None):
    """Periodic (Monday morning): split the receiving people into chunks and queue them."""
    at = at or timezone.now().isoformat()
    user_ids = digest.digest_user_ids()
    for batch in chunked(user_ids, digest.CHUNK_SIZE):
        build_matchmaking_digest_chunk.apply_async(
            args=[batch, at], queue=settings.FUNDING_ALERTS_QUEUE
        )
    return len(user_ids)


@shared_task(name="partnerships.build_matchmaking_digest_chunk", **RELIABLE)
def build_matchmaking_digest_chunk(user_ids, at=None):
    """Write the digests of up to digest.CHUNK_SIZE people (the same `at` for a whole run)."""
    at = datetime.datetime.fromisoformat(at) if at else timezone.now()
    return digest.digests_build(user_ids=user_ids, at=at)
