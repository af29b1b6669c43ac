"""The person's own account: name and language, data export, deletion, sign-in lockout."""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from core.models import Delivery, User
from funding.models import Follow
from members.models import Cooperative, Invitation, Membership
from members.services import invitation_create
from tests.funding.factories import CallFactory

pytestmark = pytest.mark.django_db


def test_name_and_language_are_saved_and_the_ui_follows(client, coop_viewer):
    client.force_login(coop_viewer)
    response = client.post(
        reverse("portal:account"), {"full_name": "Viola Verdi", "language": "en"}
    )
    assert response.status_code == 302
    coop_viewer.refresh_from_db()
    assert (coop_viewer.full_name, coop_viewer.language) == ("Viola Verdi", "en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("portal:account"))
    assert page["Content-Language"] == "en"
    assert "My account" in page.content.decode()


def test_the_export_holds_the_persons_data(client, coop, coop_admin, staff_user):
    call = CallFactory(identifier="HORIZON-TEST-1")
    Follow.objects.create(user=coop_admin, call=call)
    invitation_create(
        cooperative=coop, email="collega@aurora.example", role="viewer", invited_by=coop_admin
    )
    client.force_login(coop_admin)
    response = client.get(reverse("portal:account-export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == coop_admin.email
    assert data["memberships"] == [
        {
            "cooperative": coop.legal_name,
            "cooperative_slug": coop.slug,
            "role": "admin",
            "since": data["memberships"][0]["since"],
        }
    ]
    assert [i["email"] for i in data["invitations_sent"]] == ["collega@aurora.example"]
    assert [f["call"] for f in data["followed_calls"]] == ["HORIZON-TEST-1"]
    assert data["email_addresses"][0]["verified"] is True
    # Nobody else's data.
    assert staff_user.email not in response.content.decode()


def test_the_export_needs_signing_in(client):
    assert client.get(reverse("portal:account-export")).status_code == 302


def test_deleting_the_account_removes_personal_data_and_keeps_the_cooperative(
    client, coop, other_coop, coop_admin, coop_editor, password
):
    Follow.objects.create(user=coop_editor, call=CallFactory())
    sent = invitation_create(
        cooperative=coop, email="collega@aurora.example", role="viewer", invited_by=coop_editor
    )
    received = invitation_create(
        cooperative=other_coop, email=coop_editor.email, role="viewer", invited_by=coop_admin
    )
    client.force_login(coop_editor)
    response = client.post(reverse("portal:account-delete"), {"password": password})
    assert response.status_code == 302
    assert not User.objects.filter(email=coop_editor.email).exists()
    assert not Membership.objects.filter(user_id=coop_editor.pk).exists()
    assert not Follow.objects.filter(user_id=coop_editor.pk).exists()
    assert not Delivery.objects.filter(to_email=coop_editor.email).exists()
    assert Cooperative.objects.filter(pk=coop.pk).exists()
    assert Membership.objects.filter(user=coop_admin, cooperative=coop).exists()
    # The invitation they sent stays with the cooperative, without their name.
    sent.refresh_from_db()
    assert sent.invited_by is None
    # The invitation addressed to them, and its email, are gone.
    assert not Invitation.objects.filter(pk=received.pk).exists()
    # Signed out.
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_a_wrong_password_deletes_nothing(client, coop_viewer):
    client.force_login(coop_viewer)
    response = client.post(reverse("portal:account-delete"), {"password": "wrong"})
    assert response.status_code == 400
    assert User.objects.filter(pk=coop_viewer.pk).exists()


def test_the_last_admin_cannot_delete_the_account(client, coop, coop_admin, password):
    client.force_login(coop_admin)
    response = client.post(reverse("portal:account-delete"), {"password": password})
    assert response.status_code == 400
    assert "ultimo amministratore" in response.content.decode()
    assert User.objects.filter(pk=coop_admin.pk).exists()


def test_the_profile_history_survives_its_authors_deletion(
    client, coop, coop_admin, coop_editor, password
):
    client.force_login(coop_editor)
    client.post(
        reverse("portal:cooperative-edit", kwargs={"slug": coop.slug}),
        {"main_sector": coop.main_sector_id, "description": "Scritto da chi se ne va"},
    )
    client.post(reverse("portal:account-delete"), {"password": password})
    latest = coop.history.latest()
    assert latest.description == "Scritto da chi se ne va"
    assert latest.history_user is None


def sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_after_five_failures_the_sixth_attempt_is_locked_out_with_a_message(
    client, coop_viewer, password
):
    for _attempt in range(5):
        response = sign_in(client, coop_viewer.email, "wrong password")
        assert response.status_code == 200
    response = sign_in(client, coop_viewer.email, password)
    assert response.status_code == 200  # a message on the form, not a 500 or a 429 page
    assert "Troppi tentativi di accesso" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_account(client, coop_viewer, coop_editor, password):
    for _attempt in range(5):
        sign_in(client, coop_viewer.email, "wrong password")
    response = sign_in(client, coop_editor.email, password)
    assert response.status_code == 302
