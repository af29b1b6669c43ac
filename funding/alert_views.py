"""/portal/alerts/: a signed-in person's saved searches and email preferences.

Another person's saved search answers 404. The views read input, call `funding.alerts`,
add a message and redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from funding import alerts
from funding.forms import CooperativeAlertForm, SavedSearchCreateForm, SavedSearchForm
from funding.models import AlertFrequency, CooperativeAlert, SavedSearch
from members.access import get_visible_or_404, permission_required
from members.models import Cooperative


def _my_cooperatives(user):
    return Cooperative.objects.of_member(user).order_by("legal_name")


def _own_search(request, pk):
    return get_visible_or_404(SavedSearch, request.user, pk=pk)


def _own_cooperative(request, cooperative_pk):
    return get_object_or_404(_my_cooperatives(request.user), pk=cooperative_pk)


own_search_rule = permission_required(
    "funding.change_saved_search", fn=_own_search, pass_as="search"
)


@permission_required("members.use_portal")
def alert_list(request):
    cooperatives = list(_my_cooperatives(request.user))
    existing = {
        alert.cooperative_id: alert for alert in CooperativeAlert.objects.filter(user=request.user)
    }
    cooperative_alerts = [
        {
            "cooperative": cooperative,
            "alert": existing.get(cooperative.pk),
            "form": CooperativeAlertForm(
                initial={
                    "frequency": getattr(
                        existing.get(cooperative.pk), "frequency", AlertFrequency.WEEKLY
                    ),
                    "is_active": getattr(existing.get(cooperative.pk), "is_active", False),
                },
                prefix=f"coop-{cooperative.pk}",
            ),
        }
        for cooperative in cooperatives
    ]
    return render(
        request,
        "funding/alerts/list.html",
        {
            "searches": alerts.searches_with_matches(request.user),
            "cooperative_alerts": cooperative_alerts,
            "preference": alerts.preference_for(request.user),
        },
    )


@permission_required("members.use_portal")
def alert_create(request):
    """POST from the catalogue: save its current filters as an alert."""
    if request.method != "POST":
        return redirect("funding:call-list")
    form = SavedSearchCreateForm(request.POST)
    if not form.is_valid():
        return render(request, "funding/alerts/create.html", {"form": form}, status=400)
    try:
        search, created = alerts.saved_search_create(
            user=request.user,
            name=form.cleaned_data["name"],
            query=form.cleaned_data["query"],
            frequency=form.cleaned_data["frequency"],
        )
    except ValidationError as error:  # filters the catalogue refuses, or too many alerts
        form.add_error(None, error)
        return render(request, "funding/alerts/create.html", {"form": form}, status=400)
    if created:
        messages.success(
            request,
            _("Alert “%(name)s” saved: we will email you new calls that match it.")
            % {"name": search.name},
        )
    else:
        messages.info(
            request,
            _(
                "You already had an alert with these filters: it is now “%(name)s”, "
                "%(frequency)s, and active."
            )
            % {"name": search.name, "frequency": search.get_frequency_display().lower()},
        )
    return redirect("alerts:list")


@own_search_rule
def alert_edit(request, pk, search):
    form = SavedSearchForm(request.POST or None, instance=search)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Alert updated."))
        return redirect("alerts:list")
    return render(request, "funding/alerts/edit.html", {"form": form, "search": search})


@login_required
@require_POST
@own_search_rule
def alert_toggle(request, pk, search):
    search.is_active = not search.is_active
    search.save(update_fields=["is_active", "updated_at"])
    if search.is_active:
        messages.success(request, _("Alert resumed."))
    else:
        messages.info(request, _("Alert paused: no emails until you resume it."))
    return redirect("alerts:list")


@login_required
@require_POST
@own_search_rule
def alert_delete(request, pk, search):
    search.delete()
    messages.info(request, _("Alert deleted."))
    return redirect("alerts:list")


@login_required
@require_POST
@permission_required("funding.set_cooperative_alert", fn=_own_cooperative, pass_as="cooperative")
def cooperative_alert_set(request, cooperative_pk, cooperative):
    form = CooperativeAlertForm(request.POST, prefix=f"coop-{cooperative.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose a valid frequency."))
        return redirect("alerts:list")
    CooperativeAlert.objects.update_or_create(
        user=request.user,
        cooperative=cooperative,
        defaults={
            "frequency": form.cleaned_data["frequency"],
            "is_active": form.cleaned_data["is_active"],
        },
    )
    if form.cleaned_data["is_active"]:
        messages.success(
            request,
            _("We will email you calls matching %(cooperative)s.") % {"cooperative": cooperative},
        )
    else:
        messages.info(
            request,
            _("Calls matching %(cooperative)s will not be emailed.") % {"cooperative": cooperative},
        )
    return redirect("alerts:list")


@login_required
@require_POST
@permission_required("members.use_portal")
def preferences_set(request):
    action = request.POST.get("action")
    if action == "stop-all":
        alerts.alerts_stop_all(user_id=request.user.pk)
        messages.info(request, _("We will send you no more alert emails."))
    elif action == "resume-all":
        alerts.alerts_resume_all(user_id=request.user.pk)
        messages.success(request, _("Alert emails are on again."))
    elif action in ("reminders-on", "reminders-off"):
        alerts.reminders_set(user_id=request.user.pk, enabled=action == "reminders-on")
        messages.success(request, _("Your reminder preference is saved."))
    return redirect(reverse("alerts:list"))
