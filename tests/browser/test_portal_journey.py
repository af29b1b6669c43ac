"""Staff invite a new person, who signs up from the link, edits the cooperative and invites a
colleague as viewer; the viewer signs up and cannot edit."""

import re

import pytest
from playwright.sync_api import expect

from core.models import Delivery
from members.models import Membership
from members.services import invitation_create

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "una-Password-lunga-42"


def link_for(email):
    body = Delivery.objects.get(to_email=email, kind="invitation").body_text
    return re.search(r"/portal/invitations/[^/\s]+/", body).group(0)


def sign_up_from_link(page, live_server, email):
    page.goto(live_server.url + link_for(email))
    expect(page.get_by_test_id("invitation-summary")).to_be_visible()
    page.get_by_test_id("create-account").click()
    expect(page.locator("input[name=email]")).to_have_value(email)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(live_server.url + "/portal/")


def test_invited_person_signs_up_edits_and_invites_a_viewer_who_cannot_edit(
    live_server, page, coop, staff_user
):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    invitation_create(
        cooperative=coop, email="anna@aurora.example", role="admin", invited_by=staff_user
    )

    sign_up_from_link(page, live_server, "anna@aurora.example")
    expect(page.get_by_test_id("membership")).to_contain_text(coop.legal_name)
    expect(page.get_by_test_id("role")).to_have_text("Amministratore")
    expect(page.get_by_test_id("nav-portal")).to_be_visible()

    page.get_by_test_id("edit-cooperative").click()
    page.get_by_label("Descrizione").fill("Software gestionale per cooperative sociali.")
    page.get_by_role("button", name="Salva il profilo").click()
    expect(page.get_by_text("Il profilo della cooperativa è stato salvato.")).to_be_visible()
    coop.refresh_from_db()
    assert coop.description == "Software gestionale per cooperative sociali."

    page.get_by_test_id("portal-tabs").get_by_role("link", name="Membri e ruoli").click()
    form = page.get_by_test_id("invite-form")
    form.locator("input[name=email]").fill("bruno@aurora.example")
    form.locator("select[name=role]").select_option("viewer")
    page.get_by_role("button", name="Invia l'invito").click()
    expect(page.get_by_text("Invito inviato a bruno@aurora.example.")).to_be_visible()
    expect(page.get_by_test_id("pending-invitation")).to_contain_text("bruno@aurora.example")

    page.locator("#account-menu").click()
    page.get_by_role("button", name="Esci", exact=True).click()
    sign_up_from_link(page, live_server, "bruno@aurora.example")
    expect(page.get_by_test_id("role")).to_have_text("Lettore")
    expect(page.get_by_test_id("edit-cooperative")).to_have_count(0)
    assert errors == [], errors
    response = page.goto(live_server.url + f"/portal/cooperative/{coop.slug}/edit/")
    assert response.status == 403
    assert Membership.objects.get(user__email="bruno@aurora.example").role == "viewer"
