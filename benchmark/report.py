"""docs/benchmarks.md: machine facts, and the markdown of one run merged into the document.

The document holds a "Before" and an "After" section; writing one label replaces only its
section and keeps the other verbatim. Each section carries its figures as JSON in an HTML
comment, so the comparison table can be rebuilt from both whenever either changes.
"""

import json
import os
import platform
import re
import subprocess

LABELS = ("before", "after")
ADMIN_GOAL, PAGE_GOAL = 5, 3
DASH = "\u2013"
PREPARE = "migrate + demo"
INTRO = """# Benchmarks

How fast the portal is at the federation's size today (SMALL) and at its real size (LARGE),
measured by the benchmark command of issue 13. Run it on demand (never in the tests); it needs
the local PostgreSQL 15 (127.0.0.1, user postgres, trust) and drops and recreates the
databases `innovacoop_bench_small` and `innovacoop_bench_large`:

    DEBUG=true .venv/bin/python manage.py benchmark --label before|after \\
        [--sizes small,large] [--seconds N] [--jobs fanout,daily,...|--skip-jobs]

Before issue 13's changes a full run took about 11 minutes for both sizes' data and pages,
plus 22 minutes of background jobs at LARGE (`--jobs` or `--skip-jobs` shorten it).

**Data.** Built with bulk inserts on top of the demo data (associations, bodies, programmes,
the vocabularies the migrations load), deterministic (fixed seed), every row marked demo.
SMALL: 1,000 cooperatives, 1,000 members, 500 calls, 500 partnership requests, 500
expressions of interest, 100 startups, 2,000 saved searches. LARGE: 10,000 cooperatives,
10,000 members (one per cooperative mostly), 5,000 calls (a quarter closed, most open or
forthcoming, 15% two-stage; 1-3 sectors and themes each, applicant types and eligible
countries on most), 5,000 requests, 5,000 expressions of interest, 1,000 startups, 20,000 saved
searches. The saved searches belong to the members and to as many people with call alerts
and no cooperative (so 20,000 people at LARGE), drawn Zipf-like from realistic queries. A
cooperative has a main sector and 0-2 more, 1-3 themes, 0-2 countries of interest; about one
member in five has a call alert on the cooperative's profile (instant, daily or weekly). 1% of
the calls were published in the last day and 2% in the six days before, 4% of the requests in
the last week: what the digests pick up. After the inserts the command runs the checkout's
maintenance commands that store derived data (`refresh_call_deadlines`, `rebuild_matches`) if
they exist, and times them.

**Method.** The portal is served by gunicorn (2 sync workers, DEBUG off, settings
`benchmark.settings`) and each page is driven at concurrency 4 for a fixed time,
in 1 s slices alternating with 0.5 s slices of the **floor**: `/bench/floor/`
(`benchmark.urls`, used only by the benchmark), a bare view rendering 20 calls
from one raw SQL query with a template string, through the same middleware. The threads
finish the request in flight before switching, so the floor never waits behind a slow page.
"\u00d7 floor" is the page's p95 over the floor's p95 measured in the same slices: on a loaded
machine both slow down, the ratio much less. "queries" is the SQL statement count of one
request (header `X-Bench-Queries`), "KB" the response size. Member pages are requested with
a signed-in member's session (a cooperative with a full profile), admin pages with a staff
superuser's. A page answering other than 200 shows its status instead of figures. The
background jobs run in-process against LARGE, one subprocess each (peak RSS is that
process's), calling the functions the Celery tasks call, chunk after chunk as one worker
would; emails are rendered into the ledger, not sent. Worker RSS is each gunicorn worker's
VmHWM after all pages of a size. The p95 of a page slower than a second rests on few
requests (the count is in the section's data comment), and the first request of each page,
unqueued, is there too (`first_ms`).
"""

SECTION = re.compile(
    r"<!-- bench:(?P<label>\w+) -->\n(?P<body>.*?)<!-- /bench:(?P=label) -->\n?", re.S
)
DATA = re.compile(r"<!-- bench-data (?P<json>.*?) -->", re.S)


def machine():
    """nproc, RAM, CPU model and PostgreSQL version of this machine."""
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ram = None
    try:
        with open("/proc/meminfo") as f:
            kb = next(int(line.split()[1]) for line in f if line.startswith("MemTotal"))
        ram = round(kb / 1024 / 1024, 1)
    except (OSError, StopIteration):
        pass
    try:
        postgres = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        postgres = "unknown"
    return {"nproc": os.cpu_count(), "ram_gib": ram, "cpu": cpu, "postgres": postgres}


def _num(value, digits=0):
    if value is None:
        return "\u2013"
    if digits == 0:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def _ratio(value):
    if value is None:
        return "\u2013"
    return f"{value:.1f}x" if value < 10 else f"{value:.0f}x"


def page_table(pages):
    lines = [
        "| page | req/s | p50 ms | p95 ms | \u00d7 floor | queries | KB |",
        "|---|---|---|---|---|---|---|",
    ]
    for page in pages:
        name = page["name"] + (f" ({page['role']})" if page.get("role") else "")
        if page.get("status") != 200:
            lines.append(
                f"| {name} | status {page.get('status')} | | | | {_num(page.get('queries'))} | {_num(page.get('kb'), 1)} |"
            )
            continue
        errors = f" ({page['errors']} non-200)" if page.get("errors") else ""
        p95 = page["p95"]
        p95_text = _num(p95) if p95 >= 100 else _num(p95, 1)
        lines.append(
            f"| {name}{errors} | {_num(page['rps'], 1)} | {_num(page['p50'], 1)} | {p95_text} | "
            f"{_ratio(page['ratio'])} | {_num(page['queries'])} | {_num(page['kb'], 1)} |"
        )
    return "\n".join(lines)


def _seconds(value):
    return "\u2013" if value is None else f"{value:.1f} s"


def size_section(name, size):
    build = size.get("build", {})
    timings = build.get("timings", {})
    inserts = {k: v for k, v in timings.items() if k != PREPARE}
    derived = build.get("derived", {})
    derived_text = "; ".join(
        f"`{command}` {_seconds(seconds)}" if seconds is not None else f"`{command}` absent"
        for command, seconds in derived.items()
    )
    floors = [p["floor_p95"] for p in size.get("pages", []) if p.get("floor_p95")]
    floors.sort()
    floor_text = (
        f"floor p95 {floors[0]:.1f}\u2013{floors[-1]:.1f} ms across the pages' slices"
        if floors
        else "no floor measured"
    )
    rss = ", ".join(f"{value:.0f}" for value in size.get("rss_mib", [])) or "\u2013"
    out = [
        f"### {name.upper()} ({size.get('description', '')})",
        "",
        f"Data built in {_seconds(build.get('total'))}: migrate and demo data "
        f"{_seconds(timings.get(PREPARE))}, bulk inserts "
        f"{_seconds(sum(v for k, v in inserts.items()))} ("
        + ", ".join(f"{k} {v:.1f} s" for k, v in inserts.items())
        + f"). Derived data build: {derived_text or DASH}.",
        "",
        page_table(size.get("pages", [])),
        "",
        f"{floor_text.capitalize()}. Gunicorn workers' peak RSS (VmHWM): {rss} MiB.",
        "",
    ]
    return "\n".join(out)


def jobs_section(jobs):
    if not jobs:
        return ""
    rows = ["| job (LARGE) | time | queries | peak RSS | detail |", "|---|---|---|---|---|"]

    def rss(job):
        return f"{job['rss_mib']:.0f} MiB" if job.get("rss_mib") else "\u2013"

    def failed(job):
        return f"failed: {job['error']}" if job.get("error") else None

    def pooled(job):
        if job.get("pooled_seconds") is None:
            return ""
        return (
            f"; shared by {job['worker_processes']} worker processes as the documented worker "
            f"runs them: {_seconds(job['pooled_seconds'])} ({_num(job.get('pooled_emails'))} emails)"
        )

    job = jobs.get("fanout")
    if job:
        alerts_text = (
            f" (the searches and {_num(job['cooperative_alerts'])} instant cooperative alerts)"
            if job.get("cooperative_alerts") is not None
            else ""
        )
        rows.append(
            f"| alert fan-out: one new call against {_num(job.get('searches'))} instant saved "
            f"searches | {failed(job) or _seconds(job.get('seconds'))} | {_num(job.get('queries'))} | "
            f"{rss(job)} | {_num(job.get('recipients'))} recipients in {_num(job.get('chunks'))} "
            f"chunks{alerts_text}; writing their {_num(job.get('emails'))} emails: "
            f"{_seconds(job.get('send_seconds'))} |"
        )
    for frequency in ("daily", "weekly"):
        job = jobs.get(frequency)
        if job:
            rows.append(
                f"| {frequency} call digests, {_num(job.get('people'))} people "
                f"({_num(job.get('searches'))} searches) | {failed(job) or _seconds(job.get('seconds'))} | "
                f"{_num(job.get('queries'))} | {rss(job)} | {_num(job.get('emails'))} emails, "
                f"{_num(job.get('chunks'))} chunks run one after another{pooled(job)} |"
            )
    job = jobs.get("matchmaking")
    if job:
        rows.append(
            f"| weekly matchmaking digest, {_num(job.get('cooperatives'))} cooperatives "
            f"({_num(job.get('people'))} people) | {failed(job) or _seconds(job.get('seconds'))} | "
            f"{_num(job.get('queries'))} | {rss(job)} | {_num(job.get('emails'))} emails, "
            f"{_num(job.get('chunks'))} chunks |"
        )
    job = jobs.get("matches")
    if job:
        if job.get("error"):
            rows.append(f"| recompute matches | {failed(job)} | | {rss(job)} | |")
        elif not job.get("stored"):
            rows.append(
                "| recompute matches of one new call / one edited profile | not stored: computed per page view | | | |"
            )
        else:
            rows.append(
                f"| recompute matches of one new call | {job['call_seconds']:.2f} s | "
                f"{_num(job['call_queries'])} | {rss(job)} | |"
            )
            rows.append(
                f"| recompute matches of one edited profile | {job['profile_seconds']:.3f} s | "
                f"{_num(job['profile_queries'])} | (same process) | |"
            )
    return "### Background jobs\n\n" + "\n".join(rows) + "\n"


def _rounded(value):
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def _dump(results):
    # "--" would end the HTML comment; it can only occur inside JSON strings.
    return json.dumps(_rounded(results), sort_keys=True, ensure_ascii=False).replace(
        "--", "-\\u002d"
    )


def section(label, results):
    """The markdown of one run (without the markers)."""
    m = results.get("machine", {})
    load = results.get("load", {})
    head = [
        f"## {label.capitalize()}",
        "",
        f"Measured {results.get('date', '?')} at commit `{results.get('commit', '?')}` on "
        f"{m.get('nproc', '?')} CPUs ({m.get('cpu', '?')}), {m.get('ram_gib', '?')} GiB RAM, "
        f"PostgreSQL {m.get('postgres', '?')}. Each page {results.get('seconds')} s at "
        f"concurrency {results.get('concurrency')}. Load average (1 min) "
        f"{load.get('start', '?')} at the start, {load.get('end', '?')} at the end"
        + (f"; {results['note']}" if results.get("note") else "")
        + ".",
        "",
    ]
    body = [size_section(name, size) for name, size in results.get("sizes", {}).items()]
    body.append(jobs_section(results.get("jobs", {})))
    return "\n".join(head + body) + f"\n<!-- bench-data {_dump(results)} -->\n"


def goal(page):
    return ADMIN_GOAL if page["path"].startswith("/admin/") else PAGE_GOAL


def comparison(before, after, size="large"):
    """Before and after p95 x floor at `size`, page by page, with the issue's goal."""
    old = {p["name"]: p for p in before.get("sizes", {}).get(size, {}).get("pages", [])}
    new = {p["name"]: p for p in after.get("sizes", {}).get(size, {}).get("pages", [])}
    if not old and not new:
        return ""
    lines = [
        "## Comparison",
        "",
        f"p95 as a multiple of the floor's p95 at {size.upper()}.",
        "",
        f"| page | before \u00d7 floor {size.upper()} | after \u00d7 floor {size.upper()} | goal |",
        "|---|---|---|---|",
    ]
    for name in list(old) + [n for n in new if n not in old]:
        page = old.get(name) or new[name]

        def cell(p):
            if p is None:
                return "\u2013"
            if p.get("status") != 200:
                return f"status {p.get('status')}"
            return _ratio(p.get("ratio"))

        label = name + (f" ({page['role']})" if page.get("role") else "")
        lines.append(f"| {label} | {cell(old.get(name))} | {cell(new.get(name))} | {goal(page)}x |")
    return "\n".join(lines) + "\n"


def parse(text):
    """{label: (body text, results or None)} of the sections in an existing document."""
    found = {}
    for match in SECTION.finditer(text or ""):
        data = DATA.search(match["body"])
        results = json.loads(data["json"]) if data else None
        found[match["label"]] = (match["body"], results)
    return found


NOTES_AFTER = "<!-- /bench:comparison -->"


def document(existing, label, results):
    """The whole document with `label`'s section replaced by `results`, the other kept."""
    if label not in LABELS:
        raise ValueError(f"label must be one of {LABELS}")
    sections = parse(existing)
    # What follows the comparison (the notes on why targets are missed) is written by hand.
    notes = existing.split(NOTES_AFTER, 1)[1] if NOTES_AFTER in (existing or "") else ""
    sections[label] = (section(label, results), results)
    parts = [INTRO]
    for name in LABELS:
        if name in sections:
            parts.append(f"<!-- bench:{name} -->\n{sections[name][0]}<!-- /bench:{name} -->\n")
    before, after = (sections.get(name, (None, None))[1] for name in LABELS)
    if before and after:
        parts.append(f"<!-- bench:comparison -->\n{comparison(before, after)}{NOTES_AFTER}\n")
    return "\n".join(parts) + notes.removeprefix("\n")
