"""Benchmark: pages served by gunicorn under load, each against `/healthz` in the same run.

    .venv/bin/python bench/bench_load.py [--participants 10000] [--database sqlite|postgres]
        [--duration 10] [--connections 2] [--workers 2] [--fresh]

The requirement (issue 9): throughput and latency (median, p95, p99) of the public agenda
page, a participant's own page, the managers' board and a country report, served by
gunicorn as in production, with a load generator on loopback, each against `/healthz` in
the same run, on SQLite and on PostgreSQL, at N = 10,000 and N = 100,000. Budgets: the
agenda serves 0.9 of the requests per second of `/healthz` (issue 22 keeps the 0.9 it
reached; issue 9 asked half), the participant's own page at least half as many as the
reference page (issue 22); both with p95 under 50 ms at N = 100,000 on both databases with 2
CPU cores; the managers' board and a country's report within the 300 ms of every HTML page
(issue 22), here at p95 under load.

What it does:

1. prepares the scaled database (`bench/scaled_database.py`: `seed_scale --participants N`,
   kept between runs) and collects the static files;
2. starts `gunicorn capacita.wsgi:application` with `--workers` sync workers (2 by default:
   one per core of the machine the budget names) on a free loopback port, DEBUG off, as
   production runs it, with the project's settings plus one reference page
   (`floor_settings.py`: a page that only says who is logged in);
3. logs in through the login form as a generated participant, the generated manager and
   the focal point for Mexico of the first generated programme (about 1,000 participants
   in a database of N), and checks each page answers 200 to its reader;
4. runs `wrk` (Debian's package) on each page for `--duration` seconds with
   `--connections` connections (one per worker by default: every worker busy all the time,
   no request waiting in the queue, so the latency is the page's own under full load),
   `/healthz` right before each page, and prints requests per second, median, p95 and p99
   latency, errors, and the page's throughput as a share of `/healthz`'s.

The load generator and the server share the machine's cores, as the issue asks (loopback).
It is a benchmark, not a test: pytest does not collect it (it lives outside tests/).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scaled_database  # noqa: E402

BENCH = Path(__file__).resolve().parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PROGRAMME = "/es/programmes/scale-001"
PASSWORD = "scale-capacita"  # noqa: S105 - the generated accounts' documented password
READERS = {
    "anonymous": None,
    "participant": "participant.000001@scale.example.org",
    "manager": "manager@scale.example.org",
    "focal point": "focal.mx@scale.example.org",
}
PAGES = [
    ("public agenda page", f"{PROGRAMME}/", "anonymous"),
    ("participant's own page", f"{PROGRAMME}/me/", "participant"),
    ("managers' board", f"{PROGRAMME}/board/", "manager"),
    ("country report (MX)", f"{PROGRAMME}/reports/MX/", "focal point"),
    # The least a personal page does (bench/floor_urls.py): no budget, the reference that
    # shows how far below /healthz any page reading a person's own records must stay.
    ("floor: who is logged in", "/bench/who/", "participant"),
]
# Issue 9: the public agenda at half of /healthz or more; issue 22: it keeps its 0.9 of it,
# and the participant's own page serves half of the reference page or more (a page that
# reads a session and an account). Both pages: p95 under 50 ms (issue 9). The managers'
# pages have the budget of every HTML page (issue 22: 300 ms), here at p95 under load.
HALF_OF_HEALTHZ = {"public agenda page"}
SHARE_OF_HEALTHZ = 0.9
HALF_OF_REFERENCE = {"participant's own page"}
REFERENCES = {"floor: who is logged in"}
P95_BUDGET_MS = 50.0
PAGE_BUDGET_MS = 300.0

WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "p50": %.3f, "p95": %.3f, "p99": %.3f, '
    .. '"status_errors": %d, "socket_errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, errors))
end
"""


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    scaled_database.add_arguments(parser)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=2, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(env, port: int, workers: int) -> subprocess.Popen:
    env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "floor_settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH), env.get("PYTHONPATH")])),
    }
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn
        [
            GUNICORN,
            "capacita.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "/dev/null",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(f"gunicorn did not start: {server.stderr.read()}")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def session_cookie(base: str, email: str) -> str:
    """Log in through the form, as a person would; returns the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirects())
    form = opener.open(f"{base}/es/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD}
    ).encode()
    try:
        opener.open(f"{base}/es/accounts/login/", data)
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"could not log in as {email}")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def check_page(base: str, path: str, cookie: str | None) -> tuple[int, int]:
    """The page's status and size in bytes, as its reader gets it."""
    request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(_NoRedirects())
    try:
        with opener.open(request) as answer:
            body = answer.read()
            return answer.status, len(body)
    except urllib.error.HTTPError as answer:
        return answer.code, 0


def load(url: str, cookie: str | None, args, script: Path) -> dict:
    command = [
        "wrk",
        "--threads",
        "1",
        "--connections",
        str(args.connections),
        "--duration",
        f"{args.duration}s",
        "--timeout",
        "10s",
        "--script",
        str(script),
    ]
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    output = subprocess.run(  # noqa: S603 - wrk with our own arguments
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.node()}: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> int:
    args = arguments()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    env = scaled_database.prepare(args)
    port = free_port()
    server = start_server(env, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    results = []
    ok = True
    try:
        cookies = {
            reader: (session_cookie(base, email) if email else None)
            for reader, email in READERS.items()
        }
        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / "report.lua"
            script.write_text(WRK_REPORT)
            load(f"{base}/healthz", None, args, script)  # warm up the workers
            for name, path, reader in PAGES:
                status, size = check_page(base, path, cookies[reader])
                if status != 200:
                    raise SystemExit(f"{name}: {path} answered {status} to the {reader}")
                load(base + path, cookies[reader], args, script)  # warm up this page
                healthz = load(f"{base}/healthz", None, args, script)
                page = load(base + path, cookies[reader], args, script)
                results.append((name, path, size, healthz, page))
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"\n{machine()}")
    print(
        f"{args.database}, N = {args.participants:,} participants (page of scale-001), "
        f"gunicorn {args.workers} sync workers, wrk 1 thread {args.connections} connections "
        f"{args.duration} s, {time.strftime('%Y-%m-%d')}"
    )
    header = (
        f"{'page':<24}{'bytes':>8}{'req/s':>9}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
        f"{'errors':>8}{'healthz req/s':>15}{'share':>7}  budget"
    )
    print(header)
    print("-" * len(header))
    figures = []
    for name, path, size, healthz, page in results:
        share = page["rps"] / healthz["rps"]
        errors = page["status_errors"] + page["socket_errors"]
        checks = []
        if name in HALF_OF_HEALTHZ:
            checks.append((f"≥ {SHARE_OF_HEALTHZ} × healthz", share >= SHARE_OF_HEALTHZ))
        if name in HALF_OF_REFERENCE:
            reference = next(page for name, *_, page in results if name in REFERENCES)
            checks.append(("≥ 0.5 × reference", page["rps"] / reference["rps"] >= 0.5))
        if name in HALF_OF_HEALTHZ | HALF_OF_REFERENCE:
            checks.append((f"p95 < {P95_BUDGET_MS:.0f} ms", page["p95"] < P95_BUDGET_MS))
        elif name not in REFERENCES:
            checks.append((f"p95 < {PAGE_BUDGET_MS:.0f} ms", page["p95"] < PAGE_BUDGET_MS))
        checks.append(("no errors", errors == 0))
        verdict = ", ".join(f"{label} {'PASS' if good else 'FAIL'}" for label, good in checks)
        if name in REFERENCES:
            verdict = f"reference, no budget; {verdict}"
        ok = ok and all(good for _label, good in checks)
        print(
            f"{name:<24}{size:>8}{page['rps']:>9.0f}{page['p50']:>8.1f}{page['p95']:>8.1f}"
            f"{page['p99']:>8.1f}{errors:>8}{healthz['rps']:>15.0f}{share:>7.2f}  {verdict}"
        )
        figures.append({"page": name, "path": path, "bytes": size, "healthz": healthz, **page})
    # The personal pages against the least a personal page does (session and account read),
    # the ratio bench/RESULTS.md proposes in place of the share of /healthz.
    reference = next((page for name, *_, page in results if name in REFERENCES), None)
    if reference:
        for name, _path, _size, _healthz, page in results:
            if name in HALF_OF_REFERENCE:
                print(f"{name} against the reference page: {page['rps'] / reference['rps']:.2f}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": machine(),
                    "database": args.database,
                    "participants": args.participants,
                    "date": time.strftime("%Y-%m-%d"),
                    "pages": figures,
                },
                indent=2,
            )
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
