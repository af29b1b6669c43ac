import pytest

from tests.members.factories import (
    AssociationFactory,
    CooperativeContactFactory,
    MembershipFactory,
)

MODELS = [
    "sector",
    "theme",
    "association",
    "associationfigure",
    "cooperative",
    "cooperativecontact",
    "membership",
]


@pytest.fixture
def data():
    membership = MembershipFactory()
    CooperativeContactFactory(cooperative=membership.cooperative)
    membership.cooperative.associations.add(AssociationFactory())
    return membership


@pytest.mark.parametrize("model", MODELS)
def test_staff_sees_every_members_model_in_the_admin(staff_client, data, model):
    assert staff_client.get(f"/admin/members/{model}/").status_code == 200
    assert staff_client.get(f"/admin/members/{model}/add/").status_code == 200
    assert staff_client.get(f"/admin/members/{model}/?q=a").status_code == 200


def test_cooperative_change_page_has_membership_and_contact_inlines(staff_client, data):
    response = staff_client.get(f"/admin/members/cooperative/{data.cooperative.pk}/change/")
    assert response.status_code == 200
    prefixes = {formset.formset.prefix for formset in response.context["inline_admin_formsets"]}
    assert prefixes == {"contacts", "memberships"}


def test_sector_autocomplete_offers_divisions_only(staff_client):
    response = staff_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "members",
            "model_name": "cooperative",
            "field_name": "main_sector",
            "term": "costruzion",
        },
    )
    assert response.status_code == 200
    codes = [item["text"].split()[0] for item in response.json()["results"]]
    assert "41" in codes and "F" not in codes


def test_people_without_staff_rights_cannot_open_the_admin(client, signed_in_outsider):
    client.force_login(signed_in_outsider)
    response = client.get("/admin/members/cooperative/")
    assert response.status_code == 302
    assert client.get("/admin/members/cooperative/import/").status_code == 302
