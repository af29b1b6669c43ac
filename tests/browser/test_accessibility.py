"""axe-core audits the key pages, public and signed in, in Italian and English: no serious
or critical violation (WCAG 2.1 A/AA and axe's best practices)."""

import os

import pytest
from playwright.sync_api import expect

from funding.models import SavedSearch
from members.models import Membership
from networks.demo import load as load_network
from tests.browser.axe import audit, describe
from tests.browser.helpers import sign_in
from tests.core.factories import UserFactory
from tests.funding.factories import CallFactory, FollowFactory
from tests.members.factories import CooperativeFactory, theme
from tests.networks.factories import AssociationFactory
from tests.partnerships.factories import PartnershipRequestFactory
from tests.startups.factories import StartupFactory, SupportProgrammeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# AXE_ALL=1 lists every finding (moderate and minor too) without failing on them.
IMPACTS = None if os.environ.get("AXE_ALL") else ("serious", "critical")


@pytest.fixture
def portal_data(db):
    """One of each thing the audited pages show, so no page is audited empty."""
    load_network()
    AssociationFactory(name="Legacoop Emilia-Romagna", slug="legacoop-emilia-romagna")
    call = CallFactory(title="Agrifood Innovation 2027", themes=[theme("digital-transition")])
    aurora = CooperativeFactory(legal_name="Aurora Agricola Soc. Coop.", slug="aurora-agricola")
    anna = UserFactory(email="anna@aurora.example", verified=True)
    Membership.objects.create(user=anna, cooperative=aurora, role="admin")
    FollowFactory(call=call, user=anna)
    SavedSearch.objects.create(user=anna, name="Agrifood", query="q=agrifood")
    request = PartnershipRequestFactory(title="Sensori per la filiera")
    startup = StartupFactory(name="Filiera Corta Digitale", slug="filiera-corta")
    programme = SupportProgrammeFactory(name="Coopstartup 2027", slug="coopstartup-2027")
    return {
        "call": call,
        "cooperative": aurora,
        "person": anna,
        "request": request,
        "startup": startup,
        "programme": programme,
    }


def audit_pages(page, live_server, paths):
    problems = []
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, (path, response.status)
        problems += describe(path, audit(page, impacts=IMPACTS))
    return problems


def test_public_pages_have_no_serious_violations(live_server, page, portal_data):
    paths = [
        "/",
        "/calls/",
        portal_data["call"].get_absolute_url(),
        "/members/",
        "/networks/",
        "/startups/",
        portal_data["startup"].get_absolute_url(),
        portal_data["programme"].get_absolute_url(),
        "/accounts/login/",
    ]
    problems = audit_pages(page, live_server, paths)
    assert not problems, "\n".join(problems)


def test_home_and_catalogue_in_english_have_no_serious_violations(live_server, page, portal_data):
    page.context.add_cookies(
        [{"name": "innovacoop_language", "value": "en", "url": live_server.url}]
    )
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    problems = audit_pages(page, live_server, ["/", "/calls/", "/networks/", "/accounts/login/"])
    assert not problems, "\n".join(problems)


def test_signed_in_pages_have_no_serious_violations(live_server, page, portal_data):
    sign_in(page, live_server, portal_data["person"].email)
    paths = [
        "/portal/",
        "/portal/alerts/",
        "/portal/account/",
        "/partnerships/",
        portal_data["request"].get_absolute_url(),
        "/partnerships/new/",
        portal_data["cooperative"].get_absolute_url(),
        f"/portal/cooperative/{portal_data['cooperative'].slug}/edit/",
        f"/portal/cooperative/{portal_data['cooperative'].slug}/members/",
        f"/startups/programmes/{portal_data['programme'].slug}/apply/",
    ]
    problems = audit_pages(page, live_server, paths)
    assert not problems, "\n".join(problems)


def test_the_staff_workspace_has_no_serious_violations(live_server, page, portal_data):
    staff = UserFactory(email="staff.a11y@innovacoop.example", is_staff=True, verified=True)
    sign_in(page, live_server, staff.email)
    problems = audit_pages(page, live_server, ["/staff/", "/staff/results/"])
    assert not problems, "\n".join(problems)
