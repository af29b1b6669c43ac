"""A reader's catch-up: before a page reads stored matches, what the pending refreshes
would change for what it reads is applied, so a page is never wrong because a task was
lost or is still queued (`matches.readers` calls `pending_pairs_apply` first)."""

from collections import defaultdict

from django.db.models import Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from matches import engine
from matches.models import MatchCatchUp, MatchRefresh
from matches.services.call_matches import call_matches_refresh
from matches.services.cooperative_matches import cooperative_matches_refresh
from matches.services.outbox import CALL, COOPERATIVE, REQUEST, run_claimed
from matches.services.pairs import PairsContext, call_pairs_refresh, request_pairs_refresh
from matches.services.ranking import open_requests
from matches.services.request_matches import request_matches_refresh
from partnerships.models import PartnershipRequest


def pending_pairs_apply(*, cooperative_ids=(), request_ids=None, call_ids=None, at=None):
    """Before reading stored matches: apply what the pending refreshes would change for what
    is read, so a page is never wrong because a task was lost or is still queued. One query
    when nothing is pending, a fixed number otherwise.

    Read are the pairs of `cooperative_ids` with `call_ids` and `request_ids` (None: every
    open one). The rows stay pending (the worker still does their whole scope), except that
    a single cooperative's own refresh, or a single request's, is done here whole.
    """
    cooperative_ids = set(cooperative_ids)
    single = len(cooperative_ids) == 1 and call_ids is None and request_ids is None
    pending = MatchRefresh.objects.pending()
    if single:
        seen = MatchCatchUp.objects.filter(cooperative_id=next(iter(cooperative_ids)))
        pending = pending.filter(
            pk__gt=Coalesce(Subquery(seen.values("last_refresh_id")[:1]), Value(0))
        )
    pending = list(pending.values_list("pk", "kind", "object_id"))
    if not pending:
        return
    at = at or timezone.now()
    by_kind = defaultdict(set)
    for _pk, kind, object_id in pending:
        by_kind[kind].add(object_id)
    if single:
        [cooperative_id] = cooperative_ids
        if cooperative_id in by_kind[COOPERATIVE]:
            run_claimed(COOPERATIVE, cooperative_ids, cooperative_matches_refresh, at)
        else:
            _pairs_apply(cooperative_ids, call_ids, request_ids, by_kind, at)
        MatchCatchUp.objects.update_or_create(
            cooperative_id=cooperative_id, defaults={"last_refresh_id": max(p[0] for p in pending)}
        )
        return
    if not cooperative_ids and request_ids is not None and len(request_ids) == 1:
        owners = set(
            PartnershipRequest.objects.filter(pk__in=list(request_ids)).values_list(
                "owner_id", flat=True
            )
        )
        if set(request_ids) & by_kind[REQUEST] or owners & by_kind[COOPERATIVE]:
            run_claimed(REQUEST, request_ids, request_matches_refresh, at)
        else:
            request_pairs_refresh(by_kind[COOPERATIVE], request_ids, at=at)
        return
    _pairs_apply(cooperative_ids, call_ids, request_ids, by_kind, at)


def _pairs_apply(cooperative_ids, call_ids, request_ids, by_kind, at):
    changed = cooperative_ids & by_kind[COOPERATIVE]
    unchanged = cooperative_ids - changed
    shared = {"at": at, "context": PairsContext(cooperative_ids)}
    # Calls: every call read for a changed cooperative; the changed calls for the others.
    if call_ids is None:
        if changed:
            call_pairs_refresh(
                changed, engine.gated_calls(at).values_list("pk", flat=True), **shared
            )
        call_pairs_refresh(unchanged, by_kind[CALL], **shared)
    else:
        call_pairs_refresh(changed, call_ids, **shared)
        call_pairs_refresh(unchanged, set(call_ids) & by_kind[CALL], **shared)
    # Requests: a request's facts change with it and with its owner's profile.
    touched = open_requests(at).filter(
        Q(pk__in=by_kind[REQUEST]) | Q(owner_id__in=by_kind[COOPERATIVE])
    )
    if request_ids is not None:
        touched = touched.filter(pk__in=list(request_ids))
    if changed:
        every = open_requests(at) if request_ids is None else open_requests(at, request_ids)
        request_pairs_refresh(changed, every.values_list("pk", flat=True), **shared)
    request_pairs_refresh(unchanged, touched.values_list("pk", flat=True), **shared)


def pending_calls_refresh(call_ids, *, at=None):
    """Refresh whole, now, those of these calls whose refresh is pending (an alert run)."""
    pending = set(
        MatchRefresh.objects.pending()
        .filter(kind=CALL, object_id__in=list(call_ids))
        .values_list("object_id", flat=True)
    )
    run_claimed(CALL, pending, call_matches_refresh, at)
