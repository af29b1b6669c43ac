"""Lookups that keep numbers a column cannot hold away from the database, on every database.

`__in` on an integer column ignores numbers the column cannot hold; `__year` refuses years
outside 1-9999 (see YearWithinCalendar).

Django already turns `pk=99999999999999999999` (and `<`, `>`, ...) into "no rows" for
integer fields, but not `pk__in=[...]`: SQLite's driver then raises OverflowError ("Python int
too large to convert to SQLite INTEGER"), a 500. Every multi-select (ModelMultipleChoiceField,
django-filter's ModelMultipleChoiceFilter, the admin) validates its values with such a query,
so one hostile query string was enough. A number outside the column's range cannot match a
row, so it is dropped before the value reaches the database; a list of nothing but such
numbers matches nothing, as an empty list does. Registered by CoreConfig.ready().
"""

import datetime

from django.core.exceptions import FieldError
from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.functions import ExtractIsoYear, ExtractYear
from django.db.models.lookups import In, YearExact, YearGt, YearGte, YearLt, YearLte


def column_range(field, connection):
    """(lowest, highest) integer the column of `field` holds, or None if it is no integer."""
    try:
        while field.is_relation:
            field = field.target_field
    except (AttributeError, FieldError):  # a relation over several columns
        return None
    if not isinstance(field, IntegerField):
        return None
    try:
        return connection.ops.integer_field_range(field.get_internal_type())
    except KeyError:  # an integer type the backend does not list
        return None


def _fits(value, low, high):
    if not isinstance(value, int):  # None and the like: In deals with them
        return True
    return (low is None or low <= value) and (high is None or value <= high)


class OutOfRangeIntegersMatchNothing:
    def process_rhs(self, compiler, connection):
        bounds = None
        if self.rhs_is_direct_value() and hasattr(self.lhs, "output_field"):
            bounds = column_range(self.lhs.output_field, connection)
        if bounds is None:
            return super().process_rhs(compiler, connection)
        low, high = bounds
        original = self.rhs
        self.rhs = [value for value in original if _fits(value, low, high)]
        try:
            return super().process_rhs(compiler, connection)  # [] raises EmptyResultSet
        finally:
            self.rhs = original


class IntegerFieldIn(OutOfRangeIntegersMatchNothing, In):
    pass


class RelatedIntegerIn(OutOfRangeIntegersMatchNothing, RelatedIn):
    pass


class YearWithinCalendar:
    """`date__year=99999999999999999999` is refused when the filter is built, not when it runs.

    Django turns a year into the first and last instant of that year with `datetime`, which
    knows years 1 to 9999 only: any other year raised OverflowError or ValueError while the
    query ran, a 500 (the admin's `?created_at__year=` filters among others). Raised here, at
    `filter()`, the ValueError is what a non-number gives, and the admin answers it as it
    answers any bad filter (its `?e=1` page) instead of failing.
    """

    def get_prep_lookup(self):
        year = super().get_prep_lookup()
        if isinstance(year, int) and not datetime.MINYEAR <= year <= datetime.MAXYEAR:
            raise ValueError(f"Year {year} is outside {datetime.MINYEAR}-{datetime.MAXYEAR}.")
        return year


YEAR_LOOKUPS = [
    type(f"Calendar{base.__name__}", (YearWithinCalendar, base), {})
    for base in (YearExact, YearGt, YearGte, YearLt, YearLte)
]


def register():
    IntegerField.register_lookup(IntegerFieldIn)
    ForeignObject.register_lookup(RelatedIntegerIn)
    for transform in (ExtractYear, ExtractIsoYear):
        for lookup in YEAR_LOOKUPS:
            transform.register_lookup(lookup)
