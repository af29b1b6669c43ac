"""Reading saved output of the F&T search API: a response envelope (`results`), a JSON
list of result objects, one result object, or a per-topic document (`TopicDetails`)."""

import json
from pathlib import Path


class UnreadableFile(ValueError):
    """The file is not JSON of any of the accepted shapes."""


def records_in(data):
    """The records a decoded JSON document holds, each a dict (a search result or a
    topicDetails document)."""
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return list(data["results"])
    if isinstance(data, list):
        return list(data)
    if isinstance(data, dict) and ("metadata" in data or "TopicDetails" in data):
        return [data]
    raise UnreadableFile("not a search response, a list of results, a result or a topicDetails")


def read_file(path):
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableFile(str(error)) from error
    return records_in(data)
