import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from networks.models import Affiliation, Body, BodyFigure
from tests.networks.factories import (
    AffiliationFactory,
    AssociationFactory,
    BodyFactory,
    BodyFigureFactory,
)

pytestmark = pytest.mark.django_db


def test_affiliation_with_both_an_association_and_a_body_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        AffiliationFactory(member_body=BodyFactory())


def test_affiliation_with_no_member_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        AffiliationFactory(association=None, member_body=None)


def test_affiliation_with_no_member_gets_a_clear_message_on_validation():
    affiliation = Affiliation(body=BodyFactory(), role=Affiliation.Role.PARTNER)
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="either a member association or a member body"),
    ):
        affiliation.full_clean()


def test_a_body_can_be_the_member_of_another_body():
    affiliation = AffiliationFactory(
        association=None, member_body=BodyFactory(), role=Affiliation.Role.COMMITTEE_OR_PLATFORM
    )
    assert affiliation.member == affiliation.member_body


def test_the_same_association_cannot_join_the_same_body_twice():
    association, body = AssociationFactory(), BodyFactory()
    AffiliationFactory(association=association, body=body)
    with pytest.raises(IntegrityError), transaction.atomic():
        AffiliationFactory(association=association, body=body, role=Affiliation.Role.PARTNER)


def test_the_same_body_cannot_join_the_same_body_twice():
    member, body = BodyFactory(), BodyFactory()
    AffiliationFactory(association=None, member_body=member, body=body)
    with pytest.raises(IntegrityError), transaction.atomic():
        AffiliationFactory(association=None, member_body=member, body=body)


def test_a_body_cannot_be_a_member_of_itself():
    body = BodyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AffiliationFactory(association=None, member_body=body, body=body)


def test_only_one_undated_figure_per_body_and_metric():
    figure = BodyFigureFactory(year=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        BodyFigureFactory(body=figure.body, metric=figure.metric, year=None)


def test_dated_figures_of_the_same_metric_can_follow_each_other():
    figure = BodyFigureFactory(year=2016)
    BodyFigureFactory(body=figure.body, metric=figure.metric, year=2017)
    assert BodyFigure.objects.filter(body=figure.body).count() == 2


def test_a_loop_of_parents_is_refused_by_validation():
    top = BodyFactory()
    child = BodyFactory(parent=top)
    top.parent = child
    with translation.override("en"), pytest.raises(ValidationError, match="loop"):
        top.full_clean()


def test_body_description_follows_the_active_language():
    body = BodyFactory(description_it="Italiano", description_en="English")
    with translation.override("it"):
        assert body.description == "Italiano"
    with translation.override("en"):
        assert body.description == "English"


def test_body_url_and_short_name():
    body = BodyFactory(slug="cogeca", name="General Confederation", acronym="COGECA")
    assert body.get_absolute_url() == "/networks/cogeca/"
    assert body.short_name == "COGECA"
    assert str(body) == "General Confederation (COGECA)"


def test_kind_ordered_follows_the_kinds_not_the_alphabet():
    BodyFactory(kind=Body.Kind.UNIVERSITY, name="A university")
    BodyFactory(kind=Body.Kind.EUROPEAN_FEDERATION, name="Z federation")
    assert [b.kind for b in Body.objects.kind_ordered()] == [
        Body.Kind.EUROPEAN_FEDERATION,
        Body.Kind.UNIVERSITY,
    ]
