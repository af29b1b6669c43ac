import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults

pytestmark = pytest.mark.django_db


def test_unknown_page_gets_the_styled_404_in_italian(client):
    response = client.get("/this-page-does-not-exist/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Pagina non trovata" in body
    assert "bootstrap.min.css" in body


def test_404_in_english_after_switching(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Page not found" in client.get("/nope/").content.decode()


def test_403_page():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with translation.override("it"):
        response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "Accesso negato" in response.content.decode()


def test_500_page_renders_without_any_context():
    with translation.override("it"):
        response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Si è verificato un errore" in response.content.decode()


def test_security_headers_are_sent(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
