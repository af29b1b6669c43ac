"""The catalogue's results as a spreadsheet (CSV or XLSX): the calls /calls/ shows for the
same query string, filtered and sorted by the same `CallFilterSet`, every cell formula-safe
(`core.exports`)."""

import csv
import io

import tablib
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import safe_dataset
from core.links import absolute_url
from funding.models import Deadline

# A spreadsheet of the whole catalogue stays small; past this the file says it was cut.
MAX_ROWS = 5000


def results_dataset(filterset):
    """The filterset's calls as rows, in the page's order, headers in the reader's language."""
    at = timezone.now()
    calls = (
        filterset.qs.select_related("programme")
        .defer("description", "search_vector")
        .prefetch_related("deadlines")
    )
    dataset = tablib.Dataset(
        headers=[
            _("Identifier"),
            _("Title"),
            _("Programme"),
            _("Level"),
            _("Status"),
            _("Opens"),
            _("Deadlines"),
            _("Total budget (EUR)"),
            _("Grant per project (EUR)"),
            _("Funding rate (%)"),
            _("Consortium required"),
            _("Page on the portal"),
            _("Official page"),
            _("Demo data"),
        ],
        title=_("Calls"),
    )
    for call in calls[:MAX_ROWS]:
        deadlines = sorted(call.deadlines.all(), key=lambda deadline: deadline.due_at)
        dataset.append(
            [
                call.identifier,
                call.title,
                call.programme.acronym,
                call.programme.get_level_display(),
                call.Status(call.status_at(at)).label,
                timezone.localtime(call.opens_at).strftime("%Y-%m-%d") if call.opens_at else "",
                "; ".join(_deadline_text(deadline) for deadline in deadlines),
                call.total_budget if call.total_budget is not None else "",
                call.grant_per_project if call.grant_per_project is not None else "",
                call.funding_rate if call.funding_rate is not None else "",
                _("yes") if call.consortium_required else _("no"),
                absolute_url(call.get_absolute_url()),
                call.official_url,
                _("yes") if call.is_demo else _("no"),
            ]
        )
    return safe_dataset(dataset)


def _deadline_text(deadline: Deadline):
    local = deadline.local_due_at
    text = f"{local:%Y-%m-%d %H:%M} {deadline.time_zone}"
    return f"{text} ({deadline.label})" if deadline.label else text


def as_csv(dataset):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(dataset.headers)
    writer.writerows(dataset)
    return "\ufeff" + out.getvalue()  # so spreadsheet programs read it as UTF-8


def as_xlsx(dataset):
    return dataset.export("xlsx")
