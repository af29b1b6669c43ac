"""Who may do what with a cooperative: the one place (django-rules) that views, templates and
the admin ask. The object of every cooperative permission is a `Cooperative`.

| permission                 | anonymous | no coop | other coop | viewer | editor | admin | staff |
|----------------------------|-----------|---------|------------|--------|--------|-------|-------|
| members.view_members_only  |           |         | yes        | yes    | yes    | yes   | yes   |
| members.view_contacts      |           |         | yes        | yes    | yes    | yes   | yes   |
| members.view_members       |           |         |            | yes    | yes    | yes   | yes   |
| members.change_cooperative |           |         |            |        | yes    | yes   | yes   |
| members.manage_members     |           |         |            |        |        | yes   | yes   |
| members.post_request       |           |         |            |        | yes    | yes   | yes   |
| members.express_interest   |           |         |            |        | yes    | yes   | yes   |
| members.view_staff_data    |           |         |            |        |        |       | yes   |

"No coop" is a signed-in person who belongs to no cooperative (a startup founder who signed up
through an application, a person whose last membership ended).

Staff manage the registry and may act for any cooperative (they post and moderate requests
on a cooperative's behalf); Django answers yes to superusers anyway, so the rules say so too.
"""

import rules

from members.models import Membership

ROLES_CACHE = "_membership_roles"


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


@rules.predicate
def is_member(user, cooperative):
    return role_in(user, cooperative) is not None


@rules.predicate
def is_coop_editor(user, cooperative):
    """Editor or administrator: both keep the profile and act for the cooperative."""
    return role_in(user, cooperative) in (Membership.Role.EDITOR, Membership.Role.ADMIN)


@rules.predicate
def is_coop_admin(user, cooperative):
    return role_in(user, cooperative) == Membership.Role.ADMIN


@rules.predicate
def belongs_to_a_cooperative(user):
    return bool(roles_of(user))


# What is "for members" (cooperatives' contact data, members-only startups and their
# founders, partnership requests...) is for people of member cooperatives and staff: signing
# in alone (a startup applicant can, through the public apply form) is not enough. Ask this
# (`members.view_members_only`), never `is_authenticated`, wherever members-only data shows.
is_federation_member = belongs_to_a_cooperative | rules.is_staff
can_view_contacts = is_federation_member

rules.add_perm("members.view_members_only", is_federation_member)
rules.add_perm("members.view_contacts", can_view_contacts)
# The original name, used by the directory's profile page.
rules.add_perm("members.view_cooperative_contacts", can_view_contacts)
rules.add_perm("members.view_members", is_member | rules.is_staff)
rules.add_perm("members.change_cooperative", is_coop_editor | rules.is_staff)
rules.add_perm("members.manage_members", is_coop_admin | rules.is_staff)
rules.add_perm("members.post_request", is_coop_editor | rules.is_staff)
rules.add_perm("members.express_interest", is_coop_editor | rules.is_staff)
rules.add_perm("members.view_staff_data", rules.is_staff)
