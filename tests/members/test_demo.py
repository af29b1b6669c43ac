from members import demo
from members.models import (
    Association,
    AssociationFigure,
    Cooperative,
    CooperativeContact,
    Membership,
)
from members.validators import validate_vat_number

ASSOCIATION_SLUGS = {
    "legacoop-emilia-romagna",
    "legacoop-romagna",
    "legacoop-emilia-ovest",
    "legacoop-estense",
    "legacoop-bologna",
    "ancpl-legacoop",
    "legacoop-agroalimentare-nord-italia",
}
REAL = ["granarolo", "parmareggio", "cantine-riunite-civ", "apofruit", "alce-nero"]


def snapshot():
    tables = [
        Association.objects.values_list(),
        AssociationFigure.objects.values_list(),
        Cooperative.objects.values_list(),
        Cooperative.sectors.through.objects.values_list(),
        Cooperative.themes.through.objects.values_list(),
        Cooperative.associations.through.objects.values_list(),
        CooperativeContact.objects.values_list(),
        Membership.objects.values_list(),
    ]
    return [sorted(map(repr, table.order_by())) for table in tables]


def test_demo_loads_the_associations_of_the_documents_with_their_figures():
    demo.load()
    assert set(Association.objects.values_list("slug", flat=True)) == ASSOCIATION_SLUGS
    assert not Association.objects.filter(is_innovacoop_shareholder=False).exists()
    figures = {
        (f.association.slug, f.metric, f.year): f.value
        for f in AssociationFigure.objects.select_related("association")
    }
    assert figures[("legacoop-emilia-romagna", "enterprises", 2016)] == 1250
    assert figures[("legacoop-emilia-romagna", "employees", 2016)] == 150_000
    assert figures[("legacoop-emilia-romagna", "members", 2016)] == 2_800_000
    assert figures[("legacoop-emilia-romagna", "production_value_eur", 2016)] == 32_000_000_000
    assert figures[("ancpl-legacoop", "cooperatives", None)] == 1810
    assert figures[("ancpl-legacoop", "consortia", None)] == 4
    assert figures[("legacoop-agroalimentare-nord-italia", "cooperatives", None)] == 347
    assert Association.objects.get(slug="legacoop-bologna").parent.slug == "legacoop-emilia-romagna"


def test_real_cooperatives_carry_no_invented_figures():
    demo.load()
    for cooperative in Cooperative.objects.filter(slug__in=REAL):
        assert not cooperative.is_demo
        assert cooperative.vat_number is None
        assert cooperative.employee_count is None and cooperative.member_count is None
        assert cooperative.turnover_band == "" and cooperative.year_founded is None
        assert not cooperative.contacts.exists()
        assert cooperative.main_sector.code in {"01", "10", "11"}
        assert [a.slug for a in cooperative.associations.all()] == [
            "legacoop-agroalimentare-nord-italia"
        ]
    assert Cooperative.objects.filter(slug__in=REAL).count() == 5


def test_invented_cooperatives_are_flagged_and_valid():
    demo.load()
    invented = Cooperative.objects.filter(is_demo=True)
    assert invented.count() >= 25
    countries = set()
    for cooperative in invented:
        cooperative.full_clean()
        validate_vat_number(cooperative.vat_number)
        assert cooperative.email.endswith(".example")
        assert cooperative.region == "ITH5"
        countries |= {c.code for c in cooperative.countries_of_interest}
    assert {"AR", "BR", "TN"} <= countries
    assert len(set(invented.values_list("cooperative_type", flat=True))) == 9
    assert all(
        email.endswith(".example")
        for email in CooperativeContact.objects.values_list("email", flat=True)
    )
    assert set(Membership.objects.values_list("user__email", flat=True)) <= {
        email for email, *_ in demo.DEMO_PEOPLE
    }


def test_demo_people_can_sign_in(client):
    demo.load()
    email = demo.DEMO_PEOPLE[0][0]
    response = client.post("/accounts/login/", {"login": email, "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302


def test_loading_the_demo_twice_changes_nothing():
    first_counts = demo.load()
    first = snapshot()
    assert demo.load() == first_counts
    assert snapshot() == first
