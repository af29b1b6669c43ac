"""Recompute every call's stored deadline columns (and, with --search, its search index).

For after bulk inserts that bypass the model (a benchmark, a restore, raw SQL): the portal's
own writes keep the columns right by themselves.
"""

from django.core.management.base import BaseCommand

from funding.models import Call


class Command(BaseCommand):
    help = "Recompute the stored next/last deadline of every call, in chunks."

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=1000)
        parser.add_argument(
            "--search",
            action="store_true",
            help="Also re-index every call for search (FTS5 on SQLite, vectors on PostgreSQL).",
        )

    def handle(self, *args, **options):
        chunk_size = max(1, options["chunk_size"])
        deadlines = searched = 0
        last = 0
        while True:
            chunk = list(
                Call.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[:chunk_size]
            )
            if not chunk:
                break
            calls = Call.objects.filter(pk__in=chunk)
            deadlines += calls.refresh_deadline_fields()
            if options["search"]:
                searched += calls.update_search_vectors()
            last = chunk[-1]
        self.stdout.write(f"Refreshed the deadlines of {deadlines} calls.")
        if options["search"]:
            self.stdout.write(f"Re-indexed {searched} calls for search.")
