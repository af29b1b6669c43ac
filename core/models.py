from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    """Users are identified by email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: INNOVACOOP staff or someone from a member cooperative."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Language of the pages and of the emails sent to this person."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        # The tables keep the names they had when these models lived in `innovacoop`.
        db_table = "innovacoop_user"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class DeliveryQuerySet(models.QuerySet):
    def due(self, at):
        """Rows a sender may take now: queued and past their back-off time."""
        return self.filter(state=Delivery.State.QUEUED, next_attempt_at__lte=at)

    def stale(self, before):
        """Rows claimed by a sender that never finished (its worker died)."""
        return self.filter(state=Delivery.State.SENDING, claimed_at__lt=before)


class Delivery(models.Model):
    """One email the portal owes someone, written before it is sent (an outbox).

    `key` names the recipient and the reason (e.g. "call-alert:user-7:call-31"); it is
    unique, so the same reason can never produce a second email, however often the job
    that causes it runs. The message is rendered when the row is written, in the
    recipient's language, so sending is a plain, repeatable step.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(_("key"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    to_email = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=8, default="it")
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # Which sender holds the row: its conditional updates only touch rows it claimed.
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        db_table = "innovacoop_delivery"
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due_idx")]

    def __str__(self):
        return f"{self.kind} → {self.to_email} ({self.get_state_display()})"


# What the keys of `AuditEntry.data` are called on staff pages.
DETAIL_LABELS = {
    "from_state": _("from"),
    "to_state": _("to"),
    "from_stage": _("from"),
    "to_stage": _("to"),
    "note": _("note"),
    "person": _("person"),
    "email": _("email"),
    "role": _("role"),
    "before": _("before"),
    "after": _("after"),
    "cooperative": _("cooperative"),
    "reason": _("reason"),
    "fields": _("fields"),
    "source": _("source"),
    "invitation": _("invitation"),
    "interest": _("expression of interest"),
}


class AuditEntryManager(models.Manager):
    def record(self, action, target, *, by=None, at=None, **data):
        """The one way entries are written (`core.audit.audit_record` calls it)."""
        actor = by if getattr(by, "is_authenticated", False) else None
        return self.create(
            actor=actor,
            action=action,
            at=at or timezone.now(),
            target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
            target_id=target.pk,
            target_label=str(target)[:255],
            data=data,
        )


class AuditEntry(models.Model):
    """One state change made through a service: who did what, when, to which object.

    Written by the services themselves (`core.audit.audit_record`), so every entry point
    (portal view, admin form or action, import, shell) leaves the same trail. Entries are
    never edited; `target_label` keeps what the object was called then.
    """

    class Action(models.TextChoices):
        CALL_PUBLISHED = "call.published", _("Call published")
        CALL_ARCHIVED = "call.archived", _("Call archived")
        CALL_SOURCE_UPDATED = "call.source_updated", _("Call updated from its source")
        INVITATION_SENT = "invitation.sent", _("Invitation sent")
        INVITATION_WITHDRAWN = "invitation.withdrawn", _("Invitation withdrawn")
        ROLE_CHANGED = "membership.role_changed", _("Role changed")
        MEMBER_ADDED = "membership.added", _("Member added")
        MEMBER_REMOVED = "membership.removed", _("Member removed")
        PROFILE_EDITED = "cooperative.profile_edited", _("Cooperative profile edited")
        REQUEST_CREATED = "request.created", _("Request created")
        REQUEST_EDITED = "request.edited", _("Request edited")
        REQUEST_SUBMITTED = "request.submitted", _("Request submitted for review")
        REQUEST_APPROVED = "request.approved", _("Request approved and published")
        REQUEST_RETURNED = "request.returned", _("Request returned to the owner")
        REQUEST_CLOSED = "request.closed", _("Request closed")
        REQUEST_EXPIRED = "request.expired", _("Request expired")
        INTEREST_SENT = "interest.sent", _("Expression of interest sent")
        INTEREST_ACCEPTED = "interest.accepted", _("Expression of interest accepted")
        INTEREST_DECLINED = "interest.declined", _("Expression of interest declined")
        APPLICATION_SUBMITTED = "application.submitted", _("Application submitted")
        APPLICATION_MOVED = "application.moved", _("Application moved")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    target_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("object type"), on_delete=models.PROTECT
    )
    target_id = models.PositiveBigIntegerField(_("object id"))
    target = GenericForeignKey("target_type", "target_id")
    target_label = models.CharField(_("object"), max_length=255)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEntryManager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"], name="audit_target")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.target_label}"

    def details(self):
        """The entry's data as a reader sees it: "label: value" pairs, empty ones left out."""
        parts = []
        for key, value in self.data.items():
            if value in ("", None, [], {}):
                continue
            if isinstance(value, list):
                value = ", ".join(str(item) for item in value)
            parts.append(f"{DETAIL_LABELS.get(key, key)}: {value}")
        return "; ".join(parts)


class AuditViewQuerySet(models.QuerySet):
    """Rows of an audit view: reading as usual, deleting deletes the entries behind them."""

    def delete(self):
        return AuditEntry.objects.filter(pk__in=list(self.values_list("pk", flat=True))).delete()

    def update(self, **kwargs):
        raise TypeError("Audit entries are never changed.")


class AuditViewManager(models.Manager.from_queryset(AuditViewQuerySet)):
    def bulk_create(self, objs, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.save()
        return objs


class AuditView(models.Model):
    """The moves of one kind of object, as a database view over `AuditEntry`.

    `partnerships.RequestEvent` and `startups.ApplicationEvent` are such views (made by
    their migrations with `core.audit_views.create_view`): their columns are read out of the
    entries' `data`, so pages, inlines and exports keep reading "from, to, by, at, note" with
    foreign keys to join on, while the audit log stays the one record. Saving a new row
    writes an entry; rows are never changed.

    A subclass names its target (`audit_target`), the action of a move (`audit_action`) and
    the details it keeps (`audit_data`).
    """

    objects = AuditViewManager()

    class Meta:
        abstract = True
        managed = False

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Audit entries are never changed.")
        entry = AuditEntry.objects.record(
            self.audit_action(),
            self.audit_target(),
            by=self.audit_actor(),
            at=self.at,
            **self.audit_data(),
        )
        self.pk = entry.pk
        self.at = entry.at
        self._state.adding = False
        self._state.db = entry._state.db

    def delete(self, *args, **kwargs):
        return AuditEntry.objects.filter(pk=self.pk).delete()

    def audit_actor(self):
        return self.by if self.by_id else None
