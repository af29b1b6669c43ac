import pytest

from funding.models import Call, Follow
from tests.funding.factories import CallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return CallFactory(slug="secret-draft", publication_state=Call.PublicationState.DRAFT)


@pytest.fixture
def archived():
    return CallFactory(slug="old-call", publication_state=Call.PublicationState.ARCHIVED)


def test_published_call_shows_everything(client, open_call):
    response = client.get(open_call.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert open_call.title in page
    assert open_call.identifier in page
    assert 'data-testid="time-left"' in page
    assert "(ora di Bruxelles)" in page or "(Brussels time)" in page


@pytest.mark.parametrize("persona", ["anonymous", "member"])
@pytest.mark.parametrize("slug", ["secret-draft", "old-call"])
def test_drafts_and_archived_calls_are_404_for_the_public(
    client, signed_in_outsider, draft, archived, persona, slug
):
    if persona == "member":
        client.force_login(signed_in_outsider)
    assert client.get(f"/calls/{slug}/").status_code == 404
    assert client.post(f"/calls/{slug}/follow/").status_code in (302, 404)
    assert not Follow.objects.exists()


def test_staff_see_a_draft_with_a_banner(staff_client, draft):
    response = staff_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert 'data-testid="unpublished-banner"' in response.content.decode()


def test_drafts_are_not_in_the_catalogue_even_for_staff(staff_client, draft, open_call):
    slugs = [call.slug for call in staff_client.get("/calls/").context["calls"]]
    assert slugs == [open_call.slug]


def test_anonymous_follow_is_sent_to_sign_in(client, open_call):
    page = client.get(open_call.get_absolute_url()).content.decode()
    assert f"/accounts/login/?next={open_call.get_absolute_url()}" in page.replace("%2F", "/")
    response = client.post(f"/calls/{open_call.slug}/follow/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "next=/calls/" in response["Location"].replace("%2F", "/")
    assert not Follow.objects.exists()


def test_member_follows_and_unfollows(client, signed_in_outsider, open_call):
    client.force_login(signed_in_outsider)
    response = client.post(f"/calls/{open_call.slug}/follow/")
    assert response.status_code == 302
    assert response["Location"] == open_call.get_absolute_url()
    assert Follow.objects.filter(user=signed_in_outsider, call=open_call).count() == 1
    page = client.get(open_call.get_absolute_url()).content.decode()
    assert 'data-testid="unfollow"' in page

    client.post(f"/calls/{open_call.slug}/unfollow/")
    assert not Follow.objects.exists()
    assert 'data-testid="follow"' in client.get(open_call.get_absolute_url()).content.decode()


def test_following_twice_does_not_duplicate(client, signed_in_outsider, open_call):
    client.force_login(signed_in_outsider)
    client.post(f"/calls/{open_call.slug}/follow/")
    client.post(f"/calls/{open_call.slug}/follow/")
    assert Follow.objects.filter(user=signed_in_outsider, call=open_call).count() == 1


def test_follow_is_post_only(client, signed_in_outsider, open_call):
    client.force_login(signed_in_outsider)
    assert client.get(f"/calls/{open_call.slug}/follow/").status_code == 405
    assert not Follow.objects.exists()


def test_follow_redirects_back_only_to_this_site(client, signed_in_outsider, open_call):
    client.force_login(signed_in_outsider)
    response = client.post(f"/calls/{open_call.slug}/follow/", {"next": "/calls/?status=open"})
    assert response["Location"] == "/calls/?status=open"
    response = client.post(f"/calls/{open_call.slug}/unfollow/", {"next": "https://evil.example/"})
    assert response["Location"] == open_call.get_absolute_url()


def test_unknown_call_is_404(client):
    assert client.get("/calls/no-such-call/").status_code == 404


def test_partner_search_button_is_absent_for_now(client, signed_in_outsider, open_call):
    client.force_login(signed_in_outsider)
    page = client.get(open_call.get_absolute_url()).content.decode()
    assert "/partnerships/" not in page.split('id="main"')[1].split("<footer")[0]


def test_all_eu_member_states_are_shown_as_one_group(client):
    from funding.models import EU_MEMBER_STATES

    call = CallFactory(eligible_countries=[*sorted(EU_MEMBER_STATES), "NO"])
    page = client.get(call.get_absolute_url()).content.decode()
    assert "Stati membri dell&#x27;UE, Norvegia" in page
    assert "Lussemburgo" not in page
