"""/portal/ and /partnerships/suggestions/ are kept rendered per person
(`core.fragments.personal_html`): a second view reads them from the cache, and whatever
changes what they show (the person's own write, a colleague's, a new call, a refresh of the
stored matches) shows on the next view."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import fragments, versions
from core.middleware import WRITE_STAMP_SESSION_KEY
from funding.models import Follow
from matches.models import MatchRefresh
from partnerships.models import DismissedSuggestion
from tests.funding.factories import CallFactory
from tests.members.factories import theme
from tests.partnerships.factories import PartnershipRequestFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("portal:dashboard")
SUGGESTIONS = reverse("partnerships:suggestions")


@pytest.fixture
def fitting_call(coop):
    coop.themes.set([theme("digital-transition")])
    return CallFactory(title="Digital call for the kept page", themes=[theme("digital-transition")])


def queries_of(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response, len(queries)


def without_tokens(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.parametrize("path", [DASHBOARD, SUGGESTIONS])
def test_a_second_view_reads_the_kept_content(client, coop_viewer, fitting_call, path):
    client.force_login(coop_viewer)
    first, rendered = queries_of(client, path)
    second, kept = queries_of(client, path)
    assert fitting_call.title in second.content.decode()
    assert without_tokens(second.content.decode()) == without_tokens(first.content.decode())
    assert kept < rendered
    assert fragments.CSRF_PLACEHOLDER not in second.content.decode()


def test_the_kept_forms_carry_the_persons_working_csrf_token(coop_viewer, coop, fitting_call):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coop_viewer)
    client.get(DASHBOARD)
    kept = client.get(DASHBOARD).content.decode()
    token = re.search(
        r'data-testid="dismiss-call">\s*<input type="hidden" name="csrfmiddlewaretoken" '
        r'value="([^"]+)"',
        kept,
    ).group(1)
    response = client.post(
        reverse("partnerships:dismiss"),
        {
            "csrfmiddlewaretoken": token,
            "target_type": "call",
            "target_id": fitting_call.pk,
            "cooperative": coop.pk,
            "next": DASHBOARD,
        },
    )
    assert response.status_code == 302
    assert DismissedSuggestion.objects.filter(cooperative=coop, target_id=fitting_call.pk).exists()


def test_the_persons_own_write_shows_even_when_no_token_moves(
    client, coop_viewer, fitting_call, monkeypatch
):
    """As on a worker whose cache does not see another's bump: the session stamp alone."""
    client.force_login(coop_viewer)
    assert 'data-testid="followed-call"' not in client.get(DASHBOARD).content.decode()
    monkeypatch.setattr(versions, "bump", lambda name: None)
    response = client.post(reverse("funding:call-follow", kwargs={"slug": fitting_call.slug}))
    assert response.status_code in (200, 302)
    assert Follow.objects.filter(user=coop_viewer, call=fitting_call).exists()
    followed = client.get(DASHBOARD).content.decode()
    assert 'data-testid="followed-call"' in followed


def test_a_colleagues_not_relevant_mark_shows_on_my_dashboard(
    client, coop, coop_viewer, coop_admin, fitting_call
):
    client.force_login(coop_viewer)
    assert 'data-testid="hidden-call"' not in client.get(DASHBOARD).content.decode()
    colleague = Client()
    colleague.force_login(coop_admin)
    colleague.post(
        reverse("partnerships:dismiss"),
        {"target_type": "call", "target_id": fitting_call.pk, "cooperative": coop.pk},
    )
    page = client.get(DASHBOARD)
    assert [match.call for match in page.context["matches"]] == []
    assert 'data-testid="hidden-call"' in page.content.decode()


def test_a_new_matching_call_shows_through_the_refresh_even_when_no_token_moves(
    client, coop_viewer, fitting_call, monkeypatch
):
    client.force_login(coop_viewer)
    client.get(DASHBOARD)
    monkeypatch.setattr(versions, "bump", lambda name: None)
    refreshes = MatchRefresh.objects.count()
    newer = CallFactory(title="A newer digital call", themes=[theme("digital-transition")])
    assert MatchRefresh.objects.count() > refreshes
    assert newer.title in client.get(DASHBOARD).content.decode()


def test_each_person_sees_their_own_kept_page(client, coop_viewer, other_coop_admin, coop):
    client.force_login(coop_viewer)
    assert coop.legal_name in client.get(DASHBOARD).content.decode()
    other = Client()
    other.force_login(other_coop_admin)
    page = other.get(DASHBOARD).content.decode()
    assert other_coop_admin.memberships.get().cooperative.legal_name in page
    assert coop.legal_name not in page


def test_a_colleagues_new_request_shows_in_the_suggestions(client, coop_viewer, other_coop):
    coop_viewer.memberships.get().cooperative.themes.set([theme("housing")])
    client.force_login(coop_viewer)
    assert 'data-testid="suggested-request"' not in client.get(SUGGESTIONS).content.decode()
    PartnershipRequestFactory(owner=other_coop, sought_themes=[theme("housing")])
    assert 'data-testid="suggested-request"' in client.get(SUGGESTIONS).content.decode()


# --- The session's write stamp (core.middleware.WriteStampMiddleware) --------------------


def stamp_of(client):
    return client.session.get(WRITE_STAMP_SESSION_KEY)


def test_a_successful_write_stamps_the_session_and_a_read_does_not(client, coop_viewer):
    call = CallFactory()
    client.force_login(coop_viewer)
    client.get(DASHBOARD)
    assert stamp_of(client) is None
    client.post(reverse("funding:call-follow", kwargs={"slug": call.slug}))
    first = stamp_of(client)
    assert first is not None
    client.get(DASHBOARD)
    assert stamp_of(client) == first
    client.post(reverse("funding:call-unfollow", kwargs={"slug": call.slug}))
    assert stamp_of(client) > first


def test_a_refused_write_leaves_the_stamp(client, coop_viewer):
    client.force_login(coop_viewer)
    response = client.post(reverse("partnerships:dismiss"), {"target_type": "nonsense"})
    assert response.status_code == 400
    assert stamp_of(client) is None


def test_an_anonymous_write_stamps_nothing(client):
    call = CallFactory()
    client.post(reverse("funding:call-follow", kwargs={"slug": call.slug}))
    assert stamp_of(client) is None
