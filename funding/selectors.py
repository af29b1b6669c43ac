"""Reads of calls shared by pages outside the catalogue."""

from django.db.models import Prefetch

from funding.models import Call, Deadline


def closing_calls(*, limit=6, at=None):
    """Published open calls ordered by their next deadline (a fixed number of queries)."""
    return list(
        Call.objects.published()
        .closing_soon(at)
        .select_related("programme")
        .prefetch_related(Prefetch("deadlines", queryset=Deadline.objects.order_by("due_at")))[
            :limit
        ]
    )
