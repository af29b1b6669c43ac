"""The home page's federation figures and latest partnership requests (members only)."""

import pytest
from django.urls import reverse

from members.models import AssociationFigure
from partnerships.models import PartnershipRequest
from tests.members.factories import AssociationFactory
from tests.partnerships.factories import PartnershipRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def federation():
    federation = AssociationFactory(
        name="Legacoop Emilia-Romagna", slug="legacoop-emilia-romagna", kind="regional"
    )
    AssociationFigure.objects.create(
        association=federation, metric="enterprises", value=1250, year=2016
    )
    AssociationFigure.objects.create(
        association=federation, metric="production_value_eur", value=32_000_000_000, year=2016
    )
    return federation


@pytest.fixture
def requests(coop):
    published = PartnershipRequestFactory(title="Cerchiamo sensori per le serre")
    PartnershipRequestFactory(
        title="Bozza non visibile", state=PartnershipRequest.State.DRAFT, published_at=None
    )
    return published


def test_everyone_sees_the_federation_figures(client, federation):
    content = client.get("/").content.decode()
    assert 'data-testid="federation-figures"' in content
    assert "1.250" in content  # Italian thousands separator
    assert "32,0 miliardi EUR" in content
    assert federation.get_absolute_url() in content


def test_latest_requests_are_for_people_of_member_cooperatives(
    client, requests, coop_viewer, signed_in_outsider
):
    assert "Cerchiamo sensori" not in client.get("/").content.decode()
    client.force_login(signed_in_outsider)  # signed in, in no cooperative
    assert "Cerchiamo sensori" not in client.get("/").content.decode()
    client.force_login(coop_viewer)
    content = client.get("/").content.decode()
    assert 'data-testid="latest-requests"' in content
    assert "Cerchiamo sensori" in content and "Bozza non visibile" not in content
    assert reverse("partnerships:request-detail", kwargs={"pk": requests.pk}) in content


def test_home_query_count_does_not_grow_with_requests(
    client, coop_viewer, federation, django_assert_max_num_queries
):
    client.force_login(coop_viewer)
    PartnershipRequestFactory()
    with django_assert_max_num_queries(12) as few:
        client.get("/")
    for _ in range(10):
        PartnershipRequestFactory()
    with django_assert_max_num_queries(len(few)):
        client.get("/")


def test_kept_parts_show_a_changed_figure_and_a_new_request_at_once(
    client, coop_viewer, federation, requests
):
    client.force_login(coop_viewer)
    client.get("/")
    figure = AssociationFigure.objects.get(association=federation, metric="enterprises")
    figure.value = 1300
    figure.save()
    PartnershipRequestFactory(title="Una richiesta appena pubblicata")
    content = client.get("/").content.decode()
    assert "1.300" in content
    assert "Una richiesta appena pubblicata" in content
