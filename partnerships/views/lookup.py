"""The objects the partnership pages act on, each looked up once: a request or an
expression of interest the person may see, 404 otherwise (its existence is not confirmed)."""

from members.access import get_visible_or_404
from partnerships.models import ExpressionOfInterest, PartnershipRequest


def error_text(error):
    """A service's `ValidationError` as one message line."""
    return " ".join(error.messages)


def visible_request(user, pk):
    """The request at `pk` if `user` may see it (`partnerships.view_request`); 404 otherwise."""
    return get_visible_or_404(
        PartnershipRequest.objects.select_related("owner", "call", "created_by"), user, pk=pk
    )


def visible_request_of(request, pk):
    """`visible_request` for the person making the HTTP request (`permission_required`'s fn)."""
    return visible_request(request.user, pk)


def visible_interest_of(request, pk):
    """The expression of interest at `pk` if its request is visible to the person; 404 else."""
    return get_visible_or_404(
        ExpressionOfInterest.objects.select_related("request", "request__owner"),
        request.user,
        pk=pk,
    )
