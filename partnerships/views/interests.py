"""Expressions of interest: sending one from a request's page, and the owner's answer
(accept, which reveals the contacts to both sides, or decline)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.access import permission_required
from partnerships import services
from partnerships.forms import DeclineForm, InterestForm
from partnerships.views.browse import detail_context
from partnerships.views.lookup import error_text, visible_interest_of, visible_request_of


@login_required
@require_POST
@permission_required("partnerships.express_interest", fn=visible_request_of, pass_as="partnership")
def interest_create(request, pk, partnership):
    form = InterestForm(
        request.POST,
        cooperatives=services.interest_cooperatives(request.user, partnership),
        request=partnership,
    )
    if form.is_valid():
        try:
            services.interest_express(
                request=partnership,
                cooperative=form.cleaned_data["cooperative"],
                by=request.user,
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your expression of interest has been sent. We will email you the answer."),
            )
            return redirect(partnership)
    context = {"partnership": partnership, "object": partnership}
    context.update(detail_context(request, partnership, interest_form=form))
    return render(request, "partnerships/request_detail.html", context, status=200)


@login_required
@require_POST
@permission_required("partnerships.answer_interest", fn=visible_interest_of, pass_as="interest")
def interest_accept(request, pk, interest):
    try:
        services.interest_accept(interest=interest, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _(
                "You accepted the interest of %(cooperative)s: you can now see each other's contacts."
            )
            % {"cooperative": interest.cooperative},
        )
    return redirect(interest.request)


@login_required
@require_POST
@permission_required("partnerships.answer_interest", fn=visible_interest_of, pass_as="interest")
def interest_decline(request, pk, interest):
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.interest_decline(interest=interest, by=request.user, reason=reason)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.info(
            request,
            _("You declined the interest of %(cooperative)s.")
            % {"cooperative": interest.cooperative},
        )
    return redirect(interest.request)
