"""The URL x persona matrix: every named URL of the URLconf, for every kind of person.

`MATRIX` says, once, what each persona gets from each named URL (GET, and POST for the
one-button actions): a status code, or `LOGIN` / `ADMIN_LOGIN` for a redirect to the
portal's or the admin's sign-in page. A URL added to the URLconf without an entry fails
`test_every_named_url_has_an_entry` ("no entry for <name>"), so nobody adds a page without
deciding who may open it. The admin's per-model pages follow one family rule
(`ADMIN_MODEL_PAGES`), with the exceptions written in `MATRIX`.

The world (tests/core/world.py) is built once for the module; each persona's test
opens every URL; each request runs in a savepoint that is rolled back, so a POST changes nothing the
next cell sees. A cell that differs is reported with the exception behind a 500.
"""

import dataclasses

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse

from tests.core.world import PERSONAS, admin_object, shared_world

LOGIN = "login"  # 302 to /accounts/login/
ADMIN_LOGIN = "admin_login"  # 302 to /admin/login/

PERSONA_SET = set(PERSONAS)
SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")
MEMBERS = ("viewer", "editor", "admin_a", "admin_b")  # people of a member cooperative


def cells(default, **overrides):
    """Every persona's expected answer: `default` except where `overrides` say otherwise."""
    unknown = set(overrides) - PERSONA_SET
    assert not unknown, f"unknown personas {unknown}"
    return {persona: overrides.get(persona, default) for persona in PERSONAS}


PUBLIC = cells(200)
SIGNED_IN_ONLY = cells(200, anonymous=LOGIN)
STAFF_ONLY = cells(403, anonymous=LOGIN, staff=200)
# Pages for people of member cooperatives and staff: 403 for a signed-in outsider.
MEMBERS_ONLY = cells(200, anonymous=LOGIN, no_coop=403, applicant=403)
# Objects of cooperative A: its people and staff; 404 for everyone else signed in.
COOP_A_ONLY = cells(404, anonymous=LOGIN, viewer=200, editor=200, admin_a=200, staff=200)


@dataclasses.dataclass(frozen=True)
class Row:
    """One URL. `kwargs`/`args` name world attributes ("call.slug"); `data` builds the POST."""

    get: dict
    kwargs: dict = dataclasses.field(default_factory=dict)
    args: tuple = ()
    post: dict | None = None
    data: object = None  # callable(world) -> dict
    query: str = ""


# --- The matrix -----------------------------------------------------------------------------
# Keys are URL names; "name#variant" adds another object for the same name (a draft, a
# members-only startup). Where the code answers otherwise today the table says what is right
# and the test fails until it is fixed.

MATRIX = {
    # Public pages.
    "home": Row(get=PUBLIC),
    "healthz": Row(get=PUBLIC),
    "set_language": Row(
        get=cells(302),
        post=cells(302),
        data=lambda w: {"language": "en", "next": "/"},
    ),
    "members:cooperative-list": Row(get=PUBLIC),
    "members:cooperative-detail": Row(get=PUBLIC, kwargs={"slug": "coop_a.slug"}),
    "members:association-detail": Row(get=PUBLIC, kwargs={"slug": "association.slug"}),
    "networks:body-list": Row(get=PUBLIC),
    "networks:body-detail": Row(get=PUBLIC, kwargs={"slug": "body.slug"}),
    "funding:call-list": Row(get=PUBLIC),
    "funding:call-export-csv": Row(get=PUBLIC),
    "funding:call-export-xlsx": Row(get=PUBLIC),
    "funding:call-feed-ics": Row(get=PUBLIC),
    "funding:call-feed-rss": Row(get=PUBLIC),
    "funding:call-detail": Row(get=PUBLIC, kwargs={"slug": "call.slug"}),
    "funding:call-detail#draft": Row(get=cells(404, staff=200), kwargs={"slug": "draft_call.slug"}),
    "funding:call-follow": Row(
        get=cells(405),
        post=cells(302, anonymous=LOGIN),
        kwargs={"slug": "call.slug"},
    ),
    "funding:call-unfollow": Row(
        get=cells(405),
        post=cells(302, anonymous=LOGIN),
        kwargs={"slug": "call.slug"},
    ),
    # The public read API: published calls for everyone, drafts for no one (staff included);
    # read-only, so a POST is 405 whoever sends it.
    "api:call-list": Row(get=PUBLIC, post=cells(405)),
    "api:call-detail": Row(get=PUBLIC, kwargs={"slug": "call.slug"}),
    "api:call-detail#draft": Row(get=cells(404), kwargs={"slug": "draft_call.slug"}),
    "api:programme-list": Row(get=PUBLIC),
    "api:schema": Row(get=PUBLIC),
    "api:schema-docs": Row(get=PUBLIC),
    "partnerships:project-list": Row(get=PUBLIC),
    "partnerships:project-detail": Row(get=PUBLIC, kwargs={"slug": "project.slug"}),
    "startups:startup-list": Row(get=PUBLIC),
    "startups:startup-detail": Row(get=PUBLIC, kwargs={"slug": "startup_public.slug"}),
    # Members-only startups: people of member cooperatives and staff (issue 12, item 3).
    "startups:startup-detail#members": Row(
        get=cells(404, viewer=200, editor=200, admin_a=200, admin_b=200, staff=200),
        kwargs={"slug": "startup_members.slug"},
    ),
    "startups:programme-list": Row(get=PUBLIC),
    "startups:programme-detail": Row(get=PUBLIC, kwargs={"slug": "support_programme.slug"}),
    # The applicant applied already: sent back to the programme.
    "startups:apply": Row(get=cells(200, applicant=302), kwargs={"slug": "support_programme.slug"}),
    "startups:board": Row(get=STAFF_ONLY, kwargs={"slug": "support_programme.slug"}),
    "startups:board-export": Row(get=STAFF_ONLY, kwargs={"slug": "support_programme.slug"}),
    "startups:application-transition": Row(
        get=cells(405),
        post=cells(403, anonymous=LOGIN, staff=302),
        kwargs={"pk": "application.pk"},
        data=lambda w: {"to_stage": "incubating", "note": "", "reason": ""},
    ),
    "startups:mentor-assign": Row(
        get=cells(405),
        post=cells(403, anonymous=LOGIN, staff=302),
        kwargs={"pk": "application.pk"},
        data=lambda w: {"mentor": w.mentor.pk},
    ),
    # One-click unsubscribe: the token is the permission, no sign-in needed.
    "unsubscribe": Row(get=PUBLIC, post=PUBLIC, kwargs={"token": "unsubscribe_token"}),
    # Invitation link: shown to everyone; accepting needs the invited address (not these).
    "portal:invitation-accept": Row(get=PUBLIC, post=PUBLIC, kwargs={"token": "invitation_token"}),
    # Partnership requests: for people of member cooperatives and staff.
    "partnerships:request-list": Row(get=MEMBERS_ONLY),
    "partnerships:request-create": Row(
        get=cells(403, anonymous=LOGIN, editor=200, admin_a=200, admin_b=200, staff=200)
    ),
    "partnerships:request-mine": Row(get=SIGNED_IN_ONLY),
    "partnerships:request-detail": Row(
        get=cells(200, anonymous=LOGIN, no_coop=404, applicant=404), kwargs={"pk": "request.pk"}
    ),
    "partnerships:request-detail#draft": Row(get=COOP_A_ONLY, kwargs={"pk": "draft_request.pk"}),
    "partnerships:request-edit": Row(
        get=cells(404, anonymous=LOGIN, viewer=403, editor=200, admin_a=200, staff=200),
        kwargs={"pk": "draft_request.pk"},
    ),
    # A published request is not editable, by anyone.
    "partnerships:request-edit#published": Row(
        get=cells(403, anonymous=LOGIN, no_coop=404, applicant=404),
        kwargs={"pk": "request.pk"},
    ),
    "partnerships:request-submit": Row(
        get=cells(405, anonymous=LOGIN),
        post=cells(404, anonymous=LOGIN, viewer=403, editor=302, admin_a=302, staff=302),
        kwargs={"pk": "draft_request.pk"},
    ),
    # Moderation of a submitted request: staff only; the owner's people see it (403).
    "partnerships:request-approve": Row(
        get=cells(405, anonymous=LOGIN),
        post=cells(404, anonymous=LOGIN, viewer=403, editor=403, admin_a=403, staff=302),
        kwargs={"pk": "submitted_request.pk"},
    ),
    "partnerships:request-return": Row(
        get=cells(405, anonymous=LOGIN),
        post=cells(404, anonymous=LOGIN, viewer=403, editor=403, admin_a=403, staff=302),
        kwargs={"pk": "submitted_request.pk"},
        data=lambda w: {"reason": "Please add the budget."},
    ),
    "partnerships:request-close": Row(
        get=cells(405, anonymous=LOGIN),
        post=cells(
            403, anonymous=LOGIN, no_coop=404, applicant=404, editor=302, admin_a=302, staff=302
        ),
        kwargs={"pk": "request.pk"},
        data=lambda w: {"outcome": "withdrawn", "note": ""},
    ),
    # Interest in B's request, for A: A's editors and staff; the owner and viewers may not.
    "partnerships:interest-create": Row(
        get=cells(405, anonymous=LOGIN),
        post=cells(
            403, anonymous=LOGIN, no_coop=404, applicant=404, editor=302, admin_a=302, staff=302
        ),
        kwargs={"pk": "request_b.pk"},
        data=lambda w: {"cooperative": w.coop_a.pk, "message": "We can help."},
    ),
    "partnerships:interest-accept": Row(
        get=cells(405, anonymous=LOGIN),
        post=cells(
            403, anonymous=LOGIN, no_coop=404, applicant=404, editor=302, admin_a=302, staff=302
        ),
        kwargs={"pk": "interest.pk"},
    ),
    "partnerships:interest-decline": Row(
        get=cells(405, anonymous=LOGIN),
        post=cells(
            403, anonymous=LOGIN, no_coop=404, applicant=404, editor=302, admin_a=302, staff=302
        ),
        kwargs={"pk": "interest.pk"},
        data=lambda w: {"reason": ""},
    ),
    "partnerships:suggestions": Row(get=SIGNED_IN_ONLY),
    "partnerships:request-candidates": Row(get=COOP_A_ONLY, kwargs={"pk": "request.pk"}),
    "partnerships:consortium": Row(get=MEMBERS_ONLY, kwargs={"slug": "call.slug"}),
    "partnerships:dismiss": Row(
        get=cells(405, anonymous=LOGIN),
        post=cells(404, anonymous=LOGIN, viewer=302, editor=302, admin_a=302, staff=302),
        data=lambda w: {
            "target_type": "call",
            "target_id": w.call.pk,
            "cooperative": w.coop_a.pk,
        },
    ),
    # No "not relevant" mark to undo in the world: 404 for everyone signed in.
    "partnerships:undismiss": Row(
        get=cells(405, anonymous=LOGIN),
        post=cells(404, anonymous=LOGIN),
        data=lambda w: {
            "target_type": "call",
            "target_id": w.call.pk,
            "cooperative": w.coop_a.pk,
        },
    ),
    "partnerships:digest-preference": Row(
        get=cells(405, anonymous=LOGIN),
        post=cells(302, anonymous=LOGIN),
        data=lambda w: {"action": "off"},
    ),
    # B may see the published request (403); outsiders may not (404, as on its page).
    "partnerships:request-to-project": Row(
        get=cells(
            404, anonymous=LOGIN, viewer=403, editor=200, admin_a=200, admin_b=403, staff=200
        ),
        kwargs={"pk": "request.pk"},
    ),
    # Alerts: one's own saved searches; another person's answers 404.
    "alerts:list": Row(get=SIGNED_IN_ONLY),
    "alerts:create": Row(
        get=cells(302, anonymous=LOGIN),
        post=cells(302, anonymous=LOGIN),
        data=lambda w: {"name": "Food calls", "frequency": "weekly", "query": "q=food"},
    ),
    "alerts:edit": Row(
        get=cells(404, anonymous=LOGIN, admin_a=200), kwargs={"pk": "saved_search.pk"}
    ),
    "alerts:toggle": Row(
        get=cells(405, anonymous=LOGIN),
        post=cells(404, anonymous=LOGIN, admin_a=302),
        kwargs={"pk": "saved_search.pk"},
    ),
    "alerts:delete": Row(
        get=cells(405, anonymous=LOGIN),
        post=cells(404, anonymous=LOGIN, admin_a=302),
        kwargs={"pk": "saved_search.pk"},
    ),
    "alerts:cooperative": Row(
        get=cells(405, anonymous=LOGIN),
        post=cells(404, anonymous=LOGIN, viewer=302, editor=302, admin_a=302),
        kwargs={"cooperative_pk": "coop_a.pk"},
        data=lambda w: {
            f"coop-{w.coop_a.pk}-frequency": "weekly",
            f"coop-{w.coop_a.pk}-is_active": "on",
        },
    ),
    "alerts:preferences": Row(
        get=cells(405, anonymous=LOGIN),
        post=cells(302, anonymous=LOGIN),
        data=lambda w: {"action": "stop-all"},
    ),
    # The staff workspace: 404 for everyone but staff, signed in or not.
    "staff:home": Row(get=cells(404, staff=200)),
    "staff:results": Row(get=cells(404, staff=200)),
    "staff:results-csv": Row(get=cells(404, staff=200), kwargs={"key": "'funnel'"}),
    "staff:digest-preference": Row(
        get=cells(404, staff=405), post=cells(404, staff=302), data=lambda w: {"daily_email": "on"}
    ),
    # The portal.
    "portal:dashboard": Row(get=SIGNED_IN_ONLY),
    "portal:switch-cooperative": Row(
        get=cells(405, anonymous=LOGIN),
        post=cells(404, anonymous=LOGIN, viewer=302, editor=302, admin_a=302),
        data=lambda w: {"cooperative": w.coop_a.slug},
    ),
    "portal:cooperative-edit": Row(
        get=cells(404, anonymous=LOGIN, viewer=403, editor=200, admin_a=200, staff=200),
        kwargs={"slug": "coop_a.slug"},
    ),
    # POST: an invitation (administrators only).
    "portal:cooperative-members": Row(
        get=COOP_A_ONLY,
        post=cells(404, anonymous=LOGIN, viewer=403, editor=403, admin_a=302, staff=302),
        kwargs={"slug": "coop_a.slug"},
        data=lambda w: {"email": "new@person.example", "role": "viewer", "language": "it"},
    ),
    "portal:membership-role": Row(
        get=cells(405, anonymous=LOGIN),
        post=cells(404, anonymous=LOGIN, viewer=403, editor=403, admin_a=302, staff=302),
        kwargs={"slug": "coop_a.slug", "pk": "viewer_membership.pk"},
        data=lambda w: {"role": "editor"},
    ),
    # The viewer may leave (remove themself); only administrators remove others.
    "portal:membership-remove": Row(
        get=cells(405, anonymous=LOGIN),
        post=cells(404, anonymous=LOGIN, viewer=302, editor=403, admin_a=302, staff=302),
        kwargs={"slug": "coop_a.slug", "pk": "viewer_membership.pk"},
    ),
    "portal:invitation-withdraw": Row(
        get=cells(405, anonymous=LOGIN),
        post=cells(404, anonymous=LOGIN, viewer=403, editor=403, admin_a=302, staff=302),
        kwargs={"slug": "coop_a.slug", "pk": "invitation.pk"},
    ),
    "portal:account": Row(get=SIGNED_IN_ONLY),
    "portal:account-export": Row(get=SIGNED_IN_ONLY),
    # POST with the right password deletes the account (every persona, issue 12 item 2),
    # except the last administrator of a cooperative and staff (their admin log must
    # stay): refused on the form (400).
    "portal:account-delete": Row(
        get=SIGNED_IN_ONLY,
        post=cells(302, anonymous=LOGIN, admin_a=400, admin_b=400, staff=400),
        data=lambda w: {"password": "correct horse battery staple"},
    ),
    # allauth.
    "account_login": Row(get=cells(302, anonymous=200)),
    "account_logout": Row(get=cells(200, anonymous=302), post=cells(302)),
    "account_inactive": Row(get=PUBLIC),
    "account_signup": Row(get=cells(302, anonymous=200)),
    "account_reauthenticate": Row(get=SIGNED_IN_ONLY),
    "account_email": Row(get=SIGNED_IN_ONLY),
    "account_email_verification_sent": Row(get=PUBLIC),
    "account_change_password": Row(get=SIGNED_IN_ONLY),
    "account_set_password": Row(get=cells(302, anonymous=LOGIN)),
    "account_reset_password": Row(get=PUBLIC),
    "account_confirm_login_code": Row(get=cells(302, anonymous=LOGIN)),
    "account_confirm_email": Row(get=PUBLIC, kwargs={"key": "'not-a-key'"}),
    "account_reset_password_from_key_done": Row(get=PUBLIC),
    "account_reset_password_from_key": Row(
        get=PUBLIC, kwargs={"uidb36": "'1'", "key": "'not-a-key'"}
    ),
    "account_reset_password_done": Row(get=PUBLIC),
    # The admin's own pages.
    "admin:index": Row(get=cells(ADMIN_LOGIN, staff=200)),
    "admin:login": Row(get=cells(200, staff=302)),
    # The admin sends whoever is not staff to its index (then to sign in).
    "admin:logout": Row(get=cells(302, staff=405), post=cells(302)),
    "admin:password_change": Row(get=cells(ADMIN_LOGIN, staff=200)),
    "admin:password_change_done": Row(get=cells(ADMIN_LOGIN, staff=200)),
    "admin:autocomplete": Row(get=cells(ADMIN_LOGIN, staff=403)),
    "admin:jsi18n": Row(get=cells(ADMIN_LOGIN, staff=200)),
    "admin:view_on_site": Row(
        get=cells(ADMIN_LOGIN, staff=302),
        kwargs={"content_type_id": "cooperative_content_type.pk", "object_id": "coop_a.pk"},
    ),
    "admin:app_list": Row(get=cells(ADMIN_LOGIN, staff=200), args=("'members'",)),
    "admin:auth_user_password_change": Row(
        get=cells(ADMIN_LOGIN, staff=200), kwargs={"id": "viewer.pk"}
    ),
    "admin:members_cooperative_simple_history": Row(
        get=cells(ADMIN_LOGIN, staff=200), args=("coop_a.pk", "cooperative_history_id")
    ),
    "admin:members_cooperative_import": Row(get=cells(ADMIN_LOGIN, staff=200)),
    "admin:members_cooperative_process_import": Row(get=cells(ADMIN_LOGIN, staff=405)),
    "admin:members_cooperative_export": Row(get=cells(ADMIN_LOGIN, staff=200)),
    "admin:funding_call_import": Row(get=cells(ADMIN_LOGIN, staff=200)),
    "admin:funding_call_process_import": Row(get=cells(ADMIN_LOGIN, staff=405)),
    "admin:funding_call_export": Row(get=cells(ADMIN_LOGIN, staff=200)),
    # Read-only admin pages (ledgers, records written by services): no add form.
    "admin:core_delivery_add": Row(get=cells(ADMIN_LOGIN, staff=403)),
    # The audit log: written by the services only, never added to or deleted from by hand.
    "admin:core_auditentry_add": Row(get=cells(ADMIN_LOGIN, staff=403)),
    "admin:core_auditentry_delete": Row(get=cells(ADMIN_LOGIN, staff=403), args=("audit.pk",)),
    # Application events are a view of the audit log: read-only alike.
    "admin:startups_applicationevent_add": Row(get=cells(ADMIN_LOGIN, staff=403)),
    "admin:startups_applicationevent_delete": Row(
        get=cells(ADMIN_LOGIN, staff=403), args=("application_event.pk",)
    ),
    "admin:startups_supportprogramme_add": Row(get=cells(ADMIN_LOGIN, staff=200)),
    "admin:partnerships_dismissedsuggestion_add": Row(get=cells(ADMIN_LOGIN, staff=403)),
}

# Every registered model's admin pages: staff open them, everyone else goes to sign in.
ADMIN_MODEL_PAGES = {
    "changelist": cells(ADMIN_LOGIN, staff=200),
    "add": cells(ADMIN_LOGIN, staff=200),
    "change": cells(ADMIN_LOGIN, staff=200),
    "history": cells(ADMIN_LOGIN, staff=200),
    "delete": cells(ADMIN_LOGIN, staff=200),
}


# --- The walk -------------------------------------------------------------------------------


def named_urls():
    """Every named pattern of the URLconf, as "namespace:name", included ones too."""
    names = set()

    def walk(resolver, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern, inner)
            elif pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver(), "")
    return names


def admin_family():
    """{url name: (model, page)} for the per-model pages of every registered admin."""
    family = {}
    for model in admin.site._registry:
        meta = model._meta
        for page in ADMIN_MODEL_PAGES:
            family[f"admin:{meta.app_label}_{meta.model_name}_{page}"] = (model, page)
    return family


def _resolve(world, path):
    """ "call.slug" -> world.call.slug; a quoted "'text'" is the text itself."""
    if path.startswith("'"):
        return path.strip("'")
    value = world
    for part in path.split("."):
        value = getattr(value, part)
    return value


@dataclasses.dataclass
class Cell:
    key: str
    method: str
    url: str
    expected: dict
    data: dict


def cells_to_check(world):
    family = admin_family()
    for key, row in sorted(MATRIX.items()):
        name = key.split("#")[0]
        kwargs = {k: _resolve(world, v) for k, v in row.kwargs.items()}
        args = [_resolve(world, v) for v in row.args]
        url = reverse(name, kwargs=kwargs or None, args=args or None) + row.query
        yield Cell(key, "GET", url, row.get, {})
        if row.post is not None:
            yield Cell(key, "POST", url, row.post, row.data(world) if row.data else {})
    for name, (model, page) in sorted(family.items()):
        if name in MATRIX:
            continue
        if page in ("change", "history", "delete"):
            obj = admin_object(world, model)
            assert obj is not None, f"tests/core/world.py creates no {model.__name__}"
            url = reverse(name, args=[obj.pk])
        else:
            url = reverse(name)
        yield Cell(name, "GET", url, ADMIN_MODEL_PAGES[page], {})


def outcome(response):
    """The answer as the table writes it."""
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        if location.startswith(reverse("account_login")):
            return LOGIN
    return response.status_code


def test_every_named_url_has_an_entry():
    names = named_urls()
    covered = {key.split("#")[0] for key in MATRIX} | set(admin_family())
    missing = sorted(names - covered)
    assert not missing, "\n".join(f"no entry for {name}" for name in missing)
    stale = sorted({key.split("#")[0] for key in MATRIX} - names)
    assert not stale, "\n".join(f"entry for a URL that is gone: {name}" for name in stale)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with shared_world(django_db_blocker) as world:
        yield world


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrix(persona, world, client, db):
    user = world.users[persona]
    client.raise_request_exception = False

    def sign_in():
        client.logout()
        if user is not None:
            client.force_login(user)

    sign_in()
    wrong = []
    for cell in cells_to_check(world):
        expected = cell.expected[persona]
        # Each request in a savepoint rolled back afterwards: no cell sees another's change.
        with transaction.atomic():
            if cell.method == "GET":
                response = client.get(cell.url)
            else:
                response = client.post(cell.url, cell.data)
            transaction.set_rollback(True)
        # What the cache was told inside the savepoint (a session, a version) is undone too.
        cache.clear()
        got = outcome(response)
        if got != expected:
            detail = ""
            exc_info = getattr(response, "exc_info", None)
            if exc_info:
                detail = f" ({exc_info[0].__name__}: {str(exc_info[1])[:160]})"
            elif response.status_code in (301, 302):
                detail = f" -> {response['Location']}"
            wrong.append(
                f"{cell.method} {cell.key} {cell.url}: expected {expected}, got {got}{detail}"
            )
        if cell.method == "POST" or response.status_code == 500:
            sign_in()  # a POST may have signed the person out (logout, account deletion)
    assert not wrong, f"{len(wrong)} cells differ for {persona}:\n" + "\n".join(wrong)
