"""The health figures of `make bench`: the full recompute against DuckDB, and a push to its updated score.

- Full recompute: `flask recompute --as-of END` in its own process on the imported large organisation —
  wall time and peak memory.
- DuckDB (bench-only): the same 30-day distinct-active-people aggregate per unit × system, read from the
  same canonical files the import read (usage.csv and people.csv), CSV parsing included. The recompute
  computes far more (nine measures, a 12-week stage replay, a year of seasons), so the ratio is an upper
  bound on its overhead, not a like-for-like query race.
- Push to score: 1,000 usage records for one subscription sent to POST /api/v1/usage (in-process, through
  the test client); the re-score runs before the answer, so the call's time is the time to the new score.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from generate import END
from measure import Measured, measured_run

HERE = Path(__file__).resolve().parent
TARGET_RECOMPUTE_RATIO = 5.0


@dataclass(frozen=True)
class HealthFigures:
    recompute: Measured
    duckdb_seconds: float
    duckdb_groups: int
    push_seconds: float
    push_rescored: bool

    @property
    def ratio(self) -> float:
        return self.recompute.seconds / self.duckdb_seconds


def timed_recompute(flask: list[str], env: dict[str, str], root: Path) -> Measured:
    run = measured_run([*flask, "recompute", "--as-of", END.isoformat()], env, cwd=root)
    if run.returncode != 0:
        raise SystemExit(f"`flask recompute` failed with exit status {run.returncode}:\n{run.text[-3000:]}")
    print("  " + " ".join(line.strip() for line in run.text.splitlines()), flush=True)
    return run


def duckdb_active_people(folder: Path) -> tuple[float, int]:
    """Seconds for DuckDB to read the files and count distinct active people per unit × system in 30 days."""
    import duckdb

    first = END - timedelta(days=29)
    query = f"""
        SELECT coalesce(nullif(u.unit_key, ''), p.unit_key) AS unit_key, u.system_key,
               count(DISTINCT u.person_key) AS active_people
        FROM read_csv('{folder / "usage.csv"}', header = true, all_varchar = true) AS u
        JOIN read_csv('{folder / "people.csv"}', header = true, all_varchar = true) AS p USING (person_key)
        WHERE CAST(substr(u.occurred_at, 1, 10) AS DATE) BETWEEN DATE '{first}' AND DATE '{END}'
        GROUP BY ALL
    """  # noqa: S608 — the bench's own paths and dates
    started = time.perf_counter()
    with duckdb.connect() as connection:
        groups = len(connection.sql(query).fetchall())
    return time.perf_counter() - started, groups


def push_to_score(env: dict[str, str], root: Path) -> tuple[float, bool]:
    result = subprocess.run([sys.executable, str(HERE / "push.py")], env=env, cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"bench/push.py failed:\n{result.stdout}{result.stderr[-3000:]}")
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    return answer["seconds"], answer["rescored"]


def measure_health(label: str, folder: Path, flask: list[str], env: dict[str, str], root: Path) -> HealthFigures:
    print(f"{label}: flask recompute --as-of {END} …", flush=True)
    recompute = timed_recompute(flask, env, root)
    print(f"{label}: DuckDB, 30-day distinct active people from the CSV files …", flush=True)
    duck_seconds, groups = duckdb_active_people(folder)
    print(f"  {groups:,} unit × system groups in {duck_seconds:.1f} s", flush=True)
    print(f"{label}: a 1,000-record push to its updated score …", flush=True)
    push_seconds, rescored = push_to_score(env, root)
    print(f"  {push_seconds:.2f} s", flush=True)
    return HealthFigures(recompute, duck_seconds, groups, push_seconds, rescored)
