"""The F&T search API over the network: one search, every page of it.

The API is a POST with the query in multipart parts (`query`, `languages`, `sort`, each a
JSON blob) and `apiKey`, `text`, `pageSize`, `pageNumber` in the URL. The server caps
`pageSize` at 100, so a search is read page by page until `totalResults` are in. Each page
gets a timeout and, when the network or the server fails (connection refused, timeout, 5xx,
429), a few more tries with growing pauses; a 4xx other than 429 or a page that is not the
expected JSON fails the search at once. A failed search raises `SourceUnavailable` with
one sentence for the log.
"""

import json
import logging
import time

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

PAGE_SIZE = 100  # the server's cap
# More pages than this means a query too broad to curate (10,000 topics): stop and say so.
MAX_PAGES = 100
TIMEOUT = (10, 60)  # seconds to connect, to read a page
ATTEMPTS = 4
BACKOFF = 5.0  # seconds before the 2nd try; doubled for each further one
SORT = {"field": "sortStatus", "order": "ASC"}
RETRY_STATUSES = {429, 500, 502, 503, 504}


class SourceUnavailable(Exception):
    """The search could not be read completely; the message says why, in one line."""


def _pause(attempt, response):
    wait = BACKOFF * 2 ** (attempt - 1)
    if response is not None and response.headers.get("Retry-After", "").isdigit():
        wait = max(wait, min(int(response.headers["Retry-After"]), 300))
    return wait


def _page(session, text, query, number, *, sleep):
    params = {
        "apiKey": settings.EU_FUNDING_TENDERS_API_KEY,
        "text": text,
        "pageSize": PAGE_SIZE,
        "pageNumber": number,
    }
    parts = {
        "query": ("blob", json.dumps(query), "application/json"),
        "languages": ("blob", json.dumps(["en"]), "application/json"),
        "sort": ("blob", json.dumps(SORT), "application/json"),
    }
    url = settings.EU_FUNDING_TENDERS_SEARCH_URL
    for attempt in range(1, ATTEMPTS + 1):
        response, problem = None, ""
        try:
            response = session.post(url, params=params, files=parts, timeout=TIMEOUT)
        except requests.Timeout:
            problem = "no answer in time"
        except requests.RequestException as error:
            problem = f"cannot connect ({type(error).__name__})"
        else:
            if response.status_code not in RETRY_STATUSES:
                break
            problem = f"HTTP {response.status_code}"
        if attempt == ATTEMPTS:
            raise SourceUnavailable(f"{url} page {number}: {problem} after {ATTEMPTS} tries")
        wait = _pause(attempt, response)
        logger.info("EU search page %s: %s, trying again in %.0f s", number, problem, wait)
        sleep(wait)
    if response.status_code != 200:
        raise SourceUnavailable(f"{url} page {number}: HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError as error:
        raise SourceUnavailable(f"{url} page {number}: the answer is not JSON") from error
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise SourceUnavailable(f"{url} page {number}: the answer has no results list")
    return data


def search(text, query, *, session=None, sleep=time.sleep, on_page=None):
    """Every result of one search, in the server's order. `on_page(number, total)` is
    called after each page (for progress). Raises SourceUnavailable."""
    session = session or requests.Session()
    results, number, total = [], 1, None
    while True:
        data = _page(session, text, query, number, sleep=sleep)
        page = data["results"]
        results += page
        try:
            total = int(data.get("totalResults", len(results)))
        except (TypeError, ValueError):
            total = len(results)
        if on_page is not None:
            on_page(number, total)
        if not page or len(results) >= total:
            return results
        if number >= MAX_PAGES:
            raise SourceUnavailable(
                f"more than {MAX_PAGES * PAGE_SIZE} topics ({total}): narrow the query"
            )
        number += 1
