from members.models import Sector, Theme
from members.vocabularies import load_sectors, load_themes


def test_nace_has_21_sections_and_88_divisions_in_both_languages():
    assert Sector.objects.filter(section__isnull=True).count() == 21
    assert Sector.objects.filter(section__isnull=False).count() == 88
    food = Sector.objects.get(code="10")
    assert food.section.code == "C"
    assert food.name_en == "Manufacture of food products"
    assert food.name_it == "Industrie alimentari"
    assert not Sector.objects.filter(name_it="").exists()
    assert not Sector.objects.filter(name_en="").exists()


def test_sector_name_follows_the_active_language():
    from django.utils import translation

    sector = Sector.objects.get(code="F")
    with translation.override("it"):
        assert sector.name == "Costruzioni"
    with translation.override("en"):
        assert sector.name == "Construction"


def test_loading_the_vocabularies_again_changes_nothing():
    before = list(Sector.objects.values_list("code", "section__code", "name_it", "name_en"))
    themes_before = list(Theme.objects.values_list("slug", "name_it", "name_en"))
    assert load_sectors(Sector) == 109
    load_themes(Theme)
    assert list(Sector.objects.values_list("code", "section__code", "name_it", "name_en")) == before
    assert list(Theme.objects.values_list("slug", "name_it", "name_en")) == themes_before
    assert len(themes_before) >= 12
