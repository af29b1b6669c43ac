"""Members-only data is for people of member cooperatives and staff, not for any account.

A signed-in person of no cooperative (`signed_in_outsider`) and a startup founder whose account was
made by applying are outsiders: they see what anonymous visitors see, with a message that
says why instead of a "sign in" button.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from members.access import may
from startups.models import Need, Startup
from tests.partnerships.factories import PartnershipRequestFactory, ProjectFactory
from tests.startups.factories import ApplicationFactory, StartupFactory

pytestmark = pytest.mark.django_db

SECRET_NEEDS = "A seed round of 200k EUR."


@pytest.fixture
def applicant(db):
    """A founder who applied to a programme: an account, no cooperative."""
    return ApplicationFactory().applicant


@pytest.fixture
def members_only(db):
    return StartupFactory(
        name="Riservata Coop",
        visibility=Startup.Visibility.MEMBERS,
        needs=[Need.objects.get(code="funding")],
    )


@pytest.fixture
def public(db):
    return StartupFactory(name="Pubblica Srl", founders="Carla Neri")


OUTSIDERS = ["signed_in_outsider", "applicant"]
INSIDERS = ["coop_viewer", "staff_user"]


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_do_not_see_members_only_startups(client, request, persona, members_only):
    client.force_login(request.getfixturevalue(persona))
    listing = client.get(reverse("startups:startup-list")).content.decode()
    assert "Riservata Coop" not in listing
    assert client.get(members_only.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_do_not_see_founders_contacts_or_needs_detail(client, request, persona, public):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(public.get_absolute_url()).content.decode()
    assert "Carla Neri" not in page
    assert public.contact_email not in page
    assert SECRET_NEEDS not in page
    # They are signed in already: tell them why, do not ask them to sign in.
    assert 'data-testid="founders-for-members"' in page


@pytest.mark.parametrize("persona", INSIDERS)
def test_members_and_staff_see_members_only_startups_and_contacts(
    client, request, persona, members_only
):
    client.force_login(request.getfixturevalue(persona))
    assert "Riservata Coop" in client.get(reverse("startups:startup-list")).content.decode()
    page = client.get(members_only.get_absolute_url())
    assert page.status_code == 200
    content = page.content.decode()
    assert "Anna Rossi" in content
    assert members_only.contact_email in content
    assert SECRET_NEEDS in content


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("anonymous", False),
        ("signed_in_outsider", False),
        ("applicant", False),
        ("coop_viewer", True),
        ("staff_user", True),
    ],
)
def test_founders_and_contacts_are_a_rule_for_members_and_staff(request, persona, allowed, public):
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    assert may(user, "startups.view_startup_contacts", public) is allowed


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_a_projects_origin_request_is_not_named_to_outsiders(
    client, request, persona, coop, coop_viewer
):
    origin = PartnershipRequestFactory(
        owner=coop, title="Richiesta Solo Per Soci", state="closed", outcome="partner_found"
    )
    project = ProjectFactory(origin_request=origin, lead_cooperative=coop)
    client.force_login(request.getfixturevalue(persona))
    page = client.get(project.get_absolute_url())
    assert page.status_code == 200
    assert "Richiesta Solo Per Soci" not in page.content.decode()
    client.force_login(coop_viewer)
    assert "Richiesta Solo Per Soci" in client.get(project.get_absolute_url()).content.decode()
