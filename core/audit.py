"""The audit log's one writer: services call `audit_record` inside the change they make."""

from django.contrib.contenttypes.models import ContentType

from core.models import AuditEntry


def audit_record(action, target, *, by=None, at=None, **data):
    """Record `action` (an `AuditEntry.Action`) on `target` by `by` (None: the system or
    an unknown hand, such as a shell) at `at` (now unless given: the demo's past moves).
    `data` holds what the entry should say besides (a role before and after, an address,
    the states of a move); it must be JSON-serialisable."""
    return AuditEntry.objects.record(action, target, by=by, at=at, **data)


def audit_trail(target):
    """The entries about `target`, newest first (its staff page shows them)."""
    return AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=target.pk,
    ).select_related("actor")
