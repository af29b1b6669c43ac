"""Publishing a call sends its instant alerts whatever the entry point (admin form, admin
action, import, shell), through `services.call_announce`, and exactly once per call however
often it is saved or imported again."""

import datetime
import re

import pytest
import tablib
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import Delivery
from funding import alerts, services
from funding.models import AlertDispatch, Call, SavedSearch
from funding.resources import CallResource
from funding.tasks import sweep_alert_dispatches
from tests.core.factories import UserFactory
from tests.funding.factories import (
    ApplicantTypeFactory,
    CallFactory,
    ProgrammeFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/funding/call/"


@pytest.fixture
def theme():
    return ThemeFactory(slug="green-circular-economy")


@pytest.fixture
def watcher(theme):
    """Someone with an instant alert on the theme the published calls carry."""
    user = UserFactory()
    SavedSearch.objects.create(
        user=user, name="Green", query=f"theme={theme.slug}", frequency="instant"
    )
    return user


def alert_emails(watcher):
    return Delivery.objects.filter(kind="call-alert", to_email=watcher.email).count()


def draft(theme, **kwargs):
    return CallFactory(publication_state=Call.PublicationState.DRAFT, themes=[theme], **kwargs)


# --- Admin ------------------------------------------------------------------------------


def admin_form_data(client, url, **changes):
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(
        {
            "opens_at_0": "",
            "opens_at_1": "",
            "deadlines-TOTAL_FORMS": "0",
            "deadlines-INITIAL_FORMS": "0",
        }
    )
    data.pop("eligible_countries", None)
    data.update(changes)
    return data


def test_admin_add_form_with_published_state(staff_client, run_on_commit, watcher, theme):
    programme = ProgrammeFactory()
    url = reverse("admin:funding_call_add")
    data = admin_form_data(
        staff_client,
        url,
        programme=programme.pk,
        identifier="ADD-1",
        slug="added-published",
        title_en="Added published",
        language="en",
        themes=[theme.pk],
        publication_state="published",
    )
    response = run_on_commit(staff_client.post, url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    call = Call.objects.get(slug="added-published")
    assert AlertDispatch.objects.filter(call=call).count() == 1
    assert alert_emails(watcher) == 1


def test_admin_change_form_publishing_then_saving_again(
    staff_client, run_on_commit, watcher, theme
):
    call = draft(theme)
    url = reverse("admin:funding_call_change", args=[call.pk])
    data = admin_form_data(staff_client, url, programme=call.programme_id, themes=[theme.pk])
    run_on_commit(staff_client.post, url, {**data, "publication_state": "published"})
    run_on_commit(staff_client.post, url, {**data, "publication_state": "published", "title": "B"})
    run_on_commit(staff_client.post, url, {**data, "publication_state": "draft"})
    run_on_commit(staff_client.post, url, {**data, "publication_state": "published"})
    assert AlertDispatch.objects.filter(call=call).count() == 1
    assert alert_emails(watcher) == 1


def test_admin_action(staff_client, run_on_commit, watcher, theme):
    call = draft(theme)
    for _ in range(2):
        run_on_commit(
            staff_client.post,
            CHANGELIST,
            {"action": "publish", "_selected_action": [call.pk]},
        )
    assert AlertDispatch.objects.filter(call=call).count() == 1
    assert alert_emails(watcher) == 1


# --- Import -----------------------------------------------------------------------------


def dataset(**overrides):
    row = {
        "slug": "imported-call",
        "identifier": "LIFE-2027-SAP-ENV",
        "programme": "LIFE",
        "title": "Imported call",
        "deadlines": "2099-04-17 17:00 Europe/Brussels",
        "applicant_types": "cooperative",
        "themes": "green-circular-economy",
        "publication_state": "published",
        "language": "en",
        **overrides,
    }
    data = tablib.Dataset(headers=list(row))
    data.append(list(row.values()))
    return data


@pytest.fixture
def vocabulary(theme):
    ProgrammeFactory(acronym="LIFE", name="LIFE")
    ApplicantTypeFactory(code="cooperative")


def test_import_of_a_published_call_sends_its_alerts_once(run_on_commit, vocabulary, watcher):
    for _ in range(3):  # imported again: no second dispatch
        result = run_on_commit(CallResource().import_data, dataset(), dry_run=False)
        assert not result.has_errors() and not result.has_validation_errors()
    call = Call.objects.get(slug="imported-call")
    assert AlertDispatch.objects.filter(call=call).count() == 1
    assert alert_emails(watcher) == 1  # matched with the imported theme


def test_import_of_a_draft_announces_when_a_later_import_publishes_it(
    run_on_commit, vocabulary, watcher
):
    run_on_commit(CallResource().import_data, dataset(publication_state="draft"), dry_run=False)
    assert not AlertDispatch.objects.exists()
    run_on_commit(CallResource().import_data, dataset(), dry_run=False)
    assert AlertDispatch.objects.count() == 1
    assert alert_emails(watcher) == 1


def test_dry_run_and_rolled_back_imports_announce_nothing(run_on_commit, vocabulary, watcher):
    run_on_commit(CallResource().import_data, dataset(), dry_run=True)
    bad = dataset()
    bad.append(["second", "X", "NOPE", "Bad", "", "", "", "published", "en"])
    run_on_commit(
        CallResource().import_data, bad, dry_run=False, rollback_on_validation_errors=True
    )
    assert not Call.objects.exists()
    assert not AlertDispatch.objects.exists()
    assert alert_emails(watcher) == 0


def test_admin_import_after_confirmation(staff_client, run_on_commit, vocabulary, watcher):
    upload = SimpleUploadedFile("calls.csv", dataset().csv.encode(), content_type="text/csv")
    page = run_on_commit(
        staff_client.post,
        f"{CHANGELIST}import/",
        {"import_file": upload, "format": "0", "resource": "0"},
    ).content.decode()
    assert not AlertDispatch.objects.exists()  # the preview is a dry run
    hidden = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', page))
    hidden.update(re.findall(r'name="(\w+)" value="([^"]*)" type="hidden"', page))
    fields = {
        name: hidden[name]
        for name in ("import_file_name", "original_file_name", "format", "resource")
        if name in hidden
    }
    response = run_on_commit(staff_client.post, f"{CHANGELIST}process_import/", fields)
    assert response.status_code == 302
    assert AlertDispatch.objects.count() == 1
    assert alert_emails(watcher) == 1


# --- Shell (and any other path that does not call the service) -----------------------------


def sweep_later(run_on_commit, minutes=2):
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes)):
        run_on_commit(sweep_alert_dispatches.delay)


def test_shell_create_as_published_is_announced_by_the_sweep(run_on_commit, watcher, theme):
    call = Call.objects.create(
        programme=ProgrammeFactory(),
        identifier="SHELL-1",
        slug="shell-1",
        title="From the shell",
        publication_state=Call.PublicationState.PUBLISHED,
    )
    call.themes.set([theme])  # after the save, as a shell session would
    run_on_commit(sweep_alert_dispatches.delay)  # too early: the themes may still be coming
    assert not AlertDispatch.objects.exists()
    sweep_later(run_on_commit)
    sweep_later(run_on_commit, minutes=3)
    assert AlertDispatch.objects.filter(call=call).count() == 1
    assert alert_emails(watcher) == 1


def test_shell_save_of_a_draft_as_published(run_on_commit, watcher, theme):
    call = draft(theme)
    call.publication_state = Call.PublicationState.PUBLISHED
    call.save()
    sweep_later(run_on_commit)
    call.save()  # saved again
    sweep_later(run_on_commit, minutes=3)
    assert AlertDispatch.objects.filter(call=call).count() == 1
    assert alert_emails(watcher) == 1


def test_calls_published_long_ago_are_not_announced(run_on_commit, watcher, theme):
    old = CallFactory(themes=[theme])
    Call.objects.filter(pk=old.pk).update(published_at=timezone.now() - datetime.timedelta(days=3))
    assert alerts.unannounced_calls_record() == 0
    assert not AlertDispatch.objects.exists()


def test_call_announce_is_idempotent(run_on_commit, watcher, theme):
    call = CallFactory(themes=[theme])
    for _ in range(3):
        run_on_commit(services.call_announce, call=call)
    assert AlertDispatch.objects.filter(call=call).count() == 1
    assert alert_emails(watcher) == 1
