"""The service's memory as Cloud Run sees it: the whole process tree's PSS through consecutive scores.

Usage: python benchmarks/service_memory.py [--rows 250000] [--requests 10] [--workers N]
Starts the emulator in its own process with a spreadsheet of N input rows, then the service as the
Dockerfile runs it (`sheets-bridge serve`, gunicorn, shared-secret authentication), and sends signed score
requests one after another. For each request it samples the service's process tree (master and workers)
every 20 ms and prints the peak PSS during the request and the PSS a second after it. Goal: every
request within 512 MiB (Cloud Run's default instance memory) and no growth across requests.
"""

from __future__ import annotations

import argparse
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "examples"))

from sheet import BOOK, ENV, _free_port, book_json, load, start_emulator  # noqa: E402
from signed_request import call  # noqa: E402

LIMIT_MIB = 512


def tree_pss(root: psutil.Process) -> float:
    """Proportional set size of a process and its children, in MiB."""
    total = 0
    for process in [root, *root.children(recursive=True)]:
        try:
            total += process.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total / 2**20


def sample_peak(root: psutil.Process, stop: threading.Event, out: list[float]) -> None:
    peak = 0.0
    while not stop.is_set():
        peak = max(peak, tree_pss(root))
        time.sleep(0.02)
    out.append(peak)


def main(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        emulator_process, url, key = start_emulator(Path(tmp))
        secret = secrets.token_hex(16)
        port = _free_port()
        env = {**ENV, "GOOGLE_APPLICATION_CREDENTIALS": str(key), "SHEETS_BRIDGE_API_ROOT": url,
               "SHEETS_BRIDGE_SHARED_SECRET": secret}
        command = [sys.executable, "-m", "sheets_bridge.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        if args.workers:
            command += ["--workers", str(args.workers)]
        service = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            load(url, book_json(args.rows))
            base = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    if requests.get(f"{base}/healthz", timeout=1).ok:
                        break
                except requests.ConnectionError:
                    time.sleep(0.05)
            root = psutil.Process(service.pid)
            time.sleep(1.0)
            print(f"{args.rows:,} input rows; service idle: {tree_pss(root):.0f} MiB PSS "
                  f"({len(root.children(recursive=True))} worker processes)")
            peaks, afters = [], []
            for number in range(1, args.requests + 1):
                stop, out = threading.Event(), []
                sampler = threading.Thread(target=sample_peak, args=(root, stop, out))
                sampler.start()
                started = time.perf_counter()
                status, body = call(f"{base}/v1/spreadsheets/{BOOK}/score", secret, b'{"today": "2026-11-26"}')
                seconds = time.perf_counter() - started
                stop.set()
                sampler.join()
                time.sleep(1.0)
                after = tree_pss(root)
                peaks.append(out[0])
                afters.append(after)
                flag = "" if out[0] <= LIMIT_MIB else "  OVER 512 MiB"
                print(f"  request {number:2d}: HTTP {status}, {seconds:5.1f} s, peak {out[0]:5.0f} MiB, "
                      f"after {after:5.0f} MiB{flag}")
                if status != 200:
                    print(f"    {body}")
            growth = afters[-1] - afters[0]
            print(f"peak of peaks {max(peaks):.0f} MiB (limit {LIMIT_MIB}); after-request memory from "
                  f"{afters[0]:.0f} to {afters[-1]:.0f} MiB ({growth:+.0f} MiB over {args.requests - 1} requests)")
            return 0 if max(peaks) <= LIMIT_MIB else 1
        finally:
            service.terminate()
            service.wait()
            emulator_process.terminate()
            emulator_process.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=250_000)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--workers", type=int, default=0, help="override the serve default")
    sys.exit(main(parser.parse_args()))
