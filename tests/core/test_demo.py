"""The demo as a whole: its files, the invariants of its data, and the rules of `load_demo`."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.forms.models import model_to_dict
from django.utils import translation

from core import demo_loader
from core.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD
from funding.models import Call
from tests.demo_data import DEMO_PACKAGES, data_files, load_local_demo, records

pytestmark = pytest.mark.django_db

User = get_user_model()
# The apps whose rows the demo writes (stored matches are derived, and left out).
DEMO_APPS = [User._meta.app_label, "members", "networks", "funding", "partnerships", "startups"]


def snapshot():
    return [
        (u.email, u.password, u.is_staff, u.full_name, u.language)
        for u in User.objects.order_by("email")
    ] + list(EmailAddress.objects.order_by("email").values_list("email", "verified", "primary"))


def every_row():
    """Every row of every model of the demo's apps, many-to-many links included."""
    rows = {}
    for label in DEMO_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            rows[model._meta.label] = sorted(
                repr(sorted(model_to_dict(obj).items())) for obj in model.objects.all()
            )
    return rows


def test_load_demo_creates_a_staff_account_that_can_sign_in(client):
    load_local_demo()
    staff = User.objects.get(email=DEMO_STAFF_EMAIL)
    assert staff.is_staff
    response = client.post(
        "/accounts/login/", {"login": DEMO_STAFF_EMAIL, "password": DEMO_STAFF_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_load_demo_twice_changes_nothing():
    load_local_demo()
    first, rows = snapshot(), every_row()
    load_local_demo()
    assert snapshot() == first
    assert every_row() == rows  # no row of any app the demo writes


# --- load_demo outside the local demo ---------------------------------------------------


def test_load_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-without-debug"):
        call_command("load_demo", stdout=io.StringIO())
    assert not User.objects.exists()
    assert not Call.objects.exists()


def test_load_demo_with_debug_off_and_the_flag_gives_staff_no_known_password(client, settings):
    settings.DEBUG = False
    out = io.StringIO()
    with translation.override("en"):  # the command speaks the portal's default, Italian
        call_command("load_demo", "--allow-without-debug", stdout=out)
    staff = User.objects.get(email=DEMO_STAFF_EMAIL)
    assert staff.is_staff and not staff.has_usable_password()
    assert DEMO_STAFF_EMAIL in out.getvalue() and "no usable password" in out.getvalue()
    response = client.post(
        "/accounts/login/", {"login": DEMO_STAFF_EMAIL, "password": DEMO_STAFF_PASSWORD}
    )
    assert response.status_code == 200  # the form again: wrong credentials
    assert not response.wsgi_request.user.is_authenticated
    assert Call.objects.filter(is_demo=True).exists()  # the rest of the demo is there
    # Nor does any demo member's account open with the documented password.
    people = User.objects.filter(email__endswith="@coop.example")
    assert people.exists() and not any(person.has_usable_password() for person in people)


def test_load_demo_with_debug_off_removes_the_known_passwords_a_local_load_set(settings):
    load_local_demo()
    assert User.objects.get(email=DEMO_STAFF_EMAIL).check_password(DEMO_STAFF_PASSWORD)
    settings.DEBUG = False
    call_command("load_demo", "--allow-without-debug", stdout=io.StringIO())
    assert not User.objects.get(email=DEMO_STAFF_EMAIL).has_usable_password()
    assert not any(user.check_password(DEMO_STAFF_PASSWORD) for user in User.objects.all())


# --- The data files -----------------------------------------------------------------------


def test_every_app_with_a_demo_reads_its_data_from_files():
    packages_with_files = {package for package, _kind, _path in data_files()}
    assert packages_with_files == set(DEMO_PACKAGES)


def test_the_data_files_parse_and_name_only_fields_their_models_have():
    files = data_files()
    assert files
    for _label, _kind, path in files:
        data = demo_loader.parse(path)
        assert demo_loader.model_sections(data), path
        for key in data:
            assert key == demo_loader.USER_MODEL_LABEL or "." in key or key.islower(), key
        for model, record in records(data):
            assert demo_loader.unknown_fields(model, record) == [], (path, model, record)


def test_every_real_figure_has_a_year_and_a_source():
    figures = 0
    for _label, kind, path in data_files():
        for model, record in records(demo_loader.parse(path)):
            if demo_loader.is_figure(model):
                assert kind == demo_loader.REAL, path
                # A year the source does not give is written out as null, never left out.
                assert "year" in record and record["source"].strip(), record
                assert record["year"] is None or 1900 < record["year"] < 2100
                figures += 1
    assert figures
    load_local_demo()
    for label in ("members.AssociationFigure", "networks.BodyFigure"):
        model = apps.get_model(label)
        assert model.objects.exists()
        assert not model.objects.filter(source="").exists()


def test_every_invented_record_is_marked_demo_and_every_real_one_is_not():
    load_local_demo()
    checked = 0
    for _label, kind, path in data_files():
        for model, record in records(demo_loader.parse(path)):
            if not any(f.name == demo_loader.DEMO_MARKER for f in model._meta.concrete_fields):
                continue
            assert record.get(demo_loader.DEMO_MARKER, kind == demo_loader.INVENTED) is (
                kind == demo_loader.INVENTED
            ), record
            key = demo_loader.natural_key_field(model)
            rows = model.objects.filter(**{key: record[key]}) if key else model.objects.all()
            assert rows.exists(), record
            assert all(row.is_demo is (kind == demo_loader.INVENTED) for row in rows), record
            checked += 1
    assert checked > 100


def test_every_demo_call_has_deadlines_unless_it_is_written_continuously_open():
    load_local_demo()
    invented = demo_loader.parse(data_files_of("funding", demo_loader.INVENTED))
    written = {record["slug"]: record["deadlines"] for record in invented["funding.Call"]}
    calls = Call.objects.filter(is_demo=True).with_status().prefetch_related("deadlines")
    assert {call.slug for call in calls} == set(written)
    for call in calls:
        if written[call.slug]:
            assert len(call.deadlines.all()) == len(written[call.slug]), call.slug
        else:
            # No deadline at all is a continuously open call (a rolling fund): open today.
            assert not call.deadlines.exists() and call.status == "open", call.slug
    assert sum(1 for deadlines in written.values() if not deadlines) <= 1


def data_files_of(label, kind):
    return next(path for app, k, path in data_files() if (app, k) == (label, kind))


def test_the_loader_refuses_a_record_on_the_wrong_side(tmp_path, monkeypatch):
    folder = tmp_path / "demo_data"
    folder.mkdir()
    (folder / "real.yaml").write_text("funding.Call:\n- slug: x\n  is_demo: true\n")
    (folder / "invented.yaml").write_text(
        "members.AssociationFigure:\n- association: a\n  metric: m\n  value: 1\n"
    )
    monkeypatch.setattr(demo_loader, "data_dir", lambda label: folder)
    with pytest.raises(ValueError, match="is_demo=False"):
        demo_loader.read("funding", demo_loader.REAL, today=None)
    with pytest.raises(ValueError, match="real data"):
        demo_loader.read("members", demo_loader.INVENTED, today=None)
    (folder / "real.yaml").write_text("funding.Call:\n- slug: x\n  colour: red\n")
    with pytest.raises(ValueError, match="colour"):
        demo_loader.read("funding", demo_loader.REAL, today=None)
