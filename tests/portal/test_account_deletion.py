"""Deleting one's own account works for every kind of person, and keeps what staff and the
cooperatives need (without the person): one test per persona, each checking what remains."""

import pytest
from django.urls import reverse

from core.models import Delivery, User
from funding.models import AlertPreference, CooperativeAlert, Follow, SavedSearch
from members.models import Cooperative, Membership
from partnerships.models import ExpressionOfInterest, PartnershipRequest
from startups import services as startup_services
from startups.models import Application, ApplicationEvent, Mentor, MentorAssignment, Startup
from tests.core.factories import UserFactory
from tests.funding.factories import CallFactory
from tests.partnerships.factories import ExpressionOfInterestFactory, PartnershipRequestFactory
from tests.startups.factories import (
    ApplicationFactory,
    MentorFactory,
    StartupFactory,
    SupportProgrammeFactory,
)

pytestmark = pytest.mark.django_db

Stage = Application.Stage


def delete_account(client, user, password):
    client.force_login(user)
    return client.post(reverse("portal:account-delete"), {"password": password})


def assert_deleted(client, response, user):
    assert response.status_code == 302, response.content.decode()[:500]
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Delivery.objects.filter(to_email__iexact=user.email).exists()
    assert not Delivery.objects.filter(recipient_id=user.pk).exists()
    assert "_auth_user_id" not in client.session


def test_the_confirmation_page_says_what_is_kept_and_what_is_removed(client, coop_viewer):
    client.force_login(coop_viewer)
    page = client.get(reverse("portal:account-delete")).content.decode()
    assert 'data-testid="deleted"' in page
    assert 'data-testid="kept"' in page
    assert "startup" in page  # applications are kept: the page says so
    assert 'data-testid="deletion-refused"' not in page


def test_a_person_with_no_cooperative_is_deleted(client, signed_in_outsider, password):
    call = CallFactory()
    Follow.objects.create(user=signed_in_outsider, call=call)
    SavedSearch.objects.create(user=signed_in_outsider, name="Digitale", query="q=digitale")
    AlertPreference.objects.create(user=signed_in_outsider)
    response = delete_account(client, signed_in_outsider, password)
    assert_deleted(client, response, signed_in_outsider)
    assert not SavedSearch.objects.filter(user_id=signed_in_outsider.pk).exists()
    assert not AlertPreference.objects.filter(user_id=signed_in_outsider.pk).exists()


def test_a_member_is_deleted_and_what_they_wrote_stays_with_the_cooperative(
    client, coop, other_coop, coop_admin, coop_editor, other_coop_admin, password
):
    request = PartnershipRequestFactory(owner=coop, created_by=coop_editor)
    theirs = PartnershipRequestFactory(owner=other_coop, created_by=other_coop_admin)
    interest = ExpressionOfInterestFactory(request=theirs, cooperative=coop, sent_by=coop_editor)
    CooperativeAlert.objects.create(user=coop_editor, cooperative=coop)
    response = delete_account(client, coop_editor, password)
    assert_deleted(client, response, coop_editor)
    request.refresh_from_db()
    interest.refresh_from_db()
    assert (request.owner, request.created_by) == (coop, None)
    assert (interest.cooperative, interest.sent_by) == (coop, None)
    assert not CooperativeAlert.objects.filter(user_id=coop_editor.pk).exists()
    assert Membership.objects.filter(user=coop_admin, cooperative=coop).exists()
    assert PartnershipRequest.objects.count() == 2
    assert ExpressionOfInterest.objects.count() == 1


def test_an_administrator_who_is_not_the_last_one_is_deleted(client, coop, coop_admin, password):
    second = UserFactory(verified=True)
    Membership.objects.create(user=second, cooperative=coop, role="admin")
    response = delete_account(client, coop_admin, password)
    assert_deleted(client, response, coop_admin)
    assert list(coop.memberships.values_list("user", "role")) == [(second.pk, "admin")]


def test_the_last_administrator_is_told_why_before_and_after_trying(
    client, coop, coop_admin, coop_viewer, password
):
    client.force_login(coop_admin)
    page = client.get(reverse("portal:account-delete")).content.decode()
    assert 'data-testid="deletion-refused"' in page
    assert coop.legal_name in page
    response = client.post(reverse("portal:account-delete"), {"password": password})
    assert response.status_code == 400
    assert coop.legal_name in response.content.decode()
    assert User.objects.filter(pk=coop_admin.pk).exists()
    assert Cooperative.objects.filter(pk=coop.pk).exists()


def test_staff_are_deactivated_by_another_staff_member_not_deleted(client, staff_user, password):
    response = delete_account(client, staff_user, password)
    assert response.status_code == 400
    assert 'data-testid="deletion-refused"' in response.content.decode()
    assert User.objects.filter(pk=staff_user.pk).exists()


def _accepted_application(applicant, staff):
    application = startup_services.application_submit(
        programme=SupportProgrammeFactory(),
        applicant=applicant,
        data={
            "startup_name": "Idea Che Resta",
            "kind": Startup.Kind.COOPERATIVE_SPINOFF,
            "description": "Una piattaforma per i soci.",
            "team": "Anna Rossi, CEO",
        },
    )
    for stage in (Stage.SCREENING, Stage.ACCEPTED):
        startup_services.application_transition(application=application, to_stage=stage, by=staff)
    application.refresh_from_db()
    return application


def test_a_startup_applicant_is_deleted_and_the_application_stays_for_staff(
    client, staff_user, password
):
    applicant = UserFactory(verified=True, full_name="Fondatrice Che Se Ne Va")
    application = _accepted_application(applicant, staff_user)
    waiting = ApplicationFactory(applicant=applicant, stage=Stage.SUBMITTED)
    assert Delivery.objects.filter(recipient=applicant).exists()  # the stage emails

    response = delete_account(client, applicant, password)

    assert_deleted(client, response, applicant)
    application.refresh_from_db()
    assert application.applicant is None
    assert application.startup_name and application.description  # the startup's own data
    assert Startup.objects.filter(pk=application.startup_id).exists()
    events = ApplicationEvent.objects.filter(application=application)
    assert events.count() == 3
    assert events.filter(by=None).count() == 1  # the applicant's own submission
    assert Application.objects.filter(pk=waiting.pk, applicant=None).exists()

    # Staff still work with it: board, CSV, admin, and a further move (no one to email).
    client.force_login(staff_user)
    board = client.get(reverse("startups:board", kwargs={"slug": application.programme.slug}))
    assert board.status_code == 200
    assert 'data-testid="applicant-deleted"' in board.content.decode()
    export = client.get(
        reverse("startups:board-export", kwargs={"slug": application.programme.slug})
    )
    assert export.status_code == 200
    assert application.startup_name in export.content.decode("utf-8-sig")
    assert "Fondatrice" not in export.content.decode("utf-8-sig")
    assert client.get("/admin/startups/application/").status_code == 200
    assert client.get(f"/admin/startups/application/{application.pk}/change/").status_code == 200
    before = Delivery.objects.count()
    moved = client.post(
        reverse("startups:application-transition", kwargs={"pk": application.pk}),
        {"to_stage": Stage.INCUBATING},
    )
    assert moved.status_code == 302
    application.refresh_from_db()
    assert application.stage == Stage.INCUBATING
    assert Delivery.objects.count() == before
    # A waiting application without applicant can still be accepted into a startup.
    waiting.refresh_from_db()
    for stage in (Stage.SCREENING, Stage.ACCEPTED):
        startup_services.application_transition(application=waiting, to_stage=stage, by=staff_user)
    waiting.refresh_from_db()
    assert waiting.startup.contact_email == ""


def test_the_applicant_may_apply_again_after_deleting_and_signing_up_again(
    client, staff_user, password
):
    """Applications without a person do not count against a new account (NULLs differ)."""
    applicant = UserFactory(verified=True)
    application = ApplicationFactory(applicant=applicant)
    other = ApplicationFactory(programme=application.programme)
    delete_account(client, applicant, password)
    delete_account(client, other.applicant, password)
    assert Application.objects.filter(programme=application.programme, applicant=None).count() == 2


def test_a_mentor_is_deleted_and_the_mentor_register_keeps_the_profile(
    client, staff_user, password
):
    person = UserFactory(verified=True)
    mentor = MentorFactory(user=person, email=person.email)
    startup = StartupFactory()
    MentorAssignment.objects.create(mentor=mentor, startup=startup)
    response = delete_account(client, person, password)
    assert_deleted(client, response, person)
    mentor.refresh_from_db()
    assert mentor.user is None
    assert MentorAssignment.objects.filter(mentor=mentor, startup=startup).exists()
    assert Mentor.objects.count() == 1
