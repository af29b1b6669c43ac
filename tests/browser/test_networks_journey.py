"""A visitor explores the network in a real browser: the picture, a body in it, its figures."""

import pytest
from playwright.sync_api import expect

from networks.demo import load
from tests.networks.factories import AssociationFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_visitor_clicks_a_body_in_the_picture_and_reads_its_figures(live_server, page):
    load()
    AssociationFactory(name="Legacoop Emilia-Romagna", slug="legacoop-emilia-romagna")
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(live_server.url + "/networks/")
    expect(page.locator("h1")).to_have_text("Rete")
    picture = page.get_by_role("group", name="Come si collega INNOVACOOP")
    expect(picture).to_be_visible()
    # The picture is drawn by the server: INNOVACOOP in the centre, a shareholder, the bodies.
    expect(picture.locator('[data-node="innovacoop"]')).to_be_visible()
    expect(picture.locator("a", has_text="Legacoop Emilia-Romagna")).to_be_visible()
    # Styled by static/css/networks.css, with no inline styles (the CSP would block them).
    centre_fill = picture.locator('[data-node="innovacoop"] rect').evaluate(
        "el => getComputedStyle(el).fill"
    )
    assert centre_fill == "rgb(179, 18, 29)"

    picture.locator("a", has_text="CECOP-CICOPA Europe").click()
    expect(page).to_have_url(live_server.url + "/networks/cecop-cicopa-europe/")
    expect(page.locator("h1")).to_contain_text("CECOP-CICOPA Europe")
    figures = page.get_by_test_id("figures")
    expect(figures.get_by_role("row", name="Lavoratori")).to_contain_text("1.300.000")
    expect(figures.get_by_role("row", name="Imprese")).to_contain_text("50.000")
    expect(figures).to_contain_text("employing 1.3 million workers")
    assert errors == [], errors
