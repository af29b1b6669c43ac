"""A member finds a regional call in the catalogue, opens it, signs in and follows it."""

import re

import pytest
from playwright.sync_api import expect

from funding import demo
from funding.models import Follow
from tests.core.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_member_filters_the_catalogue_opens_a_call_and_follows_it(live_server, page):
    demo.load()
    member = UserFactory(email="socia@coop.example", verified=True)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(live_server.url + "/calls/")
    expect(page.locator("h1")).to_have_text("Bandi di finanziamento")
    page.get_by_test_id("facet-level").get_by_label("Regionale").check()
    page.get_by_test_id("facet-status").get_by_label("Aperto").check()
    page.get_by_role("button", name="Applica i filtri").click()
    expect(page).to_have_url(re.compile(r"level=regional"))
    expect(page).to_have_url(re.compile(r"status=open"))
    cards = page.get_by_test_id("call-card")
    expect(cards.first).to_be_visible()
    for badge in cards.locator(".badge.border").all_inner_texts():
        assert badge in ("PR-FESR-ER", "PR-FSE-ER")
    # The calendar and the feed carry the same selection.
    assert "level=regional" in page.get_by_test_id("ics-link").get_attribute("href")

    first = cards.first.locator("h2 a")
    title = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.get_by_test_id("time-left")).to_be_visible()

    page.get_by_role("link", name="Accedi per seguire questo bando").click()
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    expect(page.locator("h1")).to_have_text(title)

    page.get_by_role("button", name="Segui questo bando").click()
    expect(page.get_by_text("Segui questo bando: ti ricorderemo le sue scadenze.")).to_be_visible()
    expect(page.get_by_role("button", name="Non seguire più")).to_be_visible()
    assert Follow.objects.filter(user=member, call__title=title).count() == 1
    assert errors == [], errors
