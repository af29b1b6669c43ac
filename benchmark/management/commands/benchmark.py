"""`manage.py benchmark`: issue 13's benchmark, written to docs/benchmarks.md.

The command orchestrates; the work that needs a benchmark database runs in subprocesses of
this same command (`--step`), each pointed at its database by DATABASE_URL, so no process
switches databases and each job's peak RSS is its own (os.wait4).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from benchmark import drive, report

RESULT = "BENCH-RESULT "
POSTGRES = "postgres://postgres@127.0.0.1:5432/"
SETTINGS = "benchmark.settings"
JOB_ORDER = ["matches", "fanout", "daily", "weekly", "matchmaking"]


def pages(info):
    """(name, path, role) of the pages of issue 13, with the parameters the filters expect."""
    search = f"/calls/?q={info['q']}&status=open&theme={info['theme']}"
    return [
        ("/partnerships/suggestions/", "/partnerships/suggestions/", "member"),
        ("/portal/", "/portal/", "member"),
        ("/partnerships/", "/partnerships/", "member"),
        ("/calls/feed.ics", "/calls/feed.ics", None),
        ("/calls/", "/calls/", None),
        ("/calls/?q=…&status=open&theme=…", search, None),
        ("/admin/funding/call/", "/admin/funding/call/", "staff"),
        ("/admin/members/cooperative/", "/admin/members/cooperative/", "staff"),
        ("/ (home)", "/", None),
        ("/members/?association=…", f"/members/?association={info['association']}", None),
        ("/startups/", "/startups/", None),
        ("call detail", f"/calls/{info['call_slug']}/", None),
        ("cooperative page", f"/members/{info['cooperative_slug']}/", None),
        ("/networks/", "/networks/", None),
        ("/calls/feed.rss", "/calls/feed.rss", None),
    ]


def describe(size):
    from benchmark.data import SIZES

    s = SIZES[size]
    return (
        f"{s.cooperatives:,} cooperatives, {s.people:,} members, {s.calls:,} calls, "
        f"{s.requests:,} requests, {s.interests:,} expressions of interest, "
        f"{s.startups:,} startups, {s.saved_searches:,} saved searches"
    )


def database_name(size):
    return f"innovacoop_bench_{size}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def vm_hwm_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def children(pid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return sorted(found)


class Command(BaseCommand):
    help = "Benchmark the portal at SMALL and LARGE size and write docs/benchmarks.md."

    def add_arguments(self, parser):
        parser.add_argument("--label", choices=report.LABELS, default="before")
        parser.add_argument("--sizes", default="small,large")
        parser.add_argument("--seconds", type=float, default=6.0, help="Per page (page slices).")
        parser.add_argument("--concurrency", type=int, default=4)
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md")
        )
        parser.add_argument("--skip-jobs", action="store_true", help="Pages only.")
        parser.add_argument(
            "--jobs",
            default=",".join(JOB_ORDER),
            help=f"Background jobs timed at LARGE, comma-separated (default: {','.join(JOB_ORDER)}).",
        )
        parser.add_argument("--note", default="", help="A remark printed in the section.")
        # Internal: run one step against the database DATABASE_URL names.
        parser.add_argument("--step", choices=["build", "job"], help="(internal)")
        parser.add_argument("--size", help="(internal)")
        parser.add_argument("--job", help="(internal)")

    def handle(self, *args, **options):
        if options["step"]:
            return self.run_step(options)
        sizes = [s.strip() for s in options["sizes"].split(",") if s.strip()]
        unknown = set(sizes) - {"small", "large"}
        if unknown or not sizes:
            raise CommandError("--sizes takes small, large or both.")
        jobs = [j.strip() for j in options["jobs"].split(",") if j.strip()]
        if set(jobs) - set(JOB_ORDER):
            raise CommandError(f"--jobs takes some of {', '.join(JOB_ORDER)}.")
        options["jobs"] = [j for j in JOB_ORDER if j in jobs]
        if not 0 < options["seconds"] <= 600 or not 1 <= options["concurrency"] <= 64:
            raise CommandError("--seconds must be in (0, 600], --concurrency in [1, 64].")
        self.orchestrate(sizes, options)

    # --- Steps (subprocesses) --------------------------------------------------------------

    def run_step(self, options):
        from django.db import connection

        names = {database_name(size) for size in ("small", "large")}
        if connection.vendor != "postgresql" or connection.settings_dict["NAME"] not in names:
            # A step drops rows and rewrites alerts: never on any other database.
            raise CommandError("Steps run only against a benchmark PostgreSQL database.")
        if options["step"] == "build":
            from benchmark import data

            started = time.perf_counter()
            print("    migrate and demo data...", flush=True)
            data.prepare()
            prepared = round(time.perf_counter() - started, 1)
            result = data.Builder(data.SIZES[options["size"]]).build()
            result["timings"] = {"migrate + demo": prepared, **result["timings"]}
        else:
            from benchmark import measure

            try:
                result = measure.MEASUREMENTS[options["job"]]()
            except Exception as exc:  # reported in the document, not hidden
                result = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        print(RESULT + json.dumps(result, default=str), flush=True)

    def spawn(self, env, *args, timeout=1800):
        """Run this command with `args` in a subprocess; its result and its peak RSS (MiB)."""
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "benchmark", *args]
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
        result = None
        deadline = time.monotonic() + timeout
        for line in process.stdout:
            if line.startswith(RESULT):
                result = json.loads(line[len(RESULT) :])
            else:
                self.stdout.write(line.rstrip("\n"))
            if time.monotonic() > deadline:
                process.kill()
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if result is None:
            raise CommandError(f"{' '.join(args)} failed (exit {process.returncode}).")
        return result, usage.ru_maxrss / 1024

    # --- Orchestration ---------------------------------------------------------------------

    def orchestrate(self, sizes, options):
        started = time.perf_counter()
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                cwd=settings.BASE_DIR,
                capture_output=True,
                text=True,
            ).stdout.strip()
            or "unknown"
        )
        results = {
            "label": options["label"],
            "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "commit": commit,
            "machine": report.machine(),
            "load": {"start": round(os.getloadavg()[0], 2)},
            "seconds": options["seconds"],
            "concurrency": options["concurrency"],
            "note": options["note"],
            "sizes": {},
            "jobs": {},
        }
        self.stdout.write(f"Benchmark '{options['label']}' at {commit}: {', '.join(sizes)}")
        for size in sizes:
            env = self.database(size)
            results["sizes"][size] = self.run_size(size, env, options)
            if size == "large" and not options["skip_jobs"]:
                results["jobs"] = self.run_jobs(env, options["jobs"])
        results["load"]["end"] = round(os.getloadavg()[0], 2)
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        existing = output.read_text() if output.exists() else ""
        output.write_text(report.document(existing, options["label"], results))
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {output} in {time.perf_counter() - started:.0f} s.")
        )

    def database(self, size):
        """Drop and create the size's database; the environment its subprocesses run with."""
        name = database_name(size)
        for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
            subprocess.run(
                ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql],
                check=True,
                capture_output=True,
            )
        env = {**os.environ, "DATABASE_URL": POSTGRES + name, "DJANGO_SETTINGS_MODULE": SETTINGS}
        env.pop("DEBUG", None)
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def run_size(self, size, env, options):
        self.stdout.write(f"[{size}] building {describe(size)}")
        started = time.perf_counter()
        built, _rss = self.spawn(env, "--step", "build", "--size", size)
        built["total"] = round(time.perf_counter() - started, 1)
        self.stdout.write(f"[{size}] built in {built['total']:.0f} s")
        cookies = built.pop("cookies")
        port = free_port()
        server = self.serve(env, port)
        try:
            measured = []
            drive.probe(port, drive.FLOOR_PATH)  # warm both workers' floor
            for name, path, role in pages(built):
                cookie = cookies.get(role) if role else None
                page = {"name": name, "path": path, "role": role, **drive.probe(port, path, cookie)}
                if page["status"] == 200:
                    page.update(
                        drive.timed(
                            port,
                            path,
                            cookie,
                            seconds=options["seconds"],
                            concurrency=options["concurrency"],
                        )
                    )
                    floor = page["floor_p95"]
                    page["ratio"] = page["p95"] / floor if floor else None
                    self.stdout.write(
                        f"[{size}] {name}: {page['rps']} req/s, p95 {page['p95']:.1f} ms "
                        f"({page['ratio']:.1f}x floor {floor:.1f} ms), {page['queries']} queries, "
                        f"{page['kb']} KB"
                    )
                else:
                    self.stdout.write(f"[{size}] {name}: status {page['status']}")
                measured.append(page)
            workers = children(server.pid)
            rss = [value for value in (vm_hwm_mib(pid) for pid in workers) if value]
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        self.stdout.write(f"[{size}] workers' peak RSS: {', '.join(f'{r:.0f}' for r in rss)} MiB")
        return {"description": describe(size), "build": built, "pages": measured, "rss_mib": rss}

    def serve(self, env, port):
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [
                str(gunicorn),
                "innovacoop.wsgi",
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "300",
                "--chdir",
                str(settings.BASE_DIR),
                "--log-level",
                "warning",
            ],
            env=env,
        )
        for _ in range(300):
            time.sleep(0.2)
            if server.poll() is not None:
                raise CommandError("gunicorn stopped at start-up.")
            try:
                if drive.probe(port, drive.FLOOR_PATH)["status"] == 200:
                    return server
            except OSError:
                continue
        server.kill()
        raise CommandError("gunicorn did not answer the floor within 60 s.")

    def run_jobs(self, env, names):
        jobs = {}
        for job in names:
            self.stdout.write(f"[large] job {job}...")
            started = time.perf_counter()
            result, rss = self.spawn(env, "--step", "job", "--job", job)
            result["rss_mib"] = round(rss, 1)
            jobs[job] = result
            self.stdout.write(
                f"[large] job {job}: {json.dumps(result)} ({time.perf_counter() - started:.0f} s)"
            )
        return jobs
