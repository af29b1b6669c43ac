"""The emails of partnerships (`core.emails` registry)."""

from django.utils.translation import gettext_lazy as _

from core.emails import EmailKind, register

REQUEST_STATE = register(
    EmailKind(
        "partnership-request",
        "partnership_request_state",
        _("A partnership request moved (submitted, published, returned, closed, expired)."),
    )
)
INTEREST = register(
    EmailKind(
        "partnership-interest",
        "partnership_interest",
        _("An expression of interest was sent, accepted or declined."),
    )
)
MATCHMAKING_DIGEST = register(
    EmailKind(
        "matchmaking-digest",
        "matchmaking_digest",
        _("The weekly matchmaking digest: new requests and interests that fit."),
        unsubscribe=True,
    )
)
