"""Helpers of the demo tests: the demo as the local demo loads it, and its data files."""

import io

from django.core.management import call_command
from django.test import override_settings

from core import demo_loader
from core.management.commands.load_demo import DEMO_MODULES

# The packages whose `demo.py` load_demo runs, in its order.
DEMO_PACKAGES = [module.rsplit(".", 1)[0] for module in DEMO_MODULES]


def load_local_demo(**options):
    """`load_demo` as scripts/run calls it, with DEBUG on (pytest runs with DEBUG off)."""
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO(), **options)


def data_files():
    """(package, kind, path) of every demo data file of the packages load_demo runs."""
    return [
        (package, kind, path)
        for package in DEMO_PACKAGES
        for kind, path in demo_loader.files(package)
    ]


def records(data):
    """(model, record) for every record of a parsed file, nested ones included."""
    found = []

    def walk(model, record):
        found.append((model, record))
        for name, value in record.items():
            field = model._meta.get_field(name) if name in _names(model) else None
            if field is not None and field.one_to_many and isinstance(value, list):
                for nested in value:
                    walk(field.related_model, nested)

    for _label, model, section in demo_loader.model_sections(data):
        for record in section:
            walk(model, record)
    return found


def _names(model):
    return {field.name for field in model._meta.get_fields()}
