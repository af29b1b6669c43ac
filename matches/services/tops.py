"""A cooperative's best calls and requests, scored on the compact facts of `matches.engine`:
the one scoring step that the scoped refreshes, the catch-up and the rebuild share.

Rows are tuples (cooperative, object, score, codes) until a caller makes model instances
(`call_instances`, `request_instances`) or inserts them raw (the rebuild).
"""

from funding.matching import call_fit
from matches import engine
from matches.models import CallMatch, RequestMatch


def call_top(cooperative, calls, index, vocabulary, hidden):
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
    for _order, _deadline, pk in engine.best(ranked, engine.CALLS_KEPT, key=None):
        score, codes = call_fit(facts[pk], profile)
        rows.append((pk_of, pk, score, codes))
    return rows


def request_top(cooperative, candidates, hidden):
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
        engine.REQUESTS_KEPT,
        key=lambda pk: engine.request_key(fits[pk][0], fits[pk][2]),
    )
    return [(cooperative.pk, pk, fits[pk][0], fits[pk][1]) for pk in top], fits


def call_instances(rows, at):
    return [
        CallMatch(cooperative_id=c, call_id=o, score=s, reasons=r, computed_at=at)
        for c, o, s, r in rows
    ]


def request_instances(rows, at, **flags):
    return [
        RequestMatch(cooperative_id=c, request_id=o, score=s, reasons=r, computed_at=at, **flags)
        for c, o, s, r in rows
    ]
