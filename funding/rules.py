"""Who may do what with funding calls and call alerts (django-rules).

| permission                      | anonymous | no coop | member    | staff |
|---------------------------------|-----------|---------|-----------|-------|
| funding.view_call               | published | published | published | yes (drafts too) |
| funding.view_draft_calls        |           |         |           | yes   |
| funding.follow_call             |           | visible | visible   | yes   |
| funding.change_saved_search     |           | own     | own       | own   |
| funding.set_cooperative_alert   |           |         | own coop  |       |

URLs (`funding/urls.py`, `funding/alert_urls.py`). Anonymous visitors go to the sign-in page on
every non-public one; "404" means the object is looked up among those the person may see.

| URL name               | rule                                                          |
|------------------------|---------------------------------------------------------------|
| funding:call-list      | public (published calls)                                      |
| funding:call-feed-ics  | public                                                        |
| funding:call-feed-rss  | public                                                        |
| funding:call-export-csv, funding:call-export-xlsx | public (the results of /calls/ for the same query) |
| funding:call-detail    | public; funding.view_call (404)                               |
| api:call-list          | public (the selection of funding:call-list, as JSON)          |
| api:call-detail        | public; published calls only (404), staff included            |
| api:programme-list     | public                                                        |
| funding:call-follow    | funding.follow_call (404 for a call the person may not see)   |
| funding:call-unfollow  | funding.follow_call (404 likewise)                            |
| alerts:list            | members.use_portal                                            |
| alerts:create          | members.use_portal                                            |
| alerts:edit            | funding.change_saved_search (404: another person's)           |
| alerts:toggle          | funding.change_saved_search (404)                             |
| alerts:delete          | funding.change_saved_search (404)                             |
| alerts:cooperative     | funding.set_cooperative_alert (404: not one of the person's)  |
| alerts:preferences     | members.use_portal                                            |

The sets: `Call.objects.visible_to(user)` is the set form of `funding.view_call`,
`SavedSearch.objects.visible_to(user)` of `funding.change_saved_search`, and
`Cooperative.objects.of_member(user)` of `funding.set_cooperative_alert`.
"""

import rules

from members.rules import is_member

PUBLIC_URLS = frozenset(
    {
        "funding:call-list",
        "funding:call-feed-ics",
        "funding:call-feed-rss",
        "funding:call-export-csv",
        "funding:call-export-xlsx",
        "funding:call-detail",
        # The public read API (funding/api/): published calls, programmes, the schema.
        "api:call-list",
        "api:call-detail",
        "api:programme-list",
    }
)


@rules.predicate
def is_published_call(user, call):
    return call is not None and call.is_published


@rules.predicate
def is_own_search(user, search):
    return search is not None and user.is_authenticated and search.user_id == user.pk


may_view_call = is_published_call | rules.is_staff

rules.add_perm("funding.view_call", may_view_call)
rules.add_perm("funding.view_draft_calls", rules.is_staff)
rules.add_perm("funding.follow_call", rules.is_authenticated & may_view_call)
rules.add_perm("funding.change_saved_search", is_own_search)
# Only the person's own cooperatives, staff included: an alert is a member's choice.
rules.add_perm("funding.set_cooperative_alert", is_member)
