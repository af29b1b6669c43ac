"""A person's first visit in a real browser: Italian home, sign in as staff, switch to English."""

import pytest
from playwright.sync_api import expect

from core.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD, load

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_staff_signs_in_and_switches_language(live_server, page):
    load()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_have_text(
        "Innovazione e internazionalizzazione per le cooperative"
    )
    # Bootstrap came from static/: the navbar is styled (flex) with no network at all.
    assert page.locator("nav.navbar").evaluate("el => getComputedStyle(el).display") == "flex"

    page.get_by_role("link", name="Accedi").first.click()
    page.get_by_label("Email").fill(DEMO_STAFF_EMAIL)
    page.get_by_label("Password").fill(DEMO_STAFF_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("link", name="Amministrazione staff", exact=True)).to_be_visible()

    page.locator("#language-menu").click()
    page.get_by_test_id("language-en").click()
    expect(page.locator("h1")).to_have_text("Innovation and internationalisation for cooperatives")
    expect(page.get_by_role("link", name="Staff admin", exact=True)).to_be_visible()

    page.get_by_role("link", name="Staff admin", exact=True).click()
    expect(page).to_have_url(live_server.url + "/admin/")
    assert errors == [], errors
