"""The current cooperative: the one a person works for in the portal, resolved once per request.

A person may belong to several cooperatives and picks one on the dashboard (kept in the
session under `SESSION_KEY`, the only place that key is spelled); without a choice, or
with a choice that is no longer theirs, it is their first by name. Anonymous visitors and
people in no cooperative (staff, startup applicants) have none.
"""

from members.models import Membership

SESSION_KEY = "portal_cooperative"
_CACHE = "_current_membership"


def chosen_cooperative_id(request):
    """The id the person chose on the dashboard, as stored (not checked: ask `current_*`)."""
    return request.session.get(SESSION_KEY)


def choose_cooperative(request, cooperative_id):
    """Remember `cooperative_id` as the person's current cooperative."""
    request.session[SESSION_KEY] = cooperative_id
    if hasattr(request, _CACHE):
        delattr(request, _CACHE)


def pick_membership(memberships, chosen):
    """The membership of the chosen cooperative among `memberships` (sorted by name), else the
    first; None for none."""
    for membership in memberships:
        if membership.cooperative_id == chosen:
            return membership
    return memberships[0] if memberships else None


def current_membership(request, memberships=None):
    """The person's membership of their current cooperative, or None.

    Read once per request (one query); a page that has loaded the person's memberships
    already, sorted by cooperative name, passes them and costs no query.
    """
    if memberships is None and hasattr(request, _CACHE):
        return getattr(request, _CACHE)
    if memberships is None:
        if not request.user.is_authenticated:
            memberships = []
        else:
            memberships = list(
                Membership.objects.filter(user=request.user)
                .select_related("cooperative")
                .order_by("cooperative__legal_name")
            )
    membership = pick_membership(memberships, chosen_cooperative_id(request))
    setattr(request, _CACHE, membership)
    return membership


def current_cooperative(request):
    """The cooperative the person works for in the portal, or None."""
    membership = current_membership(request)
    return membership.cooperative if membership is not None else None
