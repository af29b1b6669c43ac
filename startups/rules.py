"""Who may do what with startups, support programmes and applications (django-rules).

| permission                     | anonymous | no coop / applicant | member | staff |
|--------------------------------|-----------|---------------------|--------|-------|
| startups.view_startup          | public    | public              | yes    | yes   |
| startups.view_startup_contacts |           |                     | yes    | yes   |
| startups.manage_applications   |           |                     |        | yes   |

"Members only" startups, and every startup's founders, contacts and needs in detail
(`startups.view_startup_contacts`), are for people of a member cooperative and staff (the
rule of `members.view_members_only`): an account made through the apply form alone is not
enough.

URLs (`startups/urls.py`). Anonymous visitors go to the sign-in page on the staff ones.

| URL name                         | rule                                               |
|----------------------------------|----------------------------------------------------|
| startups:startup-list            | public (startups.view_startup for each card)       |
| startups:startup-detail          | public; startups.view_startup (404)                |
| startups:programme-list          | public                                             |
| startups:programme-detail        | public                                             |
| startups:apply                   | public (signed in, or signing up in the form)      |
| startups:board                   | startups.manage_applications (403)                 |
| startups:board-export            | startups.manage_applications (403)                 |
| startups:application-transition  | startups.manage_applications (403)                 |
| startups:mentor-assign           | startups.manage_applications (403)                 |

The set: `Startup.objects.visible_to(user)` is the set form of `startups.view_startup`.
"""

import rules

from members.rules import is_federation_member

PUBLIC_URLS = frozenset(
    {
        "startups:startup-list",
        "startups:startup-detail",
        "startups:programme-list",
        "startups:programme-detail",
        "startups:apply",
    }
)


@rules.predicate
def is_public_startup(user, startup):
    return startup is not None and startup.visibility == startup.Visibility.PUBLIC


rules.add_perm("startups.view_startup", is_public_startup | is_federation_member)
rules.add_perm("startups.view_startup_contacts", is_federation_member)
rules.add_perm("startups.manage_applications", rules.is_staff)
