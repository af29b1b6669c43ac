"""The staff admin's sign-in obeys the portal's lockout, and a password reset lifts it.

Both sign-in pages count failures for an address in allauth's one "login_failed" limit
(5 in 15 minutes): a failure on either counts for both, and while the address is held even
the right password is refused on both. The owner's way back is a password reset.
"""

import re

import pytest
from django.contrib.auth import get_user_model

from tests.core.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"
PORTAL_LOGIN = "/accounts/login/"
HELD = "Troppi tentativi di accesso"  # allauth's "Too many failed login attempts", in Italian
EMAIL = "direzione@innovacoop.example"


def admin_sign_in(client, email=EMAIL, password=DEFAULT_PASSWORD):
    return client.post(ADMIN_LOGIN, {"username": email, "password": password, "next": "/admin/"})


def portal_sign_in(client, email=EMAIL, password=DEFAULT_PASSWORD):
    return client.post(PORTAL_LOGIN, {"login": email, "password": password})


def signed_in_user(client):
    return client.get("/").wsgi_request.user


@pytest.fixture
def staff():
    return UserFactory(email=EMAIL, is_staff=True, is_superuser=True, verified=True)


def test_staff_signs_in_to_the_admin(client, staff):
    response = admin_sign_in(client)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert signed_in_user(client) == staff


def test_a_wrong_password_on_the_admin_is_an_ordinary_form_error(client, staff):
    response = admin_sign_in(client, password="wrong")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert HELD not in response.content.decode()


def test_admin_brute_force_is_held_even_with_the_right_password(client, staff):
    for _attempt in range(15):
        admin_sign_in(client, password="wrong")
    response = admin_sign_in(client)
    assert response.status_code == 200
    assert HELD in response.content.decode()
    assert not signed_in_user(client).is_authenticated


def test_five_failures_hold_the_address_and_four_do_not(client, staff):
    for _attempt in range(4):
        admin_sign_in(client, password="wrong")
    assert admin_sign_in(client).status_code == 302  # the right password still works
    client.logout()
    # A success rolls back only its own attempt: 4 failures stay counted, one more holds.
    admin_sign_in(client, password="wrong")
    response = admin_sign_in(client)
    assert HELD in response.content.decode()


def test_the_address_is_matched_whatever_its_case(client, staff):
    for _attempt in range(5):
        admin_sign_in(client, email=EMAIL.upper(), password="wrong")
    assert HELD in admin_sign_in(client).content.decode()


def test_failures_on_both_pages_share_one_counter(client, staff):
    for _attempt in range(3):
        admin_sign_in(client, password="wrong")
    for _attempt in range(2):
        portal_sign_in(client, password="wrong")
    assert HELD in admin_sign_in(client).content.decode()
    assert HELD in portal_sign_in(client).content.decode()
    assert not signed_in_user(client).is_authenticated


def test_portal_failures_hold_the_admin_sign_in(client, staff):
    for _attempt in range(5):
        portal_sign_in(client, password="wrong")
    response = admin_sign_in(client)
    assert HELD in response.content.decode()
    assert not signed_in_user(client).is_authenticated


def test_admin_failures_hold_the_portal_sign_in(client, staff):
    for _attempt in range(5):
        admin_sign_in(client, password="wrong")
    response = portal_sign_in(client)
    assert HELD in response.content.decode()
    assert not signed_in_user(client).is_authenticated


def test_the_hold_is_per_address(client, staff):
    other = UserFactory(email="altro@innovacoop.example", is_staff=True, verified=True)
    for _attempt in range(5):
        admin_sign_in(client, password="wrong")
    admin_sign_in(client, email=other.email)
    assert signed_in_user(client) == other


def test_the_admin_login_page_offers_the_password_reset(client):
    response = client.get(ADMIN_LOGIN)
    assert 'href="/accounts/password/reset/"' in response.content.decode()


def _reset_password(client, mailoutbox, email, new_password):
    response = client.post("/accounts/password/reset/", {"email": email})
    assert response.status_code == 302
    message = mailoutbox[-1]
    assert message.to == [email]
    link = re.search(r"https?://\S+", message.body).group(0)
    form_page = client.get("/" + link.split("/", 3)[3], follow=True)
    return client.post(
        form_page.redirect_chain[-1][0],
        {"password1": new_password, "password2": new_password},
    )


@pytest.mark.parametrize("has_email_row", [True, False], ids=["allauth-address", "superuser"])
def test_a_password_reset_lifts_the_hold_and_lets_the_owner_in(client, mailoutbox, has_email_row):
    """An outsider locks the address; the owner resets the password and is in at once.

    `superuser`: an account made with createsuperuser has no allauth address row.
    """
    if has_email_row:
        owner = UserFactory(email=EMAIL, is_staff=True, is_superuser=True, verified=True)
    else:
        owner = get_user_model().objects.create_superuser(EMAIL, DEFAULT_PASSWORD)
    attacker = client.__class__()
    for _attempt in range(10):
        admin_sign_in(attacker, password="guess")
    assert HELD in admin_sign_in(client).content.decode()

    _reset_password(client, mailoutbox, EMAIL, "a-brand-new-Passw0rd")
    owner.refresh_from_db()
    assert owner.check_password("a-brand-new-Passw0rd")
    # The reset signs the owner in directly (so a renewed attack cannot keep them out) ...
    assert signed_in_user(client) == owner
    assert client.get("/admin/").status_code == 200
    # ... and lifts the hold on both sign-in pages.
    client.logout()
    assert admin_sign_in(client, password="a-brand-new-Passw0rd").status_code == 302
    assert signed_in_user(client) == owner
    client.logout()
    assert portal_sign_in(client, password="a-brand-new-Passw0rd").status_code == 302
