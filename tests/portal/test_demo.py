"""The demo gives people of each role, one in two cooperatives, follows and an invitation."""

import pytest
from django.core.management import call_command

from funding.models import Follow
from members.models import Invitation, Membership

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(Membership.objects.values_list("user__email", "cooperative__slug", "role")),
        sorted(Follow.objects.values_list("user__email", "call__slug", "created_at")),
        sorted(Invitation.objects.values_list("email", "token_hash", "expires_at")),
    )


def test_the_demo_gives_portal_people_and_a_second_run_changes_nothing():
    call_command("load_demo", verbosity=0)
    first = snapshot()
    memberships, follows, invitations = first
    assert {role for _email, _coop, role in memberships} == {"admin", "editor", "viewer"}
    per_person = {}
    for email, coop, _role in memberships:
        per_person.setdefault(email, set()).add(coop)
    assert max(len(coops) for coops in per_person.values()) >= 2
    assert len(follows) == 2
    assert len(invitations) == 1 and Invitation.objects.get().is_pending
    call_command("load_demo", verbosity=0)
    assert snapshot() == first
