"""A person's saved searches: saving one from the catalogue's filters, listing them with what
they match today (the /portal/alerts/ page)."""

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funding.alerts import criteria
from funding.alerts.criteria import normalize_query, saved_search_query_errors
from funding.models import Call, SavedSearch

MAX_SEARCHES_PER_USER = 50


def saved_search_create(*, user, name, query, frequency):
    """Save catalogue filters as an alert; returns (search, created).

    The filters are normalized here and validated by the catalogue's FilterSet
    (ValidationError with the reasons if they are not valid: nothing is saved). A person has
    one alert per set of filters (a unique constraint): saving the same filters again, by a
    double click or on purpose, gives that alert the new name and frequency and resumes it.
    A simultaneous second save finds the row the first created (get_or_create retries the
    read after the IntegrityError), so it never fails.
    """
    normalized = normalize_query(QueryDict(query))
    errors = saved_search_query_errors(normalized)
    if errors:
        raise ValidationError(errors)
    others = SavedSearch.objects.filter(user=user).exclude(query=normalized)
    if others.count() >= MAX_SEARCHES_PER_USER:
        raise ValidationError(
            _("You have %(count)d alerts, the most one person can keep. Delete one first.")
            % {"count": MAX_SEARCHES_PER_USER}
        )
    return SavedSearch.objects.update_or_create(
        user=user,
        query=normalized,
        defaults={"name": name.strip(), "frequency": frequency, "is_active": True},
    )


def searches_with_matches(user, *, at=None):
    """The user's saved searches, each with `open_count` (matching open calls today) and
    `is_broken` (its filters are no longer valid). A few queries per page, not per search."""
    at = at or timezone.now()
    searches = list(SavedSearch.objects.filter(user=user).order_by("-created_at", "-pk"))
    matches = criteria.match_queries(
        [search.query for search in searches], Call.objects.published().open(at), at=at
    )
    for search in searches:
        found = matches[search.query]
        search.is_broken = found is None
        search.open_count = 0 if found is None else len(found)
    return searches
