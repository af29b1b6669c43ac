"""The admin organised for daily work: its index grouped by task (calls, partnerships,
cooperatives, startups, email, system) rather than by Python package, with the count of what
waits beside the lists where work is done (the same counts as /staff/)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from staff.work import pending_work

# Task groups in the order the index shows them; a model goes to the first group naming it
# ("app.model") or its app ("app"); the rest is "System".
GROUPS = [
    ("calls", _("Calls for funding"), {"funding"}),
    ("partnerships", _("Partnerships and projects"), {"partnerships"}),
    ("cooperatives", _("Cooperatives, associations and networks"), {"members", "networks"}),
    ("startups", _("Startups and programmes"), {"startups"}),
    ("email", _("Email"), {"core.delivery"}),
]
SYSTEM = ("system", _("System"))
# Which list of /staff/ (`staff.work`) counts the work waiting in a model's admin list.
PENDING = {
    "partnerships.partnershiprequest": "requests",
    "startups.application": "applications",
    "funding.call": "calls",
    "funding.sourcequery": "eu-imports",
    "core.delivery": "deliveries",
    "members.invitation": "invitations",
    "partnerships.expressionofinterest": "interests",
}


def _group_of(label):
    app_label = label.split(".")[0]
    for key, _name, members in GROUPS:
        if label in members:
            return key
    for key, _name, members in GROUPS:
        if app_label in members:
            return key
    return SYSTEM[0]


class PortalAdminSite(admin.AdminSite):
    # The grouped index is the way between lists; without the sidebar a change list has the
    # width of the screen minus its filters, so lists fit a 1280-pixel screen.
    enable_nav_sidebar = False

    def get_app_list(self, request, app_label=None):
        if app_label is not None:
            return super().get_app_list(request, app_label)
        apps = super().get_app_list(request)
        names = dict([(key, name) for key, name, _members in GROUPS] + [SYSTEM])
        grouped = {key: [] for key in names}
        for app in apps:
            for model in app["models"]:
                label = f"{app['app_label']}.{model['object_name'].lower()}"
                grouped[_group_of(label)].append({**model, "label": label})
        counts = getattr(request, "pending_counts", None) or {}
        result = []
        for key, models in grouped.items():
            if not models:
                continue
            for model in models:
                waiting = counts.get(PENDING.get(model["label"]))
                if waiting:
                    model["name"] = format_html(
                        '{} <span class="pending-count" title="{}">{}</span>',
                        model["name"],
                        _("waiting"),
                        waiting,
                    )
            result.append(
                {
                    "name": names[key],
                    "app_label": key,
                    # The group's heading links to its first list.
                    "app_url": models[0].get("admin_url") or "",
                    "has_module_perms": True,
                    "models": models,
                }
            )
        return result

    def index(self, request, extra_context=None):
        # The counts are read on the index only, not on every page's sidebar.
        request.pending_counts = {item.key: item.count for item in pending_work()}
        return super().index(request, extra_context)
