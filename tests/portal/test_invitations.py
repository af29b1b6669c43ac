"""Invitations: the email, signing up from the link, and every way a link can be bad."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import Delivery, User
from members.models import Invitation, Membership
from members.services import invitation_accept, invitation_create

pytestmark = pytest.mark.django_db

NEW_EMAIL = "nuova.socia@aurora.example"
PASSWORD = "una-Password-lunga-42"


@pytest.fixture
def invite(coop, staff_user, django_capture_on_commit_callbacks):
    def make(email=NEW_EMAIL, role="editor", language="it", cooperative=None):
        with django_capture_on_commit_callbacks(execute=True):
            return invitation_create(
                cooperative=cooperative or coop,
                email=email,
                role=role,
                invited_by=staff_user,
                language=language,
            )

    return make


def link_path(message_body):
    url = re.search(r"https?://\S+/portal/invitations/\S+/", message_body).group(0)
    return "/" + url.split("/", 3)[3]


def sign_up(client, email=NEW_EMAIL):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def test_the_invitation_email_holds_a_working_link(invite, mailoutbox, coop):
    invitation = invite()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [NEW_EMAIL]
    assert coop.legal_name in message.subject
    assert link_path(message.body) == f"/portal/invitations/{invitation.token}/"
    assert Delivery.objects.get().key == f"invitation:{invitation.pk}"
    # Only the hash of the token is stored.
    assert invitation.token not in Invitation.objects.get().token_hash


def test_the_email_is_in_the_language_the_inviter_chose(invite, mailoutbox):
    invite(language="en")
    assert mailoutbox[0].subject.startswith("You are invited to join")
    assert "as Editor" in mailoutbox[0].body
    invite(email="altra@aurora.example", language="it")
    assert mailoutbox[1].subject.startswith("Sei invitato a unirti a")
    assert "con il ruolo di Redattore" in mailoutbox[1].body


def test_a_new_person_signs_up_from_the_link_with_a_verified_email(
    client, invite, mailoutbox, coop
):
    invite(role="editor")
    path = link_path(mailoutbox[0].body)
    page = client.get(path)
    assert page.status_code == 200
    assert coop.legal_name in page.content.decode()
    form = client.get(reverse("account_signup"))
    assert form.status_code == 200
    assert f'value="{NEW_EMAIL}"' in form.content.decode()

    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")
    person = User.objects.get(email=NEW_EMAIL)
    assert EmailAddress.objects.get(user=person).verified
    assert Membership.objects.get(user=person, cooperative=coop).role == "editor"
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == person and invitation.accepted_at
    # Signed in straight away: no confirmation email is needed.
    assert client.get(reverse("portal:dashboard")).status_code == 200
    assert len(mailoutbox) == 1


def test_a_used_link_gets_a_clear_page_and_creates_nothing(client, invite, mailoutbox):
    invite()
    path = link_path(mailoutbox[0].body)
    client.get(path)
    sign_up(client)
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert "Questo invito è già stato usato." in response.content.decode()
    assert sign_up(client, "someone.else@aurora.example").status_code == 200
    assert User.objects.count() == 2  # staff and the invitee


def test_an_expired_link_gets_a_clear_page_and_creates_no_account(client, invite, mailoutbox):
    invite()
    path = link_path(mailoutbox[0].body)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.get(path)
        assert response.status_code == 410
        assert 'data-testid="invitation-problem"' in response.content.decode()
        sign_up(client)
    assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_a_link_expiring_between_opening_and_signing_up_creates_no_account(
    client, invite, mailoutbox
):
    invite()
    client.get(link_path(mailoutbox[0].body))
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        sign_up(client)
    assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_a_tampered_link_gets_a_clear_page_and_creates_no_account(client, invite, mailoutbox):
    invite()
    path = link_path(mailoutbox[0].body)
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    response = client.get(tampered)
    assert response.status_code == 404
    assert 'data-testid="invitation-problem"' in response.content.decode()
    sign_up(client)
    assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_a_withdrawn_link_gets_a_clear_page(client, invite, mailoutbox):
    invitation = invite()
    Invitation.objects.filter(pk=invitation.pk).update(revoked=True)
    response = client.get(link_path(mailoutbox[0].body))
    assert response.status_code == 410


def test_open_signup_is_closed(client, db):
    page = client.get(reverse("account_signup"))
    assert "password1" not in page.content.decode()
    sign_up(client, "uninvited@example.org")
    assert not User.objects.filter(email="uninvited@example.org").exists()


def test_signup_from_a_link_must_use_the_invited_address(client, invite, mailoutbox):
    invite()
    client.get(link_path(mailoutbox[0].body))
    response = sign_up(client, "other.address@aurora.example")
    assert response.status_code == 200
    assert NEW_EMAIL in response.content.decode()
    assert not User.objects.filter(email="other.address@aurora.example").exists()


def test_an_existing_account_signs_in_and_accepts(
    client, invite, mailoutbox, other_coop_admin, coop
):
    invite(email=other_coop_admin.email, role="viewer")
    path = link_path(mailoutbox[0].body)
    page = client.get(path)
    assert reverse("account_login") in page.content.decode()
    client.force_login(other_coop_admin)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert Membership.objects.get(user=other_coop_admin, cooperative=coop).role == "viewer"
    assert User.objects.filter(email=other_coop_admin.email).count() == 1


def test_someone_signed_in_with_another_address_cannot_accept(
    client, invite, mailoutbox, coop_viewer, coop
):
    invite(email="not.me@aurora.example")
    client.force_login(coop_viewer)
    path = link_path(mailoutbox[0].body)
    client.post(path)
    assert Invitation.objects.get().accepted_at is None


def test_an_invitation_works_once_even_when_accepted_twice_at_once(
    invite, coop, other_coop_admin, signed_in_outsider
):
    invitation = invite(email=other_coop_admin.email, role="editor")
    # Two requests loaded the same pending invitation; the first claim wins.
    stale_copy = Invitation.objects.get(pk=invitation.pk)
    invitation_accept(invitation=invitation, user=other_coop_admin)
    with pytest.raises(ValidationError, match=r"già stato usato|already been used"):
        invitation_accept(invitation=stale_copy, user=signed_in_outsider)
    assert not Membership.objects.filter(user=signed_in_outsider).exists()
    assert Membership.objects.get(user=other_coop_admin, cooperative=coop).role == "editor"


def test_accepting_raises_a_members_role_but_never_lowers_it(invite, coop, coop_admin):
    Membership.objects.filter(user=coop_admin).delete()
    Membership.objects.create(user=coop_admin, cooperative=coop, role="editor")
    invitation = invite(email="x@aurora.example", role="viewer")
    invitation_accept(invitation=invitation, user=coop_admin)
    assert Membership.objects.get(user=coop_admin, cooperative=coop).role == "editor"


def test_a_member_or_a_pending_address_cannot_be_invited_again(invite, coop_viewer):
    with pytest.raises(ValidationError, match=r"già|already"):
        invite(email=coop_viewer.email)
    invite(email="pending@aurora.example")
    with pytest.raises(ValidationError):
        invite(email="PENDING@aurora.example")


def test_an_expired_invitation_can_be_sent_again(invite, mailoutbox):
    invite()
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        second = invite()
    assert second.pk and Invitation.objects.count() == 2
    assert len(mailoutbox) == 2


def test_an_admin_invites_a_colleague_from_the_portal(
    client, coop, coop_admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(coop_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:cooperative-members", kwargs={"slug": coop.slug}),
            {"email": "collega@aurora.example", "role": "viewer", "language": "en"},
        )
    assert response.status_code == 302
    assert mailoutbox[0].to == ["collega@aurora.example"]
    assert "You are invited" in mailoutbox[0].subject
    invitation = Invitation.objects.get()
    assert invitation.invited_by == coop_admin and invitation.role == "viewer"


def test_inviting_a_member_again_shows_the_reason_on_the_form(
    client, coop, coop_admin, coop_viewer
):
    client.force_login(coop_admin)
    response = client.post(
        reverse("portal:cooperative-members", kwargs={"slug": coop.slug}),
        {"email": coop_viewer.email, "role": "viewer", "language": "it"},
    )
    assert response.status_code == 400
    assert coop_viewer.email in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_admin_withdraws_an_invitation(client, coop, coop_admin, invite):
    invitation = invite()
    client.force_login(coop_admin)
    client.post(
        reverse("portal:invitation-withdraw", kwargs={"slug": coop.slug, "pk": invitation.pk})
    )
    assert Invitation.objects.get().revoked


def test_staff_invite_in_the_admin(
    staff_client, coop, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:members_invitation_add"),
            {
                "email": "dal.admin@aurora.example",
                "cooperative": coop.pk,
                "role": "admin",
                "language": "it",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    invitation = Invitation.objects.get()
    assert invitation.email == "dal.admin@aurora.example" and invitation.role == "admin"
    assert len(mailoutbox) == 1
    assert staff_client.get(reverse("admin:members_invitation_changelist")).status_code == 200
    assert (
        staff_client.get(
            reverse("admin:members_invitation_change", args=[invitation.pk])
        ).status_code
        == 200
    )


def test_staff_cannot_invite_a_member_again_in_the_admin(staff_client, coop, coop_viewer):
    response = staff_client.post(
        reverse("admin:members_invitation_add"),
        {"email": coop_viewer.email, "cooperative": coop.pk, "role": "admin", "language": "it"},
    )
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_staff_invite_from_the_cooperative_admin(staff_client, coop):
    page = staff_client.get(reverse("admin:members_cooperative_change", args=[coop.pk]))
    add_url = reverse("admin:members_invitation_add") + f"?cooperative={coop.pk}"
    assert add_url in page.content.decode()
    response = staff_client.post(
        reverse("admin:members_cooperative_changelist"),
        {"action": "invite", "_selected_action": [coop.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == add_url
    form = staff_client.get(add_url)
    assert form.context["adminform"].form.initial["cooperative"] == str(coop.pk)
