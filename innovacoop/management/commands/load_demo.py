from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app that has demo data exposes `<app>.demo.load()`; order follows the dependencies.
DEMO_MODULES = [
    "innovacoop.demo",
    "members.demo",
    "networks.demo",
    "funding.demo",
    "partnerships.demo",
    "startups.demo",
    "portal.demo",
]


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it again changes nothing)."

    def handle(self, *args, **options):
        with transaction.atomic():
            for module_name in DEMO_MODULES:
                try:
                    module = import_module(module_name)
                except ModuleNotFoundError as exc:
                    if exc.name != module_name:
                        raise
                    continue
                summary = module.load() or {}
                for label, count in summary.items():
                    self.stdout.write(f"{module_name}: {count} {label}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
