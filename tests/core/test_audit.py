"""The audit log: each state change listed here leaves one entry (who, when, what, on which
object, with details) through whichever entry point makes it; the admin shows it read-only."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from funding import services as funding_services
from funding.models import Call
from members.models import Invitation, Membership
from tests.funding.factories import CallFactory

pytestmark = pytest.mark.django_db

Action = AuditEntry.Action
CALLS = reverse("admin:funding_call_changelist")


def only_entry(action):
    [entry] = AuditEntry.objects.filter(action=action)
    return entry


def test_publishing_in_the_admin_logs_each_call_with_the_staff_member(staff_client, staff_user):
    drafts = CallFactory.create_batch(2, publication_state=Call.PublicationState.DRAFT)
    staff_client.post(
        CALLS, {"action": "publish", "_selected_action": [call.pk for call in drafts]}
    )
    entries = AuditEntry.objects.filter(action=Action.CALL_PUBLISHED)
    assert {entry.target_id for entry in entries} == {call.pk for call in drafts}
    assert {entry.actor for entry in entries} == {staff_user}
    # Published already: a second run changes nothing and logs nothing.
    staff_client.post(CALLS, {"action": "publish", "_selected_action": [drafts[0].pk]})
    assert entries.count() == 2


def test_archiving_in_the_admin_is_logged(staff_client, staff_user):
    call = CallFactory(title="Bando da archiviare")
    staff_client.post(CALLS, {"action": "archive", "_selected_action": [call.pk]})
    entry = only_entry(Action.CALL_ARCHIVED)
    assert (entry.actor, entry.target_id, entry.target_label) == (
        staff_user,
        call.pk,
        str(call),
    )


def test_a_publication_from_the_shell_is_logged_without_a_person():
    draft = CallFactory(publication_state=Call.PublicationState.DRAFT)
    funding_services.calls_publish(calls=Call.objects.filter(pk=draft.pk))
    assert only_entry(Action.CALL_PUBLISHED).actor is None


def test_a_role_change_in_the_portal_logs_before_and_after(client, coop, coop_admin, coop_viewer):
    client.force_login(coop_admin)
    membership = Membership.objects.get(user=coop_viewer, cooperative=coop)
    client.post(
        reverse("portal:membership-role", kwargs={"slug": coop.slug, "pk": membership.pk}),
        {"role": "editor"},
    )
    entry = only_entry(Action.ROLE_CHANGED)
    assert entry.actor == coop_admin and entry.target_id == coop.pk
    assert entry.data == {"person": coop_viewer.email, "before": "viewer", "after": "editor"}


def test_a_refused_role_change_logs_nothing(client, coop, coop_admin):
    client.force_login(coop_admin)
    own = Membership.objects.get(user=coop_admin, cooperative=coop)
    client.post(
        reverse("portal:membership-role", kwargs={"slug": coop.slug, "pk": own.pk}),
        {"role": "viewer"},
    )
    assert not AuditEntry.objects.exists()


def test_removing_a_member_is_logged(client, coop, coop_admin, coop_viewer):
    client.force_login(coop_admin)
    membership = Membership.objects.get(user=coop_viewer, cooperative=coop)
    client.post(
        reverse("portal:membership-remove", kwargs={"slug": coop.slug, "pk": membership.pk})
    )
    assert not Membership.objects.filter(pk=membership.pk).exists()
    entry = only_entry(Action.MEMBER_REMOVED)
    assert entry.actor == coop_admin
    assert entry.data == {"person": coop_viewer.email, "role": "viewer"}


def test_an_invitation_sent_and_withdrawn_is_logged_once_each(
    client, coop, coop_admin, django_capture_on_commit_callbacks
):
    client.force_login(coop_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("portal:cooperative-members", kwargs={"slug": coop.slug}),
            {"email": "collega@aurora.example", "role": "viewer", "language": "it"},
        )
    invitation = Invitation.objects.get()
    sent = only_entry(Action.INVITATION_SENT)
    assert sent.actor == coop_admin and sent.target_id == coop.pk
    assert sent.data["email"] == "collega@aurora.example"
    withdraw = reverse(
        "portal:invitation-withdraw", kwargs={"slug": coop.slug, "pk": invitation.pk}
    )
    client.post(withdraw)
    client.post(withdraw)  # no longer pending: nothing more to log
    withdrawn = only_entry(Action.INVITATION_WITHDRAWN)
    assert withdrawn.actor == coop_admin and withdrawn.data["invitation"] == invitation.pk


def test_the_admin_shows_the_log_and_refuses_to_write_it(staff_client):
    call = CallFactory(title="Bando nel registro")
    funding_services.calls_archive(calls=Call.objects.filter(pk=call.pk))
    entry = AuditEntry.objects.get()
    listing = staff_client.get(reverse("admin:core_auditentry_changelist"))
    assert listing.status_code == 200 and "Bando nel registro" in listing.content.decode()
    assert staff_client.get(reverse("admin:core_auditentry_add")).status_code == 403
    change = reverse("admin:core_auditentry_change", args=[entry.pk])
    assert staff_client.get(change).status_code == 200  # viewed, not editable
    staff_client.post(change, {"target_label": "rewritten"})
    entry.refresh_from_db()
    assert entry.target_label == str(call)
    delete = reverse("admin:core_auditentry_delete", args=[entry.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
