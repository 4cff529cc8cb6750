"""`make bench`: how fast and in how much memory the usage import runs, against baselines run alongside.

1. Generate (or reuse from bench/data/) a large organisation: bench/generate.py.
2. SQLite: a fresh database, master data imported, then `flask import usage FILE` timed in its own process;
   peak memory is the largest sum of proportional set sizes (PSS) of that process and its forked reader,
   sampled every 0.1 s from /proc, so pages the two share are counted once.
3. The baseline: a bare `executemany` of the same rows into the same table (a copy of the same database:
   same schema, indexes, foreign keys and pragmas), rows built beforehand; only executemany + commit are
   timed. The ratio is import rows/s ÷ baseline rows/s.
4. With --postgres: the same import against a throwaway PostgreSQL server, and a psycopg executemany baseline.

The figures go to stdout and to bench/results/<date>-<time>.md; bench/results/LATEST.md is a copy.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FLASK = [sys.executable, "-m", "flask"]
BASELINE_CHUNK = 200_000
TARGET_RATIO = 0.5
TARGET_MEMORY_MB = 300
INSERT = (
    "INSERT INTO usage_event (dedup_key, source_system, source_record_id, person_id, system_id, unit_id, "
    "occurred_at, day, feature, count, duration_seconds, run_id) VALUES ({marks})"
)

sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402


@dataclass
class Measure:
    rows: int
    seconds: float
    peak_mb: float | None = None

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


def data_folder(scale: float, seed: int) -> Path:
    folder = HERE / "data" / f"scale-{scale:g}-seed-{seed}"
    if not (folder / "usage.csv").exists():
        print(f"Generating the organisation at scale {scale:g} into {folder} …", flush=True)
        started = time.monotonic()
        counts = generate(folder, scale, seed)
        print(f"  {counts['usage']:,} usage rows in {time.monotonic() - started:.0f} s", flush=True)
    return folder


def environment(database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "RAPPORT_ENV": "production", "SECRET_KEY": "bench-only",
            "FLASK_APP": "wsgi"}  # fmt: skip


def flask(database_url: str, *args: str) -> None:
    subprocess.run([*FLASK, *args], env=environment(database_url), cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    children: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            children += [int(child) for child in text]
    except FileNotFoundError:
        return []
    return children + [grandchild for child in children for grandchild in _descendants(child)]


def timed_import(database_url: str, path: Path) -> Measure:
    """`flask import usage` in its own process; wall time from start to exit, peak PSS of its process tree."""
    rows = sum(1 for _ in path.open("rb")) - 1
    peak = [0]
    started = time.perf_counter()
    process = subprocess.Popen([*FLASK, "import", "usage", str(path)], env=environment(database_url), cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip

    def sample() -> None:
        while process.poll() is None:
            total = sum(_pss_kb(pid) for pid in [process.pid, *_descendants(process.pid)])
            peak[0] = max(peak[0], total)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"the import failed ({process.returncode}):\n{output.decode()[-3000:]}")
    print("   ", output.decode().strip().splitlines()[1].strip(), flush=True)
    return Measure(rows, seconds, peak[0] / 1024)


def baseline_rows(connection, path: Path, sqlite_text: bool, run_id: int):
    """The same rows the importer stores, as tuples, a chunk at a time (built before the clock starts)."""
    people = {key: (pid, unit) for key, pid, unit in connection.execute("SELECT key, id, unit_id FROM person")}
    systems = dict(connection.execute("SELECT key, id FROM system").fetchall())
    chunk = []
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for source, record, person_key, system_key, occurred, feature, count, duration in reader:
            person_id, unit_id = people[person_key]
            digest = hashlib.blake2b(f"id\x1f{source}\x1f{record}".encode(), digest_size=16).digest()
            moment = f"{occurred[:10]} {occurred[11:19]}.000000"
            when = moment if sqlite_text else datetime.fromisoformat(occurred)
            day = occurred[:10] if sqlite_text else datetime.fromisoformat(occurred).date()
            chunk.append((digest, source, record, person_id, systems[system_key], unit_id, when, day, feature,
                          int(count), int(duration), run_id))  # fmt: skip
            if len(chunk) == BASELINE_CHUNK:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def sqlite_baseline(database: Path, path: Path) -> Measure:
    connection = sqlite3.connect(database)
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=5000",
                   "cache_size=-65536"):  # fmt: skip  # what portal/database.py sets on every connection
        connection.execute(f"PRAGMA {pragma}")
    connection.execute("DELETE FROM usage_event")
    connection.execute("DELETE FROM usage_daily")
    connection.execute("DELETE FROM feature_daily")
    run_id = connection.execute("SELECT max(id) FROM import_run").fetchone()[0]
    connection.commit()
    statement = INSERT.format(marks=", ".join("?" * 12))
    rows, seconds = 0, 0.0
    for chunk in baseline_rows(connection, path, True, run_id):
        started = time.perf_counter()
        connection.executemany(statement, chunk)
        seconds += time.perf_counter() - started
        rows += len(chunk)
    started = time.perf_counter()
    connection.commit()
    seconds += time.perf_counter() - started
    connection.close()
    return Measure(rows, seconds)


def postgres_baseline(url: str, path: Path) -> Measure:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        connection.execute("TRUNCATE usage_event, usage_daily, feature_daily")
        run_id = connection.execute("SELECT max(id) FROM import_run").fetchone()[0]
        connection.commit()
        statement = INSERT.format(marks=", ".join(["%s"] * 12))
        rows, seconds = 0, 0.0
        with connection.cursor() as cursor:
            for chunk in baseline_rows(connection, path, False, run_id):
                started = time.perf_counter()
                cursor.executemany(statement, chunk)
                seconds += time.perf_counter() - started
                rows += len(chunk)
        started = time.perf_counter()
        connection.commit()
        return Measure(rows, seconds + time.perf_counter() - started)


def load_master(database_url: str, folder: Path) -> None:
    flask(database_url, "db", "upgrade")
    for kind in ("units", "systems", "people", "subscriptions"):
        flask(database_url, "import", kind, str(folder / f"{kind}.csv"))


def bench_sqlite(folder: Path, workdir: Path) -> tuple[Measure, Measure]:
    database = workdir / "bench.db"
    url = f"sqlite:///{database}"
    load_master(url, folder)
    shutil.copy(database, workdir / "baseline.db")  # the master data and schema, before any usage
    print("  SQLite: flask import usage …", flush=True)
    measured = timed_import(url, folder / "usage.csv")
    print("  SQLite: bare executemany baseline …", flush=True)
    baseline = sqlite_baseline(workdir / "baseline.db", folder / "usage.csv")
    return measured, baseline


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bench_postgres(folder: Path, workdir: Path) -> tuple[Measure, Measure]:
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not binaries:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql), or run without --postgres.")
    bin_dir, data, port = binaries[-1], workdir / "pg", _free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    data.mkdir()
    if as_postgres:
        shutil.chown(workdir, "postgres")
        shutil.chown(data, "postgres")

    def run(*args: str) -> None:
        subprocess.run([*as_postgres, *args], check=True, stdout=subprocess.DEVNULL)

    run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(workdir / "pg.log"), "-w",
        "-o", f"-h 127.0.0.1 -p {port} -k {workdir}", "start")  # fmt: skip
    try:
        run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "bench")
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/bench"
        load_master(url, folder)
        print("  PostgreSQL: flask import usage …", flush=True)
        measured = timed_import(url, folder / "usage.csv")
        print("  PostgreSQL: bare executemany baseline …", flush=True)
        return measured, postgres_baseline(url, folder / "usage.csv")
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")


def machine() -> str:
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return (f"{os.cpu_count()} CPUs, {memory_kb / 1024 / 1024:.0f} GB RAM, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, {platform.platform()}")  # fmt: skip


def report(scale: float, results: dict[str, tuple[Measure, Measure]]) -> str:
    lines = [
        f"# Usage import benchmark — {datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Machine: {machine()}.  ",
        f"Scale {scale:g}: {next(iter(results.values()))[0].rows:,} usage rows, 10,000 people, 1,500 subscriptions.",
        "",
        "| engine | import rows/s | baseline rows/s | ratio (target ≥ 0.5) | import time "
        "| peak memory (target < 300 MB) |",
        "|---|---|---|---|---|---|",
    ]
    for engine, (measured, baseline) in results.items():
        ratio = measured.rate / baseline.rate
        verdict = "" if engine != "SQLite" else (" ✓" if ratio >= TARGET_RATIO else " ✗")
        memory = f"{measured.peak_mb:,.0f} MB" + (" ✓" if (measured.peak_mb or 0) < TARGET_MEMORY_MB else " ✗")
        lines.append(
            f"| {engine} | {measured.rate:,.0f} | {baseline.rate:,.0f} | {ratio:.2f}{verdict} | "
            f"{measured.seconds:,.0f} s | {memory} |"
        )
    lines += [
        "",
        "The import is `flask import usage FILE` in its own process, from start to exit (reading, checking, storing,",
        "the daily rollups, checkpoints). The baseline is a bare `executemany` of the same rows into the same table",
        "of a copy of the same database, with the rows built before the clock starts. Memory is the peak PSS of the",
        "import process and its forked reader together. Method: bench/README.md.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure the usage import against a bare executemany.")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 10 million usage rows (default 1.0)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", action="store_true", help="also measure on a throwaway PostgreSQL server")
    arguments = parser.parse_args()
    folder = data_folder(arguments.scale, arguments.seed)
    results: dict[str, tuple[Measure, Measure]] = {}
    with tempfile.TemporaryDirectory(prefix="rapport-bench-") as scratch:
        results["SQLite"] = bench_sqlite(folder, Path(scratch))
    if arguments.postgres:
        with tempfile.TemporaryDirectory(prefix="rapport-bench-pg-") as scratch:
            results["PostgreSQL"] = bench_postgres(folder, Path(scratch))
    text = report(arguments.scale, results)
    print("\n" + text)
    results_folder = HERE / "results"
    results_folder.mkdir(exist_ok=True)
    (results_folder / f"{datetime.now():%Y-%m-%d-%H%M}.md").write_text(text)
    (results_folder / "LATEST.md").write_text(text)


if __name__ == "__main__":
    main()
