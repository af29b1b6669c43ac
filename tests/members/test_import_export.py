"""CSV / Excel import of cooperatives: a bad row is reported and nothing of the file is saved."""

import io

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from members.models import Cooperative
from members.resources import CooperativeResource
from tests.members.factories import AssociationFactory, CooperativeFactory, valid_vat

HEADERS = [
    "slug",
    "legal_name",
    "vat_number",
    "cooperative_type",
    "main_sector",
    "sectors",
    "city",
    "province",
    "themes",
    "associations",
    "countries_of_interest",
]


def row(n, **overrides):
    values = {
        "slug": f"importata-{n}",
        "legal_name": f"Importata {n} Soc. Coop.",
        "vat_number": valid_vat(900 + n),
        "cooperative_type": "worker",
        "main_sector": "62",
        "sectors": "63, 72",
        "city": "Modena",
        "province": "MO",
        "themes": "digital-transition",
        "associations": "legacoop-estense",
        "countries_of_interest": "AR, BR",
    }
    values.update(overrides)
    return [values[header] for header in HEADERS]


@pytest.fixture
def estense():
    return AssociationFactory(slug="legacoop-estense", name="Legacoop Estense")


def dataset(*rows):
    return tablib.Dataset(*rows, headers=HEADERS)


def import_rows(*rows):
    return CooperativeResource().import_data(dataset(*rows), dry_run=False, raise_errors=False)


def test_a_good_file_imports_every_row_with_its_relations(estense):
    result = import_rows(row(1), row(2, vat_number="IT " + valid_vat(902)))
    assert not result.has_errors() and not result.has_validation_errors()
    cooperative = Cooperative.objects.get(slug="importata-1")
    assert cooperative.main_sector.code == "62"
    assert sorted(s.code for s in cooperative.sectors.all()) == ["63", "72"]
    assert [a.slug for a in cooperative.associations.all()] == ["legacoop-estense"]
    assert [c.code for c in cooperative.countries_of_interest] == ["AR", "BR"]
    assert cooperative.region == "ITH5"
    assert Cooperative.objects.get(slug="importata-2").vat_number == valid_vat(902)


@pytest.mark.parametrize(
    "bad, column",
    [
        ({"vat_number": "00743110158"}, "vat_number"),
        ({"main_sector": "ZZ"}, "main_sector"),
        ({"main_sector": "C"}, "main_sector"),  # a section, not a division
        ({"sectors": "62, 00"}, "sectors"),
        ({"associations": "legacoop-atlantide"}, "associations"),
        ({"countries_of_interest": "AR, Atlantis"}, "countries_of_interest"),
        ({"province": "XX"}, "province"),
    ],
)
def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_saved(estense, bad, column):
    result = import_rows(row(1), row(2, **bad), row(3))
    assert result.has_validation_errors()
    invalid = result.invalid_rows
    assert [r.number for r in invalid] == [2]
    assert column in invalid[0].error_dict
    assert not Cooperative.objects.exists()


def test_a_vat_number_already_in_the_registry_is_refused(estense):
    CooperativeFactory(vat_number=valid_vat(901))
    result = import_rows(row(1))
    assert "vat_number" in result.invalid_rows[0].error_dict
    assert Cooperative.objects.count() == 1


def test_the_same_vat_number_twice_in_one_file_saves_nothing(estense):
    result = import_rows(row(1), row(2, vat_number=valid_vat(901)))
    assert [r.number for r in result.invalid_rows] == [2]
    assert not Cooperative.objects.exists()


def test_staff_import_through_the_admin_reports_the_bad_row_and_saves_nothing(
    staff_client, estense
):
    csv = dataset(row(1), row(2, vat_number="12345678901", main_sector="99X")).export("csv")
    upload = SimpleUploadedFile("cooperatives.csv", csv.encode(), content_type="text/csv")
    response = staff_client.post(
        "/admin/members/cooperative/import/",
        {"resource": "0", "format": "0", "import_file": upload},
    )
    assert response.status_code == 200
    [invalid] = response.context["result"].invalid_rows
    assert invalid.number == 2
    assert set(invalid.field_specific_errors) == {"vat_number", "main_sector"}
    assert "99X" in str(invalid.field_specific_errors["main_sector"])
    assert "99X" in response.content.decode()
    assert response.context.get("confirm_form") is None
    assert not Cooperative.objects.exists()


def test_staff_import_and_confirm_of_a_good_xlsx_file(staff_client, estense):
    xlsx = dataset(row(1), row(2)).export("xlsx")
    upload = SimpleUploadedFile("cooperatives.xlsx", xlsx)
    response = staff_client.post(
        "/admin/members/cooperative/import/",
        {"resource": "0", "format": "1", "import_file": upload},
    )
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    assert confirm is not None
    assert not Cooperative.objects.exists()  # the first step is a dry run
    response = staff_client.post(
        "/admin/members/cooperative/process_import/", confirm.initial, follow=True
    )
    assert response.status_code == 200
    assert Cooperative.objects.count() == 2


@pytest.mark.parametrize("fmt", ["0", "1"])
def test_staff_exports_cooperatives_as_csv_and_xlsx(staff_client, fmt, estense):
    CooperativeFactory(slug="esportata", associations=[estense])
    response = staff_client.post(
        "/admin/members/cooperative/export/",
        {"resource": "0", "format": fmt, "export_items": [], **_all_export_fields()},
    )
    assert response.status_code == 200
    body = response.content
    if fmt == "0":
        assert b"esportata" in body and b"legacoop-estense" in body
    else:
        assert tablib.Dataset().load(io.BytesIO(body).read(), format="xlsx")["slug"] == [
            "esportata"
        ]


def _all_export_fields():
    return {
        f"cooperativeresource_{name}": "on" for name in CooperativeResource().get_export_order()
    }


@pytest.mark.parametrize("fmt", ["0", "1"])
def test_an_export_from_a_filtered_list_holds_only_what_the_list_shows(staff_client, fmt, estense):
    CooperativeFactory(slug="ravennate", province="RA", legal_name="=SUM(A1:A9) Soc. Coop.")
    CooperativeFactory(slug="bolognese", province="BO")
    changelist = staff_client.get("/admin/members/cooperative/?province__exact=RA")
    assert "/admin/members/cooperative/export/?province__exact=RA" in changelist.content.decode()
    response = staff_client.post(
        "/admin/members/cooperative/export/?province__exact=RA",
        {"resource": "0", "format": fmt, "export_items": [], **_all_export_fields()},
    )
    assert response.status_code == 200
    if fmt == "0":
        rows = tablib.Dataset().load(response.content.decode("utf-8-sig"), format="csv")
    else:
        rows = tablib.Dataset().load(io.BytesIO(response.content).read(), format="xlsx")
    assert rows["slug"] == ["ravennate"]
    # A cell that would run as a formula in a spreadsheet is written as text.
    assert rows["legal_name"] == ["'=SUM(A1:A9) Soc. Coop."]
