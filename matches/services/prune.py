"""The daily prune: rows of closed calls and of closed or answered requests deleted."""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from matches import engine
from matches.models import CallMatch, RequestMatch
from matches.services.outbox import COOPERATIVE, refresh_record
from matches.services.ranking import open_requests, row_counts, short_lists
from partnerships.models import ExpressionOfInterest


def matches_prune(*, at=None):
    """Daily: delete the rows of closed calls and of closed or answered requests, and queue
    a refresh of the cooperatives left with fewer visible rows than a page shows. Returns
    (call rows, request rows) deleted."""
    at = at or timezone.now()
    closed_calls = CallMatch.objects.exclude(call_id__in=engine.gated_calls(at).values("pk"))
    answered = ExpressionOfInterest.objects.filter(
        request_id=OuterRef("request_id"), cooperative_id=OuterRef("cooperative_id")
    )
    closed_requests = RequestMatch.objects.filter(
        ~Q(request_id__in=open_requests(at).values("pk")) | Q(Exists(answered))
    )
    touched_calls = set(closed_calls.values_list("cooperative_id", flat=True).distinct())
    touched_requests = set(closed_requests.values_list("cooperative_id", flat=True).distinct())
    call_counts = row_counts(CallMatch, touched_calls)
    request_counts = row_counts(RequestMatch, touched_requests, in_cooperative_top=True)
    with transaction.atomic():
        calls_deleted, _ = closed_calls.delete()
        requests_deleted, _ = closed_requests.delete()
        refresh_record(
            COOPERATIVE,
            set(short_lists(CallMatch, touched_calls, call_counts))
            | set(short_lists(RequestMatch, touched_requests, request_counts)),
        )
    return calls_deleted, requests_deleted
