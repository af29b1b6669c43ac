import pytest
from django.urls import reverse

from networks.models import Affiliation, Body
from tests.networks.factories import AffiliationFactory, BodyFactory, BodyFigureFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["body", "bodyfigure", "affiliation"])
def test_staff_can_list_and_add(staff_client, network, model):
    BodyFigureFactory(body=network["federation"], metric="workers", value=1)
    assert staff_client.get(reverse(f"admin:networks_{model}_changelist")).status_code == 200
    assert (
        staff_client.get(reverse(f"admin:networks_{model}_changelist"), {"q": "Europe"}).status_code
        == 200
    )
    assert staff_client.get(reverse(f"admin:networks_{model}_add")).status_code == 200


def test_body_change_page_shows_figures_and_members_inline(staff_client, network):
    url = reverse("admin:networks_body_change", args=[network["federation"].pk])
    page = staff_client.get(url).content.decode()
    assert "composed by 84 member organisations" in page
    assert "Legacoop Emilia-Romagna" in page


def test_body_list_filters_by_kind_and_scope(staff_client, network):
    url = reverse("admin:networks_body_changelist")
    response = staff_client.get(url, {"kind__exact": "university", "scope__exact": "national"})
    assert list(response.context["cl"].result_list) == [network["university"]]


def test_body_autocomplete_finds_by_acronym(staff_client, network):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "ICDP",
            "app_label": "networks",
            "model_name": "affiliation",
            "field_name": "member_body",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == [str(network["committee"])]


def test_association_autocomplete_for_affiliations(staff_client, network):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Romagna",
            "app_label": "networks",
            "model_name": "affiliation",
            "field_name": "association",
        },
    )
    assert "Legacoop Romagna" in [r["text"] for r in response.json()["results"]]


def test_admin_refuses_an_affiliation_with_two_members_with_a_message(staff_client, network):
    url = reverse("admin:networks_affiliation_add")
    response = staff_client.post(
        url,
        {
            "association": network["territorial"].pk,
            "member_body": network["committee"].pk,
            "body": network["federation"].pk,
            "role": Affiliation.Role.PARTNER,
        },
    )
    assert response.status_code == 200
    assert "not both" in response.content.decode() or "non entrambi" in response.content.decode()
    assert Affiliation.objects.count() == 1


def test_non_staff_cannot_open_the_admin(client, signed_in_outsider):
    client.force_login(signed_in_outsider)
    response = client.get(reverse("admin:networks_body_changelist"))
    assert response.status_code == 302


def test_deleting_a_parent_keeps_its_children(staff_client, network):
    network["alliance"].delete()
    network["committee"].refresh_from_db()
    assert network["committee"].parent is None
    assert Body.objects.filter(pk=network["committee"].pk).exists()
    AffiliationFactory(association=None, member_body=BodyFactory(), body=network["federation"])
