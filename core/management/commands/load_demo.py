from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from core.demo import DEMO_STAFF_EMAIL

# Each app that has demo data exposes `<app>.demo.load()`; order follows the dependencies.
DEMO_MODULES = [
    "core.demo",
    "members.demo",
    "networks.demo",
    "funding.demo",
    "partnerships.demo",
    "startups.demo",
    "portal.demo",
]
# The modules that create accounts with the documented demo password: only the local demo
# (DEBUG on) gives it; with --allow-without-debug their accounts get no usable password.
PASSWORD_MODULES = ("core.demo", "members.demo")


class Command(BaseCommand):
    help = (
        "Load the demo data (idempotent: running it again changes nothing). Runs with DEBUG "
        "on (the local demo) unless --allow-without-debug is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help=(
                "Load the demo with DEBUG off (e.g. the benchmark). The demo accounts, staff "
                "included, then get no usable password."
            ),
        )

    def handle(self, *args, **options):
        local_demo = settings.DEBUG
        if not local_demo and not options["allow_without_debug"]:
            # Demo data on a real portal would mix invented cooperatives and calls with real
            # ones, and the demo staff password is printed in the README.
            raise CommandError(
                _(
                    "load_demo loads invented data and a staff account for the local demo, so it "
                    "runs only with DEBUG on. To load it anyway with DEBUG off, pass "
                    "--allow-without-debug (the demo accounts then get no usable password)."
                )
            )
        with transaction.atomic():
            for module_name in DEMO_MODULES:
                try:
                    module = import_module(module_name)
                except ModuleNotFoundError as exc:
                    if exc.name != module_name:
                        raise
                    continue
                if module_name in PASSWORD_MODULES:
                    summary = module.load(known_password=local_demo) or {}
                else:
                    summary = module.load() or {}
                for label, count in summary.items():
                    self.stdout.write(f"{module_name}: {count} {label}")
        if not local_demo:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "DEBUG is off: the demo accounts, staff account %(email)s included, have "
                        "no usable password. Set one with `manage.py changepassword %(email)s` "
                        "if you need it."
                    )
                    % {"email": DEMO_STAFF_EMAIL}
                )
            )
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
