"""Permission matrix of the request URLs: who gets the page or the action, who gets 403, and
who gets 404 (another cooperative's private request is not confirmed to exist)."""

import pytest
from django.urls import reverse

from partnerships.models import PartnershipRequest
from tests.partnerships.factories import PartnershipRequestFactory

pytestmark = pytest.mark.django_db

State = PartnershipRequest.State
PERSONAS = ["anonymous", "outsider", "other", "viewer", "editor", "admin", "staff"]
FIXTURES = {
    "outsider": "signed_in_outsider",
    "other": "other_coop_admin",
    "viewer": "coop_viewer",
    "editor": "coop_editor",
    "admin": "coop_admin",
    "staff": "staff_user",
}
LOGIN = "login"

# (method, url name, state of the request or None, post data, {persona: expected status})
MATRIX = [
    (
        "get",
        "request-list",
        None,
        None,
        {
            "anonymous": LOGIN,
            "outsider": 403,
            "other": 200,
            "viewer": 200,
            "editor": 200,
            "admin": 200,
            "staff": 200,
        },
    ),
    (
        "get",
        "request-create",
        None,
        None,
        {
            "anonymous": LOGIN,
            "outsider": 403,
            "other": 200,
            "viewer": 403,
            "editor": 200,
            "admin": 200,
            "staff": 200,
        },
    ),
    (
        "get",
        "request-mine",
        None,
        None,
        {
            "anonymous": LOGIN,
            "outsider": 200,
            "other": 200,
            "viewer": 200,
            "editor": 200,
            "admin": 200,
            "staff": 200,
        },
    ),
    (
        "get",
        "request-detail",
        State.DRAFT,
        None,
        {
            "anonymous": LOGIN,
            "outsider": 404,
            "other": 404,
            "viewer": 200,
            "editor": 200,
            "admin": 200,
            "staff": 200,
        },
    ),
    (
        "get",
        "request-detail",
        State.SUBMITTED,
        None,
        {
            "anonymous": LOGIN,
            "outsider": 404,
            "other": 404,
            "viewer": 200,
            "editor": 200,
            "admin": 200,
            "staff": 200,
        },
    ),
    (
        "get",
        "request-detail",
        State.PUBLISHED,
        None,
        {
            "anonymous": LOGIN,
            "outsider": 404,
            "other": 200,
            "viewer": 200,
            "editor": 200,
            "admin": 200,
            "staff": 200,
        },
    ),
    (
        "get",
        "request-edit",
        State.DRAFT,
        None,
        {
            "anonymous": LOGIN,
            "outsider": 404,
            "other": 404,
            "viewer": 403,
            "editor": 200,
            "admin": 200,
            "staff": 200,
        },
    ),
    (
        "get",
        "request-edit",
        State.PUBLISHED,
        None,
        {
            "anonymous": LOGIN,
            "outsider": 404,
            "other": 403,
            "viewer": 403,
            "editor": 403,
            "admin": 403,
            "staff": 403,
        },
    ),
    (
        "post",
        "request-submit",
        State.DRAFT,
        {},
        {
            "anonymous": LOGIN,
            "outsider": 404,
            "other": 404,
            "viewer": 403,
            "editor": 302,
            "admin": 302,
            "staff": 302,
        },
    ),
    (
        "post",
        "request-approve",
        State.SUBMITTED,
        {},
        {
            "anonymous": LOGIN,
            "outsider": 404,
            "other": 404,
            "viewer": 403,
            "editor": 403,
            "admin": 403,
            "staff": 302,
        },
    ),
    (
        "post",
        "request-return",
        State.SUBMITTED,
        {"reason": "Manca il budget."},
        {
            "anonymous": LOGIN,
            "outsider": 404,
            "other": 404,
            "viewer": 403,
            "editor": 403,
            "admin": 403,
            "staff": 302,
        },
    ),
    (
        "post",
        "request-close",
        State.PUBLISHED,
        {"outcome": "withdrawn"},
        {
            "anonymous": LOGIN,
            "outsider": 404,
            "other": 403,
            "viewer": 403,
            "editor": 302,
            "admin": 302,
            "staff": 302,
        },
    ),
    (
        "post",
        "interest-create",
        State.PUBLISHED,
        {"message": "Interessati."},
        {
            "anonymous": LOGIN,
            "outsider": 404,
            "other": "ok",
            "viewer": 403,
            "editor": 403,
            "admin": 403,
            "staff": "ok",
        },
    ),
]

# What a successful action leaves behind (the forbidden ones leave the state unchanged).
AFTER = {
    "request-submit": State.SUBMITTED,
    "request-approve": State.PUBLISHED,
    "request-return": State.RETURNED,
    "request-close": State.CLOSED,
}


def cases():
    for method, name, state, data, expected in MATRIX:
        for persona in PERSONAS:
            yield pytest.param(
                method,
                name,
                state,
                data,
                persona,
                expected[persona],
                id=f"{method}-{name}-{state or 'any'}-{persona}",
            )


@pytest.mark.parametrize(("method", "name", "state", "data", "persona", "expected"), cases())
def test_permission_matrix(
    request, client, coop, other_coop, method, name, state, data, persona, expected
):
    if persona != "anonymous":
        user = request.getfixturevalue(FIXTURES[persona])
        client.force_login(user)
    partnership = PartnershipRequestFactory(owner=coop, state=state) if state else None
    url = reverse(f"partnerships:{name}", kwargs={"pk": partnership.pk} if partnership else {})
    if name == "interest-create":
        data = {**data, "cooperative": other_coop.pk}
    response = client.post(url, data) if method == "post" else client.get(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    elif expected == "ok":
        assert response.status_code == 302
        assert partnership.interests.filter(cooperative=other_coop).exists()
    else:
        assert response.status_code == expected
    if partnership is not None and name in AFTER:
        partnership.refresh_from_db()
        assert partnership.state == (AFTER[name] if expected == 302 else state)


def test_a_return_without_reason_changes_nothing(staff_client, coop):
    partnership = PartnershipRequestFactory(owner=coop, state=State.SUBMITTED)
    response = staff_client.post(
        reverse("partnerships:request-return", kwargs={"pk": partnership.pk}), {"reason": ""}
    )
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.state == State.SUBMITTED


def test_a_move_the_state_refuses_is_a_message_not_an_error(client, coop, coop_editor):
    partnership = PartnershipRequestFactory(owner=coop, state=State.CLOSED)
    client.force_login(coop_editor)
    response = client.post(
        reverse("partnerships:request-submit", kwargs={"pk": partnership.pk}), follow=True
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
