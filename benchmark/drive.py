"""Driving the served portal over HTTP: fixed concurrency, fixed time, the floor interleaved.

Pure standard library, so it measures the server and not a client framework. Each page is
timed in slices alternating with slices of the floor (`/bench/floor/`): the threads finish
their request in flight and meet at a barrier before switching, so a floor request never
waits behind a slow page (and the other way round), and a load that comes and goes on the
machine weighs on the page and on its floor alike.
"""

import http.client
import math
import threading
import time

FLOOR_PATH = "/bench/floor/"


def percentile(values, fraction):
    """The `fraction` (0-1) percentile with linear interpolation between ranks; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * fraction
    low, high = math.floor(rank), math.ceil(rank)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


class Http:
    """One keep-alive connection to the server (gunicorn's sync workers close it each time:
    it is then reopened, as a browser would)."""

    def __init__(self, port):
        self.port = port
        self.connection = None

    def get(self, path, cookie=None):
        """(status, body bytes, headers dict, seconds)."""
        headers = {"Cookie": cookie} if cookie else {}
        started = time.perf_counter()
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            try:
                self.connection.request("GET", path, headers=headers)
                response = self.connection.getresponse()
                body = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.close()
                if attempt == 2:
                    raise
        seconds = time.perf_counter() - started
        if response.will_close:
            self.close()
        return response.status, body, dict(response.getheaders()), seconds

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def probe(port, path, cookie=None):
    """One request: status, SQL queries (X-Bench-Queries), size in KB, latency in ms."""
    client = Http(port)
    try:
        status, body, headers, seconds = client.get(path, cookie)
    finally:
        client.close()
    queries = headers.get("X-Bench-Queries")
    return {
        "status": status,
        "queries": int(queries) if queries is not None else None,
        "kb": round(len(body) / 1024, 1),
        "first_ms": round(seconds * 1000, 1),
    }


def timed(port, path, cookie=None, *, seconds=6.0, concurrency=4, page_slice=1.0, floor_slice=0.5):
    """Drive `path` for `seconds` of page slices, interleaved with floor slices.

    Returns the page's and the floor's latencies (ms), requests/s and non-200 counts.
    """
    slices = []
    while sum(d for kind, d in slices if kind == "page") < seconds - 1e-9:
        slices += [("page", min(page_slice, seconds)), ("floor", floor_slice)]
    marks = []
    barrier = threading.Barrier(concurrency, action=lambda: marks.append(time.perf_counter()))
    results = {"page": [], "floor": []}
    errors = {"page": 0, "floor": 0}
    lock = threading.Lock()

    def worker():
        client = Http(port)
        try:
            for kind, duration in slices:
                barrier.wait()
                target, jar = (path, cookie) if kind == "page" else (FLOOR_PATH, None)
                end = time.perf_counter() + duration
                while time.perf_counter() < end:
                    status, _body, _headers, elapsed = client.get(target, jar)
                    with lock:
                        results[kind].append(elapsed * 1000)
                        if status != 200:
                            errors[kind] += 1
            barrier.wait()
        finally:
            client.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # marks[i] starts slice i and ends slice i - 1.
    page_time = sum(
        marks[i + 1] - marks[i] for i, (kind, _d) in enumerate(slices) if kind == "page"
    )
    return {
        "requests": len(results["page"]),
        "rps": round(len(results["page"]) / page_time, 1) if page_time else None,
        "p50": percentile(results["page"], 0.5),
        "p95": percentile(results["page"], 0.95),
        "floor_requests": len(results["floor"]),
        "floor_p50": percentile(results["floor"], 0.5),
        "floor_p95": percentile(results["floor"], 0.95),
        "errors": errors["page"],
        "floor_errors": errors["floor"],
    }
