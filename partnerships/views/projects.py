"""Projects: the public list and detail pages, and recording a request as a project.

Projects are INNOVACOOP's track record, so their list and detail are public (anonymous
visitors included): title, acronym, kind, call, lead, participants, countries, budget, EU
contribution, dates and status. Nothing private is shown: no contact data, and the
originating request is linked only for signed-in people (requests are for members).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from core.pagination import ForgivingPaginationMixin
from members.access import may, require
from partnerships.filters import ProjectFilterSet
from partnerships.forms import ProjectForm
from partnerships.models import PartnershipRequest, Project
from partnerships.projects import project_from_request, project_initial, recordable_requests

PAGE_SIZE = 20


def projects_for_display():
    """Projects with everything their cards and detail show, in a fixed number of queries."""
    return Project.objects.select_related(
        "call__programme", "lead_cooperative", "lead_body"
    ).prefetch_related("cooperatives", "bodies")


class ProjectListView(ForgivingPaginationMixin, ListView):
    template_name = "partnerships/project_list.html"
    context_object_name = "projects"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.filterset = ProjectFilterSet(self.request.GET or None, queryset=projects_for_display())
        # Invalid values are reported on the form; the valid ones still filter.
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filterset=self.filterset, **kwargs)


class ProjectDetailView(DetailView):
    template_name = "partnerships/project_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        return projects_for_display().select_related("origin_request")


class ProjectFromRequestView(LoginRequiredMixin, FormView):
    """The owner (an editor or administrator, or staff) records its request as a project.

    The rule is `partnerships.record_project`; who learns what on refusal differs by case,
    so the view asks in that order itself (see `dispatch`).
    """

    permission_required = "partnerships.record_project"
    template_name = "partnerships/project_form.html"
    form_class = ProjectForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        partnership = get_object_or_404(
            PartnershipRequest.objects.select_related("owner", "call"), pk=kwargs["pk"]
        )
        existing = Project.objects.filter(origin_request=partnership).first()
        if existing is not None and may(request.user, self.permission_required, partnership):
            # A second submit of the form, or a stale link: show the project it became.
            messages.info(request, _("This request has already been recorded as a project."))
            return redirect(existing)
        if not recordable_requests().filter(pk=partnership.pk).exists():
            # Outsiders learn nothing about a request they may not see; the owner is told why.
            require(request.user, "partnerships.view_timeline", partnership, hide=True)
            messages.error(
                request,
                _(
                    "Only a published request, or one closed with a partner found, can become a project."
                ),
            )
            return redirect(partnership)
        if not may(request.user, self.permission_required, partnership):
            # Someone who may not even see the request must not learn that it exists.
            require(request.user, "partnerships.view_request", partnership, hide=True)
            require(request.user, self.permission_required, partnership)
        self.partnership = partnership
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return project_initial(self.partnership)

    def get_context_data(self, **kwargs):
        return super().get_context_data(partnership=self.partnership, **kwargs)

    def form_valid(self, form):
        try:
            project = project_from_request(
                request=self.partnership, by=self.request.user, **form.cleaned_data
            )
        except (ValidationError, IntegrityError) as error:
            # A submit that raced with another one finds the project the other recorded.
            existing = Project.objects.filter(origin_request=self.partnership).first()
            if existing is not None:
                messages.info(
                    self.request, _("This request has already been recorded as a project.")
                )
                return redirect(existing)
            if isinstance(error, IntegrityError):
                raise
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "The request is closed with a partner found and recorded as the project “%(project)s”."
            )
            % {"project": project},
        )
        return redirect(project)
