"""Fixtures shared by every test module: personas and the browser set-up."""

import os
import shutil

import pytest
from django.core.cache import cache

from innovacoop.celery import app as celery_app
from tests.core.factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# tests themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _tasks_run_in_process(request):
    """Tasks run inline in every test but the `broker` ones, whatever CELERY_BROKER_URL says.

    In the PostgreSQL run a broker is configured; a task queued by an ordinary test would
    go to a worker that uses another database. The `broker` tests exercise that path.
    """
    if "broker" in request.keywords:
        yield
        return
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager, conf.task_eager_propagates = True, True
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth's rate limits live in the cache; each test starts with none spent."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True, verified=True)


@pytest.fixture
def signed_in_outsider(db):
    """A verified account that belongs to no cooperative: signed in, but not a member."""
    return UserFactory(verified=True)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


# Cooperative personas: two cooperatives, and a verified person per role (admin, editor,
# viewer) in the first, an admin in the second. Other apps' tests use them as they are.


def restore_migration_data():
    """Put back the rows data migrations create (site, NACE sectors, themes, applicant
    types, startup needs) where a transactional test's flush removed them. Idempotent."""
    from django.conf import settings
    from django.contrib.sites.models import Site

    from funding.models import ApplicantType
    from funding.vocabularies import load_applicant_types
    from members.models import Sector, Theme
    from members.vocabularies import load_sectors, load_themes
    from startups.models import Need
    from startups.vocabularies import load_needs

    if not Site.objects.filter(pk=settings.SITE_ID).exists():
        Site.objects.create(pk=settings.SITE_ID, domain="example.com", name="example.com")
        Site.objects.clear_cache()
    if not Sector.objects.exists():
        load_sectors(Sector)
    if not Theme.objects.exists():
        load_themes(Theme)
    if not ApplicantType.objects.exists():
        load_applicant_types(ApplicantType)
    if not Need.objects.exists():
        load_needs(Need)


@pytest.fixture(autouse=True)
def _migration_data(request):
    """Every test with a database starts with the rows of the data migrations.

    A transactional test (browser journeys, the real-worker tests) empties the database when
    it ends, and a serialized rollback does not always put it back before the next one.
    """
    if request.node.get_closest_marker("django_db") is None and not (
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    ):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    restore_migration_data()
    yield


@pytest.fixture
def coop(db):
    from tests.members.factories import CooperativeFactory

    return CooperativeFactory(legal_name="Cooperativa Aurora Soc. Coop.", slug="aurora")


@pytest.fixture
def other_coop(db):
    from tests.members.factories import CooperativeFactory

    return CooperativeFactory(legal_name="Cooperativa Borea Soc. Coop.", slug="borea")


def _member(cooperative, role, email):
    from members.models import Membership

    user = UserFactory(email=email, verified=True)
    Membership.objects.create(user=user, cooperative=cooperative, role=role)
    return user


@pytest.fixture
def coop_admin(coop):
    return _member(coop, "admin", "admin@aurora.example")


@pytest.fixture
def coop_editor(coop):
    return _member(coop, "editor", "editor@aurora.example")


@pytest.fixture
def coop_viewer(coop):
    return _member(coop, "viewer", "viewer@aurora.example")


@pytest.fixture
def other_coop_admin(other_coop):
    return _member(other_coop, "admin", "admin@borea.example")


# --- Browser tests -------------------------------------------------------------------------


def pytest_collection_modifyitems(config, items):
    """Browser tests run last, and skip with a reason where Chromium is missing (not in CI).

    They run last because a transactional test empties the database when it ends, data
    migrations' rows included (NACE sectors, themes), which the other tests rely on.
    """
    items.sort(key=lambda item: "browser" in item.keywords)
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI", "").lower() == "true":
        return  # let them fail loudly: CI must run the browser journeys
    skip = pytest.mark.skip(
        reason=f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package "
        "(scripts/test does so when run as root) or set CHROMIUM_PATH."
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture
def startup_applicant(db):
    """A person who applied to a startup programme through its public form: verified,
    belongs to no cooperative (the persona the matrix calls "applicant")."""
    from tests.startups.factories import ApplicationFactory

    user = UserFactory(email="applicant@startup.example", verified=True)
    ApplicationFactory(applicant=user)
    return user
