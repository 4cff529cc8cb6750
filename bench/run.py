"""`make bench`: how fast, and in how much memory, `flask import usage` runs, against a bare executemany.

Generates (or reuses from bench/data/) a large organisation with bench/generate.py, then:

  1. SQLite: a fresh database in a temporary folder, `flask db upgrade`, the master data imported (not
     timed), then `flask import usage FILE` timed in its own process: wall time, rows/s, peak memory.
  2. Baseline: the usage_event table alone (its CREATE TABLE and CREATE INDEX statements, copied from the
     migrated database) in a fresh SQLite file with the app's pragmas; the same rows, built beforehand, go in
     with executemany in one transaction. Only executemany and the commit are timed.
  3. With --postgres: the same import, and the same kind of baseline, on a throwaway PostgreSQL server.

Prints a markdown table and writes it to bench/results/YYYY-MM-DD-HHMM.md and bench/results/LATEST.md.
How to read the figures: bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import platform
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FLASK = [sys.executable, "-m", "flask"]
BASELINE_CHUNK = 100_000  # rows built (untimed) and inserted (timed) at a time, so the baseline's memory stays flat
SAMPLE_SECONDS = 0.05
TARGET_RATIO = 0.5
TARGET_MEMORY_MB = 300
EXIT_OK, EXIT_REFUSED = 0, 3

sys.path.insert(0, str(HERE))
from generate import (  # noqa: E402
    END,
    generate,
    usage_total,
)
from health import TARGET_RECOMPUTE_RATIO, HealthFigures, measure_health  # noqa: E402
from measure import measured_run  # noqa: E402
from pages import PagesFigures, measure_pages, pages_table  # noqa: E402


@dataclass
class Import:
    """One timed `flask import usage` run."""

    rows: int
    seconds: float
    pss_peak_mb: float  # the largest sampled sum of PSS over the import's process tree
    rss_peak_mb: float  # the exact peak RSS of its largest single process (wait4's ru_maxrss)
    summary: str

    @property
    def rate(self) -> float:
        return self.rows / self.seconds

    @property
    def engine_rate(self) -> float | None:
        """The rows/s the import reports itself (its run, without the process's start-up): for comparison."""
        found = re.search(r"·\s*([\d,]+) rows/s", self.summary)
        return float(found.group(1).replace(",", "")) if found else None

    @property
    def memory_mb(self) -> float:
        """The figure held against the target: the larger of the two, so neither method's blind spot flatters it."""
        return max(self.pss_peak_mb, self.rss_peak_mb)


@dataclass
class Baseline:
    rows: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


# --- the data -------------------------------------------------------------------------------------------


def data_folder(scale: float, seed: int) -> tuple[Path, float | None]:
    """The cached files for this scale and seed, generated first if missing; and the generation time."""
    folder = HERE / "data" / f"scale-{scale:g}-seed-{seed}"
    done = folder / ".complete"  # written last, so a generation cut short is redone rather than reused
    if done.exists():
        return folder, None
    print(f"Generating {usage_total(scale):,} usage rows into {folder.relative_to(ROOT)} …", flush=True)
    started = time.perf_counter()
    generate(folder, scale, seed)
    seconds = time.perf_counter() - started
    done.touch()
    print(f"  generated in {seconds:.0f} s", flush=True)
    return folder, seconds


# --- the app, through its CLI ----------------------------------------------------------------------------


def app_environment(database_url: str) -> dict[str, str]:
    # Production settings with a fixed key: development mode would write a secret key into instance/.
    return {
        **os.environ,
        "FLASK_APP": "wsgi",
        "RAPPORT_ENV": "production",
        "SECRET_KEY": "bench-only-not-secret",
        "DATABASE_URL": database_url,
    }


def flask(database_url: str, *args: str) -> str:
    result = subprocess.run(
        [*FLASK, *args], env=app_environment(database_url), cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode != EXIT_OK:
        raise SystemExit(f"`flask {' '.join(args)}` exited with {result.returncode}:\n{result.stdout}{result.stderr}")
    return result.stdout


def require_import_command() -> None:
    """Fail early and clearly when the import engine is not in this tree yet."""
    with tempfile.TemporaryDirectory(prefix="rapport-bench-") as scratch:
        commands = flask(f"sqlite:///{scratch}/probe.db", "--help")
    if not re.search(r"^\s+import\s", commands, re.MULTILINE):
        raise SystemExit("`flask import` does not exist in this tree yet: the benchmark measures it, so it cannot run.")


def load_master(database_url: str, folder: Path) -> None:
    flask(database_url, "db", "upgrade")
    for kind in ("units", "systems", "people", "subscriptions"):
        flask(database_url, "import", kind, str(folder / f"{kind}.csv"))


# --- memory of a running process tree --------------------------------------------------------------------


def timed_import(database_url: str, path: Path) -> Import:
    """`flask import usage FILE` in its own process: wall time from start to exit, and its peak memory.

    The re-score that follows an import is switched off here: it is measured on its own, as the full
    recompute of the health figures (bench/health.py).
    """
    rows = sum(1 for _ in path.open("rb")) - 1
    env = {**app_environment(database_url), "RAPPORT_HEALTH_RESCORE_AFTER_IMPORT": "0"}
    run = measured_run([*FLASK, "import", "usage", str(path)], env, cwd=ROOT)
    if run.returncode not in (EXIT_OK, EXIT_REFUSED):
        raise SystemExit(f"`flask import usage` failed with exit status {run.returncode}:\n{run.text[-3000:]}")
    if run.returncode == EXIT_REFUSED:
        print("  warning: the import refused some rows (exit status 3); the figures count every row read.")
    summary = " ".join(line.strip() for line in run.text.splitlines()[:3])
    print(f"  {summary}", flush=True)
    return Import(rows, run.seconds, run.pss_peak_mb, run.rss_peak_mb, summary)


# --- the baseline rows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lookups:
    """Keys resolved to ids from the migrated database, before any clock starts."""

    people: dict[str, tuple[int, int]]  # person key -> (person id, unit id)
    systems: dict[str, int]
    units: dict[str, int]
    run_id: int | None


def read_lookups(connection) -> Lookups:
    people = {key: (pid, unit) for key, pid, unit in connection.execute("SELECT key, id, unit_id FROM person")}
    systems = {key: sid for key, sid in connection.execute("SELECT key, id FROM system")}
    units = {key: uid for key, uid in connection.execute("SELECT key, id FROM unit")}
    run_id = connection.execute("SELECT max(id) FROM import_run").fetchone()[0]
    return Lookups(people, systems, units, run_id)


def _dedup_key(row: dict[str, str]) -> bytes:
    # As the importer derives it (source + record id, 16-byte BLAKE2b), so the unique index sees the same keys.
    identity = f"id\x1f{row['source_system']}\x1f{row['source_record_id']}"
    return hashlib.blake2b(identity.encode(), digest_size=16).digest()


def column_makers(columns: list[tuple[str, str, bool]], lookups: Lookups, sqlite: bool) -> list[Callable]:
    """One function per insertable column, turning a CSV row into that column's value.

    Works from whatever columns usage_event has: known names get their real value (ids by dict lookup),
    unknown NOT NULL columns a neutral value of their type, unknown nullable ones NULL.
    """

    def moment(row: dict[str, str]):
        text = row["occurred_at"]
        if sqlite:  # how SQLAlchemy stores a DateTime on SQLite, as the importer writes it
            return f"{text[:10]} {text[11:19]}.000000"
        return datetime.fromisoformat(text[:19]).replace(tzinfo=UTC)

    def unit(row: dict[str, str]) -> int:
        return lookups.units[row["unit_key"]] if row.get("unit_key") else lookups.people[row["person_key"]][1]

    known: dict[str, Callable] = {
        "dedup_key": _dedup_key,
        "source_system": lambda row: row["source_system"],
        "source_record_id": lambda row: row["source_record_id"],
        "person_id": lambda row: lookups.people[row["person_key"]][0],
        "system_id": lambda row: lookups.systems[row["system_key"]],
        "unit_id": unit,
        "occurred_at": moment,
        "day": lambda row: row["occurred_at"][:10] if sqlite else date.fromisoformat(row["occurred_at"][:10]),
        "feature": lambda row: row["feature"] or None,
        "count": lambda row: int(row["count"] or 1),
        "duration_seconds": lambda row: int(row["duration_seconds"]) if row["duration_seconds"] else None,
        "run_id": lambda row: lookups.run_id,
    }
    makers = []
    for name, declared, not_null in columns:
        if name in known:
            makers.append(known[name])
        else:
            neutral = _neutral(declared) if not_null else None
            makers.append(lambda row, value=neutral: value)
    return makers


def _neutral(declared: str) -> object:
    declared = declared.upper()
    if any(word in declared for word in ("INT", "NUM", "DEC", "REAL", "FLOA", "DOUB", "BOOL")):
        return 0
    return b"" if any(word in declared for word in ("BLOB", "BINARY", "BYTEA")) else ""


def baseline_chunks(path: Path, makers: list[Callable]) -> Iterator[list[tuple]]:
    """The CSV's rows as insert tuples, BASELINE_CHUNK at a time."""
    chunk: list[tuple] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            chunk.append(tuple(make(row) for make in makers))
            if len(chunk) == BASELINE_CHUNK:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def insert_statement(table: str, columns: list[str], mark: str) -> str:
    # The table and column names come from the database's own schema, never from input.
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"  # noqa: S608


def timed_executemany(connection, statement: str, chunks: Iterator[list[tuple]]) -> Baseline:
    """Only executemany and the final commit are on the clock; building each chunk is not."""
    rows, seconds = 0, 0.0
    cursor = connection.cursor()
    for chunk in chunks:
        started = time.perf_counter()
        cursor.executemany(statement, chunk)
        seconds += time.perf_counter() - started
        rows += len(chunk)
    started = time.perf_counter()
    connection.commit()
    return Baseline(rows, seconds + time.perf_counter() - started)


# --- SQLite ----------------------------------------------------------------------------------------------


def app_pragmas() -> list[tuple[str, str]]:
    """The pragmas portal/database.py sets on every SQLite connection, read from it so the two cannot drift."""
    source = (ROOT / "portal" / "database.py").read_text()
    return re.findall(r"PRAGMA (\w+)\s*=\s*(-?\w+)", source)


def sqlite_baseline(migrated: Path, path: Path, folder: Path) -> Baseline:
    """usage_event alone in a fresh file: its parent tables are absent, so foreign keys are off."""
    source = sqlite3.connect(migrated)
    schema = [
        sql
        for (sql,) in source.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'usage_event' AND sql IS NOT NULL "
            "ORDER BY type = 'index', name"
        )
    ]
    if not schema:
        raise SystemExit("The migrated database has no usage_event table.")
    lookups = read_lookups(source)
    source.close()
    connection = sqlite3.connect(folder / "baseline.db", isolation_level="DEFERRED")
    for name, value in app_pragmas():
        connection.execute(f"PRAGMA {name}={'OFF' if name == 'foreign_keys' else value}")
    for statement in schema:
        connection.execute(statement)
    connection.commit()
    # The importer leaves the integer primary key to SQLite (rowid); so does the baseline.
    info = connection.execute("PRAGMA table_info(usage_event)").fetchall()
    columns = [(name, declared, bool(not_null)) for _, name, declared, not_null, _, pk in info if not pk]
    statement = insert_statement("usage_event", [name for name, _, _ in columns], "?")
    makers = column_makers(columns, lookups, sqlite=True)
    result = timed_executemany(connection, statement, baseline_chunks(path, makers))
    connection.close()
    return result


@dataclass(frozen=True)
class EngineResult:
    measured: Import
    baseline: Baseline
    health: HealthFigures | None
    pages: PagesFigures | None = None


def demo_pages(scratch: Path) -> PagesFigures:
    """The page latencies on the demo organisation (`flask demo` into a scratch database)."""
    url = f"sqlite:///{scratch / 'demo.db'}"
    print("Demo organisation: flask db upgrade, flask demo …", flush=True)
    flask(url, "db", "upgrade")
    flask(url, "demo")
    print("Demo organisation: pages under concurrent clients …", flush=True)
    return measure_pages("demo", FLASK, app_environment(url), ROOT)


def bench_sqlite(folder: Path, scratch: Path) -> EngineResult:
    database = scratch / "bench.db"
    url = f"sqlite:///{database}"
    print("SQLite: migrating and importing the master data (not timed) …", flush=True)
    load_master(url, folder)
    print("SQLite: flask import usage …", flush=True)
    measured = timed_import(url, folder / "usage.csv")
    print("SQLite: baseline executemany …", flush=True)
    baseline = sqlite_baseline(database, folder / "usage.csv", scratch)
    print(f"  {baseline.rows:,} rows in {baseline.seconds:.1f} s", flush=True)
    health = measure_health("SQLite", folder, FLASK, app_environment(url), ROOT)
    print("SQLite: pages under concurrent clients, and the review PDF …", flush=True)
    pages = measure_pages("large", FLASK, app_environment(url), ROOT)
    return EngineResult(measured, baseline, health, pages)


# --- PostgreSQL ------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def postgres_server(scratch: Path) -> Iterator[tuple[str, str]]:
    """A throwaway cluster on loopback, as .ci/run starts one; yields (SQLAlchemy URL, server version)."""
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not binaries:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql); or run without --postgres.")
    bin_dir, data, port = binaries[-1], scratch / "data", _free_port()
    # initdb refuses to run as root; .ci/run uses the postgres account the same way.
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(scratch, "postgres")

    def run(*args: str) -> None:
        subprocess.run([*as_postgres, str(bin_dir / args[0]), *args[1:]], check=True, stdout=subprocess.DEVNULL)

    run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
    run(
        "pg_ctl",
        "-D",
        str(data),
        "-l",
        str(scratch / "server.log"),
        "-w",
        "-o",
        f"-h 127.0.0.1 -p {port} -k {scratch} -c fsync=off -c synchronous_commit=off",
        "start",
    )
    try:
        run("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "rapport_bench")
        # "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" -> "15.18"
        banner = subprocess.run([str(bin_dir / "postgres"), "--version"], capture_output=True, text=True).stdout
        found = re.search(r"\)\s+(\d[\d.]*)", banner)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/rapport_bench", found.group(1) if found else banner
    finally:
        run("pg_ctl", "-D", str(data), "-m", "immediate", "stop")


def postgres_baseline(url: str, path: Path) -> Baseline:
    """A copy of usage_event's shape (columns, defaults, indexes; no foreign keys), filled with executemany."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        connection.execute("CREATE TABLE usage_baseline (LIKE usage_event INCLUDING ALL)")
        connection.commit()
        lookups = read_lookups(connection)
        info = connection.execute(
            "SELECT column_name, data_type, is_nullable = 'NO', column_default IS NOT NULL OR is_identity = 'YES' "
            "FROM information_schema.columns WHERE table_name = 'usage_event' ORDER BY ordinal_position"
        ).fetchall()
        # Columns the database fills itself (the serial id) are left to it, as the importer does.
        columns = [(name, declared, not_null) for name, declared, not_null, generated in info if not generated]
        statement = insert_statement("usage_baseline", [name for name, _, _ in columns], "%s")
        makers = column_makers(columns, lookups, sqlite=False)
        return timed_executemany(connection, statement, baseline_chunks(path, makers))


def bench_postgres(folder: Path, scratch: Path) -> tuple[EngineResult, str]:
    with postgres_server(scratch) as (url, version):
        print(f"PostgreSQL {version}: migrating and importing the master data (not timed) …", flush=True)
        load_master(url, folder)
        print("PostgreSQL: flask import usage …", flush=True)
        measured = timed_import(url, folder / "usage.csv")
        print("PostgreSQL: baseline executemany …", flush=True)
        baseline = postgres_baseline(url, folder / "usage.csv")
        print(f"  {baseline.rows:,} rows in {baseline.seconds:.1f} s", flush=True)
        health = measure_health("PostgreSQL", folder, FLASK, app_environment(url), ROOT)
    return EngineResult(measured, baseline, health), version


# --- the report ------------------------------------------------------------------------------------------


def machine(postgres_version: str | None) -> list[str]:
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    lines = [
        f"- CPUs: {os.cpu_count()}, RAM: {memory_kb / 1024 / 1024:.1f} GiB",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.platform()}",
    ]
    if postgres_version:
        lines.append(f"- PostgreSQL {postgres_version} (throwaway cluster, fsync=off, synchronous_commit=off)")
    return lines


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def _row(engine: str, measured: Import, baseline: Baseline) -> str:
    ratio = measured.rate / baseline.rate
    judged = engine == "SQLite"  # the targets are for SQLite; PostgreSQL is reported for comparison
    ratio_text = f"{ratio:.2f} {_mark(ratio >= TARGET_RATIO)}" if judged else f"{ratio:.2f}"
    # The verdict goes on whichever memory figure is larger: that is the one held against the target.
    verdict = f" {_mark(measured.memory_mb < TARGET_MEMORY_MB)}" if judged else ""
    pss, rss = f"{measured.pss_peak_mb:,.0f} MB", f"{measured.rss_peak_mb:,.0f} MB"
    if measured.pss_peak_mb >= measured.rss_peak_mb:
        pss += verdict
    else:
        rss += verdict
    own = f"{measured.engine_rate:,.0f}" if measured.engine_rate else "–"
    return (
        f"| {engine} | {measured.seconds:,.1f} s | {measured.rate:,.0f} | {own} | {baseline.rate:,.0f} "
        f"| {ratio_text} | {pss} | {rss} |"
    )


def _health_row(engine: str, health: HealthFigures) -> str:
    judged = engine == "SQLite"
    ratio = f"{health.ratio:.1f}×" + (f" {_mark(health.ratio <= TARGET_RECOMPUTE_RATIO)}" if judged else "")
    run = health.recompute
    pushed = f"{health.push_seconds:.2f} s" + ("" if health.push_rescored else " (not re-scored!)")
    return (
        f"| {engine} | {run.seconds:,.1f} s | {max(run.pss_peak_mb, run.rss_peak_mb):,.0f} MB "
        f"| {health.duckdb_seconds:,.1f} s | {ratio} | {pushed} |"
    )


def health_table(results: dict[str, EngineResult]) -> list[str]:
    rows = [_health_row(engine, result.health) for engine, result in results.items() if result.health]
    if not rows:
        return []
    return [
        "",
        f"Health (as of {END}): full recompute of every subscription and unit, against DuckDB computing the 30-day "
        "distinct active people per unit × system from the same CSV files (parsing included); and a push of 1,000 "
        "usage records to its updated score.",
        "",
        "| engine | full recompute | its peak memory | DuckDB 30-day aggregate | ratio | 1,000-record push to score |",
        "|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"Target (SQLite): full recompute at most {TARGET_RECOMPUTE_RATIO:g}× the DuckDB time.",
    ]


def report(
    scale: float,
    generated: float | None,
    results: dict[str, EngineResult],
    pg: str | None,
    demo: PagesFigures | None = None,
) -> str:
    first = next(iter(results.values())).measured
    lines = [
        f"# Usage import benchmark — {datetime.now():%Y-%m-%d %H:%M}",
        "",
        *machine(pg),
        f"- Scale {scale:g}: {first.rows:,} usage rows; 100 units, 100 systems, 1,500 subscriptions, 10,000 people",
        f"- Generation: {f'{generated:.0f} s' if generated is not None else 'cached in bench/data/'}",
        "",
        "| engine | import wall time | import rows/s | (engine's own rows/s) | baseline rows/s | ratio "
        "| peak memory: PSS of the tree | peak RSS of the largest process |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for engine, result in results.items():
        lines.append(_row(engine, result.measured, result.baseline))
    lines += [
        "",
        f"Targets (SQLite): ratio ≥ {TARGET_RATIO} (import rows/s ÷ baseline rows/s); "
        f"peak memory < {TARGET_MEMORY_MB} MB (the larger of the two memory columns). "
        "How each figure is measured: bench/README.md.",
        *health_table(results),
    ]
    measured_pages = [found for found in (demo, *(r.pages for r in results.values())) if found is not None]
    if measured_pages:
        lines += [
            "",
            "Pages (SQLite): each page's answer time under concurrent clients; the demo organisation and the "
            "large one above.",
            "",
            *pages_table(measured_pages),
        ]
    return "\n".join(lines) + "\n"


def save(text: str, started: datetime, latest: bool = True) -> Path:
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    path = results / f"{started:%Y-%m-%d-%H%M}.md"
    path.write_text(text)
    if latest:
        shutil.copyfile(path, results / "LATEST.md")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Measure `flask import usage` (wall time, rows/s, peak memory) against a bare executemany of "
        "the same rows into a same-shaped table. Results: bench/results/LATEST.md; method: bench/README.md.",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="share of the 10 million usage rows (default 1.0; 0.05 for a quick run)",
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--postgres", action="store_true", help="also measure on a throwaway PostgreSQL server")
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="only the page latencies on the demo organisation (quick; nothing saved)",
    )
    parser.add_argument(
        "--skip-sqlite",
        action="store_true",
        help="with --postgres: measure PostgreSQL alone (LATEST.md is left as it is)",
    )
    arguments = parser.parse_args()
    if arguments.skip_sqlite and not arguments.postgres:
        parser.error("--skip-sqlite leaves nothing to measure without --postgres")
    require_import_command()
    if arguments.pages_only:
        with tempfile.TemporaryDirectory(prefix="rapport-bench-pages-") as scratch:
            print("\n".join(pages_table([demo_pages(Path(scratch))])))
        return
    started = datetime.now()
    folder, generated = data_folder(arguments.scale, arguments.seed)
    results: dict[str, EngineResult] = {}
    demo = None
    if not arguments.skip_sqlite:
        with tempfile.TemporaryDirectory(prefix="rapport-bench-") as scratch:
            results["SQLite"] = bench_sqlite(folder, Path(scratch))
            demo = demo_pages(Path(scratch))
    pg_version = None
    if arguments.postgres and results:
        # The SQLite figures are saved first: the PostgreSQL half takes longer, and may be stopped.
        save(report(arguments.scale, generated, results, pg_version, demo), started)
    if arguments.postgres:
        with tempfile.TemporaryDirectory(prefix="rapport-bench-pg-") as scratch:
            results["PostgreSQL"], pg_version = bench_postgres(folder, Path(scratch))
    text = report(arguments.scale, generated, results, pg_version, demo)
    print("\n" + text)
    saved = save(text, started, latest=not arguments.skip_sqlite)
    print(f"Written to {saved.relative_to(ROOT)}" + ("" if arguments.skip_sqlite else " and bench/results/LATEST.md"))


if __name__ == "__main__":
    main()
