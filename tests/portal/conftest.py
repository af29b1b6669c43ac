import pytest


@pytest.fixture
def persona(request, client, db):
    """Resolve a persona name to a signed-in client (or an anonymous one)."""

    def sign_in(name):
        if name == "anonymous":
            return client, None
        user = request.getfixturevalue(name)
        client.force_login(user)
        return client, user

    return sign_in
