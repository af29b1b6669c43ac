"""One loader and one base model for the bilingual vocabularies of three apps."""

import pytest
from django.utils import translation

from funding.models import ApplicantType
from funding.vocabularies import APPLICANT_TYPES, load_applicant_types
from members.models import Sector, Theme
from members.vocabularies import load_sectors, load_themes
from startups.models import Need
from startups.vocabularies import NEEDS, load_needs

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "rows", "load"),
    [(ApplicantType, APPLICANT_TYPES, load_applicant_types), (Need, NEEDS, load_needs)],
)
def test_a_numbered_vocabulary_is_loaded_in_order_and_a_second_run_changes_nothing(
    model, rows, load
):
    model.objects.filter(code=rows[0][0]).update(name_en="Renamed by hand", position=99)
    assert load(model) == len(rows)
    assert load(model) == len(rows)
    assert list(model.objects.values_list("code", "name_it", "name_en", "position")) == [
        (code, name_it, name_en, position) for position, (code, name_it, name_en) in enumerate(rows)
    ]


def test_every_vocabulary_reads_in_the_readers_language():
    rows = [
        ApplicantType.objects.get(code="sme"),
        Need.objects.get(code="premises"),
        Theme.objects.order_by("slug").first(),
    ]
    with translation.override("it"):
        assert [str(row) for row in rows[:2]] == ["PMI", "Spazi e sede"]
        assert str(rows[2]) == rows[2].name_it
        assert str(Sector.objects.get(code="10")) == "10 Industrie alimentari"
    with translation.override("en"):
        assert [str(row) for row in rows[:2]] == ["SME", "Premises"]
        assert str(rows[2]) == rows[2].name_en
        assert str(Sector.objects.get(code="10")) == "10 Manufacture of food products"


def test_the_nace_tree_is_loaded_with_each_division_under_its_section():
    Sector.objects.filter(code="10").update(section=Sector.objects.get(code="A"))
    assert load_sectors(Sector) == 109
    assert Sector.objects.get(code="10").section.code == "C"
    assert load_themes(Theme) == Theme.objects.count()
