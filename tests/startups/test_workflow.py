"""The application pipeline: staff-only moves, one table of allowed moves, one email each."""

import pytest
from django.core.exceptions import PermissionDenied

from core.models import Delivery
from startups import services
from startups.models import Application, ApplicationEvent, Startup
from tests.core.factories import UserFactory
from tests.startups.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

Stage = Application.Stage

# Every allowed move, with the stage the application must be in first.
ALLOWED = [
    (Stage.SUBMITTED, Stage.SCREENING),
    (Stage.SCREENING, Stage.ACCEPTED),
    (Stage.SCREENING, Stage.REJECTED),
    (Stage.ACCEPTED, Stage.INCUBATING),
    (Stage.ACCEPTED, Stage.DROPPED),
    (Stage.INCUBATING, Stage.GRADUATED),
    (Stage.INCUBATING, Stage.DROPPED),
]


def transition_url(application):
    return f"/startups/applications/{application.pk}/transition/"


@pytest.mark.parametrize(("from_stage", "to_stage"), ALLOWED)
def test_staff_moves_an_application_through_each_allowed_transition(
    staff_client, staff_user, programme, from_stage, to_stage
):
    application = ApplicationFactory(programme=programme, stage=from_stage)
    response = staff_client.post(
        transition_url(application), {"to_stage": to_stage, "reason": "Out of scope"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.stage == to_stage
    event = ApplicationEvent.objects.get(application=application)
    assert (event.from_stage, event.to_stage, event.by) == (from_stage, to_stage, staff_user)
    assert Delivery.objects.filter(key=f"startup-application:{application.pk}:{to_stage}").exists()


@pytest.mark.parametrize("persona", ["anonymous", "member", "applicant"])
def test_only_staff_can_move_an_application(client, application, persona):
    if persona == "member":
        client.force_login(UserFactory(verified=True))
    elif persona == "applicant":
        client.force_login(application.applicant)
    response = client.post(transition_url(application), {"to_stage": Stage.SCREENING})
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403
    application.refresh_from_db()
    assert application.stage == Stage.SUBMITTED
    assert not ApplicationEvent.objects.exists()
    assert not Delivery.objects.exists()


def test_the_service_refuses_a_non_staff_person_too(application, signed_in_outsider):
    with pytest.raises(PermissionDenied):
        services.application_transition(
            application=application, to_stage=Stage.SCREENING, by=signed_in_outsider
        )
    assert Application.objects.get().stage == Stage.SUBMITTED


def test_a_transition_outside_the_table_is_refused_with_a_message(staff_client, application):
    response = staff_client.post(
        transition_url(application), {"to_stage": Stage.GRADUATED}, follow=True
    )
    assert "Una candidatura non può passare da “Inviata” a “Conclusa con successo”." in (
        response.content.decode()
    )
    application.refresh_from_db()
    assert application.stage == Stage.SUBMITTED
    assert not Delivery.objects.exists()


@pytest.mark.parametrize(
    ("from_stage", "to_stage"),
    [
        (Stage.SUBMITTED, Stage.GRADUATED),
        (Stage.SUBMITTED, Stage.ACCEPTED),
        (Stage.REJECTED, Stage.ACCEPTED),
        (Stage.GRADUATED, Stage.INCUBATING),
        (Stage.DROPPED, Stage.INCUBATING),
        (Stage.SCREENING, Stage.INCUBATING),
    ],
)
def test_forbidden_transitions_raise(staff_user, programme, from_stage, to_stage):
    application = ApplicationFactory(programme=programme, stage=from_stage)
    with pytest.raises(services.ApplicationError):
        services.application_transition(application=application, to_stage=to_stage, by=staff_user)
    assert Application.objects.get().stage == from_stage


def test_a_rejection_needs_a_reason(staff_client, programme):
    application = ApplicationFactory(programme=programme, stage=Stage.SCREENING)
    staff_client.post(transition_url(application), {"to_stage": Stage.REJECTED, "reason": "  "})
    application.refresh_from_db()
    assert application.stage == Stage.SCREENING
    staff_client.post(
        transition_url(application), {"to_stage": Stage.REJECTED, "reason": "Not a cooperative."}
    )
    application.refresh_from_db()
    assert application.stage == Stage.REJECTED
    assert application.rejection_reason == "Not a cooperative."
    assert "Not a cooperative." in Delivery.objects.get().body_text


def test_each_transition_emails_once(
    staff_user, application, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(
            application=application, to_stage=Stage.SCREENING, by=staff_user
        )
    assert len(mailoutbox) == 1
    # The same move again (a second click, a replay) is refused and sends nothing.
    stale = Application.objects.get(pk=application.pk)
    stale.stage = Stage.SUBMITTED
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.ApplicationError, match="spostata da qualcun altro"),
    ):
        services.application_transition(application=stale, to_stage=Stage.SCREENING, by=staff_user)
    assert len(mailoutbox) == 1
    assert Delivery.objects.filter(kind="startup-application").count() == 1
    assert ApplicationEvent.objects.count() == 1


def test_a_ledger_key_already_written_is_not_sent_again(staff_user, programme, mailoutbox):
    application = ApplicationFactory(programme=programme, stage=Stage.SCREENING)
    services.application_transition(application=application, to_stage=Stage.ACCEPTED, by=staff_user)
    # Even if the stage were put back by hand and moved again, the key is the same.
    Application.objects.filter(pk=application.pk).update(stage=Stage.SCREENING)
    application.refresh_from_db()
    services.application_transition(application=application, to_stage=Stage.ACCEPTED, by=staff_user)
    assert Delivery.objects.filter(key__endswith=":accepted").count() == 1


@pytest.mark.parametrize(
    ("language", "expected"), [("it", "ora è: Valutazione"), ("en", "is now: Screening")]
)
def test_the_applicant_is_emailed_in_their_language(staff_user, programme, language, expected):
    applicant = UserFactory(language=language, verified=True)
    application = ApplicationFactory(programme=programme, applicant=applicant)
    services.application_transition(
        application=application, to_stage=Stage.SCREENING, by=staff_user
    )
    delivery = Delivery.objects.get()
    assert delivery.language == language
    assert delivery.to_email == applicant.email
    assert expected.lower() in delivery.subject.lower()


def test_acceptance_creates_the_startup_once(staff_user, programme):
    application = ApplicationFactory(
        programme=programme, stage=Stage.SCREENING, startup_name="Nodo Verde"
    )
    services.application_transition(
        application=application, to_stage=Stage.ACCEPTED, by=staff_user, note="Welcome"
    )
    startup = Startup.objects.get()
    assert startup.name == "Nodo Verde"
    assert startup.slug == "nodo-verde"
    assert startup.kind == application.kind
    application.refresh_from_db()
    assert application.startup == startup
    assert ApplicationEvent.objects.get().note == "Welcome"


def test_staff_cannot_screen_an_application_waiting_for_email_confirmation(staff_user, programme):
    application = ApplicationFactory(programme=programme, stage=Stage.AWAITING_CONFIRMATION)
    with pytest.raises(services.ApplicationError, match="non ha ancora confermato"):
        services.application_transition(
            application=application, to_stage=Stage.SCREENING, by=staff_user
        )


def test_staff_assigns_a_mentor_on_the_board(staff_client, programme):
    from tests.startups.factories import MentorFactory

    application = ApplicationFactory(programme=programme, stage=Stage.SCREENING)
    services.application_transition(
        application=application,
        to_stage=Stage.ACCEPTED,
        by=UserFactory(is_staff=True),
    )
    mentor = MentorFactory(name="Elena Gualandi")
    response = staff_client.post(
        f"/startups/applications/{application.pk}/mentor/", {"mentor": mentor.pk}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert [a.mentor for a in application.startup.mentor_assignments.all()] == [mentor]


def test_a_member_cannot_assign_a_mentor(client, signed_in_outsider, programme):
    from tests.startups.factories import MentorFactory

    application = ApplicationFactory(programme=programme, stage=Stage.ACCEPTED)
    client.force_login(signed_in_outsider)
    response = client.post(
        f"/startups/applications/{application.pk}/mentor/", {"mentor": MentorFactory().pk}
    )
    assert response.status_code == 403
