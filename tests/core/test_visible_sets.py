"""Each kind's `visible_to(user)` is the set form of its view rule: on a mixed set of objects,
for every persona, the queryset holds exactly the objects the rule lets that person see."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from funding.models import Call, SavedSearch
from members.models import Cooperative
from partnerships.models import ExpressionOfInterest, PartnershipRequest
from startups.models import Startup
from tests.funding.factories import CallFactory
from tests.members.factories import CooperativeFactory
from tests.partnerships.factories import ExpressionOfInterestFactory, PartnershipRequestFactory
from tests.startups.factories import StartupFactory

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "signed_in_outsider",
    "startup_applicant",
    "coop_viewer",
    "coop_editor",
    "coop_admin",
    "other_coop_admin",
    "staff_user",
)


@pytest.fixture
def person(request):
    def get(name):
        if name == "anonymous":
            return AnonymousUser()
        return request.getfixturevalue(name)

    return get


def agrees(queryset, user, permission):
    """(ids in the set, ids the rule allows) over every row of the queryset's model."""
    every = queryset.model._default_manager.all()
    in_set = set(queryset.visible_to(user).values_list("pk", flat=True))
    allowed = {obj.pk for obj in every if rules.has_perm(permission, user, obj)}
    return in_set, allowed


@pytest.mark.parametrize("name", PERSONAS)
def test_visible_requests_are_those_the_rule_lets_see(person, name, coop, other_coop):
    State = PartnershipRequest.State
    for owner in (coop, other_coop, CooperativeFactory()):
        for state in State.values:
            PartnershipRequestFactory(owner=owner, state=state)
    user = person(name)
    in_set, allowed = agrees(PartnershipRequest.objects, user, "partnerships.view_request")
    assert in_set == allowed
    # Not everything, not nothing, for a member: the set really depends on the person.
    if name == "coop_viewer":
        assert 0 < len(in_set) < PartnershipRequest.objects.count()


@pytest.mark.parametrize("name", PERSONAS)
def test_visible_interests_are_those_the_rule_lets_see(person, name, coop, other_coop):
    for owner in (coop, other_coop):
        for state in (PartnershipRequest.State.PUBLISHED, PartnershipRequest.State.DRAFT):
            request = PartnershipRequestFactory(owner=owner, state=state)
            ExpressionOfInterestFactory(request=request)
    user = person(name)
    in_set, allowed = agrees(ExpressionOfInterest.objects, user, "partnerships.view_interest")
    assert in_set == allowed


@pytest.mark.parametrize("name", PERSONAS)
def test_visible_calls_are_those_the_rule_lets_see(person, name):
    CallFactory()
    CallFactory(publication_state=Call.PublicationState.DRAFT)
    user = person(name)
    in_set, allowed = agrees(Call.objects, user, "funding.view_call")
    assert in_set == allowed
    assert len(in_set) == (2 if name == "staff_user" else 1)


@pytest.mark.parametrize("name", PERSONAS)
def test_visible_cooperatives_are_those_the_rule_lets_see(person, name, coop, other_coop):
    CooperativeFactory(is_active=False)
    user = person(name)
    in_set, allowed = agrees(Cooperative.objects, user, "members.view_cooperative")
    assert in_set == allowed


@pytest.mark.parametrize("name", PERSONAS)
def test_a_persons_cooperatives_are_those_they_belong_to(person, name, coop, other_coop):
    CooperativeFactory()
    user = person(name)
    of_member = set(Cooperative.objects.of_member(user).values_list("pk", flat=True))
    belongs = {
        cooperative.pk
        for cooperative in Cooperative.objects.all()
        if rules.has_perm("funding.set_cooperative_alert", user, cooperative)
    }
    assert of_member == belongs


@pytest.mark.parametrize("name", PERSONAS)
def test_visible_startups_are_those_the_rule_lets_see(person, name):
    StartupFactory()
    StartupFactory(visibility=Startup.Visibility.MEMBERS)
    user = person(name)
    in_set, allowed = agrees(Startup.objects, user, "startups.view_startup")
    assert in_set == allowed


@pytest.mark.parametrize("name", PERSONAS)
def test_visible_saved_searches_are_the_persons_own(person, name, coop_admin, coop_viewer):
    for owner in (coop_admin, coop_viewer):
        SavedSearch.objects.create(user=owner, name="Food", query=f"q=food{owner.pk}")
    user = person(name)
    in_set, allowed = agrees(SavedSearch.objects, user, "funding.change_saved_search")
    assert in_set == allowed
