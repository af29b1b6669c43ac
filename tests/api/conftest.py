import datetime

import pytest
import time_machine

from funding.models import Call
from tests.funding.factories import (
    ApplicantTypeFactory,
    CallFactory,
    ProgrammeFactory,
    SectorFactory,
    ThemeFactory,
    brussels,
)

NOW = brussels(2027, 1, 15, 12)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def generous_rate(settings):
    """Many requests in one test: the rate limit is tested on its own."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public_api": "100000/min"},
    }


@pytest.fixture
def catalogue(now):
    """27 published calls that differ in every facet (more than a page), and calls the API
    must never show: a draft and an archived call matching everything."""
    section_c = SectorFactory(code="C")
    food = SectorFactory(code="10", section=section_c)
    software = SectorFactory(code="62")
    green = ThemeFactory(slug="green-circular-economy")
    digital = ThemeFactory(slug="digital-transition")
    cooperative = ApplicantTypeFactory(code="cooperative")
    sme = ApplicantTypeFactory(code="sme")
    ngo = ApplicantTypeFactory(code="ngo")
    programmes = [
        ProgrammeFactory(acronym="HORIZON", name="Horizon Europe", level="eu"),
        ProgrammeFactory(acronym="PR-FESR-ER", name="PR FESR", level="regional"),
        ProgrammeFactory(acronym="MARCORA", name="Nuova Marcora", level="national"),
    ]
    titles = ["circular food", "manufacturing", "software", "energia comunità", "cooperative"]
    calls = []
    for n in range(27):
        # Open, forthcoming or closed; some two-stage; a few with no deadline at all.
        kind = n % 3
        if kind == 0:
            opens, deadlines = NOW - (30 + n) * DAY, [NOW + (n + 1) * DAY]
        elif kind == 1:
            opens, deadlines = NOW + (n + 2) * DAY, [NOW + (n + 40) * DAY, NOW + (n + 90) * DAY]
        else:
            opens, deadlines = NOW - 200 * DAY, [NOW - (n + 1) * DAY]
        if n in (4, 13):
            opens, deadlines = None, []
        calls.append(
            CallFactory(
                slug=f"call-{n:02d}",
                identifier=f"{programmes[n % 3].acronym}-2027-{n:02d}",
                title=f"Call {n} {titles[n % 5]}",
                programme=programmes[n % 3],
                themes=[[green], [digital], [green, digital], []][n % 4],
                sectors=[[food], [section_c], [software], []][n % 4],
                applicant_types=[[cooperative], [sme], [ngo, cooperative], []][n % 4],
                eligible_countries=[["IT", "FR"], ["IT"], []][n % 3],
                total_budget=None if n % 5 == 0 else n * 100_000,
                consortium_required=n % 2 == 0,
                opens_at=opens,
                deadlines=deadlines,
            )
        )
    for state in (Call.PublicationState.DRAFT, Call.PublicationState.ARCHIVED):
        CallFactory(
            slug=state,
            identifier=f"HIDDEN-{state}",
            title="Hidden circular food software cooperative",
            programme=programmes[0],
            themes=[green, digital],
            sectors=[food, software],
            applicant_types=[cooperative, sme, ngo],
            total_budget=500_000,
            publication_state=state,
        )
    return {"calls": calls, "programmes": programmes}
