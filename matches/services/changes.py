"""What a change touches, for the changes that are not a plain save of a match input
(`matches.signals` records those directly): a "not relevant" mark, and a project."""

from django.db.models import Q

from matches.models import CallMatch, RequestMatch
from matches.services.outbox import COOPERATIVE, refresh_record
from matches.services.ranking import short_lists
from partnerships.models import DismissedSuggestion, PartnershipRequest


def dismissal_recorded(cooperative_id, target_type):
    """A cooperative marked a call or request "not relevant" (hidden in SQL at once): when
    it is left with fewer visible rows of that kind than a page shows, refresh it (the
    refresh leaves dismissed items out of the kept rows, so the list fills up again)."""
    model = {
        DismissedSuggestion.Target.CALL: CallMatch,
        DismissedSuggestion.Target.REQUEST: RequestMatch,
    }.get(target_type)
    if model is not None and short_lists(model, [cooperative_id], {}):
        refresh_record(COOPERATIVE, [cooperative_id])


def requests_touched_by_project(project, *, extra_cooperatives=()):
    """Open requests whose facts a project changes: its participants' and those on its call."""
    participants = set(project.cooperatives.values_list("pk", flat=True)) if project.pk else set()
    participants |= set(extra_cooperatives)
    if project.lead_cooperative_id:
        participants.add(project.lead_cooperative_id)
    touched = Q(owner_id__in=participants)
    if project.call_id:
        touched |= Q(call_id=project.call_id)
    return list(PartnershipRequest.objects.published().filter(touched).values_list("pk", flat=True))
