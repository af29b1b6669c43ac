"""Who may do what with partnership requests and expressions of interest (django-rules).

Views, templates and the admin ask these; `partnerships.services` asks them too, so a
forbidden move is refused whichever way it comes in. The object is a `PartnershipRequest`
(or an `ExpressionOfInterest` for the `*_interest` permissions).

| permission                      | outsider | member of another coop | owner viewer | owner editor/admin | staff |
|---------------------------------|----------|------------------------|--------------|--------------------|-------|
| partnerships.browse_requests    |          | yes                    | yes          | yes                | yes   |
| partnerships.post_requests      |          | editor/admin           |              | yes                | yes   |
| partnerships.view_request       |          | published/closed/exp.  | yes          | yes                | yes   |
| partnerships.view_timeline      |          |                        | yes          | yes                | yes   |
| partnerships.change_request     |          |                        |              | draft/returned     | same  |
| partnerships.manage_request     |          |                        |              | yes                | yes   |
| partnerships.moderate_request   |          |                        |              |                    | yes   |
| partnerships.express_interest   |          | editor/admin, if open  |              |                    | yes   |
| partnerships.answer_interest    |          |                        |              | yes                | yes   |

"Outsider" is a signed-in person who belongs to no cooperative. Staff act for any
cooperative (an expression of interest by staff is sent for a cooperative they choose).
"""

import rules

from members.models import Membership
from members.rules import belongs_to_a_cooperative, roles_of
from partnerships.models import PartnershipRequest

ACTING_ROLES = (Membership.Role.EDITOR, Membership.Role.ADMIN)
PUBLIC_STATES = (
    PartnershipRequest.State.PUBLISHED,
    PartnershipRequest.State.CLOSED,
    PartnershipRequest.State.EXPIRED,
)


def acting_cooperative_ids(user):
    """Ids of the cooperatives `user` may act for (editor or administrator)."""
    return {coop_id for coop_id, role in roles_of(user).items() if role in ACTING_ROLES}


@rules.predicate
def acts_for_a_cooperative(user):
    return bool(acting_cooperative_ids(user))


@rules.predicate
def is_owner_member(user, request):
    return request is not None and request.owner_id in roles_of(user)


@rules.predicate
def is_owner_editor(user, request):
    return request is not None and request.owner_id in acting_cooperative_ids(user)


@rules.predicate
def is_publicly_visible(user, request):
    return request is not None and request.state in PUBLIC_STATES


@rules.predicate
def is_editable(user, request):
    return request is not None and request.is_editable


@rules.predicate
def may_answer_as_other_cooperative(user, request):
    """An editor or administrator of a cooperative other than the owner."""
    return request is not None and bool(acting_cooperative_ids(user) - {request.owner_id})


@rules.predicate
def is_open_for_interest(user, request):
    return request is not None and request.is_open_for_interest()


@rules.predicate
def is_interest_request_owner_editor(user, interest):
    return interest is not None and interest.request.owner_id in acting_cooperative_ids(user)


may_browse = rules.is_staff | (rules.is_authenticated & belongs_to_a_cooperative)

rules.add_perm("partnerships.browse_requests", may_browse)
rules.add_perm("partnerships.post_requests", rules.is_staff | acts_for_a_cooperative)
rules.add_perm(
    "partnerships.view_request",
    rules.is_staff | is_owner_member | (may_browse & is_publicly_visible),
)
rules.add_perm("partnerships.view_timeline", rules.is_staff | is_owner_member)
rules.add_perm("partnerships.manage_request", rules.is_staff | is_owner_editor)
rules.add_perm("partnerships.change_request", (rules.is_staff | is_owner_editor) & is_editable)
rules.add_perm("partnerships.moderate_request", rules.is_staff)
rules.add_perm(
    "partnerships.express_interest",
    is_open_for_interest & (rules.is_staff | may_answer_as_other_cooperative),
)
rules.add_perm("partnerships.answer_interest", rules.is_staff | is_interest_request_owner_editor)
