"""A member applies to a programme; staff screen and accept it, assign a mentor, and the new
startup appears on the public list."""

import pytest
from playwright.sync_api import expect

from members.models import Sector
from startups.models import Application
from tests.core.factories import DEFAULT_PASSWORD, UserFactory
from tests.members.factories import CooperativeFactory, MembershipFactory
from tests.startups.factories import MentorFactory, SupportProgrammeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, live_server, email, next_path):
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Accedi").click()


def test_member_applies_staff_accept_and_assign_a_mentor_and_the_startup_is_listed(
    live_server, page
):
    programme = SupportProgrammeFactory(name="Coopstartup Prova 2027", slug="coopstartup-prova")
    member = UserFactory(email="socia@coop.example", verified=True)
    cooperative = CooperativeFactory(legal_name="Nodo Digitale Soc. Coop.")
    MembershipFactory(user=member, cooperative=cooperative)
    staff = UserFactory(email="staff@innovacoop.example", is_staff=True, verified=True)
    MentorFactory(name="Elena Gualandi", email="elena@mentor.example")
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    # The member opens the programme and applies.
    page.goto(live_server.url + programme.get_absolute_url())
    expect(page.locator("h1")).to_contain_text("Coopstartup Prova 2027")
    apply_path = f"/startups/programmes/{programme.slug}/apply/"
    sign_in(page, live_server, member.email, apply_path)
    expect(page.locator("h1")).to_have_text("Candidati a Coopstartup Prova 2027")
    page.get_by_label("Nome della startup").fill("Filiera Corta Digitale")
    page.get_by_label("Tipo").select_option("cooperative_spinoff")
    page.get_by_label("Descrizione dell'idea").fill(
        "Un mercato online per le cooperative agricole."
    )
    page.get_by_label("Team fondatore").fill("Anna Rossi, presidente\nLuca Bianchi, sviluppo")
    page.get_by_label("Dimensione del team").fill("3")
    page.get_by_label("Settore").select_option(str(Sector.objects.get(code="62").pk))
    page.get_by_label("Finanziamenti").check()
    page.get_by_role("button", name="Invia la candidatura").click()
    expect(page.get_by_text("La candidatura è stata inviata.")).to_be_visible()
    expect(page.get_by_test_id("my-application-stage")).to_have_text("Inviata")
    application = Application.objects.get(programme=programme, applicant=member)
    assert application.parent_cooperative == cooperative

    # Staff sign in and work on the board.
    page.context.clear_cookies()
    sign_in(page, live_server, staff.email, f"/startups/programmes/{programme.slug}/board/")
    expect(page.get_by_test_id("count-submitted")).to_have_text("1")
    card = page.get_by_test_id(f"application-{application.pk}")
    card.get_by_role("button", name="Sposta in: Valutazione").click()
    expect(page.get_by_test_id("count-screening")).to_have_text("1")
    expect(page.get_by_test_id("count-submitted")).to_have_text("0")
    card = page.get_by_test_id(f"application-{application.pk}")
    card.get_by_role("button", name="Sposta in: Accettata").click()
    expect(page.get_by_test_id("count-accepted")).to_have_text("1")
    card = page.get_by_test_id(f"application-{application.pk}")
    card.get_by_label("Mentore").select_option(label="Elena Gualandi")
    card.get_by_role("button", name="Assegna").click()
    expect(
        page.get_by_text("Elena Gualandi ora è mentore di “Filiera Corta Digitale”.")
    ).to_be_visible()

    # The startup is on the public list, with its mentor on its profile.
    page.context.clear_cookies()
    page.goto(live_server.url + "/startups/")
    page.get_by_role("link", name="Filiera Corta Digitale").click()
    expect(page.locator("h1")).to_contain_text("Filiera Corta Digitale")
    expect(page.get_by_test_id("mentors")).to_contain_text("Elena Gualandi")
    assert page.locator("link[href$='css/startups.css']").count() == 1
    assert errors == [], errors
