"""The admin's change lists fit a 1280-pixel screen: no list needs a sideways scroll, with
long names in the rows."""

from tests.browser.helpers import sign_in
from tests.core.factories import UserFactory
from tests.funding.factories import CallFactory
from tests.members.factories import CooperativeFactory
from tests.partnerships.factories import ExpressionOfInterestFactory
from tests.startups.factories import ApplicationFactory

LISTS = [
    "funding/call",
    "members/cooperative",
    "members/membership",
    "members/invitation",
    "partnerships/partnershiprequest",
    "partnerships/expressionofinterest",
    "partnerships/project",
    "startups/application",
    "startups/startup",
    "core/delivery",
    "core/auditentry",
    "core/user",
    "networks/body",
    "django_celery_beat/periodictask",
]
# The widest part of a change list: its table, which Django lets scroll inside its box.
OVERFLOW = """() => {
  const boxes = [document.documentElement, ...document.querySelectorAll('#changelist .results')];
  return boxes.map((box) => box.scrollWidth - box.clientWidth);
}"""


def test_the_change_lists_fit_a_1280_pixel_screen(live_server, page):
    staff = UserFactory(
        email="w@innovacoop.example", is_staff=True, is_superuser=True, verified=True
    )
    CallFactory(title="Un bando con un titolo abbastanza lungo da occupare la sua colonna e oltre")
    CooperativeFactory(
        legal_name="Cooperativa con una ragione sociale molto lunga Soc. Coop. a r.l."
    )
    ExpressionOfInterestFactory()
    ApplicationFactory(startup_name="Una startup dal nome lungo per provare le colonne")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, staff.email, "/admin/")
    too_wide = {}
    for name in LISTS:
        page.goto(f"{live_server.url}/admin/{name}/")
        overflow = page.evaluate(OVERFLOW)
        if any(pixels > 1 for pixels in overflow):
            too_wide[name] = overflow
    assert not too_wide, too_wide
