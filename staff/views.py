from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from core.exports import csv_writer
from members.access import PermissionRequiredMixin, permission_required
from staff import digest, results
from staff.forms import ResultsForm
from staff.work import pending_work


class StaffPageMixin(PermissionRequiredMixin):
    """Every /staff/ page: staff only, 404 for everyone else (see `staff/rules.py`)."""

    permission_required = "staff.use_workspace"
    hide_refusal = True
    hide_from_anonymous = True


class HomeView(StaffPageMixin, TemplateView):
    """The work waiting, each list linking to where it is handled."""

    template_name = "staff/home.html"

    def get_context_data(self, **kwargs):
        work = pending_work()
        return super().get_context_data(
            work=work,
            waiting=sum(item.count for item in work),
            daily_email=digest.digest_enabled(self.request.user),
            **kwargs,
        )


# The rule first: to everyone else even a GET is 404, not 405.
@permission_required("staff.use_workspace", hide_refusal=True, hide_from_anonymous=True)
@require_POST
def digest_preference(request):
    enabled = request.POST.get("daily_email") == "on"
    digest.digest_set(user_id=request.user.pk, enabled=enabled)
    messages.success(
        request,
        _("You will receive the daily email of work waiting.")
        if enabled
        else _("You will no longer receive the daily email of work waiting."),
    )
    return redirect("staff:home")


class ResultsView(StaffPageMixin, TemplateView):
    """What the agency achieved in a period, for all cooperatives or one association or
    province: each chart beside its table, each table downloadable as CSV."""

    template_name = "staff/results.html"

    def get_context_data(self, **kwargs):
        form = ResultsForm(self.request.GET)  # empty: this year, every cooperative
        tables = results.results(form.scope()) if form.is_valid() else []
        return super().get_context_data(
            form=form,
            tables=tables,
            scope=form.scope() if form.is_valid() else None,
            query=self.request.GET.urlencode(),
            **kwargs,
        )


@permission_required("staff.use_workspace", hide_refusal=True, hide_from_anonymous=True)
def results_csv(request, key):
    """One table of /staff/results/ as CSV, for the same query string (formula-safe cells)."""
    build = results.TABLES.get(key)
    if build is None:
        raise Http404
    form = ResultsForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(form.errors.get("__all__", [])) or "Bad query")
    scope = form.scope()
    table = build(scope)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = "-".join(
        part
        for part in (key, scope.association and scope.association.slug, scope.province.lower())
        if part
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{slugify(name)}-{scope.start}-{scope.end}.csv"'
    )
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv_writer(response)
    writer.writerow([str(column) for column in table.columns])
    for row in table.rows:
        writer.writerow([str(cell) if not isinstance(cell, int | float) else cell for cell in row])
    for label, value in table.totals:
        writer.writerow([str(label), value])
    return response
