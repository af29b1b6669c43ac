"""Who may do what with a cooperative (django-rules): the one place views, templates,
querysets and the admin ask. The object of every cooperative permission is a `Cooperative`
(a `Membership` for `members.remove_membership`).

| permission                          | anonymous | no coop | other coop | viewer | editor | admin | staff |
|-------------------------------------|-----------|---------|------------|--------|--------|-------|-------|
| members.use_portal                  |           | yes     | yes        | yes    | yes    | yes   | yes   |
| members.view_cooperative            | active    | active  | active     | active | active | active| yes   |
| members.view_inactive_cooperatives  |           |         |            |        |        |       | yes   |
| members.view_members_only           |           |         | yes        | yes    | yes    | yes   | yes   |
| members.view_contacts               |           |         | yes        | yes    | yes    | yes   | yes   |
| members.view_members                |           |         |            | yes    | yes    | yes   | yes   |
| members.change_cooperative          |           |         |            |        | yes    | yes   | yes   |
| members.manage_members              |           |         |            |        |        | yes   | yes   |
| members.remove_membership           |           |         |            | self   | self   | yes   | yes   |
| members.post_request                |           |         |            |        | yes    | yes   | yes   |
| members.express_interest            |           |         |            |        | yes    | yes   | yes   |
| members.act_for_any_cooperative     |           |         |            |        |        |       | yes   |
| members.view_staff_data             |           |         |            |        |        |       | yes   |

"No coop" is a signed-in person who belongs to no cooperative (a startup founder who signed up
through an application, a person whose last membership ended): signed in never means member.

URLs (`members/urls.py`): all public (`PUBLIC_URLS`).

| URL name                     | who                                                        |
|------------------------------|------------------------------------------------------------|
| members:cooperative-list     | public (active cooperatives)                               |
| members:cooperative-detail   | public; `members.view_cooperative` (404), contacts by `members.view_contacts` |
| members:association-detail   | public                                                     |

The sets: `Cooperative.objects.visible_to(user)` is the set form of `members.view_cooperative`,
`Cooperative.objects.of_member(user)` of `is_member`; `acting_cooperative_ids` and
`cooperatives_acted_for` spell "the cooperatives I may act for" once for every app.

Staff manage the registry and may act for any cooperative (they post and moderate requests
on a cooperative's behalf); Django answers yes to superusers anyway, so the rules say so too.
"""

import rules

from members.models import Cooperative, Membership

ROLES_CACHE = "_membership_roles"
ACTING_ROLES = (Membership.Role.EDITOR, Membership.Role.ADMIN)

PUBLIC_URLS = frozenset(
    {"members:cooperative-list", "members:cooperative-detail", "members:association-detail"}
)


def roles_of(user):
    """{cooperative id: role} of a signed-in person, read once per user object (one query)."""
    if not user.is_authenticated:
        return {}
    roles = getattr(user, ROLES_CACHE, None)
    if roles is None:
        roles = dict(Membership.objects.filter(user=user).values_list("cooperative_id", "role"))
        setattr(user, ROLES_CACHE, roles)
    return roles


def forget_roles(user):
    """Drop the cached roles (after a membership of this user object changed)."""
    if hasattr(user, ROLES_CACHE):
        delattr(user, ROLES_CACHE)


def role_in(user, cooperative):
    if cooperative is None:
        return None
    return roles_of(user).get(cooperative.pk)


def member_cooperative_ids(user):
    """Ids of the cooperatives `user` belongs to, in any role."""
    return set(roles_of(user))


def acting_cooperative_ids(user):
    """Ids of the cooperatives `user` may act for (editor or administrator)."""
    return {coop_id for coop_id, role in roles_of(user).items() if role in ACTING_ROLES}


def cooperatives_acted_for(user):
    """The cooperatives `user` may act for (post requests, express interest): their editor
    or administrator ones; every active cooperative for staff. Not ordered."""
    if rules.has_perm("members.act_for_any_cooperative", user):
        return Cooperative.objects.active()
    return Cooperative.objects.filter(pk__in=acting_cooperative_ids(user))


@rules.predicate
def is_member(user, cooperative):
    return role_in(user, cooperative) is not None


@rules.predicate
def is_coop_editor(user, cooperative):
    """Editor or administrator: both keep the profile and act for the cooperative."""
    return role_in(user, cooperative) in ACTING_ROLES


@rules.predicate
def is_coop_admin(user, cooperative):
    return role_in(user, cooperative) == Membership.Role.ADMIN


@rules.predicate
def belongs_to_a_cooperative(user):
    return bool(roles_of(user))


@rules.predicate
def is_active_cooperative(user, cooperative):
    return cooperative is not None and cooperative.is_active


@rules.predicate
def is_own_membership(user, membership):
    return membership is not None and user.is_authenticated and membership.user_id == user.pk


@rules.predicate
def manages_membership_cooperative(user, membership):
    return membership is not None and (
        rules.is_staff(user) or is_coop_admin(user, membership.cooperative)
    )


# What is "for members" (cooperatives' contact data, members-only startups and their
# founders, partnership requests...) is for people of member cooperatives and staff: signing
# in alone (a startup applicant can, through the public apply form) is not enough. Ask this
# (`members.view_members_only`), never `is_authenticated`, wherever members-only data shows.
is_federation_member = belongs_to_a_cooperative | rules.is_staff
can_view_contacts = is_federation_member

# A person's own pages (dashboard, account, saved searches, preferences): being signed in is
# all they ask, because they show only what is the person's own.
rules.add_perm("members.use_portal", rules.is_authenticated)
rules.add_perm("members.view_cooperative", is_active_cooperative | rules.is_staff)
rules.add_perm("members.view_inactive_cooperatives", rules.is_staff)
rules.add_perm("members.view_members_only", is_federation_member)
rules.add_perm("members.view_contacts", can_view_contacts)
# The original name, used by the directory's profile page.
rules.add_perm("members.view_cooperative_contacts", can_view_contacts)
rules.add_perm("members.view_members", is_member | rules.is_staff)
rules.add_perm("members.change_cooperative", is_coop_editor | rules.is_staff)
rules.add_perm("members.manage_members", is_coop_admin | rules.is_staff)
# Any member may leave (remove their own membership); administrators remove others.
rules.add_perm("members.remove_membership", is_own_membership | manages_membership_cooperative)
rules.add_perm("members.post_request", is_coop_editor | rules.is_staff)
rules.add_perm("members.express_interest", is_coop_editor | rules.is_staff)
rules.add_perm("members.act_for_any_cooperative", rules.is_staff)
rules.add_perm("members.view_staff_data", rules.is_staff)
