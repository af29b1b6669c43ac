from django.core.management.base import BaseCommand

from matches.services.rebuild import matches_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every stored call and partnership match (after a bulk import, or to repair)."
        " Safe to run at any time: pages keep reading the previous rows until each chunk of"
        " cooperatives is replaced."
    )

    def handle(self, *args, **options):
        def progress(done, total, calls, requests):
            self.stdout.write(
                f"{done}/{total} cooperatives: {calls} call matches, {requests} request matches"
            )

        calls, requests = matches_rebuild(progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Matches rebuilt: {calls} call matches, {requests} request matches."
            )
        )
