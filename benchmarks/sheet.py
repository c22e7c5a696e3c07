"""Scoring a spreadsheet held by the emulator in its own process: the product against the floor.

Usage: python benchmarks/sheet.py [--rows 100000,250000,500000] [--pairs 5]
For each size, a spreadsheet of N input rows (an own-site tab and 4 competitor tabs, 6 columns) is loaded into
a fresh emulator process. Then, alternating, `sheets-bridge score` (a re-score: Prospects already there) and
the floor (``sheet_floor.py``: a fresh process that imports only google-auth and the JSON decoder, gets a
token, does the same metadata read and values:batchGet, and decodes the JSON) run as separate processes; a
fresh score (no Prospects tab yet) runs once per pair on a reloaded spreadsheet. Printed per size: wall time,
the process's CPU time (user + system, from its rusage), its CPU per input row, its peak RSS above an import-
only baseline per input row, the emulator's CPU during the run as a share of the run's wall time, and the
ratio of the product's CPU to the floor's. The re-score's inputs are those of the score before it, so its
write sends every owned cell but changes none: the emulator compares each with what it holds and stores
nothing. A re-score that changed every owned cell would cost the emulator about 1 s more at 500,000 rows (it
stores 1,100,000 cells).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import requests

from sheets_emulator import control

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from large_sheet import _letters  # noqa: E402  (the same digit-free synthetic domains)
from measure import compiled_like_installed, run_measured  # noqa: E402  (each command's own peak RSS)

HEADER = ["Referring page URL", "Referring page title", "Domain rating", "Nofollow", "Domain traffic", "Anchor"]
SITES = ["site-own.com", "rival-1.com", "rival-2.com", "rival-3.com", "rival-4.com"]
BOOK = "1" + "B" * 43
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def book_json(rows: int) -> bytes:
    """The emulator's JSON form of the spreadsheet, written as text (no per-cell Python objects kept)."""
    per_tab = rows // len(SITES)
    n_domains = max(50, rows // 8)
    stamp = "2026-11-26T00:00:00.000Z"
    head = {"spreadsheetId": BOOK, "properties": {"title": "bench", "locale": "en_US", "timeZone": "Etc/GMT"},
            "created": stamp, "modified": stamp}
    parts = [json.dumps(head)[:-1] + ', "sheets": [']
    settings = ('{"properties": {"sheetId": 1, "title": "Settings", "index": 0, "sheetType": "GRID", '
                '"gridProperties": {"rowCount": 20, "columnCount": 2}}, "cells": [[0, 0, {"v": "Your domain"}], '
                '[0, 1, {"v": "site-own.com"}]]}')
    tabs = [settings]
    for t, site in enumerate(SITES):
        cells = [f'[0, {c}, {{"v": "{h}"}}]' for c, h in enumerate(HEADER)]
        for r in range(1, per_tab + 1):
            d = (r * 7919 + t * 104729) % (n_domains // 10 if t == 0 else n_domains)
            cells.append(f'[{r}, 0, {{"v": "https://site{_letters(d)}.com/resources"}}]')
            cells.append(f'[{r}, 1, {{"v": "CRM resources"}}]')
            cells.append(f'[{r}, 2, {{"v": {d % 100}.0}}]')
            cells.append(f'[{r}, 3, {{"v": "false"}}]')
            cells.append(f'[{r}, 4, {{"v": {d * 7 % 100000}.0}}]')
            cells.append(f'[{r}, 5, {{"v": "crm"}}]')
        properties = {"sheetId": t + 2, "title": site, "index": t + 1, "sheetType": "GRID",
                      "gridProperties": {"rowCount": per_tab + 1, "columnCount": 6}}
        tabs.append(f'{{"properties": {json.dumps(properties)}, "cells": [{", ".join(cells)}]}}')
    parts.append(", ".join(tabs))
    parts.append("]}")
    return "".join(parts).encode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_emulator(folder: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    key = folder / "key.json"
    process = subprocess.Popen([sys.executable, "-m", "sheets_bridge.cli", "emulator", "--port", str(port),
                                "--write-key", str(key)], env=ENV, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            if requests.get(f"{url}/_emulator/health", timeout=1).ok and key.exists():
                return process, url, key
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    raise SystemExit("the emulator did not start")


def load(url: str, body: bytes) -> None:
    response = control.put(f"{url}/_emulator/spreadsheets/{BOOK}", data=body,
                            headers={"Content-Type": "application/json"}, timeout=600)
    response.raise_for_status()


def measured(command: list[str], env: dict[str, str], emulator: psutil.Process) -> dict[str, float]:
    """Run a command; its wall time, CPU time and own peak RSS, and the emulator's CPU time meanwhile."""
    before = emulator.cpu_times()
    done = run_measured(command, env)
    after = emulator.cpu_times()
    if done.code:
        raise SystemExit(f"{command[2:5]} failed: {done.stderr}")
    return {"wall": done.wall, "cpu": done.cpu, "rss": done.peak_mib,
            "emulator": (after.user + after.system) - (before.user + before.system)}


def main(args: argparse.Namespace) -> None:
    compiled_like_installed()  # the package as installed: byte-compiled
    baseline = measured([sys.executable, "-c", "import sheets_bridge.cli, sheets_bridge.store.google.sheets, "
                         "sheets_bridge.service.scoring"], ENV, psutil.Process())["rss"]
    print(f"import baseline RSS: {baseline:.0f} MiB")
    for rows in (int(r) for r in args.rows.split(",")):
        body = book_json(rows)
        with tempfile.TemporaryDirectory() as tmp:
            emulator_process, url, key = start_emulator(Path(tmp))
            emulator = psutil.Process(emulator_process.pid)
            env = {**ENV, "GOOGLE_APPLICATION_CREDENTIALS": str(key), "SHEETS_BRIDGE_API_ROOT": url}
            score = [sys.executable, "-m", "sheets_bridge.cli", "score", BOOK, "--top", "0", "--today", "2026-11-26"]
            runs: dict[str, list[dict[str, float]]] = {"fresh score": [], "re-score": [], "floor": []}
            try:
                for _ in range(args.pairs):
                    load(url, body)
                    runs["fresh score"].append(measured(score, env, emulator))
                    runs["re-score"].append(measured(score, env, emulator))
                    runs["floor"].append(measured([sys.executable, str(ROOT / "benchmarks" / "sheet_floor.py"), BOOK],
                                                  env, emulator))
            finally:
                emulator_process.terminate()
                emulator_process.wait()
        print(f"\n{rows:,} input rows, {args.pairs} runs each (medians)")
        floor_cpu = statistics.median(r["cpu"] for r in runs["floor"])
        for name, results in runs.items():
            wall = statistics.median(r["wall"] for r in results)
            cpu = statistics.median(r["cpu"] for r in results)
            rss = max(r["rss"] for r in results)
            share = statistics.median(r["emulator"] / r["wall"] for r in results)
            line = (f"  {name:12s} wall {wall:6.2f} s  CPU {cpu:6.2f} s ({cpu / rows * 1e6:5.2f} µs/row)  "
                    f"peak RSS {rss:5.0f} MiB ({(rss - baseline) * 1024 / rows:4.2f} KiB/row above imports)  "
                    f"emulator {share:4.0%} of wall")
            if name != "floor":
                line += (f"  CPU vs floor {cpu / floor_cpu:4.2f}x  own work {(cpu - floor_cpu) / rows * 1e6:5.2f} "
                         "µs/row")
            print(line)
    print("\ngoals: CPU <= 2x the floor's at 250k and 500k rows; <= 4 µs/row of product work; "
          "<= 0.6 KiB/row above the import baseline; emulator < 40% of a re-score's wall time at 500k")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", default="100000,250000,500000")
    parser.add_argument("--pairs", type=int, default=5)
    main(parser.parse_args())
