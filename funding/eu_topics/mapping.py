"""One F&T record as a `Topic`: what the catalogue keeps of it, or `MalformedRecord` with
the reason it cannot be read.

Search results carry their fields as one-element lists under `metadata` (several dates for
a two-stage or multiple cut-off topic); long fields may arrive cut (a `budgetOverview` that
is no longer JSON, a description cut mid-tag): what can be read is kept, the rest left out.
Per-topic documents (`TopicDetails`) carry the same facts in another shape, dates in epoch
milliseconds. Statuses in the index can be stale: a topic whose every deadline has passed
is closed whatever its status code says (the catalogue derives status from the dates).
"""

import ast
import datetime
import html
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import nh3

# frameworkProgramme codes seen in real records (see the data's codes.md), with the
# acronym and name the catalogue uses.
PROGRAMMES = {
    "43108390": ("HORIZON", "Horizon Europe"),
    "43152860": ("DIGITAL", "Digital Europe Programme"),
    "43252476": ("SMP", "Single Market Programme"),
    "43252405": ("LIFE", "Programme for the Environment and Climate Action (LIFE)"),
    "43353764": ("ERASMUS+", "Erasmus+"),
    "43254019": ("ESF+", "European Social Fund Plus"),
    "43251589": ("CERV", "Citizens, Equality, Rights and Values Programme"),
    "43251814": ("CREA", "Creative Europe"),
    "43332642": ("EU4H", "EU4Health Programme"),
    "44416173": ("I3", "Interregional Innovation Investments Instrument"),
    "43392145": ("EMFAF", "European Maritime, Fisheries and Aquaculture Fund"),
    "43298664": ("AGRIP", "Promotion of Agricultural Products"),
}
GRANT_TYPES = {"1", "2", "8"}
TOPIC_PAGE = "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/topic-details/{}"
# Deadlines of EU topics are announced in Brussels time (17:00 CET/CEST).
BRUSSELS = "Europe/Brussels"
CLOSING_TIME = datetime.time(17, 0)


class MalformedRecord(ValueError):
    """A record the importer skips, with the reason (for the log line)."""


@dataclass
class Topic:
    identifier: str
    title: str
    programme_code: str
    call_identifier: str = ""
    url: str = ""
    opens_at: datetime.datetime | None = None
    deadlines: list = field(default_factory=list)
    deadline_model: str = ""
    budget: Decimal | None = None
    description: str = ""
    status_code: str = ""


def _first(metadata, name):
    value = metadata.get(name)
    if isinstance(value, list):
        return str(value[0]).strip() if value else ""
    return str(value).strip() if value not in (None, "") else ""


def _when(text):
    """An aware datetime from the API's ISO text (offset +0200 or +0000) or epoch ms."""
    text = str(text).strip()
    if re.fullmatch(r"\d{10,14}", text):
        return datetime.datetime.fromtimestamp(int(text) / 1000, tz=datetime.UTC)
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError as error:
        raise MalformedRecord(f"unreadable date {text!r}") from error
    if moment.tzinfo is None:
        raise MalformedRecord(f"date without a time zone {text!r}")
    return moment


def _deadline(text):
    """A deadline: as published when it has a time; a date alone (the index writes it as
    midnight UTC, per-topic documents as epoch ms of that midnight) is that day at 17:00
    Brussels time, the hour every F&T deadline closes at and the one the EU portal's topic
    page shows for such records. Midnight UTC would show as 01:00 or 02:00 Brussels time:
    hours before the real deadline, on a page that says it closed."""
    moment = _when(text)
    if moment.utcoffset() == datetime.timedelta(0) and moment.time() == datetime.time(0, 0):
        return datetime.datetime.combine(moment.date(), CLOSING_TIME, tzinfo=ZoneInfo(BRUSSELS))
    return moment


def plain_text(markup):
    """The text of an HTML description: paragraphs and list items on their own lines, every
    tag removed by nh3, entities decoded. Never rendered as HTML."""
    if not markup:
        return ""
    markup = re.sub(r"(?i)<\s*(br|/p|/li|/h\d|/div)\s*/?>", "\n", markup)
    markup = re.sub(r"(?i)<\s*li[^>]*>", "- ", markup)
    text = html.unescape(nh3.clean(markup, tags=set()))
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _budget(overview, identifier):
    """The topic's budget in EUR from a `budgetOverview` (JSON text or already decoded):
    the sum of the years of the actions named after this topic; None when unreadable."""
    if isinstance(overview, list):
        overview = overview[0] if overview else None
    if isinstance(overview, str):
        try:
            overview = json.loads(overview)
        except json.JSONDecodeError:
            return None  # cut by the source: no budget rather than a wrong one
    if not isinstance(overview, dict):
        return None
    total, found = Decimal(0), False
    for actions in (overview.get("budgetTopicActionMap") or {}).values():
        for action in actions or []:
            if not str(action.get("action", "")).startswith(f"{identifier} "):
                continue
            for amount in (action.get("budgetYearMap") or {}).values():
                try:
                    total += Decimal(str(amount))
                    found = True
                except InvalidOperation:
                    continue
    return total if found else None


def _unlist(value):
    """`descriptionByte` and `budgetOverview` come as a one-element list, or as the text of
    one (Python's repr), possibly cut by whoever saved it."""
    if isinstance(value, list):
        return value[0] if value else ""
    if isinstance(value, str) and value.startswith("['"):
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            body = value[2:]
            body = body[:-2] if body.endswith("']") else body
            return body.replace("\\'", "'")
        return parsed[0] if parsed else ""
    return value or ""


def _topic_page(url, identifier):
    """The topic's official page: the record's own link when it is that page (older index
    copies link their JSON instead)."""
    if "/topic-details/" in url and not url.endswith(".json"):
        return url
    return TOPIC_PAGE.format(identifier.lower())


def from_search_result(record):
    metadata = record.get("metadata")
    if not isinstance(metadata, dict):
        raise MalformedRecord("no metadata")
    identifier = _first(metadata, "identifier")
    if not identifier:
        raise MalformedRecord("no identifier")
    kind = _first(metadata, "type")
    if kind and kind not in GRANT_TYPES:
        raise MalformedRecord(f"type {kind} is not a grant (0 is a tender)")
    title = _first(metadata, "title")
    if not title:
        raise MalformedRecord("no title")
    deadlines = sorted(_deadline(value) for value in metadata.get("deadlineDate") or [])
    start = _first(metadata, "startDate")
    return Topic(
        identifier=identifier,
        title=title,
        programme_code=_first(metadata, "frameworkProgramme"),
        call_identifier=_first(metadata, "callIdentifier"),
        url=_topic_page(_first(metadata, "url"), identifier),
        opens_at=_when(start) if start else None,
        deadlines=deadlines,
        deadline_model=_first(metadata, "deadlineModel"),
        budget=_budget(_unlist(metadata.get("budgetOverview")), identifier),
        description=plain_text(_unlist(metadata.get("descriptionByte"))),
        status_code=_first(metadata, "status"),
    )


def from_topic_details(document):
    details = document.get("TopicDetails")
    if not isinstance(details, dict):
        raise MalformedRecord("no TopicDetails")
    identifier = str(details.get("identifier") or "").strip()
    title = str(details.get("title") or "").strip()
    if not identifier or not title:
        raise MalformedRecord("no identifier or title")
    if str(details.get("type", "1")) not in GRANT_TYPES:
        raise MalformedRecord(f"type {details.get('type')} is not a grant")
    overview = details.get("budgetOverviewJSONItem") or {}
    dates, opening, model = [], None, ""
    for actions in (overview.get("budgetTopicActionMap") or {}).values():
        for action in actions or []:
            if not str(action.get("action", "")).startswith(f"{identifier} "):
                continue
            dates += [_deadline(value) for value in action.get("deadlineDates") or []]
            if action.get("plannedOpeningDate"):
                opening = _when(action["plannedOpeningDate"])
            model = action.get("deadlineModel") or model
    programme = details.get("frameworkProgramme") or {}
    status = ((details.get("actions") or [{}])[0].get("status") or {}).get("id", "")
    return Topic(
        identifier=identifier,
        title=title,
        programme_code=str(programme.get("id", "")),
        call_identifier=str(details.get("callIdentifier") or ""),
        url=TOPIC_PAGE.format(identifier.lower()),
        opens_at=opening,
        deadlines=sorted(set(dates)),
        deadline_model=model,
        budget=_budget(overview, identifier),
        description=plain_text(details.get("description")),
        status_code=str(status),
    )


def topic_from(record):
    """The `Topic` of a search result or a topicDetails document."""
    if not isinstance(record, dict):
        raise MalformedRecord("not an object")
    if "TopicDetails" in record:
        return from_topic_details(record)
    return from_search_result(record)
