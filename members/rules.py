"""Who may do what with the member registry (django-rules)."""

import rules

# Contact data of cooperatives (emails, phones, people) is for signed-in members and staff.
can_view_contacts = rules.is_authenticated | rules.is_staff

rules.add_perm("members.view_cooperative_contacts", can_view_contacts)
