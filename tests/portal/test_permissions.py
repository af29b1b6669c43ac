"""The permission matrix: every role x action, through the rules and through the pages.

Another cooperative's private pages answer 404 (not 403); a member without the role 403;
anonymous visitors are sent to sign in.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from members.models import Invitation, Membership

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "signed_in_outsider",  # signed in, in no cooperative
    "other_coop_admin",
    "coop_viewer",
    "coop_editor",
    "coop_admin",
    "staff_user",
]
ACTIONS = [
    "members.view_contacts",
    "members.view_members",
    "members.change_cooperative",
    "members.manage_members",
    "members.post_request",
    "members.express_interest",
    "members.view_staff_data",
]
# Who may, per action (the table of members/rules.py).
ALLOWED = {
    "members.view_contacts": {
        "other_coop_admin",
        "coop_viewer",
        "coop_editor",
        "coop_admin",
        "staff_user",
    },
    "members.view_members": {"coop_viewer", "coop_editor", "coop_admin", "staff_user"},
    "members.change_cooperative": {"coop_editor", "coop_admin", "staff_user"},
    "members.manage_members": {"coop_admin", "staff_user"},
    "members.post_request": {"coop_editor", "coop_admin", "staff_user"},
    "members.express_interest": {"coop_editor", "coop_admin", "staff_user"},
    "members.view_staff_data": {"staff_user"},
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("name", PERSONAS)
def test_rules_matrix(request, coop, name, action):
    user = AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)
    assert user.has_perm(action, coop) is (name in ALLOWED[action])


def test_the_old_contacts_permission_name_still_answers(coop, coop_viewer):
    assert coop_viewer.has_perm("members.view_cooperative_contacts", coop)
    assert not AnonymousUser().has_perm("members.view_cooperative_contacts", coop)


def expected(name, action, allowed_status):
    """What a page answers: allowed, sign in, unknown (other coop), or forbidden."""
    if name == "anonymous":
        return 302
    if name in ALLOWED[action]:
        return allowed_status
    if name not in ALLOWED["members.view_members"]:
        return 404
    return 403


@pytest.mark.parametrize("name", PERSONAS)
def test_edit_page(persona, coop, name):
    client, _user = persona(name)
    response = client.get(reverse("portal:cooperative-edit", kwargs={"slug": coop.slug}))
    assert response.status_code == expected(name, "members.change_cooperative", 200)
    if name == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", PERSONAS)
def test_editing_the_profile(persona, coop, name):
    client, _user = persona(name)
    response = client.post(
        reverse("portal:cooperative-edit", kwargs={"slug": coop.slug}),
        {"description": "Changed by " + name, "main_sector": coop.main_sector_id},
    )
    assert response.status_code == expected(name, "members.change_cooperative", 302)
    coop.refresh_from_db()
    assert (coop.description == "Changed by " + name) is (
        name in ALLOWED["members.change_cooperative"]
    )


@pytest.mark.parametrize("name", PERSONAS)
def test_members_page(persona, coop, name):
    client, _user = persona(name)
    response = client.get(reverse("portal:cooperative-members", kwargs={"slug": coop.slug}))
    assert response.status_code == expected(name, "members.view_members", 200)
    if response.status_code == 200:
        shows_invite_form = b'data-testid="invite-form"' in response.content
        assert shows_invite_form is (name in ALLOWED["members.manage_members"])


@pytest.mark.parametrize("name", PERSONAS)
def test_inviting(persona, coop, name):
    client, _user = persona(name)
    response = client.post(
        reverse("portal:cooperative-members", kwargs={"slug": coop.slug}),
        {"email": "new.person@aurora.example", "role": "viewer", "language": "it"},
    )
    assert response.status_code == expected(name, "members.manage_members", 302)
    assert Invitation.objects.filter(cooperative=coop).exists() is (
        name in ALLOWED["members.manage_members"]
    )


@pytest.mark.parametrize("name", PERSONAS)
def test_changing_a_role(persona, coop, coop_viewer, name):
    client, _user = persona(name)
    membership = Membership.objects.get(user=coop_viewer, cooperative=coop)
    response = client.post(
        reverse("portal:membership-role", kwargs={"slug": coop.slug, "pk": membership.pk}),
        {"role": "editor"},
    )
    assert response.status_code == expected(name, "members.manage_members", 302)
    membership.refresh_from_db()
    assert (membership.role == "editor") is (name in ALLOWED["members.manage_members"])


@pytest.mark.parametrize("name", PERSONAS)
def test_removing_another_member(persona, coop, name):
    from tests.members.factories import MembershipFactory

    target = MembershipFactory(cooperative=coop, role="viewer")
    client, _user = persona(name)
    response = client.post(
        reverse("portal:membership-remove", kwargs={"slug": coop.slug, "pk": target.pk})
    )
    assert response.status_code == expected(name, "members.manage_members", 302)
    assert Membership.objects.filter(pk=target.pk).exists() is (
        name not in ALLOWED["members.manage_members"]
    )


@pytest.mark.parametrize("name", PERSONAS)
def test_contacts_on_the_public_profile(persona, coop, name):
    from tests.members.factories import CooperativeContactFactory

    CooperativeContactFactory(cooperative=coop, name="Ada Referente")
    client, _user = persona(name)
    response = client.get(coop.get_absolute_url())
    assert response.status_code == 200
    assert ("Ada Referente" in response.content.decode()) is (
        name in ALLOWED["members.view_contacts"]
    )


@pytest.mark.parametrize("name", ["coop_editor", "coop_admin", "staff_user"])
def test_history_is_shown_to_staff_only(persona, coop, name):
    client, _user = persona(name)
    response = client.get(reverse("portal:cooperative-edit", kwargs={"slug": coop.slug}))
    assert (b'data-testid="history"' in response.content) is (
        name in ALLOWED["members.view_staff_data"]
    )


def test_a_viewer_sees_no_edit_button(client, coop, coop_viewer):
    client.force_login(coop_viewer)
    response = client.get(reverse("portal:dashboard"))
    assert b'data-testid="edit-cooperative"' not in response.content


def test_an_editor_sees_the_edit_button(client, coop, coop_editor):
    client.force_login(coop_editor)
    response = client.get(reverse("portal:dashboard"))
    assert b'data-testid="edit-cooperative"' in response.content


def test_staff_who_are_not_superusers_get_the_same_answers_from_the_rules(coop):
    from tests.core.factories import UserFactory

    staff = UserFactory(is_staff=True, verified=True)
    for action in ACTIONS:
        assert staff.has_perm(action, coop) is ("staff_user" in ALLOWED[action]), action
