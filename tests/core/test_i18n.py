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


def test_signed_in_person_gets_their_preferred_language(client, signed_in_outsider):
    signed_in_outsider.language = "en"
    signed_in_outsider.save()
    client.force_login(signed_in_outsider)
    assert client.get("/")["Content-Language"] == "en"


def test_sign_in_page_is_translated(client):
    assert "Accedi" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Sign in" in client.get("/accounts/login/").content.decode()


def test_switching_language_is_remembered_for_emails(client, signed_in_outsider):
    client.force_login(signed_in_outsider)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    signed_in_outsider.refresh_from_db()
    assert signed_in_outsider.language == "en"


def test_get_on_the_language_switch_changes_nothing(client, signed_in_outsider):
    client.force_login(signed_in_outsider)
    client.get("/i18n/setlang/?language=en")
    signed_in_outsider.refresh_from_db()
    assert signed_in_outsider.language == "it"
