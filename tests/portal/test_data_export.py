"""The personal-data export holds everything the portal keeps about the person.

Two guards: every relation to the user model in every installed model must be covered by a
section of the export (a new model with a user foreign key fails here until it is exported),
and a person with one row of each kind finds every section filled, with their own data only.
"""

import json

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from core.models import Delivery
from funding.models import (
    AlertPreference,
    CooperativeAlert,
    DigestRun,
    Follow,
    SavedSearch,
)
from members.models import Invitation
from members.services import invitation_create
from partnerships.models import (
    DismissedSuggestion,
    ExpressionOfInterest,
    MatchmakingDigestRun,
    MatchmakingSubscription,
    RequestEvent,
)
from portal.services import EXPORT_SECTIONS, exported_relations
from startups.models import ApplicationEvent, MentorAssignment
from tests.funding.factories import CallFactory
from tests.partnerships.factories import ExpressionOfInterestFactory, PartnershipRequestFactory
from tests.startups.factories import ApplicationFactory, MentorFactory, StartupFactory

pytestmark = pytest.mark.django_db


def relations_to_the_user():
    """ "app_label.Model.field" of every forward relation (FK, one-to-one, many-to-many) to
    the user model, in every installed model (history models included)."""
    user_model = get_user_model()
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and not field.auto_created and field.related_model is user_model:
                found.add(f"{model._meta.label}.{field.name}")
    return found


def test_every_relation_to_the_user_is_in_the_export():
    found = relations_to_the_user()
    # The walk itself works (it sees the relations we know of).
    assert {"startups.Application.applicant", "core.Delivery.recipient"} <= found
    missing = found - exported_relations()
    assert not missing, (
        f"Personal data not in the export: {sorted(missing)}. Add a section for each in "
        "portal/services.py (@export_section) and a row of it to the test below."
    )


def test_no_section_claims_a_relation_that_does_not_exist():
    assert exported_relations() <= relations_to_the_user()


@pytest.fixture
def person(coop, other_coop, coop_admin, other_coop_admin, client):
    """`coop_admin` with one row of every kind the portal keeps about a person."""
    user = coop_admin
    call = CallFactory(identifier="EXPORT-CALL-1", title="Bando Marcatore")
    Follow.objects.create(user=user, call=call)
    SavedSearch.objects.create(user=user, name="Ricerca Marcatore", query="q=marcatore")
    CooperativeAlert.objects.create(user=user, cooperative=coop, frequency="daily")
    AlertPreference.objects.create(user=user, reminders_off_at=timezone.now())
    MatchmakingSubscription.objects.create(user=user, weekly_digest=False)
    DigestRun.objects.create(
        user=user,
        frequency="daily",
        period_key="2026-12-01",
        last_published_until=timezone.now(),
        call_count=2,
    )
    MatchmakingDigestRun.objects.create(user=user, week="2026-W48", covered_until=timezone.now())
    # Invitations: one they sent, one addressed to them (with its email in the ledger).
    invitation_create(
        cooperative=coop, email="collega@aurora.example", role="viewer", invited_by=user
    )
    received = invitation_create(
        cooperative=other_coop, email=user.email, role="viewer", invited_by=other_coop_admin
    )
    Invitation.objects.filter(pk=received.pk).update(accepted_by=user, accepted_at=timezone.now())
    # The cooperative's profile history names them.
    coop.description = "Cambiata per la prova"
    coop._history_user = user
    coop.save()
    # Partnerships: a request they wrote and its workflow, an interest they sent for their
    # cooperative, one they answered, a suggestion marked not relevant.
    own = PartnershipRequestFactory(owner=coop, created_by=user, title="Richiesta Marcatore")
    RequestEvent.objects.create(request=own, from_state="draft", to_state="submitted", by=user)
    theirs = PartnershipRequestFactory(owner=other_coop, title="Richiesta Altrui")
    ExpressionOfInterestFactory(
        request=theirs, cooperative=coop, sent_by=user, message="Interesse Marcatore"
    )
    ExpressionOfInterestFactory(
        request=own,
        cooperative=other_coop,
        sent_by=other_coop_admin,
        state=ExpressionOfInterest.State.DECLINED,
        decided_by=user,
        decided_at=timezone.now(),
        decline_reason="Rifiuto Marcatore",
    )
    DismissedSuggestion.objects.create(
        cooperative=coop, target_type="call", target_id=call.pk, dismissed_by=user
    )
    # Startups: an application (and a move of it), a mentor profile.
    application = ApplicationFactory(applicant=user, startup_name="Startup Marcatore")
    ApplicationEvent.objects.create(application=application, to_stage="submitted", by=user)
    mentor = MentorFactory(user=user, name="Mentore Marcatore")
    MentorAssignment.objects.create(mentor=mentor, startup=StartupFactory())
    # An email the ledger holds for them, and an admin log line.
    Delivery.objects.create(
        key=f"test:{user.pk}",
        kind="call-alert",
        recipient=user,
        to_email=user.email,
        subject="Oggetto Marcatore",
        body_text="…",
    )
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(call),
        object_id=str(call.pk),
        object_repr="Voce Marcatore",
        action_flag=ADDITION,
    )
    return user


def export_of(client, user):
    client.force_login(user)
    response = client.get(reverse("portal:account-export"))
    assert response.status_code == 200
    return json.loads(response.content)


def test_a_person_with_one_of_each_finds_each_in_the_export(
    client, person, django_assert_max_num_queries
):
    with django_assert_max_num_queries(60):
        data = export_of(client, person)
    empty = [section.name for section in EXPORT_SECTIONS if not data[section.name]]
    assert not empty, f"Sections with nothing in them: {empty}"
    text = json.dumps(data, ensure_ascii=False)
    for marker in (
        "EXPORT-CALL-1",
        "Ricerca Marcatore",
        "q=marcatore",
        "collega@aurora.example",
        "Richiesta Marcatore",
        "Interesse Marcatore",
        "Rifiuto Marcatore",
        "Bando Marcatore",  # the "not relevant" mark names the call
        "Startup Marcatore",
        "Mentore Marcatore",
        "Oggetto Marcatore",
        "Voce Marcatore",
        "2026-W48",
    ):
        assert marker in text, marker
    assert data["email_preferences"]["weekly_matchmaking_digest"] is False
    assert data["email_preferences"]["deadline_reminders_stopped_at"]
    assert [a["frequency"] for a in data["cooperative_alerts"]] == ["daily"]
    assert [i["cooperative"] for i in data["invitations_received"]] == [
        "Cooperativa Borea Soc. Coop."
    ]
    assert {e["kind"] for e in data["emails"]} >= {"call-alert", "invitation"}
    assert data["cooperative_changes"][0]["cooperative"] == "Cooperativa Aurora Soc. Coop."
    assert "invitation.sent" in {e["action"] for e in data["audit_log_entries"]}


def test_the_export_holds_nobody_elses_data(client, person, other_coop_admin):
    data = export_of(client, other_coop_admin)
    text = json.dumps(data, ensure_ascii=False)
    for marker in ("Ricerca Marcatore", "Startup Marcatore", "Oggetto Marcatore", "Mentore"):
        assert marker not in text
    # The interest they sent on the person's request is theirs, the answer is not.
    assert [i["request"] for i in data["expressions_of_interest_sent"]] == ["Richiesta Marcatore"]
    assert data["expressions_of_interest_answered"] == []
