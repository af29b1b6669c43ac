"""Who receives alert email: active people who have not stopped every email, and the
cooperative alerts of people still members; how many of them one fan-out task handles.

`CHUNK_SIZE` is read as `audience.CHUNK_SIZE` by the instant outbox and by the digest and
reminder tasks, so it is set (or patched in a test) here, in one place.
"""

from django.db import models

from funding.models import AlertPreference, CooperativeAlert

CHUNK_SIZE = 200  # recipients per fan-out task: a few seconds of work each


def receiving(queryset, user_path="user"):
    """Only active people who have not stopped every email."""
    stopped = AlertPreference.objects.filter(
        user=models.OuterRef(user_path), unsubscribed_all_at__isnull=False
    )
    return queryset.filter(**{f"{user_path}__is_active": True}).filter(~models.Exists(stopped))


def opted_out(user_ids):
    return set(
        AlertPreference.objects.filter(
            user_id__in=user_ids, unsubscribed_all_at__isnull=False
        ).values_list("user_id", flat=True)
    )


def receiving_cooperative_alerts(**filters):
    return (
        receiving(CooperativeAlert.objects.of_members().filter(is_active=True, **filters))
        .select_related("cooperative__main_sector")
        .prefetch_related("cooperative__sectors", "cooperative__themes")
    )


def cooperative_alerts_end(*, user_id, cooperative_id):
    """A membership ended: the person's alerts on that cooperative's profile end with it."""
    return CooperativeAlert.objects.filter(user_id=user_id, cooperative_id=cooperative_id).delete()[
        0
    ]


def membership_ended(sender, instance, **kwargs):
    """post_delete of members.Membership, whatever deleted it (the portal's removal or leave,
    the admin, a cascade, the shell): `members` knows nothing of funding, so it listens here.
    Senders also check membership at send time (`CooperativeAlert.objects.of_members`)."""
    cooperative_alerts_end(user_id=instance.user_id, cooperative_id=instance.cooperative_id)
