"""Operations on startups' applications: submit, move through the pipeline, assign mentors.

Every stage change goes through `application_transition`: it checks the allowed moves (one
table), claims the move with a conditional update on the current stage (two staff members
clicking at once: one wins, the other gets a clear error), records an `ApplicationEvent`
and writes the applicant's email to the delivery ledger with a key per application and
stage, so the same move can never email twice.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.language import language_of
from core.mail import delivery_enqueue
from core.slugs import unique_slug
from members.access import may
from startups.emails import APPLICATION
from startups.models import Application, ApplicationEvent, MentorAssignment, Startup

Stage = Application.Stage

# The pipeline: from each stage, where staff may move an application.
TRANSITIONS = {
    Stage.SUBMITTED: (Stage.SCREENING,),
    Stage.SCREENING: (Stage.ACCEPTED, Stage.REJECTED),
    Stage.ACCEPTED: (Stage.INCUBATING, Stage.DROPPED),
    Stage.INCUBATING: (Stage.GRADUATED, Stage.DROPPED),
}

# Stages at which a mentor may be assigned to the application's startup.
MENTORING_STAGES = (Stage.ACCEPTED, Stage.INCUBATING)


class ApplicationError(ValidationError):
    """An operation refused for a reason the person can read (shown as a message)."""


def allowed_transitions(stage):
    return TRANSITIONS.get(stage, ())


def _application_email(application, stage, note=""):
    """The applicant's email about `stage`; None when the applicant deleted their account."""
    applicant = application.applicant
    if applicant is None:
        return None
    return APPLICATION.email(
        key=f"startup-application:{application.pk}:{stage}",
        person=applicant,
        context={
            "application": application,
            "programme": application.programme,
            "stage": stage,
            # Lazy: rendered inside the applicant's language.
            "stage_label": Stage(stage).label,
            "note": note,
            "reason": application.rejection_reason if stage == Stage.REJECTED else "",
            "person": applicant,
            "programme_path": application.programme.get_absolute_url(),
            "startup_path": application.startup.get_absolute_url()
            if application.startup_id
            else "",
        },
    )


def _enqueue(emails):
    """Queue the emails there is someone to send to (an applicant may be gone)."""
    delivery_enqueue([email for email in emails if email is not None])


def _record(application, *, from_stage, to_stage, by, note=""):
    ApplicationEvent.objects.create(
        application=application, from_stage=from_stage, to_stage=to_stage, by=by, note=note
    )


@transaction.atomic
def application_submit(*, programme, applicant, data, needs=(), themes=(), today=None):
    """Save a founding team's application to an open programme and email a receipt.

    `data` holds the application's own fields (startup_name, kind, description, team,
    team_size, sector, parent_cooperative, parent_body). An applicant whose email address is
    not confirmed yet gets an application waiting for the confirmation; it is submitted (and
    the receipt sent) when the address is confirmed (`application_confirm_email`).
    """
    reason = programme.refusal_reason(today)
    if reason:
        raise ApplicationError(reason)
    if Application.objects.filter(programme=programme, applicant=applicant).exists():
        raise ApplicationError(_("You have already applied to this programme."))
    confirmed = EmailAddress.objects.filter(
        user=applicant, email__iexact=applicant.email, verified=True
    ).exists()
    stage = Stage.SUBMITTED if confirmed else Stage.AWAITING_CONFIRMATION
    try:
        with transaction.atomic():
            application = Application.objects.create(
                programme=programme, applicant=applicant, stage=stage, **data
            )
    except IntegrityError as exc:  # a double click that passed the check above
        raise ApplicationError(_("You have already applied to this programme.")) from exc
    application.needs.set(needs)
    application.themes.set(themes)
    _record(application, from_stage="", to_stage=stage, by=applicant)
    if stage == Stage.SUBMITTED:
        _enqueue([_application_email(application, Stage.SUBMITTED)])
    return application


def applicant_register(*, email, full_name="", language="it"):
    """The new account of a person who applies without one, or None if the address has one.

    The account has an unconfirmed address and no usable password, so whoever typed the
    address cannot sign in with it: the owner of the mailbox confirms the address with
    allauth's link and then chooses the password (the account adapter sends an account
    without one from the confirmation on to the set-password page). Pre-registering someone
    else's address therefore gives the attacker nothing.

    None (the address is taken) is not an error: the caller answers exactly as for a new
    address, so the form does not tell who has an account, and emails the owner instead.
    """
    User = get_user_model()
    email = User.objects.normalize_email(email).lower()
    taken = (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )
    if taken:
        return None
    user = User(email=email, full_name=full_name, language=language)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
            EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
    except IntegrityError:  # the same address registered by a concurrent request
        return None
    return user


@transaction.atomic
def application_confirm_email(*, user):
    """Submit the applications that waited for this person's email confirmation."""
    waiting = list(
        Application.objects.select_related("programme", "applicant", "startup").filter(
            applicant=user, stage=Stage.AWAITING_CONFIRMATION
        )
    )
    submitted = []
    for application in waiting:
        moved = Application.objects.filter(
            pk=application.pk, stage=Stage.AWAITING_CONFIRMATION
        ).update(stage=Stage.SUBMITTED, updated_at=timezone.now())
        if not moved:
            continue
        application.stage = Stage.SUBMITTED
        _record(
            application,
            from_stage=Stage.AWAITING_CONFIRMATION,
            to_stage=Stage.SUBMITTED,
            by=user,
            note=_("Email address confirmed."),
        )
        submitted.append(application)
    _enqueue([_application_email(a, Stage.SUBMITTED) for a in submitted])
    return submitted


def startup_from_application(application):
    """The startup record of an accepted application (created once, from its data)."""
    if application.startup_id:
        return application.startup
    written_in = language_of(application.applicant) if application.applicant_id else "it"
    startup = Startup.objects.create(
        name=application.startup_name,
        slug=unique_slug(Startup.objects.all(), application.startup_name, fallback="startup"),
        kind=application.kind,
        parent_cooperative=application.parent_cooperative,
        parent_body=application.parent_body,
        founders=application.team,
        contact_email=application.applicant.email if application.applicant_id else "",
        sector=application.sector,
        team_size=application.team_size,
        # In the column of the language the applicant uses the portal in (bilingual texts).
        **{f"description_{written_in}": application.description},
        is_demo=application.is_demo,
    )
    startup.themes.set(application.themes.all())
    startup.needs.set(application.needs.all())
    application.startup = startup
    Application.objects.filter(pk=application.pk).update(startup=startup)
    return startup


@transaction.atomic
def application_transition(*, application, to_stage, by, note="", reason=""):
    """Move an application to `to_stage` (staff only), record it and email the applicant.

    Raises PermissionDenied for non-staff, ApplicationError for a move the pipeline does not
    allow, a rejection without a reason, or a stale move (someone moved it meanwhile).
    """
    if by is None or not may(by, "startups.manage_applications"):
        raise PermissionDenied(_("Only INNOVACOOP staff can move applications."))
    from_stage = application.stage
    if to_stage not in Stage.values:
        raise ApplicationError(_("Unknown stage."))
    if from_stage == Stage.AWAITING_CONFIRMATION:
        raise ApplicationError(
            _("The applicant has not confirmed their email address yet: it cannot be screened.")
        )
    if to_stage not in allowed_transitions(from_stage):
        raise ApplicationError(
            _("An application cannot move from “%(from)s” to “%(to)s”.")
            % {"from": Stage(from_stage).label, "to": Stage(to_stage).label}
        )
    reason = (reason or "").strip()
    note = (note or "").strip()
    if to_stage == Stage.REJECTED and not reason:
        raise ApplicationError(_("Give the reason for the rejection: the applicant reads it."))
    changes = {"stage": to_stage, "updated_at": timezone.now()}
    if to_stage == Stage.REJECTED:
        changes["rejection_reason"] = reason
    moved = Application.objects.filter(pk=application.pk, stage=from_stage).update(**changes)
    if not moved:
        raise ApplicationError(
            _(
                "“%(name)s” was moved by someone else in the meantime: reload the board and "
                "try again."
            )
            % {"name": application.startup_name}
        )
    for name, value in changes.items():
        setattr(application, name, value)
    _record(application, from_stage=from_stage, to_stage=to_stage, by=by, note=note)
    if to_stage == Stage.ACCEPTED:
        startup_from_application(application)
    _enqueue([_application_email(application, to_stage, note)])
    return application


@transaction.atomic
def mentor_assign(*, mentor, startup, by, since=None):
    """Assign a mentor to a startup (staff only); assigning again changes nothing."""
    if by is None or not may(by, "startups.manage_applications"):
        raise PermissionDenied(_("Only INNOVACOOP staff can assign mentors."))
    assignment, _created = MentorAssignment.objects.get_or_create(
        mentor=mentor, startup=startup, defaults={"since": since or timezone.localdate()}
    )
    return assignment
