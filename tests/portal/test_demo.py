"""The demo gives people of each role, one in two cooperatives, follows and an invitation."""

import pytest

from core import demo_loader
from funding.models import Follow
from members.models import Invitation, Membership
from tests.demo_data import load_local_demo

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(Membership.objects.values_list("user__email", "cooperative__slug", "role")),
        sorted(Follow.objects.values_list("user__email", "call__slug", "created_at")),
        sorted(Invitation.objects.values_list("email", "token_hash", "expires_at")),
    )


def test_the_demo_gives_portal_people_and_a_second_run_changes_nothing():
    load_local_demo()
    first = snapshot()
    memberships, follows, invitations = first
    assert {role for _email, _coop, role in memberships} == {"admin", "editor", "viewer"}
    per_person = {}
    for email, coop, _role in memberships:
        per_person.setdefault(email, set()).add(coop)
    assert max(len(coops) for coops in per_person.values()) >= 2
    written_follows = demo_loader.parse(demo_loader.data_dir("portal") / "invented.yaml")
    assert len(follows) == len(written_follows["funding.Follow"]) > 0
    written_invitations = demo_loader.parse(demo_loader.data_dir("members") / "invented.yaml")
    assert len(invitations) == len(written_invitations["members.Invitation"]) > 0
    assert all(invitation.is_pending for invitation in Invitation.objects.all())
    load_local_demo()
    assert snapshot() == first
