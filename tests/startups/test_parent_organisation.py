"""A startup and an application share their parent fields and rule: a member cooperative or a
university or research centre, one at most (`startups.models.ParentOrganisation`)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from startups.models import ONE_PARENT_AT_MOST, Application, Startup
from tests.members.factories import CooperativeFactory
from tests.networks.factories import BodyFactory
from tests.startups.factories import ApplicationFactory, StartupFactory
from tests.startups.test_apply import apply_url, form_data


@pytest.fixture
def cooperative():
    return CooperativeFactory()


@pytest.fixture
def university():
    return BodyFactory(kind="university")


@pytest.mark.parametrize("factory", [StartupFactory, ApplicationFactory])
def test_the_parent_is_the_cooperative_or_the_body(factory, cooperative, university):
    assert factory(parent_cooperative=cooperative).parent == cooperative
    assert factory(parent_body=university).parent == university
    assert factory().parent is None


@pytest.mark.parametrize("factory", [StartupFactory, ApplicationFactory])
def test_both_parents_are_refused_by_validation_and_by_the_database(
    factory, cooperative, university
):
    row = factory.build(parent_cooperative=cooperative, parent_body=university)
    with pytest.raises(ValidationError) as refused:
        row.validate_constraints()
    assert refused.value.messages == [str(ONE_PARENT_AT_MOST)]
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(parent_cooperative=cooperative, parent_body=university)


def test_each_model_keeps_its_reverse_names_and_constraint(cooperative, university):
    startup = StartupFactory(parent_cooperative=cooperative)
    application = ApplicationFactory(parent_body=university)
    assert list(cooperative.startups.all()) == [startup]
    assert list(university.startup_applications.all()) == [application]
    assert "startup_one_parent_at_most" in [c.name for c in Startup._meta.constraints]
    assert "application_one_parent_at_most" in [c.name for c in Application._meta.constraints]


def test_the_apply_form_says_once_why_both_parents_are_refused(
    client, signed_in_outsider, programme, cooperative, university
):
    client.force_login(signed_in_outsider)
    data = form_data(parent_cooperative=cooperative.pk, parent_body=university.pk)
    response = client.post(apply_url(programme), data, headers={"accept-language": "en"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [str(ONE_PARENT_AT_MOST)]
    assert not Application.objects.exists()
