"""Every transition of a request, by the roles that may and by those that may not."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import Delivery
from partnerships import services
from partnerships.models import PartnershipRequest, RequestEvent
from tests.core.factories import UserFactory
from tests.partnerships.factories import PartnershipRequestFactory

pytestmark = pytest.mark.django_db

State = PartnershipRequest.State


def draft(owner, by, **fields):
    defaults = {
        "kind": PartnershipRequest.Kind.TECHNOLOGY_OFFER,
        "title": "Sensori per il campo",
        "summary": "Offriamo sensori a basso consumo.",
    }
    return services.request_create(owner=owner, by=by, **{**defaults, **fields})


def in_state(coop, state):
    return PartnershipRequestFactory(owner=coop, state=state)


def test_an_editor_creates_a_draft_recorded_with_who(coop, coop_editor):
    request = draft(coop, coop_editor, sought_countries=["TN", "BR"])
    assert request.state == State.DRAFT
    assert request.created_by == coop_editor
    assert [country.code for country in request.sought_countries] == ["BR", "TN"]
    event = RequestEvent.objects.get(request=request)
    assert (event.from_state, event.to_state, event.by) == ("", State.DRAFT, coop_editor)


@pytest.mark.parametrize("persona", ["coop_admin", "coop_editor", "staff_user"])
def test_the_owner_side_and_staff_may_create(request, coop, persona):
    assert draft(coop, request.getfixturevalue(persona)).pk


@pytest.mark.parametrize("persona", ["coop_viewer", "other_coop_admin", "signed_in_outsider"])
def test_others_may_not_create(request, coop, persona):
    with pytest.raises(PermissionDenied):
        draft(coop, request.getfixturevalue(persona))
    assert not PartnershipRequest.objects.exists()


def test_a_request_with_invalid_fields_is_not_saved(coop, coop_editor):
    with pytest.raises(ValidationError):
        draft(coop, coop_editor, title="")
    assert not PartnershipRequest.objects.exists()


def test_submit_moves_a_draft_and_emails_the_owner(coop, coop_editor, coop_admin, coop_viewer):
    request = draft(coop, coop_editor)
    services.request_submit(request=request, by=coop_editor)
    request.refresh_from_db()
    assert request.state == State.SUBMITTED
    emailed = set(Delivery.objects.values_list("to_email", flat=True))
    # Editors and administrators hear of it; viewers do not.
    assert emailed == {coop_editor.email, coop_admin.email}
    assert RequestEvent.objects.filter(request=request, to_state=State.SUBMITTED).count() == 1


def test_staff_acting_for_the_cooperative_may_submit_and_is_emailed_too(
    coop, coop_editor, staff_user
):
    request = draft(coop, staff_user)
    services.request_submit(request=request, by=staff_user)
    emailed = set(Delivery.objects.values_list("to_email", flat=True))
    assert emailed == {coop_editor.email, staff_user.email}


@pytest.mark.parametrize("persona", ["coop_viewer", "other_coop_admin", "signed_in_outsider"])
def test_others_may_not_submit(request, coop, coop_editor, persona):
    request_object = draft(coop, coop_editor)
    with pytest.raises(PermissionDenied):
        services.request_submit(request=request_object, by=request.getfixturevalue(persona))
    request_object.refresh_from_db()
    assert request_object.state == State.DRAFT
    assert not Delivery.objects.exists()


def test_staff_approve_and_the_request_is_published(coop, coop_editor, staff_user):
    request = in_state(coop, State.SUBMITTED)
    services.request_approve(request=request, by=staff_user)
    request.refresh_from_db()
    assert request.state == State.PUBLISHED
    assert request.published_at is not None
    delivery = Delivery.objects.get(to_email=coop_editor.email)
    assert request.title in delivery.body_text
    assert f"/partnerships/{request.pk}/" in delivery.body_text


@pytest.mark.parametrize("persona", ["coop_admin", "coop_editor", "other_coop_admin"])
def test_only_staff_approve(request, coop, persona):
    request_object = in_state(coop, State.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.request_approve(request=request_object, by=request.getfixturevalue(persona))
    request_object.refresh_from_db()
    assert request_object.state == State.SUBMITTED


def test_staff_return_with_a_reason_the_owner_reads(coop, coop_editor, staff_user):
    request = in_state(coop, State.SUBMITTED)
    services.request_return(request=request, by=staff_user, reason="Manca il budget.")
    request.refresh_from_db()
    assert request.state == State.RETURNED
    assert request.return_reason == "Manca il budget."
    assert "Manca il budget." in Delivery.objects.get(to_email=coop_editor.email).body_text


def test_returning_needs_a_reason(coop, staff_user):
    request = in_state(coop, State.SUBMITTED)
    with pytest.raises(ValidationError):
        services.request_return(request=request, by=staff_user, reason="  ")
    request.refresh_from_db()
    assert request.state == State.SUBMITTED


def test_only_staff_return(coop, coop_admin):
    request = in_state(coop, State.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.request_return(request=request, by=coop_admin, reason="no")


def test_a_returned_request_is_changed_and_submitted_again(coop, coop_editor, staff_user):
    request = draft(coop, coop_editor)
    services.request_submit(request=request, by=coop_editor)
    services.request_return(request=request, by=staff_user, reason="Più dettagli.")
    services.request_update(request=request, by=coop_editor, summary="Con più dettagli.")
    services.request_submit(request=request, by=coop_editor)
    request.refresh_from_db()
    assert request.state == State.SUBMITTED
    assert request.return_reason == ""
    # Two submissions, two confirmations: each event has its own ledger key.
    submitted_keys = Delivery.objects.filter(key__contains=":submitted:").count()
    assert submitted_keys == 2


def test_a_published_request_cannot_be_edited(coop, coop_editor):
    request = in_state(coop, State.PUBLISHED)
    with pytest.raises(ValidationError):
        services.request_update(request=request, by=coop_editor, title="Nuovo titolo")


def test_editing_is_for_the_owner_side(coop, coop_editor, coop_viewer, other_coop_admin):
    request = draft(coop, coop_editor)
    for person in (coop_viewer, other_coop_admin):
        with pytest.raises(PermissionDenied):
            services.request_update(request=request, by=person, title="Altro")


@pytest.mark.parametrize("state", [State.DRAFT, State.SUBMITTED, State.RETURNED, State.PUBLISHED])
def test_the_owner_closes_from_any_open_state(coop, coop_admin, state):
    request = in_state(coop, state)
    services.request_close(
        request=request, by=coop_admin, outcome=PartnershipRequest.Outcome.PARTNER_FOUND
    )
    request.refresh_from_db()
    assert request.state == State.CLOSED
    assert request.outcome == PartnershipRequest.Outcome.PARTNER_FOUND
    assert request.closed_at is not None


def test_closing_needs_a_known_outcome(coop, coop_admin):
    request = in_state(coop, State.PUBLISHED)
    with pytest.raises(ValidationError):
        services.request_close(request=request, by=coop_admin, outcome="bored")


@pytest.mark.parametrize("persona", ["coop_viewer", "other_coop_admin"])
def test_others_may_not_close(request, coop, persona):
    request_object = in_state(coop, State.PUBLISHED)
    with pytest.raises(PermissionDenied):
        services.request_close(
            request=request_object,
            by=request.getfixturevalue(persona),
            outcome=PartnershipRequest.Outcome.WITHDRAWN,
        )


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (State.DRAFT, "approve"),
        (State.PUBLISHED, "approve"),
        (State.PUBLISHED, "submit"),
        (State.CLOSED, "submit"),
        (State.EXPIRED, "close"),
        (State.CLOSED, "close"),
        (State.DRAFT, "return"),
    ],
)
def test_moves_the_state_does_not_allow_are_refused(coop, staff_user, state, action):
    request = in_state(coop, state)
    call = {
        "approve": lambda: services.request_approve(request=request, by=staff_user),
        "submit": lambda: services.request_submit(request=request, by=staff_user),
        "close": lambda: services.request_close(
            request=request, by=staff_user, outcome=PartnershipRequest.Outcome.WITHDRAWN
        ),
        "return": lambda: services.request_return(request=request, by=staff_user, reason="x"),
    }[action]
    with pytest.raises(ValidationError):
        call()
    request.refresh_from_db()
    assert request.state == state
    assert not Delivery.objects.exists()


def test_emails_are_in_each_persons_language(coop, staff_user):
    from members.models import Membership

    english = UserFactory(language="en", verified=True)
    italian = UserFactory(language="it", verified=True)
    Membership.objects.create(user=english, cooperative=coop, role="editor")
    Membership.objects.create(user=italian, cooperative=coop, role="admin")
    request = in_state(coop, State.SUBMITTED)
    services.request_approve(request=request, by=staff_user)
    assert Delivery.objects.get(to_email=english.email).subject.startswith(
        "Your request is published"
    )
    assert Delivery.objects.get(to_email=english.email).language == "en"
    assert Delivery.objects.get(to_email=italian.email).language == "it"


def test_the_state_emails_carry_no_contact_details(coop, coop_editor, staff_user):
    request = in_state(coop, State.SUBMITTED)
    services.request_approve(request=request, by=staff_user)
    body = Delivery.objects.get(to_email=coop_editor.email).body_text
    assert coop.email not in body
    assert coop.phone not in body
