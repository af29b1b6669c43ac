"""The audit log's one writer: services call `audit_record` inside the change they make."""

from django.contrib.contenttypes.models import ContentType

from core.models import AuditEntry


def audit_record(action, target, *, by=None, **data):
    """Record `action` (an `AuditEntry.Action`) on `target` by `by` (None: the system or
    an unknown hand, such as a shell). `data` holds what the entry should say besides
    (a role before and after, an address); it must be JSON-serialisable."""
    actor = by if getattr(by, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=target.pk,
        target_label=str(target)[:255],
        data=data,
    )
