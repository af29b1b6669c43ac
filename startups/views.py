from http import HTTPStatus
from urllib.parse import urlencode

import rules
from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.email_verification import send_verification_email_for_user
from allauth.core import ratelimit
from allauth.utils import build_absolute_uri
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView

from core import exports
from core.fragments import CachedContentMixin
from core.navigation import safe_next_url
from core.pagination import ForgivingPaginationMixin
from funding.matching import MatchProfile, match_calls_for_profile
from members.access import PermissionRequiredMixin, permission_required
from startups import services
from startups.apps import DIRECTORY
from startups.filters import ApplicationFilterSet, StartupFilterSet
from startups.forms import ApplicationForm, MentorAssignForm, SignupApplicationForm, TransitionForm
from startups.models import Application, Mentor, MentorAssignment, Startup, SupportProgramme

PAGE_SIZE = 20
MATCHING_CALLS_SHOWN = 5


# Staff only: anonymous visitors go to the sign-in page, everyone else gets a 403.
staff_only = permission_required("startups.manage_applications")


class StartupListView(CachedContentMixin, ForgivingPaginationMixin, ListView):
    """Startups and spinoffs: public ones for everyone, members-only ones for members."""

    template_name = "startups/startup_list.html"
    content_template = "startups/_startup_list_content.html"
    content_data = (DIRECTORY,)

    def content_vary(self):
        # Two audiences see two lists: the rule of `Startup.objects.visible_to`.
        return (rules.has_perm("members.view_members_only", self.request.user),)

    context_object_name = "startups"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.filterset = StartupFilterSet(
            self.request.GET or None,
            queryset=Startup.objects.visible_to(self.request.user).with_list_data(),
        )
        # The cards show none of the long texts, of the startup or of its parent.
        return self.filterset.qs.defer(
            "founders",
            "needs_detail",
            "description",
            "parent_cooperative__description",
            "parent_body__description_it",
            "parent_body__description_en",
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(filterset=self.filterset, **kwargs)


class StartupDetailView(DetailView):
    """A startup's profile, its mentors and the open calls that match it."""

    template_name = "startups/startup_detail.html"
    context_object_name = "startup"

    def get_queryset(self):
        return (
            Startup.objects.visible_to(self.request.user)
            .select_related("sector", "sector__section", "parent_cooperative", "parent_body")
            .prefetch_related(
                "themes",
                "needs",
                Prefetch(
                    "mentor_assignments",
                    queryset=MentorAssignment.objects.select_related(
                        "mentor", "mentor__cooperative", "mentor__body"
                    ),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        startup = self.object
        profile = MatchProfile(
            sectors=(startup.sector,) if startup.sector_id else (),
            themes=tuple(startup.themes.all()),
        )
        return super().get_context_data(
            matches=match_calls_for_profile(profile, limit=MATCHING_CALLS_SHOWN),
            **kwargs,
        )


class ProgrammeListView(ListView):
    template_name = "startups/programme_list.html"
    context_object_name = "programmes"

    def get_queryset(self):
        return SupportProgramme.objects.all()

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)


class ProgrammeDetailView(DetailView):
    template_name = "startups/programme_detail.html"
    context_object_name = "programme"
    model = SupportProgramme

    def get_context_data(self, **kwargs):
        user = self.request.user
        mine = None
        if user.is_authenticated:
            mine = self.object.applications.filter(applicant=user).first()
        return super().get_context_data(
            refusal=self.object.refusal_reason(), my_application=mine, **kwargs
        )


class ApplyView(FormView):
    """Apply to an open programme: signed in, or signing up through the form itself."""

    template_name = "startups/apply.html"

    def dispatch(self, request, *args, **kwargs):
        self.programme = get_object_or_404(SupportProgramme, slug=kwargs["slug"])
        refusal = self.programme.refusal_reason()
        if refusal:
            messages.error(request, refusal)
            return redirect(self.programme)
        if request.user.is_authenticated:
            existing = self.programme.applications.filter(applicant=request.user).exists()
            if existing:
                messages.info(request, _("You have already applied to this programme."))
                return redirect(self.programme)
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        if self.request.user.is_authenticated:
            return ApplicationForm
        return SignupApplicationForm

    def get_initial(self):
        initial = super().get_initial()
        user = self.request.user
        if user.is_authenticated:
            membership = user.memberships.select_related("cooperative").first()
            if membership:
                initial["parent_cooperative"] = membership.cooperative
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=self.programme, **kwargs)

    def form_valid(self, form):
        if not self.request.user.is_authenticated:
            return self._apply_without_account(form)
        try:
            application = services.application_submit(
                programme=self.programme,
                applicant=self.request.user,
                data=form.application_data(),
                needs=form.cleaned_data["needs"],
                themes=form.cleaned_data["themes"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        if application.stage == Application.Stage.AWAITING_CONFIRMATION:
            send_verification_email_for_user(self.request, self.request.user)
            messages.success(
                self.request,
                _(
                    "Your application is saved. Confirm your email address with the link we "
                    "sent you: the application goes to INNOVACOOP staff when you do."
                ),
            )
        else:
            messages.success(
                self.request,
                _("Your application has been submitted. We have emailed you a receipt."),
            )
        return redirect(self.programme)

    def _apply_without_account(self, form):
        """Sign up while applying: one answer whether or not the address has an account.

        Rate-limited like allauth's signup, per IP and per address ("startup_apply" in
        ACCOUNT_RATE_LIMITS), before the address is looked up. A new address gets an account
        without a password and the application waits for the mailbox owner to confirm;
        an address with an account gets nothing saved and an email telling its owner to
        sign in. Either way the visitor sees the same page and one email leaves.
        """
        email = form.cleaned_data["email"].lower()
        if not ratelimit.consume(self.request, action="startup_apply", key=email):
            form.add_error(None, _("Too many attempts. Please try again later."))
            response = self.form_invalid(form)
            response.status_code = HTTPStatus.TOO_MANY_REQUESTS
            return response
        try:
            with transaction.atomic():
                user = services.applicant_register(
                    email=email,
                    full_name=form.cleaned_data["full_name"],
                    language=self.request.LANGUAGE_CODE,
                )
                if user is not None:
                    services.application_submit(
                        programme=self.programme,
                        applicant=user,
                        data=form.application_data(),
                        needs=form.cleaned_data["needs"],
                        themes=form.cleaned_data["themes"],
                    )
        except ValidationError as exc:
            # The programme closed meanwhile: an error that says nothing of the address.
            form.add_error(None, exc)
            return self.form_invalid(form)
        if user is None:
            _email_account_exists(self.request, email, self.programme)
        else:
            # allauth's confirmation email, without the "confirmation sent" message that
            # its flow adds: the answer must not differ from the known address's.
            user.emailaddress_set.get().send_confirmation(self.request, signup=True)
        messages.success(
            self.request,
            _(
                "Check your inbox: we have sent a message to %(email)s with the next step. "
                "Without an account yet, your application goes to INNOVACOOP staff once you "
                "confirm the address and choose your password."
            )
            % {"email": email},
        )
        return redirect(self.programme)


def _email_account_exists(request, email, programme):
    """Tell the owner of an address that already has an account to sign in and apply."""
    apply_path = reverse("startups:apply", kwargs={"slug": programme.slug})
    login_path = f"{reverse('account_login')}?{urlencode({'next': apply_path})}"
    get_adapter(request).send_mail(
        "account/email/apply_account_exists",
        email,
        {
            "programme": programme,
            "login_url": build_absolute_uri(request, login_path),
            "password_reset_url": build_absolute_uri(request, reverse("account_reset_password")),
        },
    )


def _board_applications(programme, data):
    queryset = programme.applications.select_related(
        "applicant", "sector", "parent_cooperative", "parent_body", "startup"
    ).prefetch_related(
        "needs",
        Prefetch(
            "startup__mentor_assignments",
            queryset=MentorAssignment.objects.select_related("mentor"),
        ),
    )
    return ApplicationFilterSet(data or None, queryset=queryset)


class BoardView(PermissionRequiredMixin, DetailView):
    """Staff: a programme's applications in columns per stage, with their moves."""

    permission_required = "startups.manage_applications"
    template_name = "startups/board.html"
    context_object_name = "programme"
    model = SupportProgramme

    def get_context_data(self, **kwargs):
        filterset = _board_applications(self.object, self.request.GET)
        applications = list(filterset.qs.order_by("submitted_at", "pk"))
        # Counts per stage under the kind and sector filters (the stage filter picks columns).
        counted = ApplicationFilterSet(
            {k: v for k, v in self.request.GET.items() if k != "stage"} or None,
            queryset=self.object.applications.all(),
        ).qs
        counts = dict(
            counted.order_by()
            .values_list("stage")
            .annotate(n=Count("pk"))
            .values_list("stage", "n")
        )
        chosen_stage = filterset.form.cleaned_data.get("stage") if filterset.is_bound else ""
        columns = []
        for stage, label in Application.Stage.choices:
            if chosen_stage and stage != chosen_stage:
                continue
            cards = [a for a in applications if a.stage == stage]
            for card in cards:
                card.moves = [
                    (to, Application.Stage(to).label) for to in services.allowed_transitions(stage)
                ]
                card.can_have_mentor = stage in services.MENTORING_STAGES and card.startup_id
            columns.append(
                {"stage": stage, "label": label, "count": counts.get(stage, 0), "cards": cards}
            )
        return super().get_context_data(
            filterset=filterset,
            columns=columns,
            total=sum(counts.values()),
            mentors=list(Mentor.objects.select_related("cooperative", "body")),
            mentoring_stages=services.MENTORING_STAGES,
            **kwargs,
        )


@staff_only
def board_export(request, slug):
    """The board's filtered applications as CSV (UTF-8 with BOM, so Excel reads accents)."""
    programme = get_object_or_404(SupportProgramme, slug=slug)
    filterset = _board_applications(programme, request.GET)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-applications.csv"'
    response.write("\ufeff")
    # Applicants type these values: no cell may start a formula in Excel.
    writer = exports.csv_writer(response)
    writer.writerow(
        [
            _("Startup name"),
            _("Kind"),
            _("Stage"),
            _("Applicant"),
            _("Email"),
            _("Sector"),
            _("Parent organisation"),
            _("Team size"),
            _("Needs"),
            _("Submitted at"),
            _("Reason for rejection"),
            _("Mentors"),
        ]
    )
    for application in filterset.qs.order_by("submitted_at", "pk"):
        parent = application.parent_cooperative or application.parent_body
        mentors = (
            [a.mentor.name for a in application.startup.mentor_assignments.all()]
            if application.startup_id
            else []
        )
        writer.writerow(
            [
                application.startup_name,
                application.get_kind_display(),
                application.get_stage_display(),
                # An applicant who deleted their account leaves these empty.
                application.applicant.get_full_name() if application.applicant else "",
                application.applicant.email if application.applicant else "",
                str(application.sector) if application.sector_id else "",
                str(parent) if parent else "",
                application.team_size if application.team_size is not None else "",
                "; ".join(need.name for need in application.needs.all()),
                timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M"),
                application.rejection_reason,
                "; ".join(mentors),
            ]
        )
    return response


def _back_to_board(request, application):
    board = reverse("startups:board", kwargs={"slug": application.programme.slug})
    return HttpResponseRedirect(safe_next_url(request, board))


@require_POST
@staff_only
def application_transition(request, pk):
    """Staff: move an application one step (a POST form on the board card)."""
    application = get_object_or_404(
        Application.objects.select_related("programme", "applicant", "startup"), pk=pk
    )
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown stage."))
        return _back_to_board(request, application)
    try:
        services.application_transition(
            application=application,
            to_stage=form.cleaned_data["to_stage"],
            by=request.user,
            note=form.cleaned_data["note"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("“%(name)s” moved to %(stage)s; the applicant has been emailed.")
            % {"name": application.startup_name, "stage": application.get_stage_display()},
        )
    return _back_to_board(request, application)


@require_POST
@staff_only
def mentor_assign(request, pk):
    """Staff: assign a mentor to an accepted or incubating application's startup."""
    application = get_object_or_404(
        Application.objects.select_related("programme", "startup"), pk=pk
    )
    form = MentorAssignForm(request.POST)
    if application.stage not in services.MENTORING_STAGES or not application.startup_id:
        messages.error(request, _("Mentors are assigned to accepted or incubating startups."))
    elif not form.is_valid():
        messages.error(request, _("Choose a mentor."))
    else:
        mentor = form.cleaned_data["mentor"]
        services.mentor_assign(mentor=mentor, startup=application.startup, by=request.user)
        messages.success(
            request,
            _("%(mentor)s now mentors “%(name)s”.")
            % {"mentor": mentor.name, "name": application.startup.name},
        )
    return _back_to_board(request, application)
