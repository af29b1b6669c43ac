"""Match refresh tasks: the doorbell after a change, and the periodic sweep.

The work is in the database (`MatchRefresh` rows); a lost message only delays it until the
sweep, every minute. Processing is idempotent, so a redelivered message is harmless.
"""

from celery import shared_task

from matches.services.processing import refreshes_process, refreshes_sweep
from matches.services.prune import matches_prune


@shared_task(name="matches.process_refreshes", acks_late=True, ignore_result=True)
def process_match_refreshes():
    """Process the pending refreshes (queued after the commit that recorded them)."""
    return refreshes_process()


@shared_task(name="matches.prune", ignore_result=True)
def prune_matches():
    """Daily: drop rows of closed calls and closed or answered requests; refill the lists
    that fell below what a page shows (`matches_prune`)."""
    return matches_prune()


@shared_task(name="matches.sweep_refreshes", ignore_result=True)
def sweep_match_refreshes():
    """Periodic: refreshes whose task the broker lost, or whose worker died."""
    return refreshes_sweep()
