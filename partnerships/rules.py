"""Who may do what with partnership requests, expressions of interest, matches and projects
(django-rules).

Views, templates and the admin ask these; `partnerships.services` and
`partnerships.projects` ask them too, so a forbidden move is refused whichever way it comes
in. The object is a `PartnershipRequest` (an `ExpressionOfInterest` for the `*_interest`
permissions).

| permission                      | outsider | member of another coop | owner viewer | owner editor/admin | staff |
|---------------------------------|----------|------------------------|--------------|--------------------|-------|
| partnerships.browse_requests    |          | yes                    | yes          | yes                | yes   |
| partnerships.post_requests      |          | editor/admin           |              | yes                | yes   |
| partnerships.view_request       |          | published/closed/exp.  | yes          | yes                | yes   |
| partnerships.view_interest      |          | if it sees the request | yes          | yes                | yes   |
| partnerships.view_timeline      |          |                        | yes          | yes                | yes   |
| partnerships.view_candidates    |          |                        | yes          | yes                | yes   |
| partnerships.change_request     |          |                        |              | draft/returned     | same  |
| partnerships.manage_request     |          |                        |              | yes                | yes   |
| partnerships.moderate_request   |          |                        |              |                    | yes   |
| partnerships.express_interest   |          | editor/admin, if open  |              |                    | yes   |
| partnerships.answer_interest    |          |                        |              | yes                | yes   |
| partnerships.record_project     |          |                        |              | yes                | yes   |
| partnerships.dismiss_suggestion | (object: a cooperative) its members, any role, and staff              |

"Outsider" is a signed-in person who belongs to no cooperative. Staff act for any
cooperative (an expression of interest by staff is sent for a cooperative they choose).

URLs (`partnerships/urls.py`). Anonymous visitors go to the sign-in page on every one but the
public ones; "404" means the object is looked up among those the person may see first.

| URL name                          | rule                                                           |
|-----------------------------------|----------------------------------------------------------------|
| partnerships:request-list         | browse_requests (403)                                          |
| partnerships:request-create       | post_requests (403)                                            |
| partnerships:request-mine         | members.use_portal                                             |
| partnerships:request-detail       | view_request (404)                                             |
| partnerships:request-edit         | view_request (404), change_request (403)                       |
| partnerships:request-submit       | view_request (404); the service asks manage_request (403)      |
| partnerships:request-approve      | view_request (404); the service asks moderate_request (403)    |
| partnerships:request-return       | view_request (404), moderate_request (403)                     |
| partnerships:request-close        | view_request (404); the service asks manage_request (403)      |
| partnerships:interest-create      | view_request (404), express_interest (403)                     |
| partnerships:interest-accept      | view_interest (404), answer_interest (403)                     |
| partnerships:interest-decline     | view_interest (404), answer_interest (403)                     |
| partnerships:suggestions          | members.use_portal                                             |
| partnerships:request-candidates   | view_candidates (404)                                          |
| partnerships:consortium           | browse_requests (403), then the published call (404)           |
| partnerships:dismiss, undismiss   | dismiss_suggestion on the cooperative (404)                    |
| partnerships:digest-preference    | members.use_portal                                             |
| partnerships:request-to-project   | record_project (404 if view_request says no, else 403)         |
| partnerships:project-list, -detail| public                                                         |

The sets: `PartnershipRequest.objects.visible_to(user)` is the set form of `view_request`,
`ExpressionOfInterest.objects.visible_to(user)` of `view_interest`.
"""

import rules

from members.rules import acting_cooperative_ids, belongs_to_a_cooperative, is_member, roles_of
from partnerships.models import PUBLIC_STATES

PUBLIC_URLS = frozenset({"partnerships:project-list", "partnerships:project-detail"})


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
may_view_request = rules.is_staff | is_owner_member | (may_browse & is_publicly_visible)
owner_side = rules.is_staff | is_owner_member


@rules.predicate
def may_view_interest_request(user, interest):
    return interest is not None and may_view_request(user, interest.request)


rules.add_perm("partnerships.browse_requests", may_browse)
rules.add_perm("partnerships.post_requests", rules.is_staff | acts_for_a_cooperative)
rules.add_perm("partnerships.view_request", may_view_request)
rules.add_perm("partnerships.view_interest", may_view_interest_request)
rules.add_perm("partnerships.view_timeline", owner_side)
rules.add_perm("partnerships.view_candidates", owner_side)
rules.add_perm("partnerships.manage_request", rules.is_staff | is_owner_editor)
rules.add_perm("partnerships.change_request", (rules.is_staff | is_owner_editor) & is_editable)
rules.add_perm("partnerships.moderate_request", rules.is_staff)
rules.add_perm(
    "partnerships.express_interest",
    is_open_for_interest & (rules.is_staff | may_answer_as_other_cooperative),
)
rules.add_perm("partnerships.answer_interest", rules.is_staff | is_interest_request_owner_editor)
rules.add_perm(
    "partnerships.record_project",
    rules.is_authenticated & (rules.is_staff | is_owner_editor),
)
# Any member of the cooperative, viewers included: "not relevant" only tidies the
# cooperative's own suggestion lists and commits it to nothing towards anyone.
rules.add_perm("partnerships.dismiss_suggestion", is_member | rules.is_staff)
