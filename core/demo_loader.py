"""Reads the demo data files (`<app>/demo_data/*.yaml`) and writes them with one upsert.

Each app keeps its demo data in at most two files, so what is true never mixes with what is
made up:

- `real.yaml`: organisations and figures taken from INNOVACOOP's documents and other public
  sources; every figure names its year (`null` written out where the source states none)
  and its source;
- `invented.yaml`: records made up for the demonstration.

The top-level keys of a file are model labels (`members.Cooperative`; `AUTH_USER_MODEL` for
the user model, wherever it lives) holding lists of records keyed by field name. A relation is
written as the natural key of its target (its `slug`, `code`, `email` or `acronym`); a reverse
relation (`contacts`, `deadlines`) holds nested records of the related model. Lowercase keys are
free sections (shared texts, settings) that only the app's `demo.py` reads.

Reading a file marks each record of a model that has `is_demo`: True in `invented.yaml`,
False in `real.yaml`; a record that says otherwise is refused. Dates relative to the day of
loading are written `!days N` (that day plus N days) or `!months N` (the first day of the
month N months away) and resolved when the file is read, so a second load on the same day
gives the same values and `upsert` writes nothing.

This module depends on no project app (models are found with `apps.get_model`), so any app's
`demo.py` can use it.
"""

import datetime
import importlib.util
from pathlib import Path
from typing import NamedTuple

import yaml
from django.apps import apps
from django.conf import settings

REAL = "real"
INVENTED = "invented"
KINDS = (REAL, INVENTED)
DEMO_MARKER = "is_demo"
# The fields a related record is found by, in order of preference (the first unique one wins).
NATURAL_KEYS = ("slug", "code", "email", "acronym")
USER_MODEL_LABEL = "AUTH_USER_MODEL"


class Offset(NamedTuple):
    """A date written relative to the day of loading (`!days N`, `!months N`)."""

    unit: str
    amount: int

    def on(self, today):
        if self.unit == "days":
            return today + datetime.timedelta(days=self.amount)
        index = today.year * 12 + today.month - 1 + self.amount
        return datetime.date(index // 12, index % 12 + 1, 1)


class _Reader(yaml.SafeLoader):
    """Safe YAML with the two date offsets; nothing else can construct objects."""


for _unit in ("days", "months"):
    _Reader.add_constructor(
        f"!{_unit}",
        lambda loader, node, unit=_unit: Offset(unit, int(loader.construct_scalar(node))),
    )


def data_dir(package):
    """The `demo_data/` folder of a package (an app, or the project package)."""
    return Path(importlib.util.find_spec(package).submodule_search_locations[0]) / "demo_data"


def files(package):
    """The demo data files of a package, as (kind, path), real first."""
    folder = data_dir(package)
    return [(kind, folder / f"{kind}.yaml") for kind in KINDS if (folder / f"{kind}.yaml").exists()]


def parse(path):
    """The content of one file, offsets unresolved (what the tests inspect)."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=_Reader)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a demo data file is a mapping of sections")
    return data


def get_model(label):
    if label == USER_MODEL_LABEL:
        label = settings.AUTH_USER_MODEL
    return apps.get_model(label)


def model_sections(data):
    """(label, model, records) for each model section of a parsed file."""
    return [
        (label, get_model(label), records)
        for label, records in data.items()
        if label == USER_MODEL_LABEL or "." in label
    ]


def read(package, kind, *, today):
    """One file of a package, checked, marked real or invented, with its dates resolved."""
    if kind not in KINDS:
        raise ValueError(f"demo data is {' or '.join(KINDS)}, not {kind!r}")
    path = data_dir(package) / f"{kind}.yaml"
    data = parse(path)
    for label, model, records in model_sections(data):
        for record in records:
            _mark(model, record, kind, f"{path}: {label}")
    return _resolve(data, today)


def _mark(model, record, kind, where):
    unknown = unknown_fields(model, record)
    if unknown:
        raise ValueError(f"{where} names fields the model does not have: {unknown}")
    if is_figure(model):
        if kind != REAL:
            raise ValueError(f"{where}: figures are real data, kept in real.yaml")
        if "year" not in record or not record.get("source"):
            raise ValueError(f"{where}: a figure states its year (null: none given) and source")
    if any(field.name == DEMO_MARKER for field in model._meta.concrete_fields):
        wanted = kind == INVENTED
        if record.setdefault(DEMO_MARKER, wanted) is not wanted:
            raise ValueError(f"{where}: a record in {kind}.yaml must have is_demo={wanted}")
    for name, value in record.items():
        field = model._meta.get_field(name)
        if field.one_to_many and isinstance(value, list):
            for nested in value:
                _mark(field.related_model, nested, kind, f"{where}.{name}")


def is_figure(model):
    """A published figure: a value with the year it refers to and its source."""
    names = {field.name for field in model._meta.concrete_fields}
    return {"value", "year", "source"} <= names


def unknown_fields(model, record):
    """The keys of a record that are not fields (or reverse relations) of its model."""
    names = {field.name for field in model._meta.get_fields()}
    return sorted(set(record) - names)


def _resolve(value, today):
    if isinstance(value, Offset):
        return value.on(today)
    if isinstance(value, dict):
        return {key: _resolve(item, today) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, today) for item in value]
    return value


def natural_key_field(model):
    unique = {f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key}
    return next((name for name in NATURAL_KEYS if name in unique), None)


class Lookups:
    """Finds related rows by natural key, each once (a key not found gives None, not cached)."""

    def __init__(self):
        self._found = {}

    def get(self, model, key):
        if key is None or key == "":
            return None
        if (model, key) not in self._found:
            field = natural_key_field(model)
            if field is None:
                raise ValueError(f"{model._meta.label} has no natural key: the caller finds it")
            obj = model.objects.filter(**{field: key}).first()
            if obj is None:
                return None
            self._found[model, key] = obj
        return self._found[model, key]


def values_of(model, record, lookups, *, skip=()):
    """Split a record into column values (relations resolved) and many-to-many objects.

    Reverse relations (nested records) and the names in `skip` are left to the caller; a
    many-to-many key whose target is not loaded is dropped, as a missing foreign key is None.
    """
    values, many = {}, {}
    for name, value in record.items():
        if name in skip:
            continue
        field = model._meta.get_field(name)
        if field.many_to_many and not field.auto_created:
            found = [lookups.get(field.related_model, key) for key in value]
            many[name] = [obj for obj in found if obj is not None]
        elif field.is_relation and field.auto_created:
            continue  # nested records of a reverse relation
        elif field.is_relation:
            values[name] = lookups.get(field.related_model, value)
        else:
            values[name] = value
    return values, many


def _same(obj, name, value):
    field = obj._meta.get_field(name)
    if field.is_relation:
        return getattr(obj, field.attname) == (value.pk if value is not None else None)
    return field.get_prep_value(getattr(obj, name)) == field.get_prep_value(value)


def upsert(model, lookup, values):
    """Create the row, or update only when a value differs (no write when none does).

    A second load on the same day therefore changes nothing, not even `updated` timestamps.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if not _same(obj, name, value)]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj


def set_related(manager, objects):
    """Set a many-to-many relation, writing only when its members differ."""
    objects = [obj for obj in objects if obj is not None]
    if {obj.pk for obj in manager.all()} != {obj.pk for obj in objects}:
        manager.set(objects)


def save(model, record, lookups, *, lookup, skip=(), extra=None):
    """Upsert one record found by the fields named in `lookup`, then its many-to-many.

    `extra` holds values only code can give (computed or taken from other records).
    """
    values, many = values_of(model, record, lookups, skip=skip)
    values.update(extra or {})
    key = {name: values.pop(name) for name in lookup}
    obj = upsert(model, key, values)
    for name, objects in many.items():
        set_related(getattr(obj, name), objects)
    return obj


def set_demo_password(user, password, *, known, created):
    """Give a demo account its documented password, only in the local demo (`known`).

    A new account gets the password; an existing one keeps its own. Outside the local demo a
    new account gets an unusable password, and one that an earlier local load gave the
    documented password loses it: a password printed in the README opens nothing there.
    """
    if known and created:
        user.set_password(password)
        user.save(update_fields=["password"])
    elif not known and (created or user.check_password(password)):
        user.set_unusable_password()
        user.save(update_fields=["password"])
