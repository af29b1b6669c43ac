"""Import topics of the EU Funding & Tenders portal from saved API output:

    python manage.py import_eu_calls --file PATH [--file PATH ...] [--publish]

PATH is a search-API response (the envelope with `results`), a JSON list of results, one
result, or a per-topic document (`topicDetails`). New topics land as drafts for staff to
review (/staff/ lists them) unless --publish. Importing the same files again changes
nothing; fields staff changed by hand are never overwritten.
"""

from django.core.management.base import BaseCommand, CommandError

from funding.eu_topics import importer, records


class Command(BaseCommand):
    help = "Import EU Funding & Tenders topics as calls from saved search-API output."

    def add_arguments(self, parser):
        parser.add_argument("--file", action="append", required=True, dest="files", metavar="PATH")
        parser.add_argument(
            "--publish", action="store_true", help="Publish new topics at once (default: drafts)."
        )

    def handle(self, *args, files, publish, **options):
        totals = importer.Report()
        for path in files:
            try:
                found = records.read_file(path)
            except records.UnreadableFile as error:
                raise CommandError(f"{path}: {error}") from error
            report = importer.import_records(found, publish=publish, origin=path)
            for name in ("created", "updated", "linked", "unchanged", "rejected"):
                getattr(totals, name).extend(getattr(report, name))
            for what, reason in report.rejected:
                self.stderr.write(f"rejected {what}: {reason}")
        self.stdout.write(
            f"{len(totals.created)} created, {len(totals.updated)} updated, "
            f"{len(totals.linked)} linked to calls entered by hand, "
            f"{len(totals.unchanged)} unchanged, {len(totals.rejected)} rejected"
        )
