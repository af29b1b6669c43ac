"""/portal/: cooperatives with profile completeness, followed calls, calls that fit."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.models import Follow
from tests.funding.factories import ApplicantTypeFactory, CallFactory
from tests.members.factories import division, theme

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_dashboard_shows_the_cooperative_its_completeness_and_role(client, coop, coop_editor):
    client.force_login(coop_editor)
    response = client.get(reverse("portal:dashboard"))
    content = response.content.decode()
    assert coop.legal_name in content
    assert "Editor" in content or "Redattore" in content
    assert f'value="{coop.profile_completeness}"' in content
    assert 0 < coop.profile_completeness < 100


def test_followed_calls_show_the_time_to_their_deadline(client, coop_viewer):
    call = CallFactory(title="Chiamata seguita")
    Follow.objects.create(user=coop_viewer, call=call)
    client.force_login(coop_viewer)
    content = client.get(reverse("portal:dashboard")).content.decode()
    assert "Chiamata seguita" in content
    assert "giorni" in content  # "30 giorni rimasti" or similar


def test_matching_calls_are_ranked_with_their_reason(client, coop, coop_viewer):
    coop.themes.set([theme("digital-transition")])
    best = CallFactory(
        title="Best fit call",
        sectors=[division(coop.main_sector.code)],
        themes=[theme("digital-transition")],
        applicant_types=[ApplicantTypeFactory(code="cooperative")],
    )
    CallFactory(title="Theme only call", themes=[theme("digital-transition")])
    CallFactory(title="Unrelated call")
    client.force_login(coop_viewer)
    response = client.get(reverse("portal:dashboard"))
    titles = [match.call.title for match in response.context["matches"]]
    assert titles == ["Best fit call", "Theme only call"]
    assert response.context["matches"][0].call == best
    reasons = response.content.decode()
    assert 'data-testid="match-reasons"' in reasons


def test_a_person_without_cooperative_sees_how_to_join(client, signed_in_outsider):
    client.force_login(signed_in_outsider)
    response = client.get(reverse("portal:dashboard"))
    assert b'data-testid="no-membership"' in response.content


def count_queries(client, user, follows):
    calls = CallFactory.create_batch(follows, themes=[theme("digital-transition")])
    Follow.objects.bulk_create([Follow(user=user, call=call) for call in calls])
    client.force_login(user)
    client.get(reverse("portal:dashboard"))  # warm caches (sessions, content types)
    cache.clear()  # measured is the view that renders the content, not one that keeps it
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    assert len(response.context["followed_calls"]) == follows
    return len(queries)


def test_query_count_does_not_grow_with_followed_calls(client, coop, coop_viewer, other_coop_admin):
    coop.themes.set([theme("digital-transition")])
    other_coop.themes.set([theme("digital-transition")]) if (
        other_coop := other_coop_admin.memberships.get().cooperative
    ) else None
    one = count_queries(client, coop_viewer, 1)
    fifty = count_queries(client, other_coop_admin, 50)
    print(f"/portal/ queries: 1 followed call -> {one}, 50 followed calls -> {fifty}")
    assert one == fifty
    assert one <= 20
