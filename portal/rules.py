"""Who may open the portal's pages (django-rules). The cooperative rules themselves
(`members.view_members`, `members.change_cooperative`, `members.manage_members`...) are in
`members/rules.py`; this table says which page asks which.

| permission                 | anonymous | no coop | member of the cooperative | staff |
|----------------------------|-----------|---------|---------------------------|-------|
| portal.switch_cooperative  |           |         | yes                       |       |

URLs (`portal/urls.py`). Anonymous visitors go to the sign-in page on every one but the
invitation link; "404" means another cooperative's page (`members.view_members` says no).

| URL name                     | rule                                                        |
|------------------------------|-------------------------------------------------------------|
| portal:dashboard             | members.use_portal                                          |
| portal:switch-cooperative    | portal.switch_cooperative (404: not one of the person's)    |
| portal:cooperative-edit      | members.view_members (404), members.change_cooperative (403) |
| portal:cooperative-members   | members.view_members (404); POST members.manage_members (403) |
| portal:membership-role       | members.view_members (404), members.manage_members (403)     |
| portal:membership-remove     | members.view_members (404), members.remove_membership (403)  |
| portal:invitation-withdraw   | members.view_members (404), members.manage_members (403)     |
| home                         | public (the latest requests only for `partnerships.browse_requests`) |
| portal:invitation-accept     | public: the token is the permission; accepting needs the invited address |
| portal:account, account-export, account-delete | members.use_portal                      |
"""

import rules

from members.rules import is_member

PUBLIC_URLS = frozenset({"home", "portal:invitation-accept"})

rules.add_perm("portal.switch_cooperative", is_member)
