"""One of each kind of object the portal holds, and the people who use it.

The URL x persona matrix, the fuzz tests and the injection tests build their URLs and
forms from these real rows. Cooperative A ("aurora") has an administrator, an editor and
a viewer; cooperative B ("borea") an administrator. The personas' users are the ones of
the fixtures in tests/conftest.py, looked up by email when those fixtures ran first.
"""

import datetime
from contextlib import contextmanager
from types import SimpleNamespace

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from core import unsubscribe
from core.models import AuditEntry, Delivery
from funding.models import ApplicantType, Follow, SavedSearch, SourceQuery
from members.models import AssociationFigure, Membership, Sector, Theme
from members.services import invitation_create
from networks.models import BodyFigure
from partnerships.models import DismissedSuggestion, ExpressionOfInterest, PartnershipRequest
from startups.models import Application, ApplicationEvent, MentorAssignment, Need, Startup
from tests.conftest import restore_migration_data
from tests.core.factories import UserFactory
from tests.funding.factories import CallFactory, ProgrammeFactory
from tests.members.factories import (
    AssociationFactory,
    CooperativeContactFactory,
    CooperativeFactory,
)
from tests.networks.factories import AffiliationFactory, BodyFactory
from tests.partnerships.factories import (
    ExpressionOfInterestFactory,
    PartnershipRequestFactory,
    ProjectFactory,
)
from tests.startups.factories import (
    ApplicationFactory,
    MentorFactory,
    StartupFactory,
    SupportProgrammeFactory,
)

# The personas, in the order the matrix lists them.
PERSONAS = (
    "anonymous",
    "no_coop",  # signed in, belongs to no cooperative (tests/conftest.py signed_in_outsider)
    "viewer",  # viewer of cooperative A
    "editor",  # editor of cooperative A
    "admin_a",  # administrator of cooperative A
    "admin_b",  # administrator of cooperative B
    "applicant",  # applied to a startup programme through the public form; no cooperative
    "staff",  # INNOVACOOP staff (superuser)
)


def _member(cooperative, role, email):
    user = UserFactory(email=email, verified=True)
    Membership.objects.get_or_create(user=user, cooperative=cooperative, defaults={"role": role})
    return user


def build_world():
    """Create the rows; returns a namespace of them (`world.users[persona]` included)."""
    w = SimpleNamespace()
    w.coop_a = CooperativeFactory(legal_name="Cooperativa Aurora Soc. Coop.", slug="aurora")
    w.coop_b = CooperativeFactory(legal_name="Cooperativa Borea Soc. Coop.", slug="borea")
    w.association = AssociationFactory(name="Legacoop Matrice", slug="legacoop-matrice")
    w.coop_a.associations.add(w.association)
    w.association_figure = AssociationFigure.objects.create(
        association=w.association, metric=AssociationFigure.Metric.COOPERATIVES, value=12
    )
    w.contact = CooperativeContactFactory(cooperative=w.coop_a)

    w.staff = UserFactory(
        email="staff@innovacoop.example", is_staff=True, is_superuser=True, verified=True
    )
    w.no_coop = UserFactory(email="nocoop@person.example", verified=True)
    w.viewer = _member(w.coop_a, Membership.Role.VIEWER, "viewer@aurora.example")
    w.editor = _member(w.coop_a, Membership.Role.EDITOR, "editor@aurora.example")
    w.admin_a = _member(w.coop_a, Membership.Role.ADMIN, "admin@aurora.example")
    w.admin_b = _member(w.coop_b, Membership.Role.ADMIN, "admin@borea.example")
    w.viewer_membership = Membership.objects.get(user=w.viewer, cooperative=w.coop_a)

    w.body = BodyFactory(name="Cooperatives Europe Matrix", slug="cooperatives-europe-matrix")
    w.body_figure = BodyFigure.objects.create(
        body=w.body, metric=BodyFigure.Metric.MEMBER_ORGANISATIONS, value=84, source="Seed."
    )
    w.affiliation = AffiliationFactory(association=w.association, body=w.body)

    w.programme = ProgrammeFactory(name="Horizon Matrix", acronym="HMATRIX")
    w.source_query = SourceQuery.objects.create(name="Matrix social economy")
    w.call = CallFactory(
        programme=w.programme,
        slug="matrix-call",
        title="Matrix call",
        themes=[Theme.objects.order_by("pk").first()],
    )
    w.draft_call = CallFactory(
        programme=w.programme, slug="matrix-draft-call", publication_state="draft"
    )
    w.follow = Follow.objects.create(user=w.admin_a, call=w.call)

    w.request = PartnershipRequestFactory(owner=w.coop_a, created_by=w.admin_a)
    w.draft_request = PartnershipRequestFactory(
        owner=w.coop_a,
        created_by=w.editor,
        state=PartnershipRequest.State.DRAFT,
        published_at=None,
    )
    w.submitted_request = PartnershipRequestFactory(
        owner=w.coop_a,
        created_by=w.editor,
        state=PartnershipRequest.State.SUBMITTED,
        published_at=None,
    )
    w.request_b = PartnershipRequestFactory(owner=w.coop_b, created_by=w.admin_b)
    w.interest = ExpressionOfInterestFactory(
        request=w.request, cooperative=w.coop_b, sent_by=w.admin_b
    )
    w.dismissed = DismissedSuggestion.objects.create(
        cooperative=w.coop_a,
        target_type=DismissedSuggestion.Target.CALL,
        target_id=w.draft_call.pk,
        dismissed_by=w.admin_a,
    )
    w.project = ProjectFactory(lead_cooperative=w.coop_a, slug="matrix-project")

    w.startup_public = StartupFactory(slug="matrix-public-startup")
    w.startup_members = StartupFactory(
        slug="matrix-members-startup",
        visibility=Startup.Visibility.MEMBERS,
        contact_email="founders@members-only.example",
    )
    w.support_programme = SupportProgrammeFactory(slug="matrix-programme")
    w.applicant = UserFactory(email="applicant@startup.example", verified=True)
    w.application = ApplicationFactory(
        programme=w.support_programme,
        applicant=w.applicant,
        stage=Application.Stage.ACCEPTED,
        startup=w.startup_public,
    )
    w.application_event = ApplicationEvent.objects.create(
        application=w.application, from_stage="", to_stage=Application.Stage.SUBMITTED
    )
    w.mentor = MentorFactory()
    w.mentor_assignment = MentorAssignment.objects.create(mentor=w.mentor, startup=w.startup_public)

    w.invitation = invitation_create(
        cooperative=w.coop_a,
        email="invited@newcomer.example",
        role=Membership.Role.VIEWER,
        invited_by=w.admin_a,
    )
    w.invitation_token = w.invitation.token
    w.saved_search = SavedSearch.objects.create(
        user=w.admin_a, name="Matrix alert", query="q=food", frequency="weekly"
    )
    w.unsubscribe_token = unsubscribe.make_token("all", w.admin_a.pk)

    # Rows for the admin pages of the models nothing above creates.
    w.group = Group.objects.create(name="Matrix group")
    w.delivery = Delivery.objects.create(
        key="matrix:1",
        kind="matrix",
        recipient=w.admin_a,
        to_email=w.admin_a.email,
        subject="Matrix",
        body_text="Matrix",
    )
    w.interval = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.DAYS)
    w.crontab = CrontabSchedule.objects.create(minute="7", hour="3")
    w.solar = SolarSchedule.objects.create(event="sunrise", latitude=44.5, longitude=11.3)
    w.clocked = ClockedSchedule.objects.create(
        clocked_time=timezone.now() + datetime.timedelta(days=365)
    )
    w.periodic_task = PeriodicTask.objects.create(
        name="matrix task", task="matrix.noop", interval=w.interval
    )
    w.site = Site.objects.get_current()
    w.email_address = EmailAddress.objects.filter(user=w.admin_a).first()
    w.sector = Sector.objects.order_by("pk").first()
    w.theme = Theme.objects.order_by("pk").first()
    w.applicant_type = ApplicantType.objects.order_by("pk").first()
    w.need = Need.objects.order_by("pk").first()
    w.cooperative_content_type = ContentType.objects.get_for_model(w.coop_a)
    w.cooperative_history_id = w.coop_a.history.order_by("-history_id").first().history_id
    w.interest_pending = w.interest.state == ExpressionOfInterest.State.PENDING

    w.users = {
        "anonymous": None,
        "no_coop": w.no_coop,
        "viewer": w.viewer,
        "editor": w.editor,
        "admin_a": w.admin_a,
        "admin_b": w.admin_b,
        "applicant": w.applicant,
        "staff": w.staff,
    }
    # An entry of the audit log: the world's invitation, sent through the service, wrote it.
    w.audit = AuditEntry.objects.order_by("pk").first()
    return w


# Valid submissions of the main forms, built from the world's rows: the fuzz tests replace
# some of their fields with hostile values, the injection tests with markup.


def in_a_month():
    return (timezone.localdate() + datetime.timedelta(days=30)).isoformat()


def request_form(w):
    return {
        "owner": w.coop_a.pk,
        "kind": "technology_request",
        "title_it": "Sensori in campo",
        "summary_it": "Tracciabilità.",
        "description_it": "Cerchiamo un partner.",
        "offer": "",
        "sought_themes": [w.theme.pk],
        "sought_countries": ["IT"],
        "interest_deadline": in_a_month(),
        "call": "",
    }


def profile_form(w):
    return {
        "cooperative_type": "worker",
        "main_sector": w.coop_a.main_sector_id,
        "description": "Una cooperativa.",
        "themes": [w.theme.pk],
        "countries_of_interest": ["FR"],
        "city": "Bologna",
        "province": "BO",
        "employee_count": "12",
        "member_count": "30",
        "turnover_band": "under_2m",
        "year_founded": "1990",
        "website": "https://aurora.example",
        "email": "info@aurora.example",
        "phone": "+39 051 1234567",
    }


def application_form(w):
    return {
        "startup_name": "Idea Nuova",
        "kind": "cooperative_spinoff",
        "description": "Una piattaforma.",
        "team": "Anna, Luca",
        "team_size": "3",
        "sector": "",
        "parent_cooperative": w.coop_a.pk,
        "parent_body": "",
        "needs": [w.need.pk],
        "themes": [w.theme.pk],
    }


def signup_application_form(w):
    return {
        **application_form(w),
        "full_name": "Anna Rossi",
        "email": "anna.rossi@newcomer.example",
        "password": "a long and unusual passphrase 42",
    }


def admin_object(world, model):
    """The row the admin change/history/delete pages of `model` open."""
    return model._default_manager.order_by("pk").first()


@contextmanager
def shared_world(django_db_blocker):
    """The world built once for a module's tests, and removed after them.

    It is built inside a transaction that is rolled back when the module ends; each test's
    own transaction (pytest-django's `db`) is a savepoint within it, so the tests still
    start from the same rows. Use it in a module-scoped fixture:

        @pytest.fixture(scope="module")
        def world(django_db_setup, django_db_blocker):
            with shared_world(django_db_blocker) as world:
                yield world
    """
    with django_db_blocker.unblock(), transaction.atomic():
        restore_migration_data()
        world = build_world()
        yield world
        transaction.set_rollback(True)
