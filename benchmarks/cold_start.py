"""Cold start: what every Cloud Run instance (and every CLI command) pays before it does any work.

Prints, over fresh processes (median of ``--repeat``):
- CPU and wall of ``import sheets_bridge.web.app`` against two floors: an empty interpreter, and one that
  imports only what the service cannot start without (Flask, requests, google-auth's JWT check);
- CPU and wall of ``sheets-bridge --help`` (the CLI's own start);
- seconds from ``sheets-bridge serve`` being started to the first ``/healthz`` answered 200 (gunicorn's
  master and one worker, as the Dockerfile runs them).

    python benchmarks/cold_start.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from measure import compiled_like_installed, run_measured  # noqa: E402

PY = sys.executable
IMPORTS = {
    "empty interpreter": "pass",
    "floor: flask + requests + google-auth jwt": "import flask, requests, google.auth.jwt, google.oauth2.credentials",
    "import sheets_bridge.web.app": "import sheets_bridge.web.app",
}
HEAVY = ("pandas", "pyarrow", "numpy", "openpyxl", "gspread", "tldextract")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def first_health(timeout: float = 30.0) -> float:
    """Seconds from starting ``sheets-bridge serve`` to the first 200 from ``/healthz``."""
    port = _free_port()
    command = [str(Path(PY).with_name("sheets-bridge")), "serve", "--insecure-dev", "--host", "127.0.0.1",
               "--port", str(port)]
    start = time.perf_counter()
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    try:
        while time.perf_counter() - start < timeout:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.005)
        raise SystemExit("the service did not answer /healthz in time")
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    compiled_like_installed()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(ROOT)}
    loaded = subprocess.run([PY, "-c", "import sys, sheets_bridge.web.app; print(' '.join(sorted({m.split('.')[0] "
                             f"for m in sys.modules}} & set({HEAVY!r}))))"], capture_output=True, text=True,
                            env=env, check=True).stdout.strip()
    print(f"heavy libraries loaded by importing the app: {loaded or 'none'}")
    figures: dict[str, tuple[float, float]] = {}
    for label, code in {**IMPORTS, "sheets-bridge --help": None}.items():
        command = [str(Path(PY).with_name("sheets-bridge")), "--help"] if code is None else [PY, "-c", code]
        runs = [run_measured(command, env) for _ in range(args.repeat)]
        cpu, wall = statistics.median(r.cpu for r in runs), statistics.median(r.wall for r in runs)
        figures[label] = (cpu, wall)
        print(f"{label:45} CPU {cpu:6.3f} s   wall {wall:6.3f} s")
    base = figures["empty interpreter"][0]
    app = figures["import sheets_bridge.web.app"][0] - base
    floor = figures["floor: flask + requests + google-auth jwt"][0] - base
    print(f"import of the app alone (minus the interpreter): CPU {app:.3f} s; floor {floor:.3f} s; "
          f"ratio {app / floor:.2f}x")
    health = sorted(first_health() for _ in range(max(3, args.repeat // 2)))
    print(f"start to first /healthz: median {statistics.median(health):.3f} s (best {health[0]:.3f}, "
          f"worst {health[-1]:.3f}), load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
