"""What a saved search matches: its query normalised and validated, and queries (and
cooperatives) matched against calls.

What an alert matches is decided by the catalogue's own `CallFilterSet` (saved searches) and
by the stored call-to-cooperative matches (the cooperative alert; `matches.readers`, computed
by `funding.matching`): there is no second definition of "matches".

Matching is batched: searches are grouped by identical normalized query, each distinct query
is validated once, and the valid ones are evaluated together as a UNION of
`filterset.filtered.values("pk")` annotated with a literal number, `MATCH_CHUNK` per SQL
statement. The statements therefore grow with the distinct queries, not with the searches.

Callers call `criteria.match_queries(...)` through the module (not a copy imported by name),
so a test that replaces it here replaces it for the instant alerts, digests and searches.
"""

import logging
from urllib.parse import urlencode

from django import forms
from django.db import models, transaction
from django.db.models import Value
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core.batching import chunked
from funding.filters import CallFilterSet
from funding.models import SavedSearch
from matches import readers

logger = logging.getLogger(__name__)

MATCH_CHUNK = 50  # distinct queries per UNION statement
IGNORED_PARAMS = {"page", "sort"}


def normalize_query(data):
    """The catalogue querystring an alert stores: only filter parameters, no page or sort,
    no empty values, in a stable order (so identical searches have identical queries)."""
    known = set(CallFilterSet.base_filters) - IGNORED_PARAMS
    pairs = sorted(
        (name, value.strip())
        for name in data
        if name in known
        for value in data.getlist(name)
        if value and value.strip()
    )
    return urlencode(pairs)


def filterset_for(query, *, queryset=None, at=None):
    return CallFilterSet(QueryDict(query), queryset=queryset, at=at)


def saved_search_query_errors(query):
    """Why these (normalized) catalogue filters cannot be saved as an alert; [] if they can.

    The catalogue's FilterSet validates them, and the selection is run once (an EXISTS), so a
    value that passes the form but that the database refuses is refused here too, not later
    in every matching run.
    """
    filterset = filterset_for(query)
    try:
        with transaction.atomic():  # a refused statement must not abort the caller's
            if filterset.is_valid():
                filterset.filtered.exists()
                return []
    except Exception:
        logger.info("Refused alert filters %r", query, exc_info=True)
        return [_("These filters cannot be saved as an alert: change them in the catalogue.")]
    fields = filterset.form.fields
    return [
        f"{fields[name].label}: {message}" if name in fields else message
        for name, messages in filterset.errors.items()
        for message in messages
    ]


def match_queries(queries, calls, *, at=None):
    """{query: set of matching call pks} among `calls`; invalid queries map to None.

    Each distinct query is validated once (its FilterSet form); valid ones are evaluated
    MATCH_CHUNK at a time in one UNION ALL statement. A query that raises while validated or
    evaluated (whatever the reason: a value the database refuses, a bug in a filter) maps to
    None too and is logged with its searches' ids: one bad saved search must not stop
    everyone else's alerts. Its batch is then matched again query by query.
    """
    result = {}
    cleaned = {}
    for batch in chunked(list(dict.fromkeys(queries)), MATCH_CHUNK):
        try:
            result.update(_match_batch(batch, calls, at=at, cleaned=cleaned))
        except Exception:
            for query in batch:
                try:
                    result.update(_match_batch([query], calls, at=at, cleaned=cleaned))
                except Exception:
                    _log_failing_query(query)
                    result[query] = None
    return result


def _match_batch(queries, calls, *, at, cleaned):
    """Validate and evaluate these queries in one savepoint (see `match_queries`).

    The savepoint keeps a statement the database refuses from aborting the caller's
    transaction (PostgreSQL refuses every later statement of an aborted one).
    """
    result = {}
    valid = []
    with transaction.atomic():
        for query in queries:
            filterset = filterset_for(query, queryset=calls, at=at)
            _share_model_choice_cleaning(filterset, cleaned)
            if filterset.is_valid():
                result[query] = set()
                valid.append((query, filterset))
            else:
                result[query] = None
        if valid:
            parts = [
                filterset.filtered.order_by()
                .annotate(alert_query=Value(number, output_field=models.IntegerField()))
                .values_list("alert_query", "pk")
                for number, (_query, filterset) in enumerate(valid)
            ]
            union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
            for number, pk in union:
                result[valid[number][0]].add(pk)
    return result


def _log_failing_query(query):
    """Log a query that raised (with the traceback) and the saved searches that hold it."""
    try:
        with transaction.atomic():
            search_ids = ", ".join(
                str(pk)
                for pk in SavedSearch.objects.filter(query=query)
                .order_by("pk")
                .values_list("pk", flat=True)[:20]
            )
    except Exception:  # the query text itself may be what the database refuses
        search_ids = "?"
    logger.warning(
        "Skipping saved search(es) %s: their filters %r raise when matched",
        search_ids or "(none saved)",
        query,
        exc_info=True,
    )


def _share_model_choice_cleaning(filterset, cache):
    """Validate each model-choice value (theme=x, programme=3) once per matching run.

    Validating such a field costs a query; many distinct searches share the same values
    ("theme=x", "status=open&theme=x", "level=eu&theme=x"), so this keeps the queries to the
    distinct values. The cleaned querysets are evaluated already and used as subqueries.
    """
    for name, field in filterset.form.fields.items():
        if not isinstance(field, forms.ModelChoiceField):
            continue
        original = field.clean

        def clean(value, name=name, original=original):
            key = (name, tuple(value) if isinstance(value, (list, tuple)) else value)
            if key not in cache:
                cache[key] = original(value)
            return cache[key]

        field.clean = clean


def match_cooperatives(cooperatives, calls, *, at=None):
    """{cooperative pk: set of call pks among `calls`} by the portal's call-to-cooperative match,
    read from the stored matches (`matches.readers`): the same calls the dashboard shows,
    without those the cooperative marked "not relevant". Pending refreshes of these calls
    are applied first, so a call published a moment ago is matched.

    Only the cooperative's best `matches.engine.CALLS_KEPT` (50) calls are stored, so the
    profile alert announces a new call when it is among them: a cooperative with more
    matching calls hears about the best ones."""
    return readers.call_matches_among(
        [cooperative.pk for cooperative in cooperatives],
        list(calls.values_list("pk", flat=True)),
        at=at,
    )
