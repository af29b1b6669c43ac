"""One open invitation per cooperative and address: a double submit sends one email.

A database constraint holds it (whatever the entry point), the service turns a lost race
into the winner's invitation, and a deliberate second invitation is a form error.
"""

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import Delivery
from members import services
from members.models import Invitation
from members.services import invitation_create, invitation_revoke

pytestmark = pytest.mark.django_db

EMAIL = "nuova.socia@aurora.example"


def members_url(coop):
    return f"/portal/cooperative/{coop.slug}/members/"


def invite_through_portal(client, coop, email=EMAIL):
    return client.post(members_url(coop), {"email": email, "role": "viewer", "language": "it"})


@pytest.fixture
def invite(coop, staff_user, django_capture_on_commit_callbacks):
    def make(email=EMAIL, cooperative=None):
        with django_capture_on_commit_callbacks(execute=True):
            return invitation_create(
                cooperative=cooperative or coop, email=email, role="viewer", invited_by=staff_user
            )

    return make


def test_a_second_invitation_through_the_portal_is_a_form_error(
    client, coop, coop_admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(coop_admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert invite_through_portal(client, coop).status_code == 302
        response = invite_through_portal(client, coop, EMAIL.upper())
    assert response.status_code == 400
    assert response.context["invite_form"].errors["email"]
    assert Invitation.objects.count() == 1
    assert len(mailoutbox) == 1


def test_the_database_refuses_a_second_open_invitation(invite, coop):
    first = invite()
    duplicate = Invitation(
        email=EMAIL.upper(), cooperative=coop, role="editor", expires_at=first.expires_at
    )
    duplicate.set_new_token()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_the_same_address_may_be_invited_by_another_cooperative(invite, other_coop):
    invite()
    invite(cooperative=other_coop)
    assert Invitation.objects.pending().count() == 2


def test_a_double_submit_that_races_the_check_gets_one_invitation_and_one_email(
    invite, monkeypatch, mailoutbox
):
    """Both requests pass the check before either has written: the constraint decides."""
    first = invite()
    monkeypatch.setattr(services, "invitation_check", lambda **kwargs: None)
    second = invite()
    assert second.pk == first.pk
    assert second.token is None
    assert Invitation.objects.count() == 1
    assert Delivery.objects.count() == 1
    assert len(mailoutbox) == 1


def test_the_portal_answers_a_lost_race_with_success_not_500(
    client, coop, coop_admin, invite, monkeypatch, mailoutbox
):
    invite()
    monkeypatch.setattr(services, "invitation_check", lambda **kwargs: None)
    client.force_login(coop_admin)
    response = invite_through_portal(client, coop)
    assert response.status_code == 302
    assert Invitation.objects.count() == 1
    assert len(mailoutbox) == 1


def test_an_address_can_be_invited_again_after_its_invitation_expired(invite, mailoutbox):
    old = invite()
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        new = invite()
        old.refresh_from_db()
        assert old.state == Invitation.State.EXPIRED
        assert old.superseded_at is not None
        assert new.is_pending
    assert len(mailoutbox) == 2


def test_an_address_can_be_invited_again_after_its_invitation_was_withdrawn(invite, mailoutbox):
    old = invite()
    invitation_revoke(invitation=old)
    new = invite()
    assert new.pk != old.pk and new.is_pending
    assert len(mailoutbox) == 2


def test_an_address_can_be_invited_again_after_accepting_and_leaving(
    invite, signed_in_outsider, coop
):
    old = invite(email=signed_in_outsider.email)
    services.invitation_accept(invitation=old, user=signed_in_outsider)
    coop.memberships.filter(user=signed_in_outsider).delete()
    assert invite(email=signed_in_outsider.email).is_pending


def admin_add(client, coop, email=EMAIL):
    return client.post(
        "/admin/members/invitation/add/",
        {"email": email, "cooperative": coop.pk, "role": "viewer", "language": "it"},
    )


def test_the_admin_refuses_a_second_invitation_on_the_form(staff_client, coop, invite):
    invite()
    response = admin_add(staff_client, coop)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"]
    assert Invitation.objects.count() == 1


def test_the_admin_invites_again_after_expiry(staff_client, coop, invite):
    invite()
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = admin_add(staff_client, coop)
    assert response.status_code == 302
    assert Invitation.objects.count() == 2


def test_the_admin_answers_a_lost_race_without_500(staff_client, coop, invite, monkeypatch):
    from members import admin as members_admin

    invite()
    monkeypatch.setattr(services, "invitation_check", lambda **kwargs: None)
    monkeypatch.setattr(members_admin, "invitation_check", lambda **kwargs: None)
    response = admin_add(staff_client, coop)
    assert response.status_code == 302
    assert Invitation.objects.count() == 1
