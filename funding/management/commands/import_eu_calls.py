"""Import topics of the EU Funding & Tenders portal as calls:

    python manage.py import_eu_calls                  # every active source query, from the API
    python manage.py import_eu_calls --query NAME     # one source query (several allowed)
    python manage.py import_eu_calls --file PATH [--file PATH ...] [--publish]

Source queries are set by staff in the admin (EU source queries): programmes, statuses,
keywords, and whether new topics are published at once. The daily job runs the same code.
With --file, PATH is saved API output: a search-API response (the envelope with
`results`), a JSON list of results, one result, or a per-topic document (`topicDetails`);
nothing is fetched. New topics land as drafts for staff to review (/staff/ lists them)
unless published. Importing the same topics again changes nothing; fields staff changed by
hand are never overwritten.
"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from funding.eu_topics import importer, records, sync
from funding.eu_topics.client import PAGE_SIZE
from funding.eu_topics.models import SourceQuery


def _line(report, missing=None):
    text = (
        f"{len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.linked)} linked to calls entered by hand, "
        f"{len(report.unchanged)} unchanged, {len(report.rejected)} rejected"
    )
    return text if missing is None else f"{text}, {missing} no longer in the source"


class Command(BaseCommand):
    help = "Import EU Funding & Tenders topics as calls, from the API or saved output."

    def add_arguments(self, parser):
        parser.add_argument("--file", action="append", dest="files", metavar="PATH")
        parser.add_argument("--query", action="append", dest="queries", metavar="NAME")
        parser.add_argument(
            "--publish", action="store_true", help="With --file: publish new topics at once."
        )

    def _bar(self, **kwargs):
        # Drawn only on a terminal (disable=None), so logs and tests get the summary lines.
        return tqdm(file=self.stderr._out, disable=None, leave=False, **kwargs)

    def handle(self, *args, files, queries, publish, **options):
        if files and queries:
            raise CommandError("give --file or --query, not both")
        if files:
            return self._from_files(files, publish)
        return self._from_source(queries)

    def _from_files(self, files, publish):
        totals = importer.Report()
        for path in files:
            try:
                found = records.read_file(path)
            except records.UnreadableFile as error:
                raise CommandError(f"{path}: {error}") from error
            report = importer.import_records(found, publish=publish, origin=path)
            for name in importer.COUNTS:
                getattr(totals, name).extend(getattr(report, name))
            for what, reason in report.rejected:
                self.stderr.write(f"rejected {what}: {reason}")
        self.stdout.write(_line(totals))

    def _from_source(self, names):
        chosen = SourceQuery.objects.filter(active=True)
        if names:
            chosen = SourceQuery.objects.filter(name__in=names)
            unknown = set(names) - set(chosen.values_list("name", flat=True))
            if unknown:
                raise CommandError(f"no source query named {', '.join(sorted(unknown))}")
        if not chosen.exists():
            raise CommandError("no active source query: add one in the admin (EU source queries)")
        failed = 0
        for query in chosen:
            with self._bar(desc=f"{query.name}: pages", unit="page") as bar:

                def page(number, total, bar=bar):
                    bar.total = max(-(-total // PAGE_SIZE), 1)
                    bar.update(1)

                def topic(number, total, bar=bar, name=query.name):
                    if number == 1:
                        bar.reset(total=total)
                        bar.set_description(f"{name}: topics")
                    bar.update(1)

                run = sync.query_run(query, on_page=page, progress=topic)
            for what, reason in run.report.rejected:
                self.stderr.write(f"rejected {what}: {reason}")
            if run.error:
                failed += 1
                self.stderr.write(f"{query.name}: failed, nothing imported: {run.error}")
            else:
                self.stdout.write(
                    f"{query.name}: {run.fetched} fetched, {_line(run.report, len(run.missing))}"
                )
        if failed:
            raise CommandError(f"{failed} of {chosen.count()} source queries failed")
