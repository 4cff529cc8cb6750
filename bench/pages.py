"""Page latency under concurrent clients against gunicorn, next to a bare Flask page; and the review PDF's build.

- The app is served by gunicorn (2 workers × 4 threads, as a small installation would run it) on the
  database being measured; a bare Flask app (bench/bare.py, one route returning a small page) is served the
  same way and measured the same way: the ratio says what Rapport's own work costs per page.
- Each page is asked for REQUESTS times by CLIENTS clients at once, each signed in (cookies kept); the
  figures are the median and the 95th percentile of the answer times, ok answers only (any other status
  stops the bench).
- Before the timed requests each page is asked for by all clients at once, twice, so that every worker has
  kept what it keeps (a review is computed once per data version, portal/computed_cache.py); the first view
  of a review is measured apart: one client alone asks for reviews of periods nobody asked for yet.
- The CIO's monthly report: `flask report cio` for last month, wall time in its own process.
- The review PDF: `flask report review` for the same unit, wall time in its own process (start-up included)
  and the build time it reports.
"""

from __future__ import annotations

import contextlib
import html.parser
import http.cookiejar
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from portal import clock

HERE = Path(__file__).resolve().parent
CLIENTS = 8
REQUESTS = 120
FIRST_REVIEWS = 5
TARGET_MS = 200.0  # a department head's pages, on the demo organisation


@dataclass(frozen=True)
class Latency:
    page: str
    who: str
    median_ms: float
    p95_ms: float


@dataclass(frozen=True)
class PagesFigures:
    organisation: str
    bare: Latency
    pages: list[Latency]
    pdf_seconds: float  # `flask report review`, wall time of the process
    pdf_kib: float
    first_review_ms: list[float]  # a review nobody asked for yet, one client alone
    cio_seconds: float = 0.0  # `flask report cio` for last month, wall time of the process
    cio_kib: float = 0.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def served(app: str, env: dict[str, str], root: Path) -> Iterator[str]:
    """gunicorn serving `app` on a free loopback port until the block ends."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        "2",
        "--threads",
        "4",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        app,
    ]
    server = subprocess.Popen(command, env=env, cwd=root)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                # The address is our own loopback http:// one.
                urllib.request.urlopen(f"{base}/healthz" if app == "wsgi:app" else base, timeout=1).close()  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"gunicorn did not answer on {base}")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


class _CsrfField(html.parser.HTMLParser):
    token = ""

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        values = dict(attrs)
        if tag == "input" and values.get("name") == "csrf_token":
            self.token = values.get("value") or ""


def signed_in(base: str, email: str, password: str) -> list[urllib.request.OpenerDirector]:
    """CLIENTS openers sharing one signed-in session (signing in once: the login form is rate-limited)."""
    jar = http.cookiejar.CookieJar()  # thread-safe: the clients share it
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = _CsrfField()
    form.feed(opener.open(f"{base}/login", timeout=30).read().decode())
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": form.token}).encode()
    answer = opener.open(f"{base}/login", data=body, timeout=30)
    if answer.url.endswith("/login"):
        raise SystemExit(f"could not sign in as {email}")
    return [urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)) for _ in range(CLIENTS)]


def latency(base: str, path: str, who: str, openers: list[urllib.request.OpenerDirector]) -> Latency:
    def one(index: int) -> float:
        opener = openers[index % len(openers)]
        started = time.perf_counter()
        with opener.open(f"{base}{path}", timeout=60) as answer:
            answer.read()
            if answer.status != 200:
                raise SystemExit(f"{path} answered {answer.status}")
        return (time.perf_counter() - started) * 1000

    with ThreadPoolExecutor(max_workers=len(openers)) as pool:
        list(pool.map(one, range(2 * len(openers))))  # every worker's connections and kept results first
        times = sorted(pool.map(one, range(REQUESTS)))
    return Latency(path, who, statistics.median(times), times[int(len(times) * 0.95) - 1])


def first_reviews(base: str, unit_key: str, opener: urllib.request.OpenerDirector) -> list[float]:
    """The review of each of the FIRST_REVIEWS months before the last quarter: periods nobody has asked for,
    so each is computed from the data, as the first view after a data change is."""
    times = []
    month = clock.today().replace(day=1)
    for _ in range(3 + FIRST_REVIEWS):
        end = month - timedelta(days=1)
        month = end.replace(day=1)
        if len(times) < FIRST_REVIEWS and (clock.today() - month).days > 100:  # before the last quarter
            started = time.perf_counter()
            with opener.open(f"{base}/units/{unit_key}/review?from={month}&to={end}", timeout=60) as answer:
                answer.read()
            times.append((time.perf_counter() - started) * 1000)
    return times


def _account(flask: list[str], env: dict[str, str], root: Path, email: str, role: str, *extra: str) -> str:
    result = subprocess.run(
        [*flask, "create-user", email, "--role", role, "--generate-password", *extra],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
    )
    found = re.search(r"Password: (\S+)", result.stdout)
    if result.returncode != 0 or not found:
        raise SystemExit(f"create-user {email} failed:\n{result.stdout}{result.stderr}")
    return found.group(1)


def _pick(flask: list[str], env: dict[str, str], root: Path) -> tuple[str, str]:
    """A unit with the most subscriptions (a department head's busiest page) and one of its systems."""
    code = (
        "from sqlalchemy import func, select\n"
        "from models import Subscription, System, Unit, db\n"
        "from wsgi import app\n"
        "with app.app_context():\n"
        "    unit_id = db.session.execute(select(Subscription.unit_id, func.count()).group_by(Subscription.unit_id)"
        ".order_by(func.count().desc(), Subscription.unit_id)).first()[0]\n"
        "    unit = db.session.get(Unit, unit_id)\n"
        "    system = db.session.scalar(select(System.key).join(Subscription).where(Subscription.unit_id == unit_id)"
        ".order_by(System.key))\n"
        "    print(unit.key, system)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"could not pick a unit:\n{result.stderr[-2000:]}")
    unit_key, system_key = result.stdout.split()[-2:]
    return unit_key, system_key


def measure_pages(organisation: str, flask: list[str], env: dict[str, str], root: Path) -> PagesFigures:
    unit_key, system_key = _pick(flask, env, root)
    stamp = int(time.time())
    head_email, cio_email = f"head-{stamp}@bench.test", f"cio-{stamp}@bench.test"
    head_password = _account(flask, env, root, head_email, "dept_head", "--unit", unit_key)
    cio_password = _account(flask, env, root, cio_email, "cio")
    with served("bare:app", env | {"PYTHONPATH": str(HERE)}, root) as bare_base:
        openers = [urllib.request.build_opener() for _ in range(CLIENTS)]
        bare = latency(bare_base, "/", "anyone", openers)
    pages: list[Latency] = []
    with served("wsgi:app", env, root) as base:
        heads = signed_in(base, head_email, head_password)
        for path in (
            f"/units/{unit_key}",
            f"/units/{unit_key}/explain",
            f"/units/{unit_key}/review",
            f"/units/{unit_key}/review.pdf",
        ):
            pages.append(latency(base, path, "department head", heads))
        first = first_reviews(base, unit_key, heads[0])
        cios = signed_in(base, cio_email, cio_password)
        for path in ("/portfolio/", f"/systems/{system_key}"):
            pages.append(latency(base, path, "CIO", cios))
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "review.pdf"
        started = time.perf_counter()
        result = subprocess.run(
            [*flask, "report", "review", "--unit", unit_key, "--out", str(out)],
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(f"flask report review failed:\n{result.stdout}{result.stderr[-2000:]}")
        size = out.stat().st_size / 1024
        cio_out = Path(scratch) / "cio.pdf"
        started = time.perf_counter()
        result = subprocess.run(
            [*flask, "report", "cio", "--out", str(cio_out)], env=env, cwd=root, capture_output=True, text=True
        )
        cio_seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(f"flask report cio failed:\n{result.stdout}{result.stderr[-2000:]}")
        cio_size = cio_out.stat().st_size / 1024
    return PagesFigures(organisation, bare, pages, seconds, size, first, cio_seconds, cio_size)


def pages_table(figures: list[PagesFigures]) -> list[str]:
    lines = [
        "| organisation | page | who | median | 95th percentile | ÷ bare Flask median |",
        "|---|---|---|---:|---:|---:|",
    ]
    for found in figures:
        bare = found.bare
        lines.append(
            f"| {found.organisation} | bare Flask page | — | {bare.median_ms:.1f} ms | {bare.p95_ms:.1f} ms | 1.0 |"
        )
        for page in found.pages:
            mark = ""
            if found.organisation.startswith("demo") and page.who == "department head":
                mark = " ✓" if page.p95_ms < TARGET_MS else " ✗"
            lines.append(
                f"| {found.organisation} | `{page.page}` | {page.who} | {page.median_ms:.0f} ms | "
                f"{page.p95_ms:.0f} ms{mark} | {page.median_ms / bare.median_ms:.1f} |"
            )
    firsts = "; ".join(
        f"{found.organisation}: median {statistics.median(found.first_review_ms):.0f} ms, at most "
        f"{max(found.first_review_ms):.0f} ms ({len(found.first_review_ms)} months)"
        for found in figures
        if found.first_review_ms
    )
    pdfs = "; ".join(f"{found.organisation}: {found.pdf_seconds:.1f} s ({found.pdf_kib:.0f} KiB)" for found in figures)
    lines += [
        "",
        f"{CLIENTS} clients at once, {REQUESTS} requests per page, gunicorn 2 workers × 4 threads. Target: every "
        f"department head's page under {TARGET_MS:.0f} ms at the 95th percentile on the demo organisation (✓/✗).",
        f"The first view of a review, before anything is kept (one client alone, a month's review): {firsts}.",
        f"`flask report review` (the review PDF, process start-up included): {pdfs}.",
        "`flask report cio` (the CIO's monthly report of last month, process start-up included): "
        + "; ".join(f"{found.organisation}: {found.cio_seconds:.1f} s ({found.cio_kib:.0f} KiB)" for found in figures)
        + ".",
    ]
    return lines
