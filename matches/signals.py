"""Every change of a match input records a `MatchRefresh` row, in the change's transaction.

Model signals, so the admin, the portal forms, the imports and the shell are all caught.
Expressions of interest, a deadline passing and renamed vocabularies need no row: readers
filter the first two in SQL (the daily prune refills the lists they shorten) and reasons
name vocabulary rows by key. A dismissal is hidden in SQL at once; it queues a refresh only
when the cooperative is left with fewer visible rows than a page shows. Undoing one queues
a refresh: the item was left out of the kept rows at the last refresh.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from funding.models import Call, Deadline
from matches.models import MatchRefresh
from matches.services.changes import dismissal_recorded, requests_touched_by_project
from matches.services.outbox import refresh_record
from members.models import Cooperative
from partnerships.models import DismissedSuggestion, PartnershipRequest, Project

CALL, REQUEST, COOPERATIVE = (
    MatchRefresh.Kind.CALL,
    MatchRefresh.Kind.REQUEST,
    MatchRefresh.Kind.COOPERATIVE,
)
M2M_ACTIONS = {"post_add", "post_remove", "post_clear"}


def _call_saved(sender, instance, **kwargs):
    refresh_record(CALL, [instance.pk])


def _deadline_changed(sender, instance, **kwargs):
    refresh_record(CALL, [instance.call_id])


def _cooperative_saved(sender, instance, **kwargs):
    refresh_record(COOPERATIVE, [instance.pk])


def _request_saved(sender, instance, **kwargs):
    refresh_record(REQUEST, [instance.pk])


def _m2m(kind):
    def changed(sender, instance, action, reverse, pk_set, **kwargs):
        if action not in M2M_ACTIONS:
            return
        if reverse:
            # Changed from the vocabulary's side (theme.cooperative_set.add(...)).
            if pk_set:
                refresh_record(kind, list(pk_set))
        else:
            refresh_record(kind, [instance.pk])

    return changed


def _project_requests(project, extra_cooperatives=()):
    """A project changes the facts of its participants' requests and of requests on its call."""
    refresh_record(
        REQUEST,
        requests_touched_by_project(project, extra_cooperatives=extra_cooperatives),
    )


def _project_saved(sender, instance, **kwargs):
    _project_requests(instance)


def _project_participants(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse or action not in {"post_add", "post_remove", "pre_clear"}:
        if reverse and action in M2M_ACTIONS and pk_set:
            for project in Project.objects.filter(pk__in=pk_set):
                _project_requests(project)
        return
    _project_requests(instance, extra_cooperatives=pk_set or ())


def _dismissal_saved(sender, instance, created, **kwargs):
    if created and instance.request_id is None:
        dismissal_recorded(instance.cooperative_id, instance.target_type)


def _dismissal_deleted(sender, instance, **kwargs):
    if instance.request_id is not None:
        refresh_record(REQUEST, [instance.request_id])
    elif instance.target_type in {
        DismissedSuggestion.Target.CALL,
        DismissedSuggestion.Target.REQUEST,
    }:
        refresh_record(COOPERATIVE, [instance.cooperative_id])


_HANDLERS = []  # strong references: the receivers are closures


def connect():
    def hook(signal, receiver, sender):
        _HANDLERS.append(receiver)
        signal.connect(receiver, sender=sender, dispatch_uid=f"matches:{sender._meta.label}")

    hook(post_save, _call_saved, Call)
    hook(post_save, _deadline_changed, Deadline)
    hook(post_delete, _deadline_changed, Deadline)
    for field in ("sectors", "themes", "applicant_types"):
        hook(m2m_changed, _m2m(CALL), getattr(Call, field).through)
    hook(post_save, _cooperative_saved, Cooperative)
    for field in ("sectors", "themes"):
        hook(m2m_changed, _m2m(COOPERATIVE), getattr(Cooperative, field).through)
    hook(post_save, _request_saved, PartnershipRequest)
    for field in ("sought_organisation_types", "sought_sectors", "sought_themes"):
        hook(m2m_changed, _m2m(REQUEST), getattr(PartnershipRequest, field).through)
    hook(post_save, _project_saved, Project)
    hook(pre_delete, _project_saved, Project)
    hook(m2m_changed, _project_participants, Project.cooperatives.through)
    hook(m2m_changed, _project_participants, Project.bodies.through)
    hook(post_save, _dismissal_saved, DismissedSuggestion)
    hook(post_delete, _dismissal_deleted, DismissedSuggestion)
