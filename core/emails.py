"""The email registry: every kind of email the portal sends, defined once.

An `EmailKind` names what the delivery ledger calls the email (`Delivery.kind`), the folder of
its templates (`templates/emails/<template>/`: `subject.txt`, `body.txt`, `body.html`), what
staff read about it, and whether it carries one-click unsubscribe links. Each app defines its
kinds in its own `emails.py` with `register(EmailKind(...))` and builds every email of a kind
with `kind.email(...)`, which picks the recipient's language and adds the unsubscribe links
and headers; `core.mail.delivery_enqueue` is the one path into the ledger and refuses a kind
nobody registered. So an email's subject, templates, language and links are found in one
place, whichever job or page sends it.
"""

from dataclasses import dataclass, field

from django.conf import settings

from core import unsubscribe
from core.language import language_of
from core.links import absolute_url


@dataclass
class OutgoingEmail:
    """An email to write to the ledger, rendered from `templates/emails/<template>/`. Built by
    `EmailKind.email`, never by hand."""

    key: str
    kind: str
    to_email: str
    template: str
    context: dict = field(default_factory=dict)
    language: str = settings.LANGUAGE_CODE
    recipient: object = None
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class EmailKind:
    """One kind of email. `name` is the ledger's kind ("call-alert"); `template` the folder of
    its templates; `description` says to staff what it is and why it is sent; an email of a
    kind with `unsubscribe` carries a one-click link stopping what caused it (`stop`), a
    link stopping all emails and the List-Unsubscribe headers (RFC 8058)."""

    name: str
    template: str
    description: str
    unsubscribe: bool = False

    def email(self, *, key, context, person=None, to_email=None, language=None, stop=None):
        """An email of this kind to `person` (a portal user) or to the address `to_email`.

        The language is the person's (`language_of`) unless given (an invitation to an
        address goes out in the language the inviter chose). `stop` is the (kind, id) of
        what the unsubscribe link stops, required for a kind with unsubscribe links."""
        if person is None and not to_email:
            raise ValueError(f"An email of kind {self.name!r} needs a person or an address.")
        context = {"user": person, **context} if person is not None else dict(context)
        headers = {}
        if self.unsubscribe:
            if stop is None or person is None:
                raise ValueError(f"An email of kind {self.name!r} needs a person and `stop`.")
            stop_url = unsubscribe.unsubscribe_url(*stop)
            context.update(
                unsubscribe_url=stop_url,
                unsubscribe_all_url=unsubscribe.unsubscribe_url("all", person.pk),
                manage_url=absolute_url("/portal/alerts/"),
            )
            headers = unsubscribe.list_unsubscribe_headers(stop_url)
        return OutgoingEmail(
            key=key,
            kind=self.name,
            to_email=to_email or person.email,
            template=self.template,
            context=context,
            language=language
            or (language_of(person) if person is not None else settings.LANGUAGE_CODE),
            recipient=person,
            headers=headers,
        )


_KINDS = {}


def register(kind):
    """Add `kind` to the registry (once per name) and return it."""
    known = _KINDS.get(kind.name)
    if known is not None and known != kind:
        raise ValueError(f"The email kind {kind.name!r} is defined twice.")
    _KINDS[kind.name] = kind
    return kind


def registered(name):
    """The kind called `name`; LookupError when no app defined it."""
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"No email kind {name!r} is registered (see core.emails).") from None


def kinds():
    """Every registered kind, by name."""
    return dict(sorted(_KINDS.items()))
