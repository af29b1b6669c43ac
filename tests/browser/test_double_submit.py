"""A POST form is sent once however often its buttons are pressed (static/js/forms.js): one
draft, one alert, one invitation; the button pressed first still reaches the server; going
back to the page gives working buttons again."""

import pytest
from django.core.handlers.base import BaseHandler
from django.http import HttpResponse
from playwright.sync_api import expect

from funding.models import SavedSearch
from members.models import Invitation, Membership
from partnerships.models import PartnershipRequest
from tests.browser.helpers import sign_in
from tests.core.factories import UserFactory
from tests.funding.factories import CallFactory
from tests.members.factories import CooperativeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class StayingServer:
    """The live server does each form POST (sign-in aside) but answers 204 No Content, so
    the browser stays on the form's page, as it does while a slow answer is on its way.
    That is when a person presses again; what the page does then can be looked at."""

    def __init__(self):
        self.posts = []

    def wait_for_posts(self, page, count=1):
        for _ in range(250):
            if len(self.posts) >= count:
                return
            page.wait_for_timeout(20)
        raise AssertionError(f"{count} POST(s) expected, {len(self.posts)} came")

    def settle(self, page):
        """Give a POST the last press may have started half a second to arrive (locally it
        takes milliseconds): the asserts that follow are then about all that was sent."""
        seen = len(self.posts)
        for _ in range(25):
            page.wait_for_timeout(20)
            if len(self.posts) != seen:
                return


@pytest.fixture
def staying_server(monkeypatch):
    server = StayingServer()
    original = BaseHandler.get_response

    def get_response(handler, request):
        response = original(handler, request)
        if request.method != "POST" or request.path.startswith("/accounts/"):
            return response
        server.posts.append((request.path, response.status_code))
        return HttpResponse(status=204)

    monkeypatch.setattr(BaseHandler, "get_response", get_response)
    return server


def press_again(button):
    """Press a button the first press may have disabled: `force`, else Playwright would
    wait for it to become enabled. A disabled button ignores the click, as for a person."""
    button.click(force=True)


@pytest.fixture
def editor(db):
    cooperative = CooperativeFactory(legal_name="Aurora Agricola Soc. Coop.", slug="aurora")
    person = UserFactory(email="anna@aurora.example", verified=True)
    Membership.objects.create(user=person, cooperative=cooperative, role="admin")
    return person


@pytest.fixture
def call(db):
    return CallFactory(title="Agrifood Innovation 2027", slug="agrifood-2027")


def open_request_form(page, live_server, editor, call):
    sign_in(page, live_server, editor.email, f"/partnerships/new/?call={call.slug}")
    page.locator("textarea[name=summary_it]").fill("Cerchiamo un partner tecnologico per sensori.")


def test_a_second_press_while_the_form_is_on_its_way_sends_nothing(
    live_server, page, editor, call, staying_server
):
    open_request_form(page, live_server, editor, call)
    page.get_by_test_id("save-draft").click()
    staying_server.wait_for_posts(page)
    # Both buttons are disabled once the draft is sent; pressing the other one (as an
    # impatient person does) or the same one again sends nothing more.
    expect(page.get_by_test_id("save-draft")).to_be_disabled()
    expect(page.get_by_test_id("save-submit")).to_be_disabled()
    press_again(page.get_by_test_id("save-submit"))
    press_again(page.get_by_test_id("save-draft"))
    page.keyboard.press("Enter")
    staying_server.settle(page)
    assert staying_server.posts == [("/partnerships/new/", 302)]
    assert list(PartnershipRequest.objects.values_list("state", flat=True)) == ["draft"]


@pytest.mark.parametrize("button, state", [("save-draft", "draft"), ("save-submit", "submitted")])
def test_double_click_saves_one_request_as_the_button_pressed_says(
    live_server, page, editor, call, button, state
):
    open_request_form(page, live_server, editor, call)
    page.get_by_test_id(button).dblclick()
    expect(page.get_by_test_id("request-state")).to_be_visible()
    # The buttons are disabled only after the submit event: the button pressed is sent.
    assert list(PartnershipRequest.objects.values_list("state", flat=True)) == [state]


def test_a_second_press_on_save_as_alert_saves_nothing_more(
    live_server, page, editor, call, staying_server
):
    sign_in(page, live_server, editor.email, "/calls/?q=agrifood")
    page.get_by_test_id("save-alert").locator("summary").click()
    button = page.get_by_test_id("save-alert-button")
    button.click()
    staying_server.wait_for_posts(page)
    # The button sits outside its form (form="save-alert-form"): it is disabled all the same.
    expect(button).to_be_disabled()
    press_again(button)
    staying_server.settle(page)
    assert len(staying_server.posts) == 1
    assert SavedSearch.objects.filter(user=editor).count() == 1


def test_a_second_press_on_invite_sends_no_second_invitation(
    live_server, page, editor, staying_server
):
    sign_in(page, live_server, editor.email, "/portal/cooperative/aurora/members/")
    form = page.get_by_test_id("invite-form")
    form.locator("input[name=email]").fill("bruno@aurora.example")
    button = form.locator("button[type=submit]")
    button.click()
    staying_server.wait_for_posts(page)
    expect(button).to_be_disabled()
    press_again(button)
    staying_server.settle(page)
    assert len(staying_server.posts) == 1
    assert Invitation.objects.filter(email="bruno@aurora.example").count() == 1


def test_buttons_work_again_when_the_page_comes_back_from_the_back_forward_cache(
    live_server, page, editor, call, staying_server
):
    open_request_form(page, live_server, editor, call)
    page.get_by_test_id("save-draft").click()
    staying_server.wait_for_posts(page)
    expect(page.get_by_test_id("save-draft")).to_be_disabled()
    # What the browser fires when Back shows the page kept in its back-forward cache (the
    # test browser does not keep pages there, so the event is fired by hand).
    page.evaluate(
        "() => window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))"
    )
    expect(page.get_by_test_id("save-draft")).to_be_enabled()
    page.locator("input[name=title_it]").fill("Un secondo partner per Agrifood")
    page.get_by_test_id("save-draft").click()
    staying_server.wait_for_posts(page, 2)
    assert PartnershipRequest.objects.count() == 2
