"""Two cooperatives and a staff member: request from a call -> approval -> expression of
interest -> acceptance (contacts exchanged) -> project."""

import pytest
from playwright.sync_api import expect

from core.models import Delivery
from members.models import CooperativeContact, Membership
from partnerships.models import ExpressionOfInterest, PartnershipRequest, Project
from tests.core.factories import DEFAULT_PASSWORD, UserFactory
from tests.funding.factories import CallFactory
from tests.members.factories import CooperativeFactory, theme

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, live_server, email, next_path):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    expect(page).to_have_url(f"{live_server.url}{next_path}")


def test_request_approval_interest_acceptance_and_project(live_server, page):
    call = CallFactory(
        title="Agrifood Innovation 2027",
        consortium_required=True,
        themes=[theme("digital-transition")],
        eligible_countries=["IT", "TN"],
    )
    aurora = CooperativeFactory(
        legal_name="Aurora Agricola Soc. Coop.", email="info@aurora.example"
    )
    borea = CooperativeFactory(legal_name="Borea Sensori Soc. Coop.", email="info@borea.example")
    CooperativeContact.objects.create(cooperative=borea, name="Marco", email="marco@borea.example")
    anna = UserFactory(email="anna@aurora.example", verified=True)
    bruno = UserFactory(email="bruno@borea.example", verified=True)
    Membership.objects.create(user=anna, cooperative=aurora, role="editor")
    Membership.objects.create(user=bruno, cooperative=borea, role="editor")
    staff = UserFactory(email="staff@innovacoop.example", is_staff=True, verified=True)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    # Aurora's editor starts from the call's button: the form is filled in from the call.
    sign_in(page, live_server, anna.email, call.get_absolute_url())
    page.get_by_test_id("look-for-partners").click()
    expect(page.get_by_test_id("from-call")).to_be_visible()
    expect(page.locator("input[name=title_it]")).to_have_value(
        "Partner per Agrifood Innovation 2027"
    )
    page.locator("textarea[name=summary_it]").fill("Cerchiamo un partner tecnologico per sensori.")
    page.get_by_test_id("save-submit").click()
    expect(page.get_by_test_id("request-state")).to_have_attribute(
        "class", "badge request-state request-state-submitted"
    )
    request = PartnershipRequest.objects.get()
    assert (request.owner, request.call, request.kind) == (aurora, call, "call_partner")
    assert request.state == "submitted"
    detail_path = request.get_absolute_url()

    # Staff find it waiting on /staff/, open it from there and approve it; it leaves the list.
    sign_in(page, live_server, staff.email, "/staff/")
    waiting = page.get_by_test_id("work-requests")
    expect(waiting.get_by_test_id("count-requests")).to_have_text("1")
    waiting.get_by_role("link", name=request.title).click()
    page.get_by_test_id("approve-request").click()
    expect(page.get_by_test_id("request-state")).to_have_attribute(
        "class", "badge request-state request-state-published"
    )
    page.goto(f"{live_server.url}/staff/")
    expect(page.get_by_test_id("count-requests")).to_have_text("0")
    # ...and find Aurora counted on /staff/results/ as a cooperative that posted a request.
    page.get_by_test_id("to-results").click()
    posted = page.get_by_test_id("row-funnel-3")  # the funnel's third step
    expect(posted.locator("td")).to_have_text("1")
    expect(page.get_by_test_id("chart-funnel")).to_be_visible()

    # Borea's editor finds it in the list and expresses interest; no contacts yet.
    sign_in(page, live_server, bruno.email, "/partnerships/")
    page.get_by_test_id("request-card").get_by_role("link", name=request.title).click()
    expect(page.get_by_test_id("owner")).to_contain_text(aurora.legal_name)
    expect(page.get_by_test_id("contacts")).to_have_count(0)
    page.locator("textarea[name=message]").fill("Abbiamo sensori in 40 aziende agricole.")
    page.get_by_test_id("send-interest").click()
    expect(page.get_by_test_id("sent-interest")).to_be_visible()
    expect(page.get_by_test_id("interest-form")).to_have_count(0)
    assert "info@aurora.example" not in page.content()

    # Aurora accepts: both sides now see each other's contacts.
    sign_in(page, live_server, anna.email, detail_path)
    received = page.get_by_test_id("received-interest")
    expect(received).to_contain_text(borea.legal_name)
    expect(page.get_by_test_id("contacts")).to_have_count(0)
    page.get_by_test_id("accept-interest").click()
    expect(page.get_by_test_id("contacts")).to_contain_text("marco@borea.example")
    expect(page.get_by_test_id("contacts")).to_contain_text("bruno@borea.example")
    assert ExpressionOfInterest.objects.get().state == "accepted"

    sign_in(page, live_server, bruno.email, detail_path)
    expect(page.get_by_test_id("contacts")).to_contain_text("info@aurora.example")
    expect(page.get_by_test_id("contacts")).to_contain_text("anna@aurora.example")

    # Both sides were emailed at each step (ledger), Aurora at each transition.
    kinds = set(Delivery.objects.values_list("kind", "to_email"))
    assert ("partnership-request", anna.email) in kinds
    assert ("partnership-interest", bruno.email) in kinds

    # Aurora records the partnership as a project.
    sign_in(page, live_server, anna.email, detail_path)
    page.get_by_test_id("record-project").click()
    page.get_by_test_id("project-form").locator("button[type=submit]").click()
    project = Project.objects.get()
    expect(page).to_have_url(f"{live_server.url}{project.get_absolute_url()}")
    assert project.origin_request_id == request.pk
    assert set(project.cooperatives.all()) >= {aurora, borea}
    request.refresh_from_db()
    assert request.state == "closed"
    assert errors == [], errors
