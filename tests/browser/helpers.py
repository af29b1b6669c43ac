"""Steps several browser tests share."""

from playwright.sync_api import expect

from tests.core.factories import DEFAULT_PASSWORD


def sign_in(page, live_server, email, next_path="/portal/"):
    """Sign in through the sign-in page (whatever the language) and land on `next_path`."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}{next_path}")
