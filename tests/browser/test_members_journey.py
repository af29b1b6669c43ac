"""An anonymous visitor looks for a partner in the directory; contacts appear after signing in."""

import pytest
from playwright.sync_api import expect

from members import demo

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_visitor_filters_the_directory_and_signs_in_to_see_contacts(live_server, page):
    demo.load()
    member_email = demo.DEMO_PEOPLE[0][0]
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(live_server.url + "/members/")
    expect(page.locator("h1")).to_have_text("Cooperative associate")
    page.get_by_label("Provincia").select_option("RA")
    page.get_by_label("Paese di interesse").select_option("TN")
    page.get_by_role("button", name="Filtra").click()
    expect(page).to_have_url(
        live_server.url + "/members/?q=&association=&sector=&type=&province=RA&theme=&country=TN"
    )
    expect(page.get_by_test_id("result-count")).to_have_text("1 cooperativa")

    page.get_by_role("link", name="Officina Meccanica San Vitale Soc. Coop.").click()
    expect(page.locator("h1")).to_contain_text("Officina Meccanica San Vitale Soc. Coop.")
    expect(page.get_by_test_id("demo-badge")).to_be_visible()
    contacts = page.get_by_test_id("contacts")
    expect(contacts).not_to_contain_text("@officina-meccanica-san-vitale.example")
    expect(contacts).not_to_contain_text("Davide Casadei")

    contacts.get_by_role("link", name="Accedi per vedere i contatti").click()
    page.get_by_label("Email").fill(member_email)
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Accedi").click()

    expect(page.locator("h1")).to_contain_text("Officina Meccanica San Vitale Soc. Coop.")
    contacts = page.get_by_test_id("contacts")
    expect(contacts).to_contain_text("info@officina-meccanica-san-vitale.example")
    expect(contacts).to_contain_text("Davide Casadei")
    # Pages load only the portal's own CSS: members.css is styling the contact list.
    assert page.locator("link[href$='css/members.css']").count() == 1
    assert errors == [], errors
