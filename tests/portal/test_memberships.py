"""Roles and the last-administrator rule: a cooperative always keeps an administrator."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.models import Membership
from members.services import membership_change_role, membership_remove

pytestmark = pytest.mark.django_db


def membership(user, cooperative):
    return Membership.objects.get(user=user, cooperative=cooperative)


def test_the_last_admin_cannot_be_demoted(coop, coop_admin):
    with pytest.raises(ValidationError, match=r"ultimo amministratore|last administrator"):
        membership_change_role(membership=membership(coop_admin, coop), role="editor")
    assert membership(coop_admin, coop).role == "admin"


def test_the_last_admin_cannot_leave(coop, coop_admin):
    with pytest.raises(ValidationError):
        membership_remove(membership=membership(coop_admin, coop))
    assert Membership.objects.filter(user=coop_admin).exists()


def test_an_admin_can_step_down_once_there_is_another(coop, coop_admin, coop_editor):
    membership_change_role(membership=membership(coop_editor, coop), role="admin")
    membership_change_role(membership=membership(coop_admin, coop), role="viewer")
    assert membership(coop_admin, coop).role == "viewer"
    with pytest.raises(ValidationError):
        membership_remove(membership=membership(coop_editor, coop))


def test_the_page_shows_why_the_last_admin_cannot_be_demoted(client, coop, coop_admin):
    client.force_login(coop_admin)
    own = membership(coop_admin, coop)
    response = client.post(
        reverse("portal:membership-role", kwargs={"slug": coop.slug, "pk": own.pk}),
        {"role": "viewer"},
        follow=True,
    )
    assert response.status_code == 200
    assert "ultimo amministratore" in response.content.decode()
    assert membership(coop_admin, coop).role == "admin"


def test_the_page_shows_why_the_last_admin_cannot_leave(client, coop, coop_admin):
    client.force_login(coop_admin)
    own = membership(coop_admin, coop)
    response = client.post(
        reverse("portal:membership-remove", kwargs={"slug": coop.slug, "pk": own.pk}),
        follow=True,
    )
    assert "ultimo amministratore" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_a_viewer_may_leave(client, coop, coop_admin, coop_viewer):
    client.force_login(coop_viewer)
    own = membership(coop_viewer, coop)
    response = client.post(
        reverse("portal:membership-remove", kwargs={"slug": coop.slug, "pk": own.pk})
    )
    assert response["Location"] == reverse("portal:dashboard")
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_an_unknown_role_is_refused(coop, coop_viewer):
    with pytest.raises(ValidationError):
        membership_change_role(membership=membership(coop_viewer, coop), role="owner")


def test_a_person_belongs_to_two_cooperatives_and_switches(client, coop, other_coop, coop_editor):
    Membership.objects.create(user=coop_editor, cooperative=other_coop, role="viewer")
    client.force_login(coop_editor)
    page = client.get(reverse("portal:dashboard"))
    assert page.context["current"].cooperative == coop
    client.post(reverse("portal:switch-cooperative"), {"cooperative": other_coop.slug})
    page = client.get(reverse("portal:dashboard"))
    assert page.context["current"].cooperative == other_coop
    # Not a member: the switch does not happen.
    response = client.post(reverse("portal:switch-cooperative"), {"cooperative": "nowhere"})
    assert response.status_code == 404
