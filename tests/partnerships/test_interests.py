"""Expressions of interest: who may send one, one per cooperative, answers, contacts, emails."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import Delivery
from members.models import CooperativeContact, Membership
from partnerships import services
from partnerships.models import ExpressionOfInterest, PartnershipRequest
from tests.members.factories import CooperativeFactory
from tests.partnerships.factories import ExpressionOfInterestFactory, PartnershipRequestFactory

pytestmark = pytest.mark.django_db

MESSAGE = "Abbiamo sensori installati in 40 aziende agricole."


@pytest.fixture
def published(coop):
    CooperativeContact.objects.create(
        cooperative=coop, name="Lucia Aurora", email="lucia@aurora.example", phone="051 111111"
    )
    return PartnershipRequestFactory(owner=coop)


@pytest.fixture
def other_contact(other_coop):
    return CooperativeContact.objects.create(
        cooperative=other_coop, name="Marco Borea", email="marco@borea.example"
    )


def express(published, other_coop, other_coop_admin):
    return services.interest_express(
        request=published, cooperative=other_coop, by=other_coop_admin, message=MESSAGE
    )


def test_an_admin_of_another_cooperative_expresses_interest(
    published, other_coop, other_coop_admin, coop_editor
):
    interest = express(published, other_coop, other_coop_admin)
    assert interest.state == ExpressionOfInterest.State.PENDING
    assert interest.sent_by == other_coop_admin
    owner_email = Delivery.objects.get(to_email=coop_editor.email)
    receipt = Delivery.objects.get(to_email=other_coop_admin.email)
    assert MESSAGE in owner_email.body_text
    assert other_coop.legal_name in owner_email.subject
    assert published.title in receipt.subject


def test_no_contacts_travel_before_acceptance(
    published, other_coop, other_coop_admin, other_contact, coop_editor
):
    express(published, other_coop, other_coop_admin)
    for delivery in Delivery.objects.all():
        for secret in (
            other_coop.email,
            "marco@borea.example",
            other_coop_admin.email if delivery.to_email != other_coop_admin.email else "@@",
            published.owner.email,
            "lucia@aurora.example",
            coop_editor.email if delivery.to_email != coop_editor.email else "@@",
        ):
            assert secret not in delivery.body_text
            assert secret not in delivery.body_html


def test_a_second_interest_of_the_same_cooperative_is_refused(
    published, other_coop, other_coop_admin
):
    express(published, other_coop, other_coop_admin)
    with pytest.raises(ValidationError):
        express(published, other_coop, other_coop_admin)
    assert ExpressionOfInterest.objects.count() == 1


def test_the_owner_cooperative_cannot_express_interest(published, coop, coop_admin):
    with pytest.raises(ValidationError):
        services.interest_express(
            request=published, cooperative=coop, by=coop_admin, message=MESSAGE
        )


def test_a_viewer_cannot_express_interest(published, other_coop):
    from tests.core.factories import UserFactory

    viewer = UserFactory(verified=True)
    Membership.objects.create(user=viewer, cooperative=other_coop, role="viewer")
    with pytest.raises(PermissionDenied):
        services.interest_express(
            request=published, cooperative=other_coop, by=viewer, message=MESSAGE
        )


def test_nobody_acts_for_a_cooperative_they_do_not_belong_to(published, other_coop, coop_editor):
    with pytest.raises(PermissionDenied):
        services.interest_express(
            request=published, cooperative=other_coop, by=coop_editor, message=MESSAGE
        )


def test_staff_may_express_interest_for_a_cooperative(published, other_coop, staff_user):
    interest = services.interest_express(
        request=published, cooperative=other_coop, by=staff_user, message=MESSAGE
    )
    assert interest.cooperative == other_coop


@pytest.mark.parametrize(
    "state", [PartnershipRequest.State.SUBMITTED, PartnershipRequest.State.CLOSED]
)
def test_only_published_requests_take_interest(coop, other_coop, other_coop_admin, state):
    request = PartnershipRequestFactory(owner=coop, state=state)
    with pytest.raises(ValidationError):
        express(request, other_coop, other_coop_admin)


def test_a_request_past_its_deadline_takes_no_interest(coop, other_coop, other_coop_admin):
    request = PartnershipRequestFactory(
        owner=coop, interest_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError):
        express(request, other_coop, other_coop_admin)


def test_acceptance_sends_each_side_the_others_contacts(
    published, other_coop, other_coop_admin, other_contact, coop_editor
):
    interest = express(published, other_coop, other_coop_admin)
    services.interest_accept(interest=interest, by=coop_editor)
    interest.refresh_from_db()
    assert interest.state == ExpressionOfInterest.State.ACCEPTED
    assert interest.decided_by == coop_editor
    to_owner = Delivery.objects.get(key__contains=":accepted:owner", to_email=coop_editor.email)
    to_sender = Delivery.objects.get(
        key__contains=":accepted:sender", to_email=other_coop_admin.email
    )
    assert "marco@borea.example" in to_owner.body_text
    assert other_coop.email in to_owner.body_text
    assert other_coop_admin.email in to_owner.body_text
    assert "lucia@aurora.example" in to_sender.body_text
    assert published.owner.email in to_sender.body_text
    assert coop_editor.email in to_sender.body_text


def test_decline_tells_the_sender_with_the_reason(
    published, other_coop, other_coop_admin, coop_admin
):
    interest = express(published, other_coop, other_coop_admin)
    services.interest_decline(interest=interest, by=coop_admin, reason="Cerchiamo altro.")
    interest.refresh_from_db()
    assert interest.state == ExpressionOfInterest.State.DECLINED
    email = Delivery.objects.get(key__contains=":declined:", to_email=other_coop_admin.email)
    assert "Cerchiamo altro." in email.body_text
    assert "lucia@aurora.example" not in email.body_text


def test_an_answer_is_given_once(published, other_coop, other_coop_admin, coop_admin):
    interest = express(published, other_coop, other_coop_admin)
    services.interest_accept(interest=interest, by=coop_admin)
    sent = Delivery.objects.count()
    with pytest.raises(ValidationError):
        services.interest_accept(interest=interest, by=coop_admin)
    with pytest.raises(ValidationError):
        services.interest_decline(interest=interest, by=coop_admin)
    assert Delivery.objects.count() == sent


@pytest.mark.parametrize("persona", ["coop_viewer", "other_coop_admin", "signed_in_outsider"])
def test_only_the_owner_side_answers(request, published, persona):
    interest = ExpressionOfInterestFactory(request=published)
    with pytest.raises(PermissionDenied):
        services.interest_accept(interest=interest, by=request.getfixturevalue(persona))
    with pytest.raises(PermissionDenied):
        services.interest_decline(interest=interest, by=request.getfixturevalue(persona))


def test_staff_may_answer_for_the_owner(published, staff_user):
    interest = ExpressionOfInterestFactory(request=published)
    services.interest_accept(interest=interest, by=staff_user)
    assert ExpressionOfInterest.objects.get().state == "accepted"


# --- Pages ---------------------------------------------------------------------------------------


def detail(client, request):
    return client.get(reverse("partnerships:request-detail", kwargs={"pk": request.pk}))


def test_the_form_sends_an_interest(client, published, other_coop_admin, other_coop):
    client.force_login(other_coop_admin)
    assert b'data-testid="interest-form"' in detail(client, published).content
    response = client.post(
        reverse("partnerships:interest-create", kwargs={"pk": published.pk}),
        {"cooperative": other_coop.pk, "message": MESSAGE},
    )
    assert response.status_code == 302
    assert ExpressionOfInterest.objects.get().cooperative == other_coop
    page = detail(client, published).content.decode()
    assert 'data-testid="sent-interest"' in page
    assert 'data-testid="interest-form"' not in page


def test_a_second_interest_by_the_form_is_a_form_error_not_a_500(
    client, published, other_coop_admin, other_coop
):
    ExpressionOfInterestFactory(request=published, cooperative=other_coop)
    client.force_login(other_coop_admin)
    response = client.post(
        reverse("partnerships:interest-create", kwargs={"pk": published.pk}),
        {"cooperative": other_coop.pk, "message": MESSAGE},
    )
    assert response.status_code == 200
    assert "ha già manifestato interesse" in response.content.decode()  # Italian by default
    assert ExpressionOfInterest.objects.count() == 1


def test_a_person_of_several_cooperatives_chooses_which_one(client, published, other_coop):
    from tests.core.factories import UserFactory

    third = CooperativeFactory()
    person = UserFactory(verified=True)
    Membership.objects.create(user=person, cooperative=other_coop, role="editor")
    Membership.objects.create(user=person, cooperative=third, role="admin")
    Membership.objects.create(user=person, cooperative=published.owner, role="admin")
    client.force_login(person)
    form = detail(client, published).context["interest_form"]
    choices = set(form.fields["cooperative"].queryset)
    assert choices == {other_coop, third}  # never the owner
    client.post(
        reverse("partnerships:interest-create", kwargs={"pk": published.pk}),
        {"cooperative": third.pk, "message": MESSAGE},
    )
    assert ExpressionOfInterest.objects.get().cooperative == third


def test_the_form_refuses_a_cooperative_the_person_does_not_act_for(
    client, published, other_coop_admin
):
    stranger = CooperativeFactory()
    client.force_login(other_coop_admin)
    response = client.post(
        reverse("partnerships:interest-create", kwargs={"pk": published.pk}),
        {"cooperative": stranger.pk, "message": MESSAGE},
    )
    assert response.status_code == 200
    assert not ExpressionOfInterest.objects.exists()


@pytest.mark.parametrize("persona", ["coop_viewer", "coop_editor"])
def test_the_owner_side_sees_no_interest_form_and_cannot_post_one(
    request, client, published, persona
):
    client.force_login(request.getfixturevalue(persona))
    assert detail(client, published).context["interest_form"] is None
    response = client.post(
        reverse("partnerships:interest-create", kwargs={"pk": published.pk}),
        {"cooperative": published.owner.pk, "message": MESSAGE},
    )
    assert response.status_code == 403


def test_contacts_appear_on_the_page_only_after_acceptance(
    client, published, other_coop, other_coop_admin, other_contact, coop_editor
):
    interest = express(published, other_coop, other_coop_admin)
    client.force_login(coop_editor)
    page = detail(client, published).content.decode()
    assert "marco@borea.example" not in page and other_coop.email not in page
    client.force_login(other_coop_admin)
    page = detail(client, published).content.decode()
    assert "lucia@aurora.example" not in page and published.owner.email not in page

    client.force_login(coop_editor)
    response = client.post(reverse("partnerships:interest-accept", kwargs={"pk": interest.pk}))
    assert response.status_code == 302
    page = detail(client, published).content.decode()
    assert "marco@borea.example" in page and other_coop.email in page
    assert other_coop_admin.email in page
    client.force_login(other_coop_admin)
    page = detail(client, published).content.decode()
    assert "lucia@aurora.example" in page and published.owner.email in page
    assert coop_editor.email in page


def test_a_third_cooperative_never_sees_the_contacts(
    client, published, other_coop, other_coop_admin, other_contact, coop_editor
):
    interest = express(published, other_coop, other_coop_admin)
    services.interest_accept(interest=interest, by=coop_editor)
    from tests.core.factories import UserFactory

    outsider = UserFactory(verified=True)
    Membership.objects.create(user=outsider, cooperative=CooperativeFactory(), role="admin")
    client.force_login(outsider)
    page = detail(client, published).content.decode()
    assert "marco@borea.example" not in page
    assert "lucia@aurora.example" not in page
    assert MESSAGE not in page


def test_decline_by_the_page(client, published, coop_admin):
    interest = ExpressionOfInterestFactory(request=published)
    client.force_login(coop_admin)
    response = client.post(
        reverse("partnerships:interest-decline", kwargs={"pk": interest.pk}),
        {"reason": "Non adatto."},
    )
    assert response.status_code == 302
    interest.refresh_from_db()
    assert (interest.state, interest.decline_reason) == ("declined", "Non adatto.")


def test_the_sender_cannot_accept_its_own_interest(client, published, other_coop, other_coop_admin):
    interest = express(published, other_coop, other_coop_admin)
    client.force_login(other_coop_admin)
    response = client.post(reverse("partnerships:interest-accept", kwargs={"pk": interest.pk}))
    assert response.status_code == 403
    interest.refresh_from_db()
    assert interest.state == "pending"


def test_an_interest_on_a_hidden_request_answers_404(client, coop, other_coop_admin):
    hidden = PartnershipRequestFactory(owner=coop, state=PartnershipRequest.State.DRAFT)
    interest = ExpressionOfInterestFactory(request=hidden)
    client.force_login(other_coop_admin)
    response = client.post(reverse("partnerships:interest-accept", kwargs={"pk": interest.pk}))
    assert response.status_code == 404
