import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from members.models import Association, AssociationFigure, Membership
from tests.members.factories import (
    AssociationFactory,
    CooperativeContactFactory,
    CooperativeFactory,
    MembershipFactory,
)


@pytest.fixture
def cooperative():
    cooperative = CooperativeFactory(
        slug="nodo", legal_name="Nodo Soc. Coop.", email="info@nodo.example"
    )
    CooperativeContactFactory(
        cooperative=cooperative, name="Giulia Ferri", email="giulia@nodo.example"
    )
    return cooperative


def test_urls_follow_the_contract(cooperative):
    assert reverse("members:cooperative-list") == "/members/"
    assert cooperative.get_absolute_url() == "/members/nodo/"
    association = AssociationFactory(slug="legacoop-bologna")
    assert association.get_absolute_url() == "/members/associations/legacoop-bologna/"


def test_anonymous_visitors_see_the_profile_but_not_the_contacts(client, cooperative):
    response = client.get(cooperative.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Nodo Soc. Coop." in content
    assert "info@nodo.example" not in content
    assert "giulia@nodo.example" not in content
    assert "Giulia Ferri" not in content
    assert "+39051" not in content
    assert "/accounts/login/?next=/members/nodo/" in content
    assert response.context["can_view_contacts"] is False


@pytest.fixture
def other_member(db):
    """A person of another member cooperative."""
    return MembershipFactory(cooperative=CooperativeFactory(), role="viewer").user


@pytest.mark.parametrize("persona", ["other_member", "staff_user"])
def test_people_of_member_cooperatives_and_staff_see_the_contacts(
    client, cooperative, persona, request
):
    client.force_login(request.getfixturevalue(persona))
    content = client.get(cooperative.get_absolute_url()).content.decode()
    assert "info@nodo.example" in content
    assert "Giulia Ferri" in content and "giulia@nodo.example" in content
    assert "+390511234567" in content


def test_a_signed_in_person_of_no_cooperative_does_not_see_the_contacts(
    client, cooperative, signed_in_outsider
):
    client.force_login(signed_in_outsider)
    content = client.get(cooperative.get_absolute_url()).content.decode()
    assert "info@nodo.example" not in content and "giulia@nodo.example" not in content
    assert 'data-testid="contacts-for-members"' in content


def test_an_inactive_cooperative_is_hidden_from_the_public_but_not_from_staff(client, staff_user):
    closed = CooperativeFactory(is_active=False)
    assert client.get(closed.get_absolute_url()).status_code == 404
    client.force_login(staff_user)
    assert client.get(closed.get_absolute_url()).status_code == 200


def test_unknown_cooperative_is_a_404(client):
    assert client.get("/members/does-not-exist/").status_code == 404


def test_demo_cooperatives_carry_a_demo_badge(client):
    demo = CooperativeFactory(is_demo=True)
    real = CooperativeFactory(is_demo=False)
    assert b'data-testid="demo-badge"' in client.get(demo.get_absolute_url()).content
    assert b'data-testid="demo-badge"' not in client.get(real.get_absolute_url()).content


def test_association_page_shows_figures_with_year_and_source_and_its_cooperatives(client):
    region = AssociationFactory(
        slug="legacoop-emilia-romagna", name="Legacoop Emilia-Romagna", kind="regional"
    )
    child = AssociationFactory(slug="legacoop-bologna", name="Legacoop Bologna", parent=region)
    AssociationFigure.objects.create(
        association=region, metric="enterprises", value=1250, year=2016, source="The document."
    )
    CooperativeFactory(legal_name="Socia Regionale", associations=[region])
    CooperativeFactory(legal_name="Chiusa", associations=[region], is_active=False)
    response = client.get(region.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "1.250" in content or "1,250" in content
    assert "2016" in content and "The document." in content
    assert child.name in content
    assert "Socia Regionale" in content and "Chiusa" not in content
    child_page = client.get(child.get_absolute_url()).content.decode()
    assert region.get_absolute_url() in child_page


def test_association_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    association = AssociationFactory()
    CooperativeFactory.create_batch(40, associations=[association])
    with django_assert_max_num_queries(9):
        response = client.get(association.get_absolute_url() + "?page=99")
    assert response.context["page_obj"].number == 2


def test_unknown_association_is_a_404(client):
    assert client.get("/members/associations/nope/").status_code == 404


def test_membership_is_unique_per_person_and_cooperative(cooperative):
    membership = MembershipFactory(cooperative=cooperative, role=Membership.Role.ADMIN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=membership.user, cooperative=cooperative)
    assert [choice for choice, _ in Membership.Role.choices] == ["admin", "editor", "viewer"]


def test_region_is_derived_from_the_province():
    assert CooperativeFactory(province="RE").region == "ITH5"
    assert CooperativeFactory(province="BZ").region == "ITH1"
    assert CooperativeFactory(province="MI").region == "ITC4"
    assert Association.Kind.NATIONAL_SECTOR == "national_sector"
