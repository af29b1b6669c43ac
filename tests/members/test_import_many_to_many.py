"""The many-to-many columns of the call and cooperative imports are read by one widget: the
same bad cell is refused the same way, on its row and column, and nothing is saved."""

import pytest
import tablib

from funding.models import Call
from funding.resources import CallResource
from members.models import Cooperative
from members.resources import CooperativeResource
from tests.funding.factories import ProgrammeFactory
from tests.members.factories import AssociationFactory, valid_vat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vocabulary():
    ProgrammeFactory(acronym="LIFE", name="LIFE")
    AssociationFactory(slug="legacoop-estense")


def import_call(**cells):
    row = {
        "slug": "imported-call",
        "identifier": "LIFE-2027-SAP-ENV",
        "programme": "LIFE",
        "title": "Imported call",
        "publication_state": "draft",
        "language": "en",
        **cells,
    }
    return CallResource().import_data(
        tablib.Dataset(list(row.values()), headers=list(row)),
        dry_run=False,
        raise_errors=False,
        rollback_on_validation_errors=True,
    )


def import_cooperative(**cells):
    row = {
        "slug": "importata",
        "legal_name": "Importata Soc. Coop.",
        "vat_number": valid_vat(901),
        "cooperative_type": "worker",
        "main_sector": "62",
        "province": "MO",
        "associations": "legacoop-estense",
        **cells,
    }
    return CooperativeResource().import_data(
        tablib.Dataset(list(row.values()), headers=list(row)), dry_run=False, raise_errors=False
    )


def column_error(result, column):
    """The messages of `column` on the one invalid row; no other kind of error."""
    assert not result.has_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 1
    return [str(message) for message in invalid.error_dict[column]]


@pytest.mark.parametrize(
    ("call_cell", "cooperative_cell", "unknown"),
    [
        ("digital-transition|no-such-theme", "digital-transition, no-such-theme", "no-such-theme"),
        ("zzz|aaa", "zzz, aaa", "aaa, zzz"),  # every unknown key, sorted
        (0, 0, "00"),  # a spreadsheet's number is a key, not "no themes"
    ],
)
def test_both_imports_refuse_an_unknown_theme_with_the_same_message(
    call_cell, cooperative_cell, unknown
):
    call_messages = column_error(import_call(themes=call_cell), "themes")
    cooperative_messages = column_error(import_cooperative(themes=cooperative_cell), "themes")
    assert call_messages == cooperative_messages
    assert unknown in call_messages[0]
    assert not Call.objects.exists()
    assert not Cooperative.objects.exists()


def test_both_imports_read_a_spreadsheet_number_as_a_nace_code():
    assert not import_call(sectors=1).has_validation_errors()
    assert not import_cooperative(sectors=1).has_validation_errors()
    assert [s.code for s in Call.objects.get().sectors.all()] == ["01"]
    assert [s.code for s in Cooperative.objects.get().sectors.all()] == ["01"]


def test_a_call_may_name_a_nace_section_a_cooperative_only_divisions():
    assert not import_call(sectors="C").has_validation_errors()
    assert "C" in column_error(import_cooperative(sectors="C"), "sectors")[0]


def test_empty_cells_set_nothing_in_both_imports():
    assert not import_call(themes="", sectors=" | ").has_validation_errors()
    assert not import_cooperative(themes="", sectors=" , ").has_validation_errors()
    assert not Call.objects.get().themes.exists()
    assert not Cooperative.objects.get().sectors.exists()
