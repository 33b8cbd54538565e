"""Running a loader in a fresh interpreter and reading that interpreter's own peak memory (for the tests that
check a hostile file is refused before anything large is allocated).

The peak is read in the child from ``VmHWM`` in ``/proc/self/status``: the high-water mark of its own address
space. ``getrusage``'s ``ru_maxrss`` is no good here on Linux: a child started by ``subprocess`` (vfork, then exec)
inherits as its starting maximum the peak of the pytest process it came from, so memory used earlier in the suite
would count against the file being loaded. Where there is no /proc, ``ru_maxrss`` is the fallback (bytes on macOS,
KiB elsewhere).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: Python source printing the process's own peak resident memory in MB (see the module's docstring)
PRINT_PEAK_MB = """
def _peak_mb():
    try:
        with open('/proc/self/status') as status:
            return next(int(line.split()[1]) for line in status if line.startswith('VmHWM:')) // 1024
    except (OSError, StopIteration, ValueError, IndexError):
        import resource, sys
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // (2**20 if sys.platform == 'darwin' else 2**10)
print(_peak_mb())
"""


def run_measured(code: str, root: Path, timeout: float = 120) -> tuple[subprocess.CompletedProcess, list[str], int]:
    """Run ``code`` in a fresh interpreter importing nnviz from ``root``: the finished process, its output's lines
    before the last, and its own peak resident memory in MB (the last line)."""
    r = subprocess.run([sys.executable, "-c", code + "\n" + PRINT_PEAK_MB], capture_output=True, text=True,
                       timeout=timeout, env={**os.environ, "PYTHONPATH": str(root)})
    lines = r.stdout.strip().splitlines()
    peak = int(lines[-1]) if r.returncode == 0 and lines and lines[-1].isdigit() else -1
    return r, lines[:-1], peak
