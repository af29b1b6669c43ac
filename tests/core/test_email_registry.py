"""The email registry: each kind of email is defined once (`<app>/emails.py`), has its three
templates, is built only through its kind (language, unsubscribe links), and the ledger
refuses a kind nobody defined."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import get_template

from core import emails, mail
from core.emails import EmailKind
from core.models import Delivery
from funding.emails import CALL_ALERT
from members.emails import INVITATION
from tests.core.factories import UserFactory

BASE = Path(settings.BASE_DIR)
TEMPLATES = BASE / "templates" / "emails"

# The ledger's kinds as they are written in Delivery.kind (rows already sent keep them).
LEDGER_KINDS = {
    "call-alert",
    "digest-daily",
    "digest-weekly",
    "deadline-reminder",
    "deadline-moved",
    "partnership-request",
    "partnership-interest",
    "matchmaking-digest",
    "invitation",
    "startup-application",
    "staff-work-digest",
}


def test_every_kind_the_portal_sends_is_registered_at_start():
    assert set(emails.kinds()) == LEDGER_KINDS


@pytest.mark.parametrize("name", sorted(LEDGER_KINDS))
def test_each_kind_has_its_subject_text_and_html_templates(name):
    kind = emails.registered(name)
    for part in ("subject.txt", "body.txt", "body.html"):
        get_template(f"emails/{kind.template}/{part}")
    assert str(kind.description)


def test_every_email_template_folder_belongs_to_a_kind():
    folders = {path.name for path in TEMPLATES.iterdir() if path.is_dir()}
    assert folders == {kind.template for kind in emails.kinds().values()}


def test_no_module_builds_an_email_by_hand():
    """`OutgoingEmail(...)` is made in one place, `EmailKind.email`."""
    builders = []
    packages = ("core", "members", "networks", "funding", "partnerships", "startups", "portal")
    for package in (*packages, "staff"):
        for path in (BASE / package).rglob("*.py"):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    func = node.func
                    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    if name == "OutgoingEmail":
                        builders.append(str(path.relative_to(BASE)))
    assert builders == ["core/emails.py"]


def test_a_kind_is_defined_once():
    with pytest.raises(ValueError):
        emails.register(EmailKind("invitation", "invitation", "Another invitation"))
    assert emails.register(INVITATION) is INVITATION  # the same definition again is harmless


@pytest.mark.django_db
def test_the_ledger_refuses_an_unregistered_kind_and_writes_nothing():
    stray = EmailKind("stray", "invitation", "Not registered")
    good = INVITATION.email(key="invitation:x", to_email="a@coop.example", context={})
    bad = stray.email(key="stray:1", to_email="a@coop.example", context={})
    with pytest.raises(LookupError):
        mail.delivery_enqueue([good, bad])
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_an_email_goes_out_in_the_persons_language_or_the_default():
    english = UserFactory(language="en")
    klingon = UserFactory(language="tlh")
    context = {"title": "x"}
    assert INVITATION.email(key="k1", person=english, context=context).language == "en"
    assert INVITATION.email(key="k2", person=klingon, context=context).language == "it"
    chosen = INVITATION.email(key="k3", to_email="b@coop.example", language="en", context=context)
    assert (chosen.language, chosen.recipient, chosen.to_email) == ("en", None, "b@coop.example")


@pytest.mark.django_db
def test_an_unsubscribable_kind_carries_its_links_and_headers():
    person = UserFactory()
    email = CALL_ALERT.email(key="k", person=person, context={}, stop=("alerts-instant", person.pk))
    assert email.context["user"] == person
    assert "/unsubscribe/" in email.context["unsubscribe_url"]
    assert email.context["unsubscribe_all_url"] != email.context["unsubscribe_url"]
    assert email.headers["List-Unsubscribe"] == f"<{email.context['unsubscribe_url']}>"
    with pytest.raises(ValueError):
        CALL_ALERT.email(key="k", person=person, context={})  # what would the link stop?
