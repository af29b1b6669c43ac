"""Stored matches: call-to-cooperative and request-to-cooperative scores with their reasons.

Rows are computed when their inputs change (`matches.services`), never per page view. The
reasons are stored as structured codes (`[kind, params]`, see `funding.matching.REASON_TEXTS`)
and rendered in the reader's language. Only the best are kept (each cooperative's best 50
calls and 50 requests, each request's best 50 candidates: `matches.engine`). Dismissals
("not relevant"), a call's closing, a request's deadline and expressions of interest are
hidden at once by the `visible*` queryset methods, in SQL; the next refresh (or the daily
prune) drops them from the kept rows and fills the lists up again.

`MatchRefresh` is the outbox: a row per changed input, written in the same transaction as
the change, processed after commit by a Celery task and, if that task is lost, by the
periodic sweep.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funding.models import Call, status_conditions
from partnerships.models import (
    DismissedSuggestion,
    ExpressionOfInterest,
    PartnershipRequest,
    open_for_interest_condition,
)


def _dismissed(target_type, target_field, **extra):
    return DismissedSuggestion.objects.filter(
        cooperative=OuterRef("cooperative_id"),
        target_type=target_type,
        target_id=OuterRef(target_field),
        **extra,
    )


class CallMatchQuerySet(models.QuerySet):
    def visible(self, at=None):
        """Matches a cooperative may be shown: the call published and not closed at `at`,
        not marked "not relevant" by the cooperative."""
        at = at or timezone.now()
        closed = status_conditions(at, prefix="call__")[Call.Status.CLOSED]
        return (
            self.filter(call__publication_state=Call.PublicationState.PUBLISHED)
            .exclude(closed)
            .exclude(
                Exists(_dismissed(DismissedSuggestion.Target.CALL, "call_id", request__isnull=True))
            )
        )

    def best_first(self):
        return self.order_by("-score", "call_id")


class CallMatch(models.Model):
    cooperative = models.ForeignKey(
        "members.Cooperative", on_delete=models.CASCADE, related_name="call_matches"
    )
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="cooperative_matches")
    score = models.PositiveSmallIntegerField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    objects = CallMatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("call match")
        verbose_name_plural = _("call matches")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "call"], name="one_call_match"),
        ]
        indexes = [
            models.Index(fields=["cooperative", "-score"], name="callmatch_coop_score"),
        ]

    def __str__(self):
        return f"{self.cooperative_id} ~ call {self.call_id}: {self.score}"


class RequestMatchQuerySet(models.QuerySet):
    def visible(self, at=None):
        """Requests a cooperative may be shown: open for interest at `at`, not marked "not
        relevant" by it and not already answered by it."""
        answered = ExpressionOfInterest.objects.filter(
            request=OuterRef("request_id"), cooperative=OuterRef("cooperative_id")
        )
        return (
            self.filter(open_for_interest_condition(at, prefix="request__"))
            .exclude(
                Exists(
                    _dismissed(
                        DismissedSuggestion.Target.REQUEST, "request_id", request__isnull=True
                    )
                )
            )
            .exclude(Exists(answered))
        )

    def visible_candidates(self, request):
        """Candidate cooperatives for `request`: active, not dismissed by its owner for it."""
        dismissed = DismissedSuggestion.objects.filter(
            request=request,
            target_type=DismissedSuggestion.Target.COOPERATIVE,
            target_id=OuterRef("cooperative_id"),
        )
        return self.filter(request=request, cooperative__is_active=True).exclude(Exists(dismissed))


class RequestMatch(models.Model):
    cooperative = models.ForeignKey(
        "members.Cooperative", on_delete=models.CASCADE, related_name="request_matches"
    )
    request = models.ForeignKey(
        PartnershipRequest, on_delete=models.CASCADE, related_name="cooperative_matches"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    # Why the row is kept (`matches.engine`): among the cooperative's best requests, among
    # the request's best candidates, or both. A row in neither is deleted.
    in_cooperative_top = models.BooleanField(_("among the cooperative's best"), default=True)
    in_request_top = models.BooleanField(_("among the request's best"), default=False)

    objects = RequestMatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("request match")
        verbose_name_plural = _("request matches")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "request"], name="one_request_match"),
        ]
        indexes = [
            models.Index(fields=["cooperative", "-score"], name="requestmatch_coop_score"),
            models.Index(fields=["request", "-score"], name="requestmatch_request_score"),
        ]

    def __str__(self):
        return f"{self.cooperative_id} ~ request {self.request_id}: {self.score}"


class MatchRefreshQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(done_at__isnull=True)


class MatchRefresh(models.Model):
    """An input of the matches changed: recompute what depends on it (the outbox).

    One pending (not started) row per kind and object: a second change before processing
    adds nothing. A row is claimed (`started_at`) before its work and marked `done_at` after;
    a change during the work adds a new pending row, so it is never lost.
    """

    class Kind(models.TextChoices):
        CALL = "call", _("Funding call")
        REQUEST = "request", _("Partnership request")
        COOPERATIVE = "cooperative", _("Cooperative")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveIntegerField(_("object id"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    objects = MatchRefreshQuerySet.as_manager()

    class Meta:
        verbose_name = _("match refresh")
        verbose_name_plural = _("match refreshes")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"],
                condition=Q(started_at__isnull=True, done_at__isnull=True),
                name="one_pending_match_refresh",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(done_at__isnull=True),
                name="matchrefresh_pending",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


class MatchCatchUp(models.Model):
    """The last `MatchRefresh` row a cooperative's pages applied for it (see
    `services.pending_pairs_apply`): the next page view applies only newer rows, so a page
    does the catch-up work once, not on every view until the worker has run."""

    cooperative = models.OneToOneField(
        "members.Cooperative", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_refresh_id = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("match catch-up")
        verbose_name_plural = _("match catch-ups")

    def __str__(self):
        return f"{self.cooperative_id}: {self.last_refresh_id}"
