"""Measuring a command: wall time and peak memory of its whole process tree."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.05
SPAWN = Path(__file__).resolve().parent / "spawn.py"


def _pss_kb(pid: int) -> int:
    """Proportional set size: pages shared with the forked reader are split between the two, not counted twice."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:  # the process ended between listing and reading
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """The process and all its descendants, from /proc/<pid>/task/*/children."""
    pids = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                pids += _tree(int(child))
    except OSError:
        pass
    return pids


class TreeSampler(threading.Thread):
    """Samples the summed PSS of a process tree until the process is reaped; keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in _tree(self.pid)))
            self.done.wait(SAMPLE_SECONDS)


@dataclass(frozen=True)
class Measured:
    seconds: float
    pss_peak_mb: float  # the largest sampled sum of PSS over the process tree
    rss_peak_mb: float  # the exact peak RSS of its largest single process (wait4's ru_maxrss, via spawn.py)
    returncode: int
    text: str  # stdout and stderr together


def measured_run(args: list[str], env: dict[str, str], cwd: Path) -> Measured:
    """Run a command in its own process: wall time from start to exit, and its peak memory.

    spawn.py forks the command from a small interpreter and waits for it with os.wait4: the rusage of that one
    child, whose ru_maxrss already folds in the children it reaped itself (a forked reader) — the exact peak
    RSS of the largest single process, unaffected by the runner's own size and by the other subprocesses
    run before (which getrusage(RUSAGE_CHILDREN) would mix in).
    """
    with tempfile.TemporaryFile() as output, tempfile.NamedTemporaryFile("r") as rss:
        started = time.perf_counter()
        wrapped = [sys.executable, str(SPAWN), rss.name, *args]
        process = subprocess.Popen(wrapped, env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)
        sampler = TreeSampler(process.pid)
        sampler.start()
        _, status = os.waitpid(process.pid, 0)
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
        output.seek(0)
        text = output.read().decode(errors="replace")
        rss_kb = int(rss.read() or 0)
    return Measured(seconds, sampler.peak_kb / 1024, rss_kb / 1024, process.returncode, text)
