"""Spreadsheet exports that cannot carry a formula (CSV / formula injection).

Text someone typed into the portal (a startup's name, a cooperative's description) goes into
CSV and XLSX files staff open in Excel or LibreOffice. A cell that begins with `=`, `+`, `-`
or `@` is read there as a formula (`=HYPERLINK(...)` can exfiltrate the sheet, DDE can run
commands), and a leading tab or carriage return hides such a prefix. Every such text cell is
written with a leading apostrophe, the spreadsheet convention for "this is text" (OWASP's
advice): the value stays readable and nothing is evaluated. Numbers, dates and empty cells
are left as they are.

- `safe_cell` / `csv_writer`: for the CSV files the portal writes by hand.
- `CSV` / `XLSX`: django-import-export formats for the admin's exports; import reads as before.
  (import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading `=`,
  leaves `+ - @` alone and turns empty cells into the text "None", so it is not used.)
"""

import csv

import tablib
from import_export.formats import base_formats

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """`value`, with a leading apostrophe if it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(file, **kwargs):
    """A `csv.writer` whose every cell goes through `safe_cell`."""
    return _SafeWriter(csv.writer(file, **kwargs))


def safe_dataset(dataset):
    """A copy of a tablib Dataset with every cell (and header) through `safe_cell`."""
    safe = tablib.Dataset(
        headers=[safe_cell(header) for header in dataset.headers or []] or None,
        title=dataset.title,
    )
    for row in dataset:
        safe.append([safe_cell(cell) for cell in row])
    return safe


class SafeExportMixin:
    def export_data(self, dataset, **kwargs):
        return super().export_data(safe_dataset(dataset), **kwargs)


class CSV(SafeExportMixin, base_formats.CSV):
    """import-export's CSV with formula-safe cells on export."""


class XLSX(SafeExportMixin, base_formats.XLSX):
    """import-export's XLSX with formula-safe cells on export (openpyxl would store `=...`
    as a live formula)."""
