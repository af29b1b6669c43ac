"""Keeping the stored matches: the outbox, scoped refreshes, the full rebuild, the daily
prune, and the catch-up a reader does before it reads.

What is kept is each cooperative's best `CALLS_KEPT` calls and best `REQUESTS_KEPT`
requests, and each request's best `CANDIDATES_KEPT` cooperatives (`matches.engine`), not
every pair: pages show 10 or 20 rows, the slack absorbs dismissals and closings. So the
cooperative-profile alert and the weekly digest announce a new call or request to a
cooperative when it is among that cooperative's best 50 (or, for a request, the cooperative
is among the request's best 50 candidates): a cooperative with more matches than that hears
about the best ones, which is the point of a profile alert.

Scopes (all scoring on compact facts, `matches.engine`):
- a call: scored against every active cooperative it can share something with; it enters
  a cooperative's kept calls where it beats the cooperative's K-th (one window query) and
  pushes that one out; where an edit lowers it to the bottom of a full list, an unkept call
  may now rank above it, so that cooperative is refreshed (queued);
- a cooperative: its kept calls and requests recomputed, and whether it enters each
  request's best candidates; its own requests queued (their facts read their owner);
- a request: its best candidates recomputed, and whether it enters each cooperative's kept
  requests;
- a project: its participants' requests and the requests on its call (queued as requests);
- the daily prune (`matches_prune`): rows of closed calls and closed or answered requests
  deleted, and the cooperatives left with fewer visible rows than a page shows refreshed.

Approximations, all repaired by the next refresh of the cooperative or request: a call's or
request's order among equals reads the stored next deadline (`Call.next_deadline_at`) and
Python's lower-casing of names; a request's candidate list is not refilled when candidates
drop out (its page shows 20 of 50). Every refresh is idempotent.

Readers (`matches.readers`) call `pending_pairs_apply` first, so a page is right even when a
refresh task was lost or has not run yet.
"""

import heapq
import io
import json
import logging
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, Lower, RowNumber
from django.utils import timezone

from core.batching import chunked
from core.queueing import after_commit, queue
from funding.matching import call_fit
from matches import engine
from matches.engine import CALLS_KEPT, CANDIDATES_KEPT, REQUESTS_KEPT, SHOWN
from matches.models import CallMatch, MatchCatchUp, MatchRefresh, RequestMatch
from partnerships.models import DismissedSuggestion, ExpressionOfInterest, PartnershipRequest

logger = logging.getLogger(__name__)

PROCESS_TASK = "matches.process_refreshes"
CHUNK = 1000  # cooperatives scored per transaction in the rebuild
BATCH = 5000  # rows per INSERT
COOPERATIVE_TOP = {"in_cooperative_top": True, "in_request_top": False}
INSERT_ROWS = 1000  # rows per raw INSERT (7,000 parameters: within SQLite's limit)
MAX_ATTEMPTS = 5
STALE_AFTER = timezone.timedelta(minutes=10)  # a claimed row not done by then: worker died
SWEEP_AFTER = timezone.timedelta(minutes=1)  # a pending row this old: its task was lost

CALL, REQUEST, COOPERATIVE = (
    MatchRefresh.Kind.CALL,
    MatchRefresh.Kind.REQUEST,
    MatchRefresh.Kind.COOPERATIVE,
)


# --- The outbox ------------------------------------------------------------------------------


def refresh_record(kind, object_ids):
    """Record that these objects changed (one pending row each), and ring the task after
    commit. Inside the caller's transaction: rolled back with it."""
    object_ids = sorted({pk for pk in object_ids if pk})
    if not object_ids:
        return
    MatchRefresh.objects.bulk_create(
        [MatchRefresh(kind=kind, object_id=pk) for pk in object_ids], ignore_conflicts=True
    )
    # One doorbell per transaction, however many rows it records.
    after_commit(queue_processing, once=True)


def queue_processing():
    """Queue the task; losing it is safe: `refreshes_sweep` finds the rows every minute."""
    queue("matches.process_refreshes")


def _claimable(now):
    return MatchRefresh.objects.pending().filter(
        Q(started_at__isnull=True) | Q(started_at__lt=now - STALE_AFTER),
        attempts__lt=MAX_ATTEMPTS,
    )


REFRESHERS = {}  # kind -> function(object_id)


def refreshes_process(*, older_than=None, limit=500, now=None):
    """Process pending refreshes (cooperatives first: they queue their requests), each
    claimed by a conditional update before its work. Returns the number done."""
    now = now or timezone.now()
    done = 0
    rows = _claimable(now)
    if older_than is not None:
        rows = rows.filter(created_at__lte=now - older_than)
    order = {COOPERATIVE: 0, CALL: 1, REQUEST: 2}
    found = sorted(
        rows.values_list("pk", "kind", "object_id", "started_at")[:limit],
        key=lambda row: (order[row[1]], row[0]),
    )
    for pk, kind, object_id, started_at in found:
        claimed = MatchRefresh.objects.filter(pk=pk, started_at=started_at, done_at__isnull=True)
        if not claimed.update(started_at=timezone.now(), attempts=F("attempts") + 1):
            continue  # another worker took it
        try:
            REFRESHERS[kind](object_id)
        except Exception as error:
            logger.exception("Match refresh %s %s failed", kind, object_id)
            MatchRefresh.objects.filter(pk=pk).update(last_error=repr(error)[:2000])
            continue
        MatchRefresh.objects.filter(pk=pk).update(done_at=timezone.now(), last_error="")
        done += 1
    return done


def refreshes_sweep(*, now=None):
    """Periodic: rows whose task was lost (pending a minute) or whose worker died."""
    return refreshes_process(older_than=SWEEP_AFTER, now=now)


def _run_claimed(kind, object_ids, refresh, at):
    """Run `refresh(object_id)` for each object, its pending rows claimed first and marked
    done after: a change recorded meanwhile adds a new pending row, so none is lost."""
    object_ids = sorted(set(object_ids))
    now = timezone.now()
    rows = MatchRefresh.objects.pending().filter(kind=kind, object_id__in=object_ids)
    claimed = list(rows.values_list("pk", flat=True))
    MatchRefresh.objects.filter(pk__in=claimed).update(started_at=now, attempts=F("attempts") + 1)
    for object_id in object_ids:
        refresh(object_id, at=at)
    MatchRefresh.objects.filter(pk__in=claimed).update(done_at=timezone.now(), last_error="")


# --- Ranking helpers -------------------------------------------------------------------------


def _call_order():
    return [F("score").desc(), F("call__next_deadline_at").asc(nulls_last=True), F("call_id")]


def _request_order():
    return [F("score").desc(), Lower("request__title"), F("request_id")]


def _candidate_order():
    return [F("score").desc(), Lower("cooperative__legal_name"), F("cooperative_id")]


def _ranked_tail(queryset, partition, order, first_rank, tie_field, object_field):
    """{partition id: {rank: (row pk, score, tie, object id)}} for the rows ranked
    `first_rank` or worse in each partition (one window query)."""
    tail = defaultdict(dict)
    ranked = queryset.annotate(
        rank=Window(RowNumber(), partition_by=[F(partition)], order_by=order)
    ).filter(rank__gte=first_rank)
    for part, rank, pk, score, tie, object_id in ranked.values_list(
        partition, "rank", "pk", "score", tie_field, object_field
    ):
        tail[part][rank] = (pk, score, tie, object_id)
    return tail


def _call_tie(deadline):
    return deadline.timestamp() if deadline is not None else engine.NO_DEADLINE


def _text_tie(text):
    return (text or "").lower()


def _enter_tops(scored, previous, tail, size, tie):
    """Where one subject (a call, a request, a cooperative) stands in each object's kept
    list. `scored`: {object: sort key of the subject}; `previous`: {object: stored score}
    for the objects that kept it; `tail`: `_ranked_tail` of the others, from rank size - 1.

    Returns (objects keeping it, row pks pushed out, objects to refresh: an edit lowered it
    to the bottom of a full list, where an unkept item may now rank above it)."""
    keep, pushed, refresh = set(), [], set()
    for obj, key in scored.items():
        ranks = tail.get(obj, {})
        if obj in previous:
            keep.add(obj)
            bottom = ranks.get(size - 1)
            if bottom and key > _key(bottom, tie) and -key[0] < previous[obj]:
                refresh.add(obj)
        elif size in ranks and key > _key(ranks[size], tie):
            continue  # the K-th of the others ranks above it
        else:
            keep.add(obj)
        pushed.extend(row[0] for rank, row in ranks.items() if rank >= size)
    return keep, pushed, refresh


def _key(row, tie):
    _pk, score, tie_value, object_id = row
    return (-score, tie(tie_value), object_id)


def _short(model, cooperative_ids, before):
    """Cooperatives left with fewer visible rows than a page shows, that may have more
    matches: their list was full (`before`: {pk: rows before}) or holds hidden rows."""
    cooperative_ids = list(cooperative_ids)
    if not cooperative_ids:
        return []
    rows = model.objects.filter(cooperative_id__in=cooperative_ids)
    if model is RequestMatch:
        rows = rows.filter(in_cooperative_top=True)
    total = dict(
        rows.values("cooperative_id").annotate(n=Count("pk")).values_list("cooperative_id", "n")
    )
    visible = dict(
        rows.visible()
        .values("cooperative_id")
        .annotate(n=Count("pk"))
        .values_list("cooperative_id", "n")
    )
    full = CALLS_KEPT if model is CallMatch else REQUESTS_KEPT
    return [
        pk
        for pk in cooperative_ids
        if visible.get(pk, 0) < SHOWN
        and (before.get(pk, 0) >= full or total.get(pk, 0) > visible.get(pk, 0))
    ]


def _counts(model, cooperative_ids, **extra):
    rows = model.objects.filter(cooperative_id__in=list(cooperative_ids), **extra)
    return dict(
        rows.values("cooperative_id").annotate(n=Count("pk")).values_list("cooperative_id", "n")
    )


def dismissal_recorded(cooperative_id, target_type):
    """A cooperative marked a call or request "not relevant" (hidden in SQL at once): when
    it is left with fewer visible rows of that kind than a page shows, refresh it (the
    refresh leaves dismissed items out of the kept rows, so the list fills up again)."""
    model = {
        DismissedSuggestion.Target.CALL: CallMatch,
        DismissedSuggestion.Target.REQUEST: RequestMatch,
    }.get(target_type)
    if model is not None and _short(model, [cooperative_id], {}):
        refresh_record(COOPERATIVE, [cooperative_id])


def _drop_unkept_requests():
    RequestMatch.objects.filter(in_cooperative_top=False, in_request_top=False).delete()


# --- Call side -------------------------------------------------------------------------------


def call_matches_refresh(call, *, at=None):
    """Score one call against every active cooperative it may be for; keep it where it is
    among a cooperative's best `CALLS_KEPT`, pushing the K-th out. A fixed number of
    queries whatever the number of cooperatives.

    A call not published, closed or closed to Italian cooperatives loses its rows.
    Returns the number of rows stored.
    """
    at = at or timezone.now()
    call_id = getattr(call, "pk", call)
    vocabulary = engine.Vocabulary.load()
    calls = engine.load_calls(at, vocabulary, [call_id])
    previous = dict(
        CallMatch.objects.filter(call_id=call_id).values_list("cooperative_id", "score")
    )
    if call_id not in calls.facts:
        before = _counts(CallMatch, previous)
        with transaction.atomic():
            CallMatch.objects.filter(call_id=call_id).delete()
            refresh_record(COOPERATIVE, _short(CallMatch, previous, before))
        return 0
    facts = calls.facts[call_id]
    cooperatives = engine.load_cooperatives(vocabulary)
    index = engine.CooperativeIndex(cooperatives, vocabulary)
    hidden = set(
        DismissedSuggestion.objects.filter(
            request__isnull=True, target_type=DismissedSuggestion.Target.CALL, target_id=call_id
        ).values_list("cooperative_id", flat=True)
    )
    fits = {
        pk: call_fit(facts, cooperatives[pk].profile)
        for pk in index.for_call(facts)
        if pk not in hidden
    }
    scored = {pk: calls.key(score, call_id) for pk, (score, _codes) in fits.items()}
    tail = _ranked_tail(
        CallMatch.objects.exclude(call_id=call_id).filter(
            cooperative_id__in=_candidates_with_full_lists(CallMatch, scored, CALLS_KEPT - 1)
        ),
        "cooperative_id",
        _call_order(),
        CALLS_KEPT - 1,
        "call__next_deadline_at",
        "call_id",
    )
    keep, pushed, refresh = _enter_tops(scored, previous, tail, CALLS_KEPT, _call_tie)
    lost = set(previous) - keep
    before = _counts(CallMatch, lost)
    rows = [
        CallMatch(
            cooperative_id=pk,
            call_id=call_id,
            score=fits[pk][0],
            reasons=fits[pk][1],
            computed_at=at,
        )
        for pk in sorted(keep)
    ]
    with transaction.atomic():
        CallMatch.objects.filter(call_id=call_id).delete()
        CallMatch.objects.bulk_create(rows, batch_size=BATCH)
        for pks in chunked(pushed, BATCH):
            CallMatch.objects.filter(pk__in=pks).delete()
        refresh_record(COOPERATIVE, refresh | set(_short(CallMatch, lost, before)))
    return len(rows)


def _candidates_with_full_lists(model, object_ids, at_least, **extra):
    """Of these cooperatives, those with at least `at_least` rows (the only ones a window
    tail can concern): narrows the window query to the lists that are full."""
    counts = (
        model.objects.filter(**extra)
        .values("cooperative_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=at_least)
        .values_list("cooperative_id", flat=True)
    )
    return sorted(set(counts) & set(object_ids))


REFRESHERS[CALL] = call_matches_refresh


def _call_top(cooperative, calls, index, vocabulary, hidden):
    """A cooperative's best `CALLS_KEPT` calls: [(cooperative, call, score, codes)]."""
    facts, deadline, profile, pk_of = (
        calls.facts,
        calls.deadline,
        cooperative.profile,
        cooperative.pk,
    )
    candidates = index.for_cooperative(cooperative, vocabulary)
    if hidden.calls:
        candidates = {pk for pk in candidates if (pk_of, pk) not in hidden.calls}
    # Ranked on the score alone, then the codes of the kept ones (the same function).
    no_deadline = engine.NO_DEADLINE
    ranked = [
        (-call_fit(facts[pk], profile, with_codes=False)[0], deadline.get(pk, no_deadline), pk)
        for pk in candidates
    ]
    rows = []
    for _order, _deadline, pk in engine.best(ranked, CALLS_KEPT, key=None):
        score, codes = call_fit(facts[pk], profile)
        rows.append((pk_of, pk, score, codes))
    return rows


def _call_instances(rows, at):
    return [
        CallMatch(cooperative_id=c, call_id=o, score=s, reasons=r, computed_at=at)
        for c, o, s, r in rows
    ]


def _fast_insert(model, rows, at, flags=None):
    """INSERT rows (cooperative, object, score, codes) with one multi-row statement per
    `INSERT_ROWS` rows and no model instances (the rebuild writes about a million); `flags`:
    {column: value} set on every row. Returns an empty list (the caller's next batch)."""
    if not rows:
        return []
    table = model._meta.db_table
    other = "call_id" if model is CallMatch else "request_id"
    flags = flags or {}
    columns = ["cooperative_id", other, "score", "reasons", "computed_at", *flags]
    quote = connection.ops.quote_name
    stamp = connection.ops.adapt_datetimefield_value(at)
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    flag_values = tuple(flags.values())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: about five times faster than multi-row INSERTs at this volume.
            text = io.StringIO()
            tail = "".join("\t" + ("t" if value else "f") for value in flag_values)
            when = at.isoformat()
            for cooperative_id, object_id, score, codes in rows:
                reasons = json.dumps(codes).replace("\\", "\\\\")
                text.write(f"{cooperative_id}\t{object_id}\t{score}\t{reasons}\t{when}{tail}\n")
            text.seek(0)
            cursor.cursor.copy_expert(
                f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN",
                text,
            )
            return []
        for batch in chunked(rows, INSERT_ROWS):
            params = []
            for cooperative_id, object_id, score, codes in batch:
                params.extend((cooperative_id, object_id, score, json.dumps(codes), stamp))
                params.extend(flag_values)
            cursor.execute(
                f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
                f"VALUES {', '.join([placeholder] * len(batch))}",
                params,
            )
    return []


def _trim_calls(cooperative_ids):
    """Delete each of these cooperatives' rows beyond its `CALLS_KEPT` best."""
    tail = _ranked_tail(
        CallMatch.objects.filter(cooperative_id__in=list(cooperative_ids)),
        "cooperative_id",
        _call_order(),
        CALLS_KEPT + 1,
        "call__next_deadline_at",
        "call_id",
    )
    pks = [row[0] for ranks in tail.values() for row in ranks.values()]
    CallMatch.objects.filter(pk__in=pks).delete()


class PairsContext:
    """What the pair refreshes of one catch-up share, loaded once on first use: the
    vocabulary, the cooperatives read and what they hid."""

    def __init__(self, cooperative_ids):
        self.cooperative_ids = sorted(set(cooperative_ids))
        self._vocabulary = self._cooperatives = self._hidden = None

    @property
    def vocabulary(self):
        if self._vocabulary is None:
            self._vocabulary = engine.Vocabulary.load()
        return self._vocabulary

    def cooperatives(self, ids):
        if self._cooperatives is None:
            self._cooperatives = engine.load_cooperatives(self.vocabulary, ids=self.cooperative_ids)
        return [self._cooperatives[pk] for pk in sorted(ids) if pk in self._cooperatives]

    @property
    def hidden(self):
        if self._hidden is None:
            self._hidden = engine.Hidden(self.cooperative_ids)
        return self._hidden


def call_pairs_refresh(cooperative_ids, call_ids, *, at=None, context=None):
    """Replace the rows of these pairs (a reader's catch-up), then trim each cooperative to
    its best `CALLS_KEPT`: a fixed number of queries."""
    at = at or timezone.now()
    cooperative_ids, call_ids = sorted(set(cooperative_ids)), sorted(set(call_ids))
    if not cooperative_ids or not call_ids:
        return 0
    context = context or PairsContext(cooperative_ids)
    vocabulary = context.vocabulary
    calls = engine.load_calls(at, vocabulary, call_ids)
    index = engine.CallIndex(calls.facts)
    rows = []
    for cooperative in context.cooperatives(cooperative_ids):
        rows.extend(_call_top(cooperative, calls, index, vocabulary, context.hidden))
    with transaction.atomic():
        CallMatch.objects.filter(cooperative_id__in=cooperative_ids, call_id__in=call_ids).delete()
        CallMatch.objects.bulk_create(_call_instances(rows, at), batch_size=BATCH)
        if rows:
            _trim_calls(cooperative_ids)
    return len(rows)


# --- Request side ----------------------------------------------------------------------------


def _open_requests(at, request_ids=None):
    requests = PartnershipRequest.objects.open_for_interest(at)
    if request_ids is not None:
        requests = requests.filter(pk__in=list(request_ids))
    return requests


def _gated_calls(at):
    return engine.gated_calls(at)


def request_matches_refresh(request, *, at=None):
    """Score one request against every active cooperative it may be for: its best
    `CANDIDATES_KEPT` kept, and it kept where it is among a cooperative's best
    `REQUESTS_KEPT` (pushing the K-th out). A request not open for interest loses its rows.
    Returns the number of rows stored."""
    at = at or timezone.now()
    request_id = getattr(request, "pk", request)
    vocabulary = engine.Vocabulary.load()
    cooperatives = engine.load_cooperatives(vocabulary)
    found = engine.load_requests(at, vocabulary, [request_id], owners=cooperatives)
    previous = dict(
        RequestMatch.objects.filter(request_id=request_id, in_cooperative_top=True).values_list(
            "cooperative_id", "score"
        )
    )
    rows = []
    keep, pushed, refresh = set(), [], set()
    if found:
        facts = found[0]
        hidden = engine.Hidden(request_ids=[request_id])
        index = engine.CooperativeIndex(cooperatives, vocabulary)
        fits = {}
        for pk in index.for_request(facts):
            if pk in cooperatives:
                fit = engine.request_fit(facts, cooperatives[pk])
                if fit is not None:
                    fits[pk] = fit
        ranks = engine.name_ranks({pk: cooperatives[pk] for pk in fits})
        candidates = set(
            engine.best(
                [pk for pk in fits if (request_id, pk) not in hidden.candidates],
                CANDIDATES_KEPT,
                key=lambda pk: (-fits[pk][0], ranks[pk]),
            )
        )
        answered = set(
            DismissedSuggestion.objects.filter(
                request__isnull=True,
                target_type=DismissedSuggestion.Target.REQUEST,
                target_id=request_id,
            ).values_list("cooperative_id", flat=True)
        ) | set(
            ExpressionOfInterest.objects.filter(request_id=request_id).values_list(
                "cooperative_id", flat=True
            )
        )
        scored = {
            pk: engine.request_key(score, facts)
            for pk, (score, _codes) in fits.items()
            if pk not in answered
        }
        tail = _ranked_tail(
            RequestMatch.objects.exclude(request_id=request_id).filter(
                in_cooperative_top=True,
                cooperative_id__in=_candidates_with_full_lists(
                    RequestMatch, scored, REQUESTS_KEPT - 1, in_cooperative_top=True
                ),
            ),
            "cooperative_id",
            _request_order(),
            REQUESTS_KEPT - 1,
            "request__title",
            "request_id",
        )
        keep, pushed, refresh = _enter_tops(scored, previous, tail, REQUESTS_KEPT, _text_tie)
        rows = [
            RequestMatch(
                cooperative_id=pk,
                request_id=request_id,
                score=fits[pk][0],
                reasons=fits[pk][1],
                computed_at=at,
                in_cooperative_top=pk in keep,
                in_request_top=pk in candidates,
            )
            for pk in sorted(keep | candidates)
        ]
    lost = set(previous) - keep
    before = _counts(RequestMatch, lost, in_cooperative_top=True)
    with transaction.atomic():
        RequestMatch.objects.filter(request_id=request_id).delete()
        RequestMatch.objects.bulk_create(rows, batch_size=BATCH)
        for pks in chunked(pushed, BATCH):
            RequestMatch.objects.filter(pk__in=pks).update(in_cooperative_top=False)
        if pushed:
            _drop_unkept_requests()
        refresh_record(COOPERATIVE, refresh | set(_short(RequestMatch, lost, before)))
    return len(rows)


REFRESHERS[REQUEST] = request_matches_refresh


def _request_top(cooperative, candidates, hidden):
    """A cooperative's best `REQUESTS_KEPT` requests ([(cooperative, request, score,
    codes)]), and the fits of every request it can score with ({request pk: (score, codes,
    facts)})."""
    fits = {}
    for facts in candidates:
        fit = engine.request_fit(facts, cooperative)
        if fit is not None:
            fits[facts.request.pk] = (*fit, facts)
    top = engine.best(
        [pk for pk in fits if (cooperative.pk, pk) not in hidden.requests],
        REQUESTS_KEPT,
        key=lambda pk: engine.request_key(fits[pk][0], fits[pk][2]),
    )
    return [(cooperative.pk, pk, fits[pk][0], fits[pk][1]) for pk in top], fits


def _request_instances(rows, at, **flags):
    return [
        RequestMatch(cooperative_id=c, request_id=o, score=s, reasons=r, computed_at=at, **flags)
        for c, o, s, r in rows
    ]


def cooperative_matches_refresh(cooperative, *, at=None):
    """One cooperative's kept calls and requests, recomputed; whether it enters each
    request's best candidates; its own open requests queued (their facts read their
    owner's profile). An inactive or deleted cooperative loses its rows. A fixed number of
    queries. Returns (call rows, request rows)."""
    at = at or timezone.now()
    cooperative_id = getattr(cooperative, "pk", cooperative)
    vocabulary = engine.Vocabulary.load()
    found = engine.load_cooperatives(vocabulary, ids=[cooperative_id])
    call_rows, request_rows, pushed = [], [], []
    if found:
        cooperative = found[cooperative_id]
        hidden = engine.Hidden([cooperative_id])
        calls = engine.load_calls(at, vocabulary)
        call_rows = _call_instances(
            _call_top(cooperative, calls, engine.CallIndex(calls.facts), vocabulary, hidden), at
        )
        all_facts = engine.load_requests(at, vocabulary)
        candidates = engine.RequestIndex(all_facts).for_cooperative(cooperative)
        top, fits = _request_top(cooperative, candidates, hidden)
        request_rows = _request_instances(top, at)
        # Its place among each request's candidates.
        dismissed = set(
            DismissedSuggestion.objects.filter(
                target_type=DismissedSuggestion.Target.COOPERATIVE, target_id=cooperative_id
            ).values_list("request_id", flat=True)
        )
        name = cooperative.name.lower()
        scored = {
            pk: (-fit[0], name, cooperative_id) for pk, fit in fits.items() if pk not in dismissed
        }
        previous = dict(
            RequestMatch.objects.filter(
                cooperative_id=cooperative_id, in_request_top=True
            ).values_list("request_id", "score")
        )
        # The candidate lists of these requests: at most CANDIDATES_KEPT rows each, ranked
        # here (an indexed read beats a window over the join to the names).
        tail = defaultdict(dict)
        lists = defaultdict(list)
        for request_id, pk, score, name, other in (
            RequestMatch.objects.filter(in_request_top=True, request_id__in=list(scored))
            .exclude(cooperative_id=cooperative_id)
            .values_list("request_id", "pk", "score", "cooperative__legal_name", "cooperative_id")
        ):
            lists[request_id].append((pk, score, name, other))
        for request_id, rows in lists.items():
            rows.sort(key=lambda row: _key(row, _text_tie))
            for rank, row in enumerate(rows[CANDIDATES_KEPT - 2 :], start=CANDIDATES_KEPT - 1):
                tail[request_id][rank] = row
        keep, pushed, _refresh = _enter_tops(scored, previous, tail, CANDIDATES_KEPT, _text_tie)
        kept = {row.request_id: row for row in request_rows}
        for pk in keep:
            row = kept.get(pk)
            if row is None:
                score, codes, _facts = fits[pk]
                row = RequestMatch(
                    cooperative_id=cooperative_id,
                    request_id=pk,
                    score=score,
                    reasons=codes,
                    computed_at=at,
                    in_cooperative_top=False,
                )
                request_rows.append(row)
            row.in_request_top = True
    with transaction.atomic():
        CallMatch.objects.filter(cooperative_id=cooperative_id).delete()
        CallMatch.objects.bulk_create(call_rows, batch_size=BATCH)
        RequestMatch.objects.filter(cooperative_id=cooperative_id).delete()
        RequestMatch.objects.bulk_create(request_rows, batch_size=BATCH)
        for pks in chunked(pushed, BATCH):
            RequestMatch.objects.filter(pk__in=pks).update(in_request_top=False)
        if pushed:
            _drop_unkept_requests()
        refresh_record(
            REQUEST,
            _open_requests(at).filter(owner_id=cooperative_id).values_list("pk", flat=True),
        )
    return len(call_rows), len(request_rows)


REFRESHERS[COOPERATIVE] = cooperative_matches_refresh


def _trim_requests(cooperative_ids):
    """Unflag each of these cooperatives' rows beyond its `REQUESTS_KEPT` best."""
    tail = _ranked_tail(
        RequestMatch.objects.filter(
            cooperative_id__in=list(cooperative_ids), in_cooperative_top=True
        ),
        "cooperative_id",
        _request_order(),
        REQUESTS_KEPT + 1,
        "request__title",
        "request_id",
    )
    pks = [row[0] for ranks in tail.values() for row in ranks.values()]
    if pks:
        RequestMatch.objects.filter(pk__in=pks).update(in_cooperative_top=False)
        _drop_unkept_requests()


def request_pairs_refresh(cooperative_ids, request_ids, *, at=None, context=None):
    """Replace the rows of these pairs (a reader's catch-up), then trim each cooperative to
    its best `REQUESTS_KEPT`: a fixed number of queries."""
    at = at or timezone.now()
    cooperative_ids, request_ids = sorted(set(cooperative_ids)), sorted(set(request_ids))
    if not cooperative_ids or not request_ids:
        return 0
    context = context or PairsContext(cooperative_ids)
    all_facts = engine.load_requests(at, context.vocabulary, request_ids)
    rows = []
    if all_facts:
        for cooperative in context.cooperatives(cooperative_ids):
            rows.extend(
                _request_instances(_request_top(cooperative, all_facts, context.hidden)[0], at)
            )
    with transaction.atomic():
        stale = RequestMatch.objects.filter(
            cooperative_id__in=cooperative_ids, request_id__in=request_ids
        )
        # A row kept for a request's candidates keeps that flag (its worker refresh decides).
        kept_for_request = set(
            stale.filter(in_request_top=True).values_list("cooperative_id", "request_id")
        )
        stale.delete()
        for row in rows:
            row.in_request_top = (row.cooperative_id, row.request_id) in kept_for_request
        RequestMatch.objects.bulk_create(rows, batch_size=BATCH)
        if rows:
            _trim_requests(cooperative_ids)
    return len(rows)


# --- The daily prune -------------------------------------------------------------------------


def matches_prune(*, at=None):
    """Daily: delete the rows of closed calls and of closed or answered requests, and queue
    a refresh of the cooperatives left with fewer visible rows than a page shows. Returns
    (call rows, request rows) deleted."""
    at = at or timezone.now()
    closed_calls = CallMatch.objects.exclude(call_id__in=_gated_calls(at).values("pk"))
    answered = ExpressionOfInterest.objects.filter(
        request_id=OuterRef("request_id"), cooperative_id=OuterRef("cooperative_id")
    )
    closed_requests = RequestMatch.objects.filter(
        ~Q(request_id__in=_open_requests(at).values("pk")) | Q(Exists(answered))
    )
    touched_calls = set(closed_calls.values_list("cooperative_id", flat=True).distinct())
    touched_requests = set(closed_requests.values_list("cooperative_id", flat=True).distinct())
    call_counts = _counts(CallMatch, touched_calls)
    request_counts = _counts(RequestMatch, touched_requests, in_cooperative_top=True)
    with transaction.atomic():
        calls_deleted, _ = closed_calls.delete()
        requests_deleted, _ = closed_requests.delete()
        refresh_record(
            COOPERATIVE,
            set(_short(CallMatch, touched_calls, call_counts))
            | set(_short(RequestMatch, touched_requests, request_counts)),
        )
    return calls_deleted, requests_deleted


def requests_touched_by_project(project, *, extra_cooperatives=()):
    """Open requests whose facts a project changes: its participants' and those on its call."""
    participants = set(project.cooperatives.values_list("pk", flat=True)) if project.pk else set()
    participants |= set(extra_cooperatives)
    if project.lead_cooperative_id:
        participants.add(project.lead_cooperative_id)
    touched = Q(owner_id__in=participants)
    if project.call_id:
        touched |= Q(call_id=project.call_id)
    return list(PartnershipRequest.objects.published().filter(touched).values_list("pk", flat=True))


# --- A reader's catch-up ---------------------------------------------------------------------


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
            _run_claimed(COOPERATIVE, cooperative_ids, cooperative_matches_refresh, at)
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
            _run_claimed(REQUEST, request_ids, request_matches_refresh, at)
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
            call_pairs_refresh(changed, _gated_calls(at).values_list("pk", flat=True), **shared)
        call_pairs_refresh(unchanged, by_kind[CALL], **shared)
    else:
        call_pairs_refresh(changed, call_ids, **shared)
        call_pairs_refresh(unchanged, set(call_ids) & by_kind[CALL], **shared)
    # Requests: a request's facts change with it and with its owner's profile.
    touched = _open_requests(at).filter(
        Q(pk__in=by_kind[REQUEST]) | Q(owner_id__in=by_kind[COOPERATIVE])
    )
    if request_ids is not None:
        touched = touched.filter(pk__in=list(request_ids))
    if changed:
        every = _open_requests(at) if request_ids is None else _open_requests(at, request_ids)
        request_pairs_refresh(changed, every.values_list("pk", flat=True), **shared)
    request_pairs_refresh(unchanged, touched.values_list("pk", flat=True), **shared)


def pending_calls_refresh(call_ids, *, at=None):
    """Refresh whole, now, those of these calls whose refresh is pending (an alert run)."""
    pending = set(
        MatchRefresh.objects.pending()
        .filter(kind=CALL, object_id__in=list(call_ids))
        .values_list("object_id", flat=True)
    )
    _run_claimed(CALL, pending, call_matches_refresh, at)


# --- The full rebuild ------------------------------------------------------------------------


def matches_rebuild(*, at=None, progress=None):
    """Recompute every kept match, set-based: every fact loaded once (compact), cooperatives
    scored `CHUNK` at a time against the inverted indexes, each chunk's rows replaced in its
    own transaction (pages keep reading the previous rows until then); then the requests'
    best candidates marked, and rows of closed calls, closed requests and inactive
    cooperatives removed. Memory is bounded by the facts (ids), not by the pairs. The
    pending refreshes older than the start are marked done. Returns (call rows, request
    rows)."""
    at = at or timezone.now()
    started = timezone.now()
    vocabulary = engine.Vocabulary.load()
    calls = engine.load_calls(at, vocabulary)
    call_index = engine.CallIndex(calls.facts)
    cooperatives = engine.load_cooperatives(vocabulary)
    all_facts = engine.load_requests(at, vocabulary, owners=cooperatives)
    requests = engine.RequestIndex(all_facts)
    by_request = {facts.request.pk: facts for facts in all_facts}
    ranks = engine.name_ranks(cooperatives)
    hidden = engine.Hidden()
    # Per request, its best candidates so far: a min-heap of (score, -name rank, pk), the
    # worst on top; codes are scored again at the end for the few kept.
    heaps = defaultdict(list)
    total_calls = total_requests = 0
    ids = sorted(cooperatives)
    for number, chunk in enumerate(chunked(ids, CHUNK), start=1):
        with transaction.atomic():
            # Pages read the previous rows of this chunk until the commit.
            CallMatch.objects.filter(cooperative_id__in=chunk).delete()
            RequestMatch.objects.filter(cooperative_id__in=chunk).delete()
            call_rows, request_rows = [], []
            for pk in chunk:
                cooperative = cooperatives[pk]
                call_rows.extend(_call_top(cooperative, calls, call_index, vocabulary, hidden))
                rows, fits = _request_top(
                    cooperative, requests.for_cooperative(cooperative), hidden
                )
                request_rows.extend(rows)
                entry_rank = -ranks[pk]
                for request_id, (score, _codes, _facts) in fits.items():
                    if (request_id, pk) in hidden.candidates:
                        continue
                    heap = heaps[request_id]
                    entry = (score, entry_rank, pk)
                    if len(heap) < CANDIDATES_KEPT:
                        heapq.heappush(heap, entry)
                    elif entry > heap[0]:
                        heapq.heapreplace(heap, entry)
                if len(call_rows) >= BATCH:
                    total_calls += len(call_rows)
                    call_rows = _fast_insert(CallMatch, call_rows, at)
                if len(request_rows) >= BATCH:
                    total_requests += len(request_rows)
                    request_rows = _fast_insert(
                        RequestMatch, request_rows, at, flags=COOPERATIVE_TOP
                    )
            total_calls += len(call_rows)
            total_requests += len(request_rows)
            _fast_insert(CallMatch, call_rows, at)
            _fast_insert(RequestMatch, request_rows, at, flags=COOPERATIVE_TOP)
        if progress:
            progress(min(number * CHUNK, len(ids)), len(ids), total_calls, total_requests)
    with transaction.atomic():
        rows = []
        for request_id, heap in heaps.items():
            facts = by_request[request_id]
            for _score, _rank, pk in heap:
                score, codes = engine.request_fit(facts, cooperatives[pk])
                rows.append(
                    RequestMatch(
                        cooperative_id=pk,
                        request_id=request_id,
                        score=score,
                        reasons=codes,
                        computed_at=at,
                        in_cooperative_top=False,
                        in_request_top=True,
                    )
                )
            if len(rows) >= BATCH:
                _upsert_candidates(rows)
                rows = []
        _upsert_candidates(rows)
        CallMatch.objects.exclude(call_id__in=_gated_calls(at).values("pk")).delete()
        RequestMatch.objects.exclude(request_id__in=list(by_request)).delete()
        CallMatch.objects.filter(cooperative__is_active=False).delete()
        RequestMatch.objects.filter(cooperative__is_active=False).delete()
        MatchRefresh.objects.pending().filter(created_at__lte=started).update(
            started_at=started, done_at=timezone.now()
        )
    return total_calls, total_requests


def _upsert_candidates(rows):
    """Insert the requests' best candidates; a row the cooperative's top already holds gets
    the flag only (one upsert per batch). Returns the number of rows given."""
    if rows:
        RequestMatch.objects.bulk_create(
            rows,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["cooperative", "request"],
            update_fields=["in_request_top"],
        )
    return len(rows)
