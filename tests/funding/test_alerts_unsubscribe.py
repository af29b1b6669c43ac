"""One-click unsubscribe: GET shows and changes nothing, POST stops, tampered tokens refused."""

import pytest
from django.urls import reverse

from core import unsubscribe
from funding import alerts
from funding.models import AlertPreference, SavedSearch
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved():
    return SavedSearch.objects.create(user=UserFactory(), name="Food", query="q=food")


def path_of(kind, object_id):
    return reverse("unsubscribe", kwargs={"token": unsubscribe.make_token(kind, object_id)})


def test_get_shows_what_will_stop_and_changes_nothing(client, saved):
    response = client.get(path_of("search", saved.pk))
    assert response.status_code == 200
    assert "Food" in response.content.decode()
    saved.refresh_from_db()
    assert saved.is_active


def test_post_stops_without_sign_in_or_csrf_and_is_idempotent(saved):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    path = path_of("search", saved.pk)
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    saved.refresh_from_db()
    assert not saved.is_active
    again = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200
    assert b'data-testid="unsubscribe-done"' in again.content
    page = client.get(path).content
    assert b'data-testid="unsubscribe-already"' in page


def test_a_tampered_token_is_refused_and_changes_nothing(client, saved):
    token = unsubscribe.make_token("search", saved.pk)
    forged = unsubscribe.make_token("search", saved.pk + 1)
    tampered = token.split(":")[0] + ":" + forged.split(":")[1]
    for path in (
        reverse("unsubscribe", kwargs={"token": tampered}),
        reverse("unsubscribe", kwargs={"token": "not-a-token"}),
    ):
        assert client.get(path).status_code == 400
        response = client.post(path)
        assert response.status_code == 400
        assert b'data-testid="unsubscribe-invalid"' in response.content
    saved.refresh_from_db()
    assert saved.is_active


def test_a_token_signed_for_another_purpose_is_refused(client, saved):
    from django.core import signing

    token = signing.dumps({"k": "search", "id": saved.pk}, salt="something-else")
    assert client.post(reverse("unsubscribe", kwargs={"token": token})).status_code == 400


def test_stop_everything_link_is_honoured_by_all_alert_kinds(client, saved):
    client.post(path_of("all", saved.user_id))
    assert AlertPreference.objects.get(user=saved.user).unsubscribed_all_at is not None
    assert alerts.digest_user_ids("instant") == []


def test_a_deleted_alert_says_nothing_more_will_be_sent(client, saved):
    path = path_of("search", saved.pk)
    saved.delete()
    assert b"unsubscribe-gone" in client.get(path).content
    assert client.post(path).status_code == 200


def test_frequency_and_reminder_kinds(client, saved):
    client.post(path_of("alerts-weekly", saved.user_id))
    saved.refresh_from_db()
    assert not saved.is_active
    client.post(path_of("reminders", saved.user_id))
    assert AlertPreference.objects.get(user=saved.user).reminders_off_at is not None
