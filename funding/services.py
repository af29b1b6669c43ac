"""Staff operations on calls."""

from django.db import transaction

from core import versions
from core.audit import audit_record
from core.models import AuditEntry
from core.slugs import unique_slug
from funding import alerts
from funding.feeds import CATALOGUE
from funding.models import Call, Deadline


@transaction.atomic
def calls_publish(*, calls, by=None):
    """Publish the given calls; returns how many changed state.

    Each newly published call gets its instant alerts through an outbox row written in this
    transaction (`call_announce`), and an entry in the audit log."""
    changed = 0
    for call in calls.exclude(publication_state=Call.PublicationState.PUBLISHED):
        call.publication_state = Call.PublicationState.PUBLISHED
        call.save(update_fields=["publication_state", "published_at", "updated_at"])
        call_announce(call=call, by=by)
        changed += 1
    return changed


def call_announce(*, call, by=None):
    """A call has just been published (by the admin action or form, or an import): record
    the instant alerts to send after commit, and the publication in the audit log."""
    if call.is_published:
        alerts.alert_dispatch_record(call=call)
        audit_record(AuditEntry.Action.CALL_PUBLISHED, call, by=by)


@transaction.atomic
def calls_archive(*, calls, by=None):
    """Archive the given calls (hidden from the public, kept for staff); returns the count.
    Each archived call gets an entry in the audit log."""
    to_archive = list(calls.exclude(publication_state=Call.PublicationState.ARCHIVED))
    archived = Call.objects.filter(pk__in=[call.pk for call in to_archive]).update(
        publication_state=Call.PublicationState.ARCHIVED
    )
    for call in to_archive:
        audit_record(AuditEntry.Action.CALL_ARCHIVED, call, by=by)
    if archived:
        # An update sends no save signal: the pages kept per catalogue version must know.
        versions.bump(CATALOGUE)
    return archived


@transaction.atomic
def call_duplicate(*, call):
    """A draft copy of `call` with a new slug, its deadlines and its eligibility."""
    copy = Call.objects.get(pk=call.pk)
    copy.pk = None
    copy._state.adding = True
    copy.slug = unique_slug(Call.objects.all(), call.slug, fallback="call", suffix="-copy")
    copy.publication_state = Call.PublicationState.DRAFT
    copy.published_at = None
    copy.is_demo = False
    copy.search_vector = None
    copy.save()
    copy.applicant_types.set(call.applicant_types.all())
    copy.sectors.set(call.sectors.all())
    copy.themes.set(call.themes.all())
    Deadline.objects.bulk_create(
        Deadline(call=copy, due_at=d.due_at, time_zone=d.time_zone, label=d.label)
        for d in call.deadlines.all()
    )
    return copy
