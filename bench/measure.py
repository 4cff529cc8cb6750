"""Measuring a command: wall time and peak memory of its whole process tree."""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.05


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
    rss_peak_mb: float  # the exact peak RSS of its largest single process (wait4's ru_maxrss)
    returncode: int
    text: str  # stdout and stderr together


def measured_run(args: list[str], env: dict[str, str], cwd: Path) -> Measured:
    """Run a command in its own process: wall time from start to exit, and its peak memory.

    os.wait4 gives the rusage of this one child, whose ru_maxrss already folds in the children it reaped
    itself (a forked reader): the exact peak RSS of the largest single process, unaffected by the other
    subprocesses run before (which getrusage(RUSAGE_CHILDREN) would mix in).
    """
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(args, env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)
        sampler = TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
        output.seek(0)
        text = output.read().decode(errors="replace")
    return Measured(seconds, sampler.peak_kb / 1024, usage.ru_maxrss / 1024, process.returncode, text)
