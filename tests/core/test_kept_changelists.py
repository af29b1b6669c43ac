"""The admin's large change lists (calls, cooperatives) are kept rendered for a minute per
staff member (`core.changelist.KeptChangeListMixin`); whatever changes what they show, and
whatever the staff member does, shows on the next view."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import fragments
from funding.models import Call
from tests.core.factories import UserFactory
from tests.funding.factories import CallFactory
from tests.members.factories import CooperativeFactory

pytestmark = pytest.mark.django_db

CALLS = reverse("admin:funding_call_changelist")
COOPERATIVES = reverse("admin:members_cooperative_changelist")


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def without_tokens(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.mark.parametrize("url", [CALLS, COOPERATIVES, CALLS + "?q=call&o=1"])
def test_a_second_view_reads_the_kept_list(staff_client, url):
    CallFactory.create_batch(3)
    CooperativeFactory.create_batch(3)
    first, rendered = queries_of(staff_client, url)
    second, kept = queries_of(staff_client, url)
    assert kept < rendered
    assert without_tokens(second) == without_tokens(first)
    assert fragments.CSRF_PLACEHOLDER not in second.content.decode()


def test_a_change_saved_elsewhere_shows_at_once(staff_client):
    call = CallFactory(title="Before the edit")
    assert "Before the edit" in staff_client.get(CALLS).content.decode()
    call.title = "After the edit"
    call.save()
    assert "After the edit" in staff_client.get(CALLS).content.decode()


def test_an_action_shows_its_message_and_its_result(staff_client):
    draft = CallFactory(publication_state=Call.PublicationState.DRAFT, title="Draft to publish")
    staff_client.get(CALLS)
    response = staff_client.post(
        CALLS, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    page = response.content.decode()
    assert "1 call published" in page or "1 bando pubblicato" in page
    draft.refresh_from_db()
    assert draft.publication_state == Call.PublicationState.PUBLISHED


def test_the_kept_actions_form_carries_a_working_csrf_token(staff_user):
    draft = CallFactory(publication_state=Call.PublicationState.DRAFT)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    client.get(CALLS)
    kept = client.get(CALLS).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', kept).group(1)
    response = client.post(
        CALLS,
        {"csrfmiddlewaretoken": token, "action": "publish", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.publication_state == Call.PublicationState.PUBLISHED


def test_staff_with_other_permissions_never_see_anothers_kept_list(staff_client):
    CallFactory(title="Seen by both")
    assert 'class="addlink"' in staff_client.get(CALLS).content.decode()
    viewer = UserFactory(is_staff=True, verified=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_call"))
    other = Client()
    other.force_login(viewer)
    page = other.get(CALLS).content.decode()
    assert "Seen by both" in page
    assert 'class="addlink"' not in page
