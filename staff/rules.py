"""Who may open the staff workspace (django-rules).

| permission          | anonymous | no coop | member | staff |
|---------------------|-----------|---------|--------|-------|
| staff.use_workspace |           |         |        | yes   |

URLs (`staff/urls.py`): every one asks `staff.use_workspace` and answers 404 to everyone
else, signed in or not, so the workspace's existence is not confirmed to outsiders.

| URL name   | rule                              |
|------------|-----------------------------------|
| staff:home | staff.use_workspace (404 for all others) |
| staff:digest-preference | staff.use_workspace (404 for all others); POST only |
| staff:results | staff.use_workspace (404 for all others) |
| staff:results-csv | staff.use_workspace (404 for all others) |
"""

import rules

rules.add_perm("staff.use_workspace", rules.is_staff)

PUBLIC_URLS = frozenset()
