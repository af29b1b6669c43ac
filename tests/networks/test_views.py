import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from networks.models import Body
from tests.networks.factories import (
    AffiliationFactory,
    AssociationFactory,
    BodyFactory,
    BodyFigureFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("networks:body-list")


def english(client):
    client.cookies["innovacoop_language"] = "en"
    return client


def test_list_groups_bodies_by_kind_in_kind_order_with_counts(client, network):
    response = english(client).get(LIST_URL)
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [(g.kind, g.count) for g in groups] == [
        (Body.Kind.EUROPEAN_FEDERATION, 1),
        (Body.Kind.INTERNATIONAL_ALLIANCE, 1),
        (Body.Kind.DEVELOPMENT_PLATFORM, 1),
        (Body.Kind.REGIONAL_OFFICE, 1),
        (Body.Kind.UNIVERSITY, 1),
    ]
    page = response.content.decode()
    assert 'data-kind="european_federation"' in page
    assert "Università degli Studi di Parma" in page
    assert "84" in page and "member organisations" in page


def test_list_is_in_italian_by_default(client, network):
    page = client.get(LIST_URL).content.decode()
    assert "Federazione europea" in page


def test_detail_shows_figures_with_year_and_source(client, network):
    federation = network["federation"]
    BodyFigureFactory(body=federation, metric="enterprises", value=50_000, year=2016)
    response = english(client).get(federation.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Member organisations" in page
    assert "50,000" in page and "2016" in page
    # Two figures quoting the same sentence share one numbered source.
    assert page.count("composed by 84 member organisations from 33 European countries") == 1
    assert "not given" in page


def test_detail_shows_members_parent_and_bodies_within(client, network):
    page = english(client).get(network["federation"].get_absolute_url()).content.decode()
    assert "Legacoop Emilia-Romagna" in page and "since 2010" in page

    page = client.get(network["alliance"].get_absolute_url()).content.decode()
    assert "Bodies within" in page
    assert network["committee"].get_absolute_url() in page

    page = client.get(network["committee"].get_absolute_url()).content.decode()
    assert f'href="{network["alliance"].get_absolute_url()}"' in page


def test_detail_links_the_website_without_opener(client, network):
    page = client.get(network["university"].get_absolute_url()).content.decode()
    assert 'href="https://www.unipr.it" rel="noopener"' in page


def test_unknown_body_is_404(client, network):
    assert client.get(reverse("networks:body-detail", args=["no-such-body"])).status_code == 404


def test_list_shows_the_federation_picture_with_a_link_per_node(client, network):
    page = client.get(LIST_URL).content.decode()
    # A group of links, not role="img": an image may not hold focusable things.
    assert 'role="group"' in page and 'data-testid="federation-diagram"' in page
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "<title>" in svg and "aria-label=" in page
    for body in ("federation", "alliance", "committee", "office"):
        assert f'<a href="{network[body].get_absolute_url()}"' in svg
    # Shareholders are drawn (and linked to their association page); others are not.
    assert "Legacoop Romagna" in svg
    assert "Not a shareholder" not in svg
    # Universities are listed below, not drawn.
    assert network["university"].get_absolute_url() not in svg
    # No inline styles or scripts: the Content-Security-Policy forbids them.
    assert "style=" not in page
    assert "<script>" not in page


def test_picture_has_a_text_fallback_for_screen_readers(client, network):
    page = client.get(LIST_URL).content.decode()
    fallback = page[page.index('id="nw-diagram-text"') : page.index("</figcaption>")]
    assert "Legacoop Emilia-Romagna" in fallback
    assert network["office"].get_absolute_url() in fallback


def test_list_with_no_bodies_still_answers(client, db):
    assert client.get(LIST_URL).status_code == 200


def make_bodies(count):
    kinds = Body.Kind.values
    for index in range(count):
        body = BodyFactory(kind=kinds[index % len(kinds)])
        BodyFigureFactory(body=body)
        if index % 3:
            body.parent = Body.objects.order_by("pk").first()
            body.save(update_fields=["parent"])
        AssociationFactory()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_the_number_of_bodies(client, db):
    make_bodies(5)
    few = count_queries(client, LIST_URL)
    make_bodies(95)
    assert count_queries(client, LIST_URL) == few


def test_list_query_count_is_small(client, network, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        client.get(LIST_URL)


def test_detail_query_count_does_not_grow_with_members(client, network):
    federation = network["federation"]
    few = count_queries(client, federation.get_absolute_url())
    for _ in range(20):
        AffiliationFactory(body=federation)
        BodyFactory(parent=federation)
    assert count_queries(client, federation.get_absolute_url()) == few
