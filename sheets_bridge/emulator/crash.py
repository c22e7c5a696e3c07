"""Crash trials: the service process is killed (SIGKILL) at random points of a score run.

After each kill the Prospects owned columns must be entirely as before the run or entirely as after a
fault-free run, never a mix, and the next run must complete with the fault-free result.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import requests
from werkzeug.serving import make_server

from sheets_bridge import contract
from sheets_bridge.app import create_app
from sheets_bridge.config import Config
from sheets_bridge.emulator.chaos import (
    TODAY,
    _AnonymousCredentials,
    _book,
    _by_domain,
    _cells,
    _Session,
    local_service,
)
from sheets_bridge.emulator.server import running_emulator
from sheets_bridge.emulator.state import EmulatorState
from sheets_bridge.store.gsheets import GoogleStore


@dataclass
class CrashReport:
    """Outcomes of the crash trials."""

    trials: int = 0
    killed_before_write: int = 0
    killed_after_write: int = 0
    recovered: int = 0
    violations: list[str] = field(default_factory=list)


def serve_for_crash(port: int, emulator: str) -> None:
    """The service, as a separate process, talking to the emulator (entry point for the trials)."""
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    app = create_app(Config(insecure_dev=True), service_account=lambda: "crash",
                     store_factory=lambda book: GoogleStore(book, session=_Session(_AnonymousCredentials(), emulator)))
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()


def _owned(rows: list[list[Any]]) -> dict[str, tuple[Any, ...]]:
    _, by, _ = _by_domain(rows)
    return {d: tuple(r.get(c) for c in contract.OWNED_COLUMNS) for d, r in by.items()}


def _team(rows: list[list[Any]]) -> dict[str, tuple[Any, ...]]:
    _, by, _ = _by_domain(rows)
    return {d: tuple(r.get(c) for c in contract.TEAM_COLUMNS) for d, r in by.items()}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_crashes(trials: int, seed: int = 3) -> CrashReport:
    """Run the trials; the report's violations must be empty."""
    rng = random.Random(seed)
    report = CrashReport()
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    with running_emulator(EmulatorState(seed=seed)) as (url, _state), local_service(url) as inproc:
        for number in range(trials):
            _trial(number, rng, url, inproc, report)
    return report


def _dump(url: str, book: str) -> dict[str, Any]:
    return requests.get(f"{url}/_emulator/spreadsheets/{book}", timeout=10).json()


def _trial(number: int, rng: random.Random, url: str, inproc: str, report: CrashReport) -> None:
    book, twin = f"1crash{number:05d}{'k' * 33}", f"1ctwin{number:05d}{'w' * 33}"
    base = _book(book, random.Random(rng.random()))
    requests.put(f"{url}/_emulator/spreadsheets/{book}", json=base, timeout=10).raise_for_status()
    requests.post(f"{inproc}/v1/spreadsheets/{book}/score", json={"today": "2026-08-01"}, timeout=60)
    start = _dump(url, book)
    requests.put(f"{url}/_emulator/spreadsheets/{twin}", json=dict(start, spreadsheetId=twin), timeout=10)
    requests.post(f"{inproc}/v1/spreadsheets/{twin}/score", json={"today": TODAY}, timeout=60)
    before = _owned(_cells(start, "Prospects"))
    expected = _owned(_cells(_dump(url, twin), "Prospects"))
    team_before = _team(_cells(start, "Prospects"))
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    process = subprocess.Popen([sys.executable, "-c", f"from sheets_bridge.emulator.crash import serve_for_crash; "
                                                      f"serve_for_crash({port}, {url!r})"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    service = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(f"{service}/healthz", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.05)
        requests.post(f"{url}/_emulator/faults", json={"clear": True, "faults": [{"delay": 0.08, "rate": 1.0}]},
                      timeout=10)
        thread = threading.Thread(target=_fire, args=(service, book), daemon=True)
        thread.start()
        time.sleep(rng.uniform(0.0, 0.6))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        thread.join(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        requests.post(f"{url}/_emulator/faults", json={"clear": True}, timeout=10)
    time.sleep(0.2)  # let a request the emulator was already serving finish
    report.trials += 1
    rows = _cells(_dump(url, book), "Prospects")
    now = _owned(rows)
    if now == before:
        report.killed_before_write += 1
    elif now == expected:
        report.killed_after_write += 1
    else:
        report.violations.append(f"trial {number}: owned columns are neither before nor after the run")
    if _team(rows) != team_before:
        report.violations.append(f"trial {number}: team-owned cells changed")
    answer = requests.post(f"{inproc}/v1/spreadsheets/{book}/score", json={"today": TODAY}, timeout=60)
    if answer.status_code == 200 and _owned(_cells(_dump(url, book), "Prospects")) == expected:
        report.recovered += 1
    else:
        report.violations.append(f"trial {number}: the next run did not give the fault-free result "
                                 f"({answer.status_code})")


def _fire(service: str, book: str) -> None:
    with contextlib.suppress(requests.RequestException):
        requests.post(f"{service}/v1/spreadsheets/{book}/score", json={"today": TODAY}, timeout=30)
