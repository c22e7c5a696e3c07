"""Crash trials: the service process is killed (SIGKILL) right after its read, inside its write, or at a random
moment of a score run; the trials cycle through the three, so the cases that must happen always do.

The spreadsheet is first scored with other Settings, Targets, exports and an older date, so the killed run
differs from it in every owned column (checked: a column that would read the same before and after is a
blind spot, reported as a violation of the harness itself). Kills land at a random moment, or inside the
write: the emulator applies the first values write and holds its answer while the process is killed, so a
write split in two requests would be caught half done. After each kill the owned columns must be entirely as
before or entirely as the fault-free run, team cells unchanged; the killed run's lease must keep a second
run out (409) until it expires, and the run after that must give the fault-free result.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import re
import signal
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import requests

from harness.chaos import (
    TODAY,
    _book,
    _by_domain,
    _cells,
    local_service,
    retarget,
    start_service_process,
)
from sheets_bridge import contract
from sheets_emulator import control
from sheets_emulator.server import running_emulator
from sheets_emulator.state import EmulatorState


@dataclass
class CrashReport:
    """Outcomes of the crash trials."""

    trials: int = 0
    killed_before_write: int = 0
    killed_after_write: int = 0
    killed_in_write: int = 0
    lease_held: int = 0
    recovered: int = 0
    violations: list[str] = field(default_factory=list)


LEASE_SECONDS = 1.5
MODES = ("before", "in_write", "random")  # trial i kills in MODES[i % 3]: the forced cases come first
WAIT_LIMIT = 120.0


def _owned(rows: list[list[Any]]) -> dict[str, tuple[Any, ...]]:
    _, by, _ = _by_domain(rows)
    return {d: tuple(r.get(c) for c in contract.OWNED_COLUMNS) for d, r in by.items()}


def _team(rows: list[list[Any]]) -> dict[str, tuple[Any, ...]]:
    _, by, _ = _by_domain(rows)
    return {d: tuple(r.get(c) for c in contract.TEAM_COLUMNS) for d, r in by.items()}


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


def _blind_columns(before: dict[str, tuple[Any, ...]], expected: dict[str, tuple[Any, ...]]) -> list[str]:
    """Owned columns (Domain aside) that read the same before and after the run: a tear there is invisible."""
    blind = []
    for i, column in enumerate(contract.OWNED_COLUMNS):
        if column == contract.KEY:
            continue
        if all((before.get(d, (None,) * len(contract.OWNED_COLUMNS))[i] or None) == (row[i] or None)
               for d, row in expected.items()):
            blind.append(column)
    return blind


def _trial(number: int, rng: random.Random, url: str, inproc: str, report: CrashReport) -> None:
    book, twin = f"1crash{number:05d}{'k' * 33}", f"1ctwin{number:05d}{'w' * 33}"
    seed_rng = random.Random(rng.random())
    control.put(f"{url}/_emulator/spreadsheets/{book}", json=_book(book, seed_rng), timeout=10).raise_for_status()
    requests.post(f"{inproc}/v1/spreadsheets/{book}/score", json={"today": "2026-08-01"}, timeout=60)
    start = retarget(_dump(url, book), _book(book, random.Random(rng.random()), variant=1))
    control.put(f"{url}/_emulator/spreadsheets/{book}", json=start, timeout=10).raise_for_status()
    control.put(f"{url}/_emulator/spreadsheets/{twin}", json=dict(start, spreadsheetId=twin), timeout=10)
    requests.post(f"{inproc}/v1/spreadsheets/{twin}/score", json={"today": TODAY}, timeout=60)
    before = _owned(_cells(start, "Prospects"))
    expected = _owned(_cells(_dump(url, twin), "Prospects"))
    blind = _blind_columns(before, expected)
    if blind:
        report.violations.append(f"trial {number}: the harness cannot see a tear in {blind}")
    team_before = _team(_cells(start, "Prospects"))
    process, service = start_service_process(url, LEASE_SECONDS)
    mode = MODES[number % len(MODES)]  # every case that must happen is forced, whatever the draw
    in_write = mode == "in_write"
    pattern = {"before": r"values:batchGet", "in_write": r"/values:batchUpdate$"}.get(mode)
    try:
        mark = int(requests.get(f"{url}/_emulator/log?since=999999999", timeout=10).json()["length"])
        faults: list[dict[str, Any]] = [{"delay": 0.08, "rate": 1.0}]
        if pattern:  # that request is applied, then its answer waits while the process is killed
            faults.insert(0, {"path": pattern, "delay_after": 2.0, "times": 1})
        control.post(f"{url}/_emulator/faults", json={"clear": True, "faults": faults}, timeout=10)
        thread = threading.Thread(target=_fire, args=(service, book), daemon=True)
        thread.start()
        if pattern:
            if not _wait_for(url, book, mark, pattern):
                report.violations.append(f"trial {number}: the run never reached {pattern} within "
                                         f"{WAIT_LIMIT:.0f} s, so the forced kill could not land there")
        else:
            time.sleep(rng.uniform(0.0, 0.8))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        thread.join(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        control.post(f"{url}/_emulator/faults", json={"clear": True}, timeout=10)
    time.sleep(0.2)  # let a request the emulator was already serving finish
    report.trials += 1
    dump = _dump(url, book)
    rows = _cells(dump, "Prospects")
    now = _owned(rows)
    if now == before:
        report.killed_before_write += 1
    elif now == expected:
        report.killed_after_write += 1
        report.killed_in_write += int(in_write)
    else:
        torn = [c for i, c in enumerate(contract.OWNED_COLUMNS)
                if any((now.get(d) or (None,) * 99)[i] != (expected.get(d) or (None,) * 99)[i] for d in expected)]
        report.violations.append(f"trial {number}: owned columns are neither before nor after the run "
                                 f"({'inside' if in_write else 'during'} the write; differing: {torn[:4]})")
    team_now = _team(rows)
    changed = [d for d, cells in team_now.items() if cells != team_before.get(d, tuple(None for _ in cells))
               and not (d not in team_before and not any(cells))]
    if changed:
        report.violations.append(f"trial {number}: team-owned cells changed ({changed[:3]})")
    leases = [m for m in dump.get("developerMetadata", []) if m.get("metadataKey") == "sheets_bridge.lease"]
    if leases:
        report.lease_held += 1
        expires = max(float(json.loads(m["metadataValue"])["expires"]) for m in leases)
        mark = int(requests.get(f"{url}/_emulator/log?since=999999999", timeout=10).json()["length"])
        second = requests.post(f"{inproc}/v1/spreadsheets/{book}/score", json={"today": TODAY}, timeout=60)
        log = requests.get(f"{url}/_emulator/log?since={mark}", timeout=10).json()["requests"]
        reads = [e["t"] for e in log if book in e["path"] and e["status"] == 200 and "SERIAL_NUMBER" in e["path"]]
        if second.status_code not in (200, 409) or (second.status_code == 200 and (not reads or reads[0] < expires)):
            report.violations.append(f"trial {number}: a second run got {second.status_code} and read the sheet "
                                     "while the killed run's lease was unexpired")
        time.sleep(max(0.0, expires - time.time()) + 0.2)
    answer = requests.post(f"{inproc}/v1/spreadsheets/{book}/score", json={"today": TODAY}, timeout=60)
    if answer.status_code == 200 and _owned(_cells(_dump(url, book), "Prospects")) == expected:
        report.recovered += 1
    else:
        report.violations.append(f"trial {number}: the next run did not give the fault-free result "
                                 f"({answer.status_code} {answer.text[:200]})")


def _wait_for(url: str, book: str, mark: int, pattern: str, limit: float | None = None) -> bool:
    """Whether the emulator applied (and logged) this book's first request matching ``pattern`` in time.

    The limit is generous (a busy machine is slow, never wrong); running out of it is reported, not hidden.
    """
    deadline = time.monotonic() + (WAIT_LIMIT if limit is None else limit)
    while time.monotonic() < deadline:
        log = requests.get(f"{url}/_emulator/log?since={mark}", timeout=10).json()["requests"]
        if any(book in e["path"] and re.search(pattern, e["path"].split("?")[0]) for e in log):
            return True
        time.sleep(0.01)
    return False


def _fire(service: str, book: str) -> None:
    with contextlib.suppress(requests.RequestException):
        requests.post(f"{service}/v1/spreadsheets/{book}/score", json={"today": TODAY}, timeout=30)
