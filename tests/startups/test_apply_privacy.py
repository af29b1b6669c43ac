"""The apply form tells no one who has an account, is rate-limited, and gives no account away.

Applying without signing in used to answer "an account with this email address exists
already" and to create an account with the password the visitor typed, for any address,
with no limit: anyone could learn who has an account, and pre-register someone else's
address with a password they knew, waiting for the owner to confirm it.
"""

import re

from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages

from core.models import User
from startups.models import Application
from tests.core.factories import DEFAULT_PASSWORD, UserFactory
from tests.startups.test_apply import apply_url, form_data

Stage = Application.Stage


def apply(client, programme, email, **extra):
    return client.post(
        apply_url(programme), form_data(full_name="Chiara Neri", email=email, **extra)
    )


def answer(response):
    """What the visitor learns: status, where they are sent, and the messages shown."""
    return (
        response.status_code,
        response.get("Location"),
        [str(m) for m in get_messages(response.wsgi_request)],
    )


def link_in(message, marker):
    return next(w for w in message.body.split() if marker in w).split("://", 1)[1].split("/", 1)[1]


def test_known_and_unknown_addresses_get_the_same_answer(client, programme, mailoutbox):
    UserFactory(email="known@coop.example", verified=True)
    known = answer(apply(client, programme, "known@coop.example"))
    unknown = answer(apply(client.__class__(), programme, "unknown@coop.example"))
    # The same page and message, but for the address itself.
    assert known[0] == unknown[0] == 302
    assert known[1] == unknown[1] == programme.get_absolute_url()
    assert [m.replace("known@", "unknown@") for m in known[2]] == unknown[2]
    shown = " ".join(known[2]).lower()
    assert "exists already" not in shown and "esiste già" not in shown
    # One email each, to the address typed: only its owner learns which case it was.
    assert [m.to for m in mailoutbox] == [["known@coop.example"], ["unknown@coop.example"]]


def test_a_known_address_saves_nothing_and_its_owner_is_told_to_sign_in(
    client, programme, mailoutbox
):
    owner = UserFactory(email="known@coop.example", verified=True)
    apply(client, programme, "Known@Coop.Example")
    assert not Application.objects.exists()
    assert User.objects.filter(email__iexact="known@coop.example").count() == 1
    owner.refresh_from_db()
    assert owner.check_password(DEFAULT_PASSWORD)
    assert owner.full_name != "Chiara Neri"
    (message,) = mailoutbox
    assert programme.name in message.subject
    assert f"/accounts/login/?next=%2Fstartups%2Fprogrammes%2F{programme.slug}%2Fapply%2F" in (
        message.body
    )
    assert "/accounts/password/reset/" in message.body


def test_the_form_asks_no_password(client, programme):
    page = client.get(apply_url(programme)).content.decode()
    assert 'type="password"' not in page


def test_a_pre_registered_address_gives_the_attacker_nothing(client, programme, mailoutbox):
    """An attacker applies with the victim's address and a password of their choosing."""
    apply(client, programme, "victim@coop.example", password="attackers-Passw0rd-1")
    victim = User.objects.get(email="victim@coop.example")
    assert not victim.has_usable_password()
    assert not EmailAddress.objects.get(user=victim).verified
    assert Application.objects.get().stage == Stage.AWAITING_CONFIRMATION

    attacker = client.__class__()
    for password in ("attackers-Passw0rd-1", "", DEFAULT_PASSWORD):
        attacker.post("/accounts/login/", {"login": "victim@coop.example", "password": password})
        assert not attacker.get("/").wsgi_request.user.is_authenticated

    # The victim follows the emailed link: the address is confirmed, the application goes
    # to staff, and the victim, not the attacker, chooses the password.
    (message,) = mailoutbox
    assert message.to == ["victim@coop.example"]
    owner = client.__class__()
    response = owner.post("/" + link_in(message, "/accounts/confirm-email/"))
    assert response.status_code == 302
    assert "/accounts/password/reset/key/" in response["Location"]
    assert EmailAddress.objects.get(user=victim).verified
    assert Application.objects.get().stage == Stage.SUBMITTED
    set_password_page = owner.get(response["Location"], follow=True)
    assert set_password_page.status_code == 200
    owner.post(
        set_password_page.redirect_chain[-1][0],
        {"password1": "the-owners-Passw0rd-2", "password2": "the-owners-Passw0rd-2"},
    )
    victim.refresh_from_db()
    assert victim.check_password("the-owners-Passw0rd-2")
    assert owner.get("/").wsgi_request.user == victim
    attacker.post(
        "/accounts/login/", {"login": "victim@coop.example", "password": "attackers-Passw0rd-1"}
    )
    assert not attacker.get("/").wsgi_request.user.is_authenticated


def test_the_set_password_step_is_only_for_accounts_without_one(client, programme, mailoutbox):
    """A person with a password who confirms an address is not sent to choose another."""
    person = UserFactory(email="anna@coop.example", verified=False)
    response = client.post(
        "/accounts/login/", {"login": person.email, "password": DEFAULT_PASSWORD}
    )
    assert response["Location"] == "/accounts/confirm-email/"
    response = client.__class__().post("/" + link_in(mailoutbox[-1], "/accounts/confirm-email/"))
    assert "/accounts/password/reset/key/" not in response.get("Location", "")


def test_applications_are_rate_limited_per_address(client, programme, mailoutbox):
    UserFactory(email="known@coop.example", verified=True)
    for _attempt in range(5):
        assert apply(client.__class__(), programme, "known@coop.example").status_code == 302
    sent = len(mailoutbox)
    response = apply(client.__class__(), programme, "known@coop.example")
    assert response.status_code == 429
    assert response.context["form"].non_field_errors()
    assert len(mailoutbox) == sent
    # Another address from elsewhere is not affected.
    assert apply(client.__class__(), programme, "other@coop.example").status_code == 302


def test_applications_are_rate_limited_per_ip(client, programme, mailoutbox):
    for number in range(20):
        assert apply(client, programme, f"founder{number}@startup.example").status_code == 302
    response = apply(client, programme, "founder-extra@startup.example")
    assert response.status_code == 429
    assert not User.objects.filter(email="founder-extra@startup.example").exists()
    assert User.objects.filter(email__startswith="founder").count() == 20


def test_the_limit_answers_the_same_for_known_and_unknown_addresses(client, programme):
    UserFactory(email="known@coop.example", verified=True)
    for email in ("known@coop.example", "unknown@coop.example"):
        for _attempt in range(5):
            apply(client.__class__(), programme, email)
    known = apply(client.__class__(), programme, "known@coop.example")
    unknown = apply(client.__class__(), programme, "unknown@coop.example")
    assert known.status_code == unknown.status_code == 429
    assert re.sub(r"known|unknown", "", known.content.decode().split("<form")[0]) == re.sub(
        r"known|unknown", "", unknown.content.decode().split("<form")[0]
    )
