"""Operations on partnership requests and expressions of interest.

Each function is keyword-only, runs in one transaction, checks who may act (PermissionDenied)
and whether the state allows the move (ValidationError), records a `RequestEvent` and writes
the emails it causes to the delivery ledger in the same transaction. Ledger keys name the
event (or the expression of interest and its state) and the recipient, so a repeated task or
a retried request never sends the same email twice:

    partnership:12:published:e40:user-7
    interest:5:accepted:owner:user-7

Contact details (the cooperatives' emails, phones and contact people, and the email of the
person who wrote or answered) go only into the emails sent after an acceptance.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import mail, versions
from core.audit import audit_record
from core.links import absolute_url
from core.models import AuditEntry, User
from members.rules import ACTING_ROLES, cooperatives_acted_for
from partnerships.apps import REQUESTS
from partnerships.emails import INTEREST, REQUEST_STATE
from partnerships.models import ExpressionOfInterest, PartnershipRequest, RequestEvent

State = PartnershipRequest.State
M2M_FIELDS = ("sought_organisation_types", "sought_sectors", "sought_themes")
EDITABLE_FIELDS = (
    "kind",
    "title",
    "summary",
    "description",
    # The same texts by language (partnerships/translation.py): the plain names set the
    # active language's.
    *(f"{name}_{code}" for name in ("title", "summary", "description") for code in ("it", "en")),
    "offer",
    "sought_countries",
    "interest_deadline",
    "call",
    *M2M_FIELDS,
)


# --- Helpers ----------------------------------------------------------------------------------


def people_acting_for(cooperative, *, also=None):
    """Active editors and administrators of `cooperative`, plus `also` (the person who acted)."""
    people = list(
        User.objects.filter(
            is_active=True,
            memberships__cooperative=cooperative,
            memberships__role__in=ACTING_ROLES,
        )
        .distinct()
        .order_by("pk")
    )
    if also is not None and also.is_active and also.pk not in {person.pk for person in people}:
        people.append(also)
    return [person for person in people if person.email]


def contact_details(cooperative, person=None):
    """What the other side may see once an expression of interest is accepted."""
    return {
        "cooperative": cooperative,
        "email": cooperative.email,
        "phone": cooperative.phone,
        "contacts": list(cooperative.contacts.all()),
        "person_name": person.get_full_name() if person else "",
        "person_email": person.email if person else "",
        "url": absolute_url(cooperative.get_absolute_url()),
    }


def _emails(people, *, key, kind, context):
    """One email of `kind` (a `partnerships.emails` kind) to each of `people`."""
    return [
        kind.email(key=f"{key}:user-{person.pk}", person=person, context=context)
        for person in people
    ]


def _locked(request):
    """The request row again, locked until the end of the transaction (no racing moves)."""
    return (
        PartnershipRequest.objects.select_for_update(of=("self",))
        .select_related("owner", "call")
        .get(pk=request.pk)
    )


def _check_move(request, by, to_state):
    """Refuse a move the state does not allow (ValidationError) or the role may not make."""
    who = request.who_may_move_to(to_state)
    if who is None:
        raise ValidationError(
            _("A request in state “%(state)s” cannot move to “%(to)s”.")
            % {"state": request.get_state_display(), "to": State(to_state).label}
        )
    if who == "system":
        raise PermissionDenied
    permission = (
        "partnerships.moderate_request" if who == "staff" else "partnerships.manage_request"
    )
    if by is None or not by.has_perm(permission, request):
        raise PermissionDenied


def _move(request, *, by, to_state, note="", now=None, **changes):
    """Apply a transition: state and extra fields saved, event recorded, owner emailed."""
    now = now or timezone.now()
    from_state = request.state
    request.state = to_state
    for name, value in changes.items():
        setattr(request, name, value)
    request.save(update_fields=["state", "updated_at", *changes])
    event = RequestEvent.objects.create(
        request=request, from_state=from_state, to_state=to_state, by=by, at=now, note=note
    )
    _notify_owner(request, event)
    return request


def _notify_owner(request, event):
    mail.delivery_enqueue(
        _emails(
            people_acting_for(request.owner, also=event.by),
            key=f"partnership:{request.pk}:{event.to_state}:e{event.pk}",
            kind=REQUEST_STATE,
            context={
                "request": request,
                "event": event,
                "to_state": event.to_state,
                "url": absolute_url(request.get_absolute_url()),
                "mine_url": absolute_url("/partnerships/mine/"),
            },
        )
    )


def _clean_fields(request, fields):
    """Set plain fields, validate the model, then set the many-to-many ones."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown request fields: {', '.join(sorted(unknown))}")
    m2m = {name: fields.pop(name) for name in M2M_FIELDS if name in fields}
    for name, value in fields.items():
        setattr(request, name, value)
    request.full_clean(exclude=["owner", "created_by"])
    return m2m


# --- Requests ---------------------------------------------------------------------------------


def request_create(*, owner, by, **fields):
    """A new draft request of `owner`, written by `by` (an editor or admin of it, or staff)."""
    if by is None or not by.has_perm("members.post_request", owner):
        raise PermissionDenied
    with transaction.atomic():
        request = PartnershipRequest(owner=owner, created_by=by, state=State.DRAFT)
        m2m = _clean_fields(request, dict(fields))
        request.save()
        for name, values in m2m.items():
            getattr(request, name).set(values)
        RequestEvent.objects.create(request=request, from_state="", to_state=State.DRAFT, by=by)
    return request


def request_update(*, request, by, **fields):
    """Change a draft or returned request (the owner's editors and staff)."""
    with transaction.atomic():
        request = _locked(request)
        if by is None or not by.has_perm("partnerships.manage_request", request):
            raise PermissionDenied
        if not request.is_editable:
            raise ValidationError(_("Only a draft or a returned request can be changed."))
        m2m = _clean_fields(request, dict(fields))
        request.save()
        for name, values in m2m.items():
            getattr(request, name).set(values)
        RequestEvent.objects.create(
            request=request,
            from_state=request.state,
            to_state=request.state,
            by=by,
        )
    return request


def request_submit(*, request, by):
    """Send a draft (or a returned request, once changed) to staff for review."""
    with transaction.atomic():
        request = _locked(request)
        _check_move(request, by, State.SUBMITTED)
        return _move(request, by=by, to_state=State.SUBMITTED, return_reason="")


def request_approve(*, request, by):
    """Staff publish a submitted request: members can see it and express interest."""
    with transaction.atomic():
        request = _locked(request)
        _check_move(request, by, State.PUBLISHED)
        now = timezone.now()
        return _move(request, by=by, to_state=State.PUBLISHED, now=now, published_at=now)


def request_return(*, request, by, reason):
    """Staff send a submitted request back to its owner, saying what to change."""
    reason = (reason or "").strip()
    with transaction.atomic():
        request = _locked(request)
        _check_move(request, by, State.RETURNED)
        if not reason:
            raise ValidationError(_("Say why the request is returned: the owner will read it."))
        return _move(request, by=by, to_state=State.RETURNED, note=reason, return_reason=reason)


def request_close(*, request, by, outcome, note=""):
    """The owner closes the request: a partner was found, or it is withdrawn."""
    with transaction.atomic():
        request = _locked(request)
        _check_move(request, by, State.CLOSED)
        if outcome not in PartnershipRequest.Outcome.values:
            raise ValidationError(_("Choose why the request is closed."))
        return _move(
            request,
            by=by,
            to_state=State.CLOSED,
            note=(note or "").strip(),
            outcome=outcome,
            closed_at=timezone.now(),
        )


def requests_expire(*, now=None):
    """Expire the published requests past their deadline for interest; returns how many.

    Each request is claimed with a conditional update (published -> expired), so two runs
    at once, or a run repeated, expire and email each request only once.
    """
    now = now or timezone.now()
    expired = 0
    for pk in list(PartnershipRequest.objects.past_deadline(now).values_list("pk", flat=True)):
        with transaction.atomic():
            claimed = PartnershipRequest.objects.filter(pk=pk, state=State.PUBLISHED).update(
                state=State.EXPIRED, closed_at=now, updated_at=now
            )
            if not claimed:
                continue
            request = PartnershipRequest.objects.select_related("owner").get(pk=pk)
            event = RequestEvent.objects.create(
                request=request, from_state=State.PUBLISHED, to_state=State.EXPIRED, at=now
            )
            _notify_owner(request, event)
            expired += 1
    if expired:
        # The claims are updates, which send no save signal: the kept request pages must know.
        versions.bump(REQUESTS)
    return expired


# --- Expressions of interest ------------------------------------------------------------------


def interest_cooperatives(user, request):
    """Cooperatives `user` may express interest for on `request` (never its owner)."""
    return cooperatives_acted_for(user).exclude(pk=request.owner_id).order_by("legal_name")


def _interest_context(interest):
    request = interest.request
    return {
        "interest": interest,
        "request": request,
        "url": absolute_url(request.get_absolute_url()),
    }


def interest_express(*, request, cooperative, by, message):
    """`cooperative` tells the owner of a published request it is interested (once)."""
    message = (message or "").strip()
    with transaction.atomic():
        request = _locked(request)
        if cooperative.pk == request.owner_id:
            raise ValidationError(_("A cooperative cannot express interest in its own request."))
        if by is None or not by.has_perm("members.express_interest", cooperative):
            raise PermissionDenied
        if not request.is_open_for_interest():
            raise ValidationError(_("This request does not take expressions of interest now."))
        if not message:
            raise ValidationError(_("Write a message for the owner of the request."))
        if ExpressionOfInterest.objects.filter(request=request, cooperative=cooperative).exists():
            raise ValidationError(
                _("%(cooperative)s has already expressed interest in this request.")
                % {"cooperative": cooperative}
            )
        interest = ExpressionOfInterest.objects.create(
            request=request, cooperative=cooperative, sent_by=by, message=message
        )
        _audit_interest(AuditEntry.Action.INTEREST_SENT, interest, by)
        context = _interest_context(interest)
        key = f"interest:{interest.pk}:sent"
        mail.delivery_enqueue(
            _emails(
                people_acting_for(request.owner),
                key=f"{key}:owner",
                kind=INTEREST,
                context={**context, "step": "received"},
            )
            + _emails(
                people_acting_for(cooperative, also=by),
                key=f"{key}:sender",
                kind=INTEREST,
                context={**context, "step": "sent"},
            )
        )
    return interest


def _audit_interest(action, interest, by, **data):
    """Interests are logged on their request, so its staff page shows the whole exchange."""
    audit_record(
        action,
        interest.request,
        by=by,
        interest=interest.pk,
        cooperative=interest.cooperative.legal_name,
        **data,
    )


def _answerable(interest, by):
    interest = (
        ExpressionOfInterest.objects.select_for_update(of=("self",))
        .select_related("request__owner", "cooperative", "sent_by")
        .get(pk=interest.pk)
    )
    if by is None or not by.has_perm("partnerships.answer_interest", interest):
        raise PermissionDenied
    if interest.state != ExpressionOfInterest.State.PENDING:
        raise ValidationError(_("This expression of interest has already been answered."))
    return interest


def interest_accept(*, interest, by):
    """The owner accepts: both sides receive each other's contact details."""
    with transaction.atomic():
        interest = _answerable(interest, by)
        interest.state = ExpressionOfInterest.State.ACCEPTED
        interest.decided_by = by
        interest.decided_at = timezone.now()
        interest.save(update_fields=["state", "decided_by", "decided_at"])
        _audit_interest(AuditEntry.Action.INTEREST_ACCEPTED, interest, by)
        request = interest.request
        context = _interest_context(interest)
        key = f"interest:{interest.pk}:accepted"
        mail.delivery_enqueue(
            _emails(
                people_acting_for(request.owner, also=by),
                key=f"{key}:owner",
                kind=INTEREST,
                context={
                    **context,
                    "step": "accepted_owner",
                    "other": contact_details(interest.cooperative, interest.sent_by),
                },
            )
            + _emails(
                people_acting_for(interest.cooperative, also=interest.sent_by),
                key=f"{key}:sender",
                kind=INTEREST,
                context={
                    **context,
                    "step": "accepted_sender",
                    "other": contact_details(request.owner, by),
                },
            )
        )
    return interest


def interest_decline(*, interest, by, reason=""):
    """The owner declines; the sender is told (with the reason, if one is given)."""
    with transaction.atomic():
        interest = _answerable(interest, by)
        interest.state = ExpressionOfInterest.State.DECLINED
        interest.decided_by = by
        interest.decided_at = timezone.now()
        interest.decline_reason = (reason or "").strip()
        interest.save(update_fields=["state", "decided_by", "decided_at", "decline_reason"])
        _audit_interest(
            AuditEntry.Action.INTEREST_DECLINED, interest, by, reason=interest.decline_reason
        )
        mail.delivery_enqueue(
            _emails(
                people_acting_for(interest.cooperative, also=interest.sent_by),
                key=f"interest:{interest.pk}:declined:sender",
                kind=INTEREST,
                context={**_interest_context(interest), "step": "declined"},
            )
        )
    return interest
