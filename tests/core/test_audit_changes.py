"""The audit log, change by change: each state change the services make (a request's moves,
expressions of interest, applications, profiles, memberships) leaves one entry with who,
what and details, whichever entry point (portal page, admin form or action, import, expiry
job) made it; a refused change leaves none; each object's staff page shows its trail."""

import datetime

import pytest
import tablib
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.models import AuditEntry
from members.admin import LAST_ADMIN
from members.models import Cooperative, Membership
from members.resources import CooperativeResource
from partnerships import services as partnerships
from partnerships.models import PartnershipRequest, RequestEvent
from startups.models import ApplicationEvent, Kind
from tests.core.factories import UserFactory
from tests.members.factories import CooperativeFactory, MembershipFactory
from tests.partnerships.factories import ExpressionOfInterestFactory, PartnershipRequestFactory
from tests.startups.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

Action = AuditEntry.Action
State = PartnershipRequest.State


def entries_on(target):
    return AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    ).order_by("at", "pk")


def actions_on(target):
    return [entry.action for entry in entries_on(target)]


def only(action, target):
    [entry] = entries_on(target).filter(action=action)
    return entry


def post_request(client, name, request, **data):
    return client.post(reverse(f"partnerships:{name}", kwargs={"pk": request.pk}), data)


# --- Partnership requests ---------------------------------------------------------------------


def draft(coop, by):
    return partnerships.request_create(
        owner=coop,
        by=by,
        kind=PartnershipRequest.Kind.TECHNOLOGY_OFFER,
        title="Sensori per il campo",
        summary="Offriamo sensori a basso consumo.",
    )


def test_a_request_created_edited_submitted_returned_and_approved_leaves_each_step(
    client, coop, coop_editor, staff_user
):
    request = draft(coop, coop_editor)
    partnerships.request_update(request=request, by=coop_editor, title="Sensori per vigneti")
    client.force_login(coop_editor)
    post_request(client, "request-submit", request)
    client.force_login(staff_user)
    post_request(client, "request-return", request, reason="Manca il budget")
    client.force_login(coop_editor)
    post_request(client, "request-submit", request)
    client.force_login(staff_user)
    post_request(client, "request-approve", request)

    assert actions_on(request) == [
        Action.REQUEST_CREATED,
        Action.REQUEST_EDITED,
        Action.REQUEST_SUBMITTED,
        Action.REQUEST_RETURNED,
        Action.REQUEST_SUBMITTED,
        Action.REQUEST_APPROVED,
    ]
    returned = only(Action.REQUEST_RETURNED, request)
    assert returned.actor == staff_user
    assert returned.data == {
        "from_state": "submitted",
        "to_state": "returned",
        "note": "Manca il budget",
    }
    assert only(Action.REQUEST_APPROVED, request).actor == staff_user
    assert {
        entry.actor for entry in entries_on(request).filter(action=Action.REQUEST_SUBMITTED)
    } == {coop_editor}
    # The request's events are the same entries, read through the view.
    assert [event.pk for event in request.events.all()] == [e.pk for e in entries_on(request)]


def test_closing_a_request_logs_the_outcome_note(client, coop, coop_admin):
    request = PartnershipRequestFactory(owner=coop)
    client.force_login(coop_admin)
    post_request(client, "request-close", request, outcome="partner_found", note="Con Borea")
    entry = only(Action.REQUEST_CLOSED, request)
    assert (entry.actor, entry.data["to_state"], entry.data["note"]) == (
        coop_admin,
        "closed",
        "Con Borea",
    )


def test_expiry_is_logged_once_without_a_person(coop):
    request = PartnershipRequestFactory(
        owner=coop, interest_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    partnerships.requests_expire()
    partnerships.requests_expire()  # expired already: nothing more
    entry = only(Action.REQUEST_EXPIRED, request)
    assert entry.actor is None and entry.data["from_state"] == "published"


def test_a_refused_move_logs_nothing(client, coop, coop_viewer):
    request = draft(coop, UserFactory(is_staff=True))
    before = entries_on(request).count()
    client.force_login(coop_viewer)
    post_request(client, "request-submit", request)  # a viewer may not submit
    request.refresh_from_db()
    assert request.state == State.DRAFT
    assert entries_on(request).count() == before


# --- Expressions of interest ------------------------------------------------------------------


def test_an_interest_sent_and_accepted_is_logged_on_the_request(
    client, coop, coop_admin, other_coop, other_coop_admin
):
    request = PartnershipRequestFactory(owner=coop)
    client.force_login(other_coop_admin)
    post_request(
        client,
        "interest-create",
        request,
        cooperative=other_coop.pk,
        message="Abbiamo sensori installati in tre vigneti.",
    )
    interest = request.interests.get()
    sent = only(Action.INTEREST_SENT, request)
    assert sent.actor == other_coop_admin
    assert sent.data == {"interest": interest.pk, "cooperative": other_coop.legal_name}

    client.force_login(coop_admin)
    client.post(reverse("partnerships:interest-accept", kwargs={"pk": interest.pk}))
    client.post(reverse("partnerships:interest-accept", kwargs={"pk": interest.pk}))  # again
    assert only(Action.INTEREST_ACCEPTED, request).actor == coop_admin


def test_a_declined_interest_keeps_the_reason(client, coop, coop_admin):
    request = PartnershipRequestFactory(owner=coop)
    interest = ExpressionOfInterestFactory(request=request)
    client.force_login(coop_admin)
    client.post(
        reverse("partnerships:interest-decline", kwargs={"pk": interest.pk}),
        {"reason": "Cerchiamo un partner in Toscana"},
    )
    entry = only(Action.INTEREST_DECLINED, request)
    assert entry.data["reason"] == "Cerchiamo un partner in Toscana"
    assert entry.data["cooperative"] == interest.cooperative.legal_name


def test_an_outsider_cannot_answer_and_nothing_is_logged(client, coop, signed_in_outsider):
    request = PartnershipRequestFactory(owner=coop)
    interest = ExpressionOfInterestFactory(request=request)
    client.force_login(signed_in_outsider)
    response = client.post(reverse("partnerships:interest-accept", kwargs={"pk": interest.pk}))
    assert response.status_code in (403, 404)
    assert not entries_on(request).exists()


# --- Startup applications ---------------------------------------------------------------------


def test_an_application_moved_by_an_admin_action_is_logged(staff_client, staff_user):
    application = ApplicationFactory()
    staff_client.post(
        reverse("admin:startups_application_changelist"),
        {"action": "move_to_screening", "_selected_action": [application.pk]},
    )
    entry = only(Action.APPLICATION_MOVED, application)
    assert entry.actor == staff_user
    assert (entry.data["from_stage"], entry.data["to_stage"]) == ("submitted", "screening")
    assert ApplicationEvent.objects.get(application=application).pk == entry.pk


def test_an_application_submitted_in_the_portal_is_logged_by_the_applicant(
    client, startup_applicant
):
    from startups import services as startups
    from tests.startups.factories import SupportProgrammeFactory

    application = startups.application_submit(
        programme=SupportProgrammeFactory(),
        applicant=startup_applicant,
        data={
            "startup_name": "Filiera Corta",
            "kind": Kind.COOPERATIVE_SPINOFF,
            "description": "Consegne dai produttori ai gruppi d'acquisto.",
            "team": "Sara Neri",
            "team_size": 1,
        },
    )
    entry = only(Action.APPLICATION_SUBMITTED, application)
    assert entry.actor == startup_applicant and entry.data["from_stage"] == ""


# --- Cooperative profiles ---------------------------------------------------------------------


def test_a_profile_edited_in_the_portal_names_the_fields(client, coop, coop_editor):
    client.force_login(coop_editor)
    client.post(
        reverse("portal:cooperative-edit", kwargs={"slug": coop.slug}),
        {
            "main_sector": coop.main_sector_id,
            "description": "Software per cooperative sociali.",
            "city": coop.city,
            "province": coop.province,
            "email": coop.email,
            "phone": coop.phone,
        },
    )
    entry = only(Action.PROFILE_EDITED, coop)
    assert entry.actor == coop_editor
    assert entry.data["source"] == "form" and "description" in entry.data["fields"]


def test_a_profile_saved_unchanged_logs_nothing(client, coop, coop_editor):
    client.force_login(coop_editor)
    page = client.get(reverse("portal:cooperative-edit", kwargs={"slug": coop.slug}))
    form = page.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = value
    response = client.post(reverse("portal:cooperative-edit", kwargs={"slug": coop.slug}), data)
    assert response.status_code == 302  # saved, not refused
    assert not entries_on(coop).filter(action=Action.PROFILE_EDITED).exists()


def admin_change_data(coop, **overrides):
    data = {
        "legal_name": coop.legal_name,
        "slug": coop.slug,
        "vat_number": coop.vat_number or "",
        "cooperative_type": coop.cooperative_type,
        "is_active": "on",
        "main_sector": coop.main_sector_id,
        "city": coop.city,
        "province": coop.province,
        "email": coop.email,
        "phone": coop.phone,
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    memberships = list(coop.memberships.order_by("pk"))
    data["memberships-TOTAL_FORMS"] = str(len(memberships))
    data["memberships-INITIAL_FORMS"] = str(len(memberships))
    for n, membership in enumerate(memberships):
        data[f"memberships-{n}-id"] = membership.pk
        data[f"memberships-{n}-cooperative"] = coop.pk
        data[f"memberships-{n}-user"] = membership.user_id
        data[f"memberships-{n}-role"] = membership.role
    data.update(overrides)
    return data


def change_in_admin(staff_client, coop, **overrides):
    return staff_client.post(
        reverse("admin:members_cooperative_change", args=[coop.pk]),
        admin_change_data(coop, **overrides),
    )


def test_a_profile_edited_in_the_admin_is_logged_with_its_source(staff_client, staff_user, coop):
    response = change_in_admin(staff_client, coop, city="Imola")
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = only(Action.PROFILE_EDITED, coop)
    assert (entry.actor, entry.data) == (staff_user, {"source": "admin", "fields": ["city"]})


def test_a_profile_updated_by_an_import_is_logged(coop):
    headers = [
        "slug",
        "legal_name",
        "vat_number",
        "cooperative_type",
        "main_sector",
        "city",
        "province",
    ]
    row = [
        coop.slug,
        coop.legal_name,
        coop.vat_number,
        coop.cooperative_type,
        coop.main_sector.code,
        "Faenza",
        "RA",
    ]
    result = CooperativeResource().import_data(
        tablib.Dataset(row, headers=headers), dry_run=False, raise_errors=False
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert Cooperative.objects.get(pk=coop.pk).city == "Faenza"
    assert only(Action.PROFILE_EDITED, coop).data == {"source": "import"}


# --- Memberships through the admin ------------------------------------------------------------


def test_the_admin_inline_adds_changes_and_removes_members_through_the_services(
    staff_client, staff_user, coop, coop_admin, coop_viewer
):
    newcomer = UserFactory(email="nuovo@aurora.example")
    data = admin_change_data(coop)
    viewer_form = next(n for n in range(2) if data[f"memberships-{n}-user"] == coop_viewer.pk)
    data[f"memberships-{viewer_form}-role"] = "editor"
    data.update(
        {
            "memberships-TOTAL_FORMS": "3",
            "memberships-2-cooperative": coop.pk,
            "memberships-2-user": newcomer.pk,
            "memberships-2-role": "viewer",
        }
    )
    response = staff_client.post(reverse("admin:members_cooperative_change", args=[coop.pk]), data)
    assert response.status_code == 302, response.context["inline_admin_formsets"]
    assert only(Action.ROLE_CHANGED, coop).data == {
        "person": coop_viewer.email,
        "before": "viewer",
        "after": "editor",
    }
    added = only(Action.MEMBER_ADDED, coop)
    assert (added.actor, added.data) == (staff_user, {"person": newcomer.email, "role": "viewer"})

    data = admin_change_data(coop)
    newcomer_form = next(n for n in range(3) if data[f"memberships-{n}-user"] == newcomer.pk)
    data[f"memberships-{newcomer_form}-DELETE"] = "on"
    staff_client.post(reverse("admin:members_cooperative_change", args=[coop.pk]), data)
    assert not Membership.objects.filter(user=newcomer).exists()
    assert only(Action.MEMBER_REMOVED, coop).data == {"person": newcomer.email, "role": "viewer"}


def test_the_admin_refuses_to_leave_a_cooperative_without_an_administrator(
    staff_client, coop, coop_admin
):
    data = admin_change_data(coop)
    data["memberships-0-role"] = "viewer"
    response = staff_client.post(reverse("admin:members_cooperative_change", args=[coop.pk]), data)
    assert response.status_code == 200
    [memberships] = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Membership
    ]
    assert [str(LAST_ADMIN % {"cooperative": coop})] == memberships.non_form_errors()
    assert Membership.objects.get(user=coop_admin).role == "admin"
    assert not entries_on(coop).exists()


def test_the_membership_admin_changes_a_role_and_deletes_through_the_services(
    staff_client, coop, coop_admin, coop_viewer
):
    membership = Membership.objects.get(user=coop_viewer)
    url = reverse("admin:members_membership_change", args=[membership.pk])
    response = staff_client.post(url, {"role": "editor"})
    assert response.status_code == 302
    assert only(Action.ROLE_CHANGED, coop).data["after"] == "editor"
    staff_client.post(
        reverse("admin:members_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert only(Action.MEMBER_REMOVED, coop).data["person"] == coop_viewer.email
    # The last administrator cannot be deleted from the admin either.
    admin_membership = Membership.objects.get(user=coop_admin)
    staff_client.post(
        reverse("admin:members_membership_delete", args=[admin_membership.pk]), {"post": "yes"}
    )
    assert Membership.objects.filter(pk=admin_membership.pk).exists()
    assert actions_on(coop) == [Action.ROLE_CHANGED, Action.MEMBER_REMOVED]


def test_a_member_who_accepts_an_invitation_is_logged_as_added(client, coop, coop_admin):
    from members import services as members

    invitation = members.invitation_create(
        cooperative=coop, email="collega@aurora.example", role="editor", invited_by=coop_admin
    )
    person = UserFactory(email="collega@aurora.example", verified=True)
    members.invitation_accept(invitation=invitation, user=person)
    added = only(Action.MEMBER_ADDED, coop)
    assert added.actor == person
    assert added.data == {"person": person.email, "role": "editor", "invitation": invitation.pk}


# --- The trail on staff pages -----------------------------------------------------------------


def test_each_staff_page_shows_the_objects_trail(staff_client, coop, coop_editor):
    request = draft(coop, coop_editor)
    partnerships.request_update(request=request, by=coop_editor, title="Sensori per vigneti")
    page = staff_client.get(
        reverse("admin:partnerships_partnershiprequest_change", args=[request.pk])
    )
    html = page.content.decode()
    assert 'id="audit-trail"' in html
    with translation.override(page.wsgi_request.LANGUAGE_CODE):  # the page's language
        assert str(Action.REQUEST_CREATED.label) in html
        assert str(Action.REQUEST_EDITED.label) in html
    assert coop_editor.email in html or str(coop_editor) in html

    other = CooperativeFactory()
    MembershipFactory(cooperative=other, role="admin")
    page = staff_client.get(reverse("admin:members_cooperative_change", args=[other.pk]))
    with translation.override(page.wsgi_request.LANGUAGE_CODE):
        assert gettext("Nothing recorded yet.") in page.content.decode()


def test_the_request_events_view_refuses_changes(coop, coop_editor):
    request = draft(coop, coop_editor)
    event = request.events.get()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        RequestEvent.objects.filter(pk=event.pk).update(note="rewritten")
