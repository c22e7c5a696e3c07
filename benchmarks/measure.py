"""Run a command and measure it as the kernel counts it: wall time, CPU time and the command's own peak RSS.

Why a launcher: Linux carries the high-water RSS of the memory a process had when it called exec into the
new program's ``ru_maxrss``. Python starts children with vfork, so a child started straight from a
benchmark that holds hundreds of MiB of test data would report the benchmark's RSS as its own peak (the
product and the peer then showed the very same figure). The launcher is a small process: it forks, the
child execs the command (so the inherited high-water mark is the launcher's ~10 MiB), and it reports the
child's rusage from ``wait4``.
"""

from __future__ import annotations

import compileall
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

_LAUNCHER = """
import json, os, sys, time
command = json.loads(sys.argv[1])
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(command[0], command)
_, status, usage = os.wait4(pid, 0)
print(json.dumps({"wall": time.perf_counter() - start, "code": os.waitstatus_to_exitcode(status),
                  "cpu": usage.ru_utime + usage.ru_stime, "peak_kib": usage.ru_maxrss}), file=sys.stderr)
"""


@dataclass(frozen=True)
class Measured:
    """One run: seconds of wall time, seconds of CPU (user + system), peak RSS in MiB, exit code, stderr."""

    wall: float
    cpu: float
    peak_mib: float
    code: int
    stderr: str


def run_measured(command: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run ``command`` to completion through the launcher; its own figures, not the caller's."""
    done = subprocess.run([sys.executable, "-c", _LAUNCHER, json.dumps(command)], env=env or dict(os.environ),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    lines = done.stderr.decode(errors="replace").strip().splitlines()
    figures = json.loads(lines[-1]) if lines else {}
    if "wall" not in figures:
        raise SystemExit(f"{command[:3]}: the launcher failed: {done.stderr.decode(errors='replace')[-2000:]}")
    return Measured(figures["wall"], figures["cpu"], figures["peak_kib"] / 1024, figures["code"],
                    "\n".join(lines[:-1]))


def compiled_like_installed() -> None:
    """Byte-compile the package as ``pip install`` does, so each timed process loads it as installed.

    A checkout run under PYTHONDONTWRITEBYTECODE (as this project's Docker image sets, and some shells do)
    has no bytecode, so every process would compile the package from source: about 0.06 s of CPU that an
    installed product never spends. The bytecode files are git-ignored.
    """
    compileall.compile_dir(Path(__file__).resolve().parents[1] / "sheets_bridge", quiet=1)
