"""The weekly matchmaking digest: per person, what is new for their cooperatives.

Each person with a membership in an active cooperative gets, once a week, the partnership
requests published since their previous digest that fit one of their cooperatives (read from
the stored matches, `matches.readers`, with the reasons the scoring gave) and the expressions of interest received on their
cooperatives' requests. Nothing new, no email. A person stops it with the toggle on
/portal/alerts/ or the one-click link ("matchmaking" kind); stopping every email
(`funding.AlertPreference.unsubscribed_all_at`) stops it too.

Exactly once per ISO week and person: a `MatchmakingDigestRun` row (unique per user and
week) and the ledger key `matchmaking-digest:<user>:<week>` are written in one transaction,
so a second run, or a redelivered chunk task, writes nothing. The next digest starts where
the previous one's `covered_until` ends (the last 7 days for a first digest).

A chunk is built in a fixed number of queries whatever its size: the new requests, the
cooperatives, their stored matches with the new requests (dismissed and answered ones left
out in SQL) and interests are loaded in bulk; nothing is scored here. Stored are a
cooperative's best 50 requests and a request's best 50 candidates (`matches.engine`), so a
new request is announced to a cooperative when it is among that cooperative's best 50 or
the cooperative among its best candidates.
"""

import datetime
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone, translation

from core import mail
from core.language import language_of
from core.links import absolute_url
from funding.models import AlertPreference
from matches import readers
from members.models import Cooperative, Membership
from partnerships.emails import MATCHMAKING_DIGEST
from partnerships.matching import choice_label
from partnerships.models import (
    ExpressionOfInterest,
    MatchmakingDigestRun,
    MatchmakingSubscription,
    PartnershipRequest,
)

CHUNK_SIZE = 300  # people per task: a few seconds of work each
MAX_REQUESTS = 10  # requests listed per cooperative; the rest are on the suggestions page
FIRST_PERIOD = datetime.timedelta(days=7)
UNSUBSCRIBE_KIND = "matchmaking"


def digest_week(at):
    """The ISO week of `at` in the portal's time zone, e.g. 2026-W48."""
    year, week, _weekday = timezone.localdate(at).isocalendar()
    return f"{year}-W{week:02d}"


def digest_key(user_id, week):
    return f"matchmaking-digest:{user_id}:{week}"


def receiving_users():
    """Active people with a membership in an active cooperative who did not stop the digest
    (no subscription row means on) nor every email."""
    stopped_all = AlertPreference.objects.filter(
        user=OuterRef("pk"), unsubscribed_all_at__isnull=False
    )
    off = MatchmakingSubscription.objects.filter(user=OuterRef("pk"), weekly_digest=False)
    member = Membership.objects.filter(user=OuterRef("pk"), cooperative__is_active=True)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Exists(member))
        .exclude(Exists(stopped_all))
        .exclude(Exists(off))
    )


def digest_user_ids():
    return list(receiving_users().order_by("pk").values_list("pk", flat=True))


def digests_build(*, user_ids, at=None):
    """Write the matchmaking digests of these people for the week of `at` (one chunk).

    Returns the number of emails written.
    """
    at = at or timezone.now()
    week = digest_week(at)
    done = set(
        MatchmakingDigestRun.objects.filter(week=week, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )
    users = {
        user.pk: user
        for user in receiving_users().filter(pk__in=[pk for pk in user_ids if pk not in done])
    }
    if not users:
        return 0
    previous = dict(
        MatchmakingDigestRun.objects.filter(user_id__in=list(users))
        .values("user_id")
        .annotate(until=Max("covered_until"))
        .values_list("user_id", "until")
    )
    since = {pk: previous.get(pk) or at - FIRST_PERIOD for pk in users}
    earliest = min(since.values())

    cooperatives_of = defaultdict(list)
    for user_id, cooperative_id in Membership.objects.filter(
        user_id__in=list(users), cooperative__is_active=True
    ).values_list("user_id", "cooperative_id"):
        cooperatives_of[user_id].append(cooperative_id)
    cooperative_ids = {pk for pks in cooperatives_of.values() for pk in pks}

    new_requests = list(
        PartnershipRequest.objects.open_for_interest(at)
        .filter(published_at__gt=earliest, published_at__lte=at)
        .order_by("-published_at", "pk")
    )
    interests_by_owner = defaultdict(list)
    for interest in (
        ExpressionOfInterest.objects.filter(
            request__owner_id__in=cooperative_ids, created_at__gt=earliest, created_at__lte=at
        )
        .select_related("request", "cooperative")
        .order_by("-created_at", "pk")
    ):
        interests_by_owner[interest.request.owner_id].append(interest)

    cooperatives, stored = {}, {}
    if new_requests or interests_by_owner:
        cooperatives = Cooperative.objects.in_bulk(list(cooperative_ids))
    if new_requests:
        # Requests a cooperative marked "not relevant" or already answered are left out.
        stored = readers.request_matches_among(
            cooperative_ids, [request.pk for request in new_requests], at=at
        )
    rendered = {}  # language -> {row pk: reasons in words}

    runs, emails = [], []
    for user_id, user in users.items():
        language = language_of(user)
        sections = []
        if cooperatives:  # loaded only when something is new this week
            with translation.override(language):
                if language not in rendered:
                    rendered[language] = readers.render_rows(stored.values())
                sections = _sections(
                    cooperative_ids=cooperatives_of[user_id],
                    cooperatives=cooperatives,
                    new_requests=new_requests,
                    stored=stored,
                    reasons=rendered[language],
                    interests_by_owner=interests_by_owner,
                    since=since[user_id],
                )
        request_count = sum(len(section["requests"]) for section in sections)
        interest_count = sum(len(section["interests"]) for section in sections)
        runs.append(
            MatchmakingDigestRun(
                user_id=user_id,
                week=week,
                covered_until=at,
                request_count=request_count,
                interest_count=interest_count,
            )
        )
        if sections:
            emails.append(
                _email(user, week=week, language=language, sections=sections, since=since[user_id])
            )
    with transaction.atomic():
        MatchmakingDigestRun.objects.bulk_create(runs, ignore_conflicts=True)
        return mail.delivery_enqueue(emails)


def _sections(
    *, cooperative_ids, cooperatives, new_requests, stored, reasons, interests_by_owner, since
):
    """Per cooperative of the person: the new requests that fit it and the new interests."""
    sections = []
    seen_requests = set()
    for cooperative_id in sorted(cooperative_ids, key=lambda pk: cooperatives[pk].legal_name):
        requests = []
        for request in new_requests:
            if request.published_at <= since or request.pk in seen_requests:
                continue
            match = stored.get((cooperative_id, request.pk))
            if match is not None:
                seen_requests.add(request.pk)
                requests.append(
                    {
                        "request": request,
                        "kind": _kind_label(request.kind),
                        "url": _request_url(request),
                        "reasons": reasons[match.pk],
                        "score": match.score,
                    }
                )
        requests.sort(key=lambda item: (-item["score"], item["request"].pk))
        more = max(len(requests) - MAX_REQUESTS, 0)
        requests = requests[:MAX_REQUESTS]
        interests = [
            {"interest": interest, "url": _request_url(interest.request)}
            for interest in interests_by_owner.get(cooperative_id, ())
            if interest.created_at > since
        ]
        if requests or interests:
            sections.append(
                {
                    "cooperative": cooperatives[cooperative_id],
                    "requests": requests,
                    "more_requests": more,
                    "interests": interests,
                }
            )
    return sections


def _kind_label(kind):
    return choice_label(PartnershipRequest.Kind, kind)


def _request_url(request):
    """Absolute link to a request, computed once per request (a chunk lists it many times)."""
    if not hasattr(request, "_digest_url"):
        request._digest_url = absolute_url(request.get_absolute_url())
    return request._digest_url


def _email(user, *, week, language, sections, since):
    return MATCHMAKING_DIGEST.email(
        key=digest_key(user.pk, week),
        person=user,
        language=language,
        context={
            "sections": sections,
            "since": since,
            "request_count": sum(len(s["requests"]) for s in sections),
            "interest_count": sum(len(s["interests"]) for s in sections),
            "suggestions_url": absolute_url("/partnerships/suggestions/"),
        },
        stop=(UNSUBSCRIBE_KIND, user.pk),
    )
