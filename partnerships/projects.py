"""Projects: recording a partnership request that found its partners as a project.

A request becomes a project once: `Project.origin_request` is one-to-one, and the service
locks the request row before it looks for an existing project, so a double submit of the
form cannot create two.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.slugs import unique_slug
from members.access import may
from partnerships.models import ExpressionOfInterest, PartnershipRequest, Project
from partnerships.services import request_close

SLUG_MAX = 190  # leaves room for "-<n>" within the 200 characters of the column

# The project kind a request's kind most likely turns into (the form lets the owner change it).
KIND_OF_REQUEST = {
    PartnershipRequest.Kind.INTERNATIONALISATION: Project.Kind.INTERNATIONALISATION,
}


def recordable_requests():
    """Requests that may still become a project.

    Published ones (recording closes them with "partner found"), and those already closed
    with "partner found" that have no project yet (the owner closed first, records later).
    """
    State = PartnershipRequest.State
    return PartnershipRequest.objects.filter(
        Q(state=State.PUBLISHED)
        | Q(
            state=State.CLOSED,
            outcome=PartnershipRequest.Outcome.PARTNER_FOUND,
            project__isnull=True,
        )
    )


def project_initial(request):
    """Form values suggested from the request: title, summary, kind and sought countries."""
    return {
        "title": request.title,
        "summary": request.summary,
        "kind": KIND_OF_REQUEST.get(request.kind, Project.Kind.INNOVATION),
        "status": Project.Status.SUBMITTED if request.call_id else Project.Status.RUNNING,
        "countries": [country.code for country in request.sought_countries],
    }


def project_from_request(*, request, by, **fields):
    """Record `request` as a project and close it with the outcome "partner found".

    The lead is the owner cooperative; the participants are the owner and every cooperative
    whose expression of interest was accepted; the call is the request's. `fields` are the
    project's own values (title, acronym, kind, status, budget, dates, countries...).

    Raises PermissionDenied when `by` may not act for the owner, and ValidationError when
    the request cannot (or can no longer) become a project.
    """
    with transaction.atomic():
        # Lock the request: a second submit waits here and then finds the project.
        request = PartnershipRequest.objects.select_for_update().get(pk=request.pk)
        if not may(by, "partnerships.record_project", request):
            raise PermissionDenied
        if Project.objects.filter(origin_request=request).exists():
            raise ValidationError(_("This request has already been recorded as a project."))
        if not recordable_requests().filter(pk=request.pk).exists():
            raise ValidationError(
                _(
                    "Only a published request, or one closed with a partner found, can become a project."
                )
            )
        if request.state == PartnershipRequest.State.PUBLISHED:
            request_close(
                request=request,
                by=by,
                outcome=PartnershipRequest.Outcome.PARTNER_FOUND,
                note=_("Recorded as a project."),
            )
        fields.pop("slug", None)
        project = Project(
            **fields,
            slug=unique_slug(
                Project.objects.all(),
                fields.get("acronym", "") or fields.get("title", ""),
                fallback="project",
                max_length=SLUG_MAX,
            ),
            call_id=request.call_id,
            lead_cooperative_id=request.owner_id,
            origin_request=request,
        )
        project.full_clean(exclude=["slug"])
        project.save()
        accepted = ExpressionOfInterest.objects.filter(
            request=request, state=ExpressionOfInterest.State.ACCEPTED
        ).values_list("cooperative_id", flat=True)
        project.cooperatives.set({request.owner_id, *accepted})
    return project
