"""Applying to a programme: signed in, or signing up through the form with email confirmation."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail as django_mail
from django.utils import timezone

from core.models import Delivery, User
from startups.models import Application, Kind, Need
from tests.members.factories import CooperativeFactory, division, theme
from tests.startups.factories import ApplicationFactory, SupportProgrammeFactory

pytestmark = pytest.mark.django_db

Stage = Application.Stage


def apply_url(programme):
    return f"/startups/programmes/{programme.slug}/apply/"


def form_data(**extra):
    return {
        "startup_name": "Filiera Corta Digitale",
        "kind": Kind.COOPERATIVE_SPINOFF,
        "description": "Un mercato online per le cooperative agricole.",
        "team": "Anna Rossi, presidente\nLuca Bianchi, sviluppo",
        "team_size": "3",
        "sector": str(division("62").pk),
        "needs": [
            str(Need.objects.get(code="funding").pk),
            str(Need.objects.get(code="mentoring").pk),
        ],
        "themes": [str(theme("digital-transition").pk)],
        **extra,
    }


def test_a_signed_in_member_applies_and_gets_a_receipt(
    client, signed_in_outsider, programme, django_capture_on_commit_callbacks, mailoutbox
):
    coop = CooperativeFactory()
    client.force_login(signed_in_outsider)
    assert client.get(apply_url(programme)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(programme), form_data(parent_cooperative=coop.pk))
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.applicant == signed_in_outsider
    assert application.stage == Stage.SUBMITTED
    assert application.parent_cooperative == coop
    assert {n.code for n in application.needs.all()} == {"funding", "mentoring"}
    assert len(mailoutbox) == 1
    assert Delivery.objects.get().key == f"startup-application:{application.pk}:submitted"


def test_one_application_per_person_per_programme(client, signed_in_outsider, programme):
    ApplicationFactory(programme=programme, applicant=signed_in_outsider)
    client.force_login(signed_in_outsider)
    response = client.post(apply_url(programme), form_data(), follow=True)
    assert Application.objects.count() == 1
    assert "Ti sei già candidato a questo programma." in response.content.decode()


@pytest.mark.parametrize("when", ["closed", "not_yet_open", "full"])
def test_a_closed_programme_refuses_with_a_clear_message(client, signed_in_outsider, when):
    today = timezone.localdate()
    if when == "closed":
        programme = SupportProgrammeFactory(
            open_date=today - datetime.timedelta(days=60),
            close_date=today - datetime.timedelta(days=1),
        )
    elif when == "not_yet_open":
        programme = SupportProgrammeFactory(
            open_date=today + datetime.timedelta(days=5),
            close_date=today + datetime.timedelta(days=30),
        )
    else:
        programme = SupportProgrammeFactory(places=1)
        ApplicationFactory(programme=programme, stage=Stage.ACCEPTED)
    client.force_login(signed_in_outsider)
    client.cookies.load({"innovacoop_language": "en"})
    response = client.post(apply_url(programme), form_data(), follow=True)
    page = response.content.decode()
    expected = {
        "closed": "applications are no longer accepted",
        "not_yet_open": "applications are not accepted yet",
        "full": "All the places of this programme have been taken",
    }[when]
    assert expected in page
    assert not Application.objects.filter(applicant=signed_in_outsider).exists()


def test_the_service_refuses_a_closed_programme(signed_in_outsider):
    from startups import services

    today = timezone.localdate()
    programme = SupportProgrammeFactory(
        open_date=today - datetime.timedelta(days=60), close_date=today - datetime.timedelta(days=1)
    )
    with pytest.raises(services.ApplicationError):
        services.application_submit(
            programme=programme,
            applicant=signed_in_outsider,
            data={
                "startup_name": "X",
                "kind": Kind.WORKERS_BUYOUT,
                "description": "d",
                "team": "t",
            },
        )
    assert not Application.objects.exists()


def test_a_person_without_an_account_applies_and_waits_for_email_confirmation(
    client, programme, django_capture_on_commit_callbacks
):
    data = form_data(
        full_name="Chiara Neri",
        email="Chiara.Neri@Startup.example",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(programme), data)
    assert response.status_code == 302
    user = User.objects.get(email="chiara.neri@startup.example")
    assert user.full_name == "Chiara Neri"
    address = EmailAddress.objects.get(user=user)
    assert not address.verified
    application = Application.objects.get()
    assert application.stage == Stage.AWAITING_CONFIRMATION
    # allauth's confirmation was sent; no receipt yet from the ledger.
    assert len(django_mail.outbox) == 1
    assert "chiara.neri@startup.example" in django_mail.outbox[0].to
    assert not Delivery.objects.exists()

    # Following the link confirms the address: the application is submitted, with its receipt.
    body = django_mail.outbox[0].body
    link = next(word for word in body.split() if "/accounts/confirm-email/" in word)
    path = link[link.index("/accounts/") :]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path)
    application.refresh_from_db()
    assert application.stage == Stage.SUBMITTED
    assert Delivery.objects.get().key == f"startup-application:{application.pk}:submitted"


# A known address gets the same answer as a new one, and no password is asked: see
# tests/startups/test_apply_privacy.py.


def test_both_parents_are_refused(client, signed_in_outsider, programme):
    from tests.networks.factories import BodyFactory

    client.force_login(signed_in_outsider)
    body = BodyFactory(kind="university")
    data = form_data(parent_cooperative=CooperativeFactory().pk, parent_body=body.pk)
    response = client.post(apply_url(programme), data)
    assert response.status_code == 200
    assert not Application.objects.exists()
