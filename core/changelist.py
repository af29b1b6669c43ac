"""The admin's change lists, answering a bad date-hierarchy filter as any bad filter."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class BoundedDateChangeList(ChangeList):
    """`?created_at__year=99999999999999999999` shows the admin's "bad filter" page, not a 500.

    Django builds the date hierarchy's bounds with `datetime(int(year), ...)` and turns only
    ValueError into IncorrectLookupParameters: a year too large for C (OverflowError), or
    9999 (whose end, year 10000, is computed outside that guard), escaped as a 500.
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class BoundedDateHierarchyMixin:
    """For every ModelAdmin with a `date_hierarchy` (tests/core/test_fuzz_inputs.py)."""

    def get_changelist(self, request, **kwargs):
        return BoundedDateChangeList
