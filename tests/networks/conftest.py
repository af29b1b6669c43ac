import pytest

from networks.models import Body, BodyFigure
from tests.networks.factories import (
    AffiliationFactory,
    AssociationFactory,
    BodyFactory,
    BodyFigureFactory,
)


@pytest.fixture
def network(db):
    """A small network: two shareholders, a federation with a figure and a member, an
    alliance with a committee, an office in Brussels and a university."""
    regional = AssociationFactory(
        name="Legacoop Emilia-Romagna",
        slug="legacoop-emilia-romagna",
        kind="regional",
    )
    territorial = AssociationFactory(name="Legacoop Romagna", slug="legacoop-romagna")
    outsider = AssociationFactory(
        name="Not a shareholder", slug="not-a-shareholder", is_innovacoop_shareholder=False
    )
    federation = BodyFactory(name="Cooperatives Europe", slug="cooperatives-europe")
    BodyFigureFactory(
        body=federation,
        metric=BodyFigure.Metric.MEMBER_ORGANISATIONS,
        value=84,
        source="composed by 84 member organisations from 33 European countries",
    )
    BodyFigureFactory(
        body=federation,
        metric=BodyFigure.Metric.COUNTRIES,
        value=33,
        source="composed by 84 member organisations from 33 European countries",
    )
    alliance = BodyFactory(
        name="International Cooperative Alliance",
        acronym="ICA",
        slug="ica",
        kind=Body.Kind.INTERNATIONAL_ALLIANCE,
        scope=Body.Scope.GLOBAL,
    )
    committee = BodyFactory(
        name="International Cooperative Development Platform",
        acronym="ICDP",
        slug="icdp",
        kind=Body.Kind.DEVELOPMENT_PLATFORM,
        scope=Body.Scope.GLOBAL,
        parent=alliance,
    )
    office = BodyFactory(
        name="Emilia-Romagna Regional Office in Brussels",
        slug="emilia-romagna-brussels-office",
        kind=Body.Kind.REGIONAL_OFFICE,
        scope=Body.Scope.REGIONAL,
    )
    university = BodyFactory(
        name="Università degli Studi di Parma",
        acronym="UNIPR",
        slug="unipr",
        kind=Body.Kind.UNIVERSITY,
        scope=Body.Scope.NATIONAL,
        country="IT",
        city="Parma",
        website="https://www.unipr.it",
    )
    membership = AffiliationFactory(association=regional, body=federation, since=2010)
    return {
        "regional": regional,
        "territorial": territorial,
        "outsider": outsider,
        "federation": federation,
        "alliance": alliance,
        "committee": committee,
        "office": office,
        "university": university,
        "membership": membership,
    }
