"""`spawn.py RSS_FILE COMMAND…`: run COMMAND as the child of this small process; write its peak RSS (KiB).

On Linux a process's peak RSS (ru_maxrss) includes the memory of the process it was forked from, up to its
exec: measured straight from the bench runner — which has grown by then (the in-process baseline, DuckDB) —
every command would seem at least as large as the runner. Forked from this small interpreter instead, the
command's figure is its own (plus this interpreter's ~10 MB at most).
"""

import os
import sys

rss_file, command = sys.argv[1], sys.argv[2:]
pid = os.fork()
if pid == 0:
    try:
        os.execvp(command[0], command)  # noqa: S606 — the bench runs its own commands
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(rss_file, "w") as handle:
    handle.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
