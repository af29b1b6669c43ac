import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import Cooperative
from tests.members.factories import AssociationFactory, CooperativeFactory, division, theme

URL = "/members/"


def names(response):
    return [cooperative.legal_name for cooperative in response.context["cooperatives"]]


@pytest.fixture
def registry():
    bologna = AssociationFactory(slug="legacoop-bologna", name="Legacoop Bologna")
    romagna = AssociationFactory(slug="legacoop-romagna", name="Legacoop Romagna")
    return {
        "software": CooperativeFactory(
            legal_name="Software Navile",
            main_sector=division("62"),
            province="BO",
            city="Bologna",
            associations=[bologna],
            themes=[theme("digital-transition")],
            countries_of_interest=["AR", "TN"],
        ),
        "fruit": CooperativeFactory(
            legal_name="Frutta Savio",
            cooperative_type=Cooperative.Type.AGRICULTURAL,
            main_sector=division("01"),
            sectors=[division("10")],
            province="FC",
            city="Cesena",
            associations=[romagna],
            themes=[theme("agrifood-food-safety")],
            countries_of_interest=["BR"],
            description="Pesche e albicocche dei soci.",
        ),
        "care": CooperativeFactory(
            legal_name="Cura Parma",
            cooperative_type=Cooperative.Type.SOCIAL_A,
            main_sector=division("88"),
            province="PR",
            city="Parma",
        ),
        "closed": CooperativeFactory(legal_name="Chiusa", is_active=False),
    }


def test_directory_lists_active_cooperatives_only(client, registry):
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Cura Parma", "Frutta Savio", "Software Navile"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("association=legacoop-romagna", ["Frutta Savio"]),
        ("sector=62", ["Software Navile"]),
        ("sector=10", ["Frutta Savio"]),  # another sector, not the main one
        ("sector=C", ["Frutta Savio"]),  # a section matches its divisions
        ("sector=J", ["Software Navile"]),
        ("type=social_a", ["Cura Parma"]),
        ("province=FC", ["Frutta Savio"]),
        ("theme=digital-transition", ["Software Navile"]),
        ("country=TN", ["Software Navile"]),
        ("country=BR", ["Frutta Savio"]),
        ("q=albicocche", ["Frutta Savio"]),
        ("q=parma", ["Cura Parma"]),
        ("q=navile", ["Software Navile"]),
        ("province=BO&theme=agrifood-food-safety", []),
    ],
)
def test_directory_filters(client, registry, query, expected):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert names(response) == expected


def test_a_cooperative_matching_main_and_other_sector_is_listed_once(client, registry):
    CooperativeFactory(legal_name="Doppia", main_sector=division("10"), sectors=[division("11")])
    response = client.get(f"{URL}?sector=C")
    assert names(response) == ["Doppia", "Frutta Savio"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("sector=ZZ", "sector"),
        ("association=unknown", "association"),
        ("type=bogus", "type"),
        ("province=XX", "province"),
        # A NUL byte is a 400 before any form sees it: tests/core/test_bad_input.py.
        ("theme=unknown", "theme"),
        ("country=QQ", "country"),
    ],
)
def test_unknown_filter_values_show_the_form_error_not_a_500(client, registry, query, field):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert field in response.context["filterset"].form.errors
    assert b"invalid-feedback" in response.content


def test_filter_state_is_kept_in_the_pagination_links(client):
    CooperativeFactory.create_batch(25, province="RE")
    response = client.get(f"{URL}?province=RE")
    assert response.context["page_obj"].paginator.count == 25
    assert len(names(response)) == 20
    assert b"?province=RE&amp;page=2" in response.content


@pytest.mark.parametrize("page, expected", [("2", 2), ("999999999999", 2), ("abc", 1), ("-1", 2)])
def test_bad_page_numbers_give_a_page_not_an_error(client, page, expected):
    CooperativeFactory.create_batch(25)
    response = client.get(f"{URL}?page={page}")
    assert response.status_code == 200
    assert response.context["page_obj"].number == expected


def directory_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


def test_directory_query_count_does_not_grow_with_the_cooperatives(client):
    bologna = AssociationFactory()
    themes = [theme("digital-transition"), theme("housing")]
    CooperativeFactory.create_batch(10, associations=[bologna], themes=themes)
    with_ten = directory_queries(client)
    CooperativeFactory.create_batch(190, associations=[bologna], themes=themes)
    assert directory_queries(client) == with_ten


def test_directory_query_count_is_bounded(client, django_assert_max_num_queries):
    CooperativeFactory.create_batch(30, associations=[AssociationFactory()])
    with django_assert_max_num_queries(10):
        client.get(URL)
