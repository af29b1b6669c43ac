import pytest

pytestmark = pytest.mark.django_db


def test_home_page_is_in_italian_by_default_whatever_the_browser_asks(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "it"
    assert "Innovazione e internazionalizzazione per le cooperative" in response.content.decode()


def test_language_switch_to_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "Innovation and internationalisation for cooperatives" in page
    client.post("/i18n/setlang/", {"language": "it", "next": "/"})
    assert "Innovazione e internazionalizzazione" in client.get("/").content.decode()


def test_unknown_language_is_ignored(client):
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert client.get("/")["Content-Language"] == "it"


def test_signed_in_person_gets_their_preferred_language(client, member_user):
    member_user.language = "en"
    member_user.save()
    client.force_login(member_user)
    assert client.get("/")["Content-Language"] == "en"


def test_sign_in_page_is_translated(client):
    assert "Accedi" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Sign in" in client.get("/accounts/login/").content.decode()


def test_switching_language_is_remembered_for_emails(client, member_user):
    client.force_login(member_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    member_user.refresh_from_db()
    assert member_user.language == "en"


def test_get_on_the_language_switch_changes_nothing(client, member_user):
    client.force_login(member_user)
    client.get("/i18n/setlang/?language=en")
    member_user.refresh_from_db()
    assert member_user.language == "it"
