"""Sign-in with django-allauth: email login, mandatory verification, closed signup, reset, limits."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from tests.core.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


def sign_in(client, email, password=DEFAULT_PASSWORD):
    return client.post(LOGIN_URL, {"login": email, "password": password})


def signed_in_user(client):
    return client.get("/").wsgi_request.user


def link_in(message):
    match = re.search(r"https?://\S+", message.body)
    assert match, message.body
    return match.group(0)


def test_verified_person_signs_in_with_email_and_password(client):
    person = UserFactory(email="anna@coop.example", verified=True)
    response = sign_in(client, "anna@coop.example")
    assert response.status_code == 302
    assert signed_in_user(client) == person


def test_email_is_matched_case_insensitively(client):
    person = UserFactory(email="anna@coop.example", verified=True)
    sign_in(client, "Anna@Coop.Example")
    assert signed_in_user(client) == person


def test_wrong_password_shows_an_error_on_the_form(client):
    UserFactory(email="anna@coop.example", verified=True)
    response = sign_in(client, "anna@coop.example", "wrong password")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not signed_in_user(client).is_authenticated


def test_unverified_person_must_confirm_the_email_before_signing_in(client, mailoutbox):
    person = UserFactory(email="new@coop.example", verified=False)
    response = sign_in(client, "new@coop.example")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert not signed_in_user(client).is_authenticated
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new@coop.example"]

    confirm_url = link_in(mailoutbox[0])
    path = "/" + confirm_url.split("/", 3)[3]
    assert client.get(path).status_code == 200  # GET shows the confirmation, changes nothing
    assert not EmailAddress.objects.get(user=person).verified
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=person).verified
    assert signed_in_user(client) == person


def test_tampered_confirmation_key_is_refused(client):
    UserFactory(email="new@coop.example", verified=False)
    response = client.post("/accounts/confirm-email/not-a-real-key/")
    assert response.status_code in (200, 404)
    assert not EmailAddress.objects.filter(verified=True).exists()


def test_open_signup_is_closed(client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    client.post(
        "/accounts/signup/",
        {
            "email": "intruder@example.org",
            "password1": "s3cret-Passw0rd!",
            "password2": "s3cret-Passw0rd!",
        },
    )
    assert not get_user_model().objects.filter(email="intruder@example.org").exists()


def test_password_reset_sends_a_link_that_sets_a_new_password(client, mailoutbox):
    person = UserFactory(email="anna@coop.example", verified=True)
    response = client.post("/accounts/password/reset/", {"email": "anna@coop.example"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    reset_path = "/" + link_in(mailoutbox[0]).split("/", 3)[3]
    form_page = client.get(reset_path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_path,
        {"password1": "a-brand-new-Passw0rd", "password2": "a-brand-new-Passw0rd"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("a-brand-new-Passw0rd")


def test_repeated_failed_sign_ins_are_rate_limited_with_a_clear_message(client):
    UserFactory(email="anna@coop.example", verified=True)
    for _attempt in range(5):
        sign_in(client, "anna@coop.example", "wrong password")
    response = sign_in(client, "anna@coop.example")  # even the right password is held back
    assert response.status_code == 200
    assert "Troppi tentativi di accesso" in response.content.decode()
    assert not signed_in_user(client).is_authenticated


def test_users_are_created_without_usernames():
    person = get_user_model().objects.create_user("Someone@Coop.Example", "pw-123456789")
    assert person.email == "someone@coop.example"
    assert get_user_model().USERNAME_FIELD == "email"
