"""Running one measured process: its wall time and its own peak resident memory.

The peak is `ru_maxrss` of the rusage that `wait4` returns for that one process. Linux
carries the peak of the forking process's memory into its child across `exec`, so the
process is started by a small launcher (a bare `python -S` of a few MB) rather than by
the harness, whose memory would otherwise set a floor under every figure.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


@dataclass(frozen=True)
class Measured:
    """A finished process: exit code, wall seconds, peak RSS in MB, and its output."""

    code: int
    seconds: float
    peak_rss_mb: float
    stdout: str
    stderr: str


def run_measured(
    command: Sequence[str], env: Mapping[str, str], cwd: Path, scratch: Path
) -> Measured:
    """Run a command to its end; its output goes through files in `scratch`, not pipes, so
    that nothing has to be read while the process runs."""
    scratch.mkdir(parents=True, exist_ok=True)
    out_path, err_path = scratch / "stdout.txt", scratch / "stderr.txt"
    rss_path = scratch / "maxrss-kb.txt"
    launched = [sys.executable, "-S", "-c", _LAUNCHER, str(rss_path), *command]
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        code = subprocess.call(
            launched, env=dict(env), cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        seconds = time.perf_counter() - started
    return Measured(
        code=code,
        seconds=seconds,
        peak_rss_mb=int(rss_path.read_text(encoding="utf-8")) / 1024,  # kB on Linux
        stdout=out_path.read_text(encoding="utf-8", errors="replace"),
        stderr=err_path.read_text(encoding="utf-8", errors="replace"),
    )
