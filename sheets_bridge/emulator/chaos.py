"""Chaos runs: score through the service against the emulator while faults and collaborators strike.

Each run builds a spreadsheet with team work in it, computes the fault-free result on an identical copy
(with the collaborator's edit applied up front), then scores the real one with injected faults and the
collaborator's edit landing between the run's read and its pre-write re-read, and checks the invariants:
team-owned cells keep their value (or the collaborator's), owned cells sit on their Domain's row and equal
the fault-free result, no Domain appears twice, and nothing outside Prospects' owned columns changes.
"""

from __future__ import annotations

import logging
import random
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

import requests
from werkzeug.serving import make_server

from sheets_bridge import contract
from sheets_bridge.app import create_app
from sheets_bridge.config import Config
from sheets_bridge.emulator.cells import raw
from sheets_bridge.emulator.defaults import sheet_properties, spreadsheet_properties
from sheets_bridge.emulator.server import running_emulator
from sheets_bridge.emulator.state import EmulatorState
from sheets_bridge.store.google_http import GoogleSession
from sheets_bridge.store.gsheets import GoogleStore

FAULT_KINDS = ("429", "500", "503", "slow", "drop", "drop_after")
EDIT_KINDS = ("sort", "insert_rows", "delete_rows", "edit_team_cell", "add_column", "move_column")
HEADER = ["Referring page URL", "Referring page title", "Domain rating", "Nofollow"]
TODAY = "2026-11-26"


@dataclass
class ChaosReport:
    """What the runs did and found."""

    runs: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    edits: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    conflicts: int = 0
    violations: list[str] = field(default_factory=list)


class _Session(GoogleSession):
    """Fast retries for chaos runs; counts retries across the harness."""

    counter: ClassVar[list[int]] = [0]

    def __init__(self, credentials: Any, api_root: str) -> None:
        super().__init__(credentials, api_root=api_root, base_delay=0.01, max_wait=10.0, max_attempts=8)

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        _Session.counter[0] += 1
        return min(super()._delay(attempt, retry_after), 0.05)


class _AnonymousCredentials:
    """Credentials for the emulator: any bearer token is accepted there."""

    token = "chaos"
    expired = False
    valid = True
    service_account_email = "chaos@emulated.iam.gserviceaccount.com"

    def before_request(self, request: Any, method: str, url: str, headers: dict[str, str]) -> None:
        headers["authorization"] = "Bearer chaos"

    def refresh(self, request: Any) -> None:
        pass


@contextmanager
def local_service(emulator: str) -> Iterator[str]:
    """The service on a loopback port, without authentication, its stores pointed at the emulator."""
    def factory(book_id: str) -> GoogleStore:
        return GoogleStore(book_id, session=_Session(_AnonymousCredentials(), emulator))

    app = create_app(Config(insecure_dev=True), store_factory=factory, service_account=lambda: "local")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


TLDS = (".com", ".co.uk", ".de", ".org", ".com", ".fr")
SETTINGS_VARIANTS = (
    [["Your domain", "mine.com"], ["Topic keywords", "crm"]],
    [["Your domain", "mine.com"], ["Topic keywords", "sales, pipeline, news"], ["Weight authority", 0.7],
     ["Weight relevance", 0.1], ["Weight feasibility", 0.2]],
)
TARGETS_VARIANTS = (
    [["URL", "Page kind", "Topic keywords"], ["https://mine.com/guide", "guide", "crm"]],
    [["URL", "Page kind", "Topic keywords"], ["https://mine.com/sales-data", "data", "sales, news"],
     ["https://mine.com/best-tools", "list", "pipeline, tools"], ["https://mine.com/guide", "guide", "crm"]],
)


def _book(book_id: str, rng: random.Random, variant: int = 0) -> dict[str, Any]:
    """A spreadsheet with competitor exports, the own profile and an Outreach log.

    ``variant`` 1 has other Settings (topics, weights) and Targets, so that scoring it after variant 0
    changes every owned column somewhere.
    """
    names = [f"site{chr(97 + i)}{chr(97 + j)}{TLDS[(i + j) % len(TLDS)]}" for i in range(6) for j in range(6)]
    rng.shuffle(names)
    tabs: dict[str, list[list[Any]]] = {"Settings": SETTINGS_VARIANTS[variant], "Targets": TARGETS_VARIANTS[variant]}
    for rival in ("rival-a.com", "rival-b.com", "rival-c.com"):
        rows = [HEADER] + [[f"https://{n}/{rng.choice(['resources', 'best-crm', 'news/2026/x', 'vs/compare'])}",
                            rng.choice(["CRM resources", "Best CRM tools", "Sales news", "A vs B"]),
                            rng.randint(5, 90), rng.choice(["true", "false"])] for n in rng.sample(names, 20)]
        tabs[rival] = rows
    tabs["mine.com"] = [HEADER] + [[f"https://{n}/x", "", 30, "false"] for n in names[:4]]
    tabs[contract.OUTREACH_LOG] = [list(contract.LOG_HEADER)] + [
        [46300 + i, n, 1, "resource gap", "Sent", "", "", "", ""] for i, n in enumerate(names[5:9])]
    sheets = []
    for index, (title, rows) in enumerate(tabs.items()):
        cells = [[r, c, raw(v)] for r, row in enumerate(rows) for c, v in enumerate(row) if raw(v)]
        sheets.append({"properties": sheet_properties(index + 1, title, index, 200, 30), "cells": cells})
    return {"spreadsheetId": book_id, "properties": spreadsheet_properties("chaos"), "sheets": sheets,
            "created": "2026-11-26T00:00:00.000Z", "modified": "2026-11-26T00:00:00.000Z"}


def _cells(dump: dict[str, Any], title: str) -> list[list[Any]]:
    sheet = next((s for s in dump["sheets"] if s["properties"]["title"] == title), None)
    if sheet is None:
        return []
    grid: dict[tuple[int, int], Any] = {(r, c): cell.get("v") for r, c, cell in sheet["cells"] if "v" in cell}
    if not grid:
        return []
    rows = max(r for r, _ in grid) + 1
    cols = max(c for _, c in grid) + 1
    return [[grid.get((r, c)) for c in range(cols)] for r in range(rows)]


def _by_domain(rows: list[list[Any]]) -> tuple[list[str], dict[str, dict[str, Any]], list[str]]:
    if not rows:
        return [], {}, []
    header = [str(h) if h is not None else "" for h in rows[0]]
    key = header.index(contract.KEY)
    out: dict[str, dict[str, Any]] = {}
    order = []
    for row in rows[1:]:
        domain = row[key] if key < len(row) else None
        if domain in (None, ""):
            continue
        order.append(str(domain))
        out[str(domain)] = {h: (row[i] if i < len(row) else None) for i, h in enumerate(header) if h}
    return header, out, order


def _edit(kind: str, rng: random.Random, book: str, header: list[str], rows: int) -> dict[str, Any]:
    """A collaborator action on Prospects."""
    team_cols = [header.index(c) for c in contract.TEAM_COLUMNS if c in header]
    if kind == "sort":
        return {"type": "sort", "spreadsheetId": book, "sheet": "Prospects", "column": rng.randrange(len(header)),
                "descending": rng.random() < 0.5}
    if kind == "insert_rows":
        return {"type": "insert_rows", "spreadsheetId": book, "sheet": "Prospects",
                "at": rng.randint(1, max(rows - 1, 1)), "count": rng.randint(1, 3)}
    if kind == "delete_rows":
        return {"type": "delete_rows", "spreadsheetId": book, "sheet": "Prospects",
                "at": rng.randint(1, max(rows - 1, 1)), "count": 1}
    if kind == "edit_team_cell":
        row, col = rng.randint(2, max(rows, 2)), rng.choice(team_cols)
        value = rng.choice(["Queued", "Contacted", "note from a colleague", "Placed"])
        letter = chr(65 + col) if col < 26 else "A" + chr(65 + col - 26)
        return {"type": "set_cell", "spreadsheetId": book, "sheet": "Prospects", "range": f"{letter}{row}",
                "value": value}
    if kind == "add_column":
        return {"type": "insert_columns", "spreadsheetId": book, "sheet": "Prospects",
                "at": rng.randint(1, len(header)), "count": 1}
    source, dest = rng.sample(range(len(header)), 2)
    return {"type": "move_column", "spreadsheetId": book, "sheet": "Prospects", "from": source, "to": dest}


def run_chaos(runs: int, seed: int = 1) -> ChaosReport:
    """Run the chaos trials and return the report (violations must be empty)."""
    rng = random.Random(seed)
    report = ChaosReport()
    for name in ("werkzeug", "sheets_bridge.emulator", "sheets_bridge", "sheets_bridge.access"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    with running_emulator(EmulatorState(seed=seed)) as (url, _state), local_service(url) as service:
        for number in range(runs):
            _one_run(number, rng, url, service, report)
    report.retries = _Session.counter[0]
    return report


def _score(service: str, book: str) -> requests.Response:
    return requests.post(f"{service}/v1/spreadsheets/{book}/score", json={"today": TODAY}, timeout=60)


def _one_run(number: int, rng: random.Random, url: str, service: str, report: ChaosReport) -> None:
    book = f"1chaos{number:05d}{'r' * 33}"
    base = _book(book, random.Random(rng.random()))
    requests.put(f"{url}/_emulator/spreadsheets/{book}", json=base, timeout=10).raise_for_status()
    assert _score(service, book).status_code == 200  # last quarter's run: Prospects exists
    seeded = requests.get(f"{url}/_emulator/spreadsheets/{book}", timeout=10).json()
    _, _, order = _by_domain(_cells(seeded, "Prospects"))
    # the team works the list: statuses and notes in team-owned columns
    for i, domain in enumerate(order[:6]):
        row = order.index(domain) + 2
        requests.put(f"{url}/v4/spreadsheets/{book}/values/Prospects!B{row}", headers={"Authorization": "Bearer t"},
                     params={"valueInputOption": "RAW"}, json={"values": [[["Contacted", "Queued"][i % 2]]]},
                     timeout=10)
    start = requests.get(f"{url}/_emulator/spreadsheets/{book}", timeout=10).json()
    header, _, order = _by_domain(_cells(start, "Prospects"))
    kind = rng.choice(EDIT_KINDS)
    action = _edit(kind, rng, book, header, len(order) + 1)
    report.edits[kind] += 1
    # the fault-free results: a twin that got the collaborator's edit before its run (the run read it), and
    # one whose edit came after the read (a Status typed then is seen by the next run, not this one)
    expected = _fault_free(url, service, start, f"1twin{number:06d}{'t' * 33}", action, edit_first=True)
    expected_late = _fault_free(url, service, start, f"1late{number:06d}{'l' * 33}", action, edit_first=False)
    # the real run: faults anywhere in it, the edit after its first or second request
    first = _count(url) + 1
    faults = []
    for _ in range(rng.randint(1, 3)):
        fault_kind = rng.choice(FAULT_KINDS)
        report.faults[fault_kind] += 1
        spec: dict[str, Any] = {"nth": first + rng.randint(0, 4), "times": 1}
        if fault_kind in {"429", "500", "503"}:
            spec.update(status=int(fault_kind), retry_after=0)
        elif fault_kind == "slow":
            spec.update(delay=0.2)
        else:
            spec[fault_kind] = True
        faults.append(spec)
    requests.post(f"{url}/_emulator/faults", json={"clear": True, "faults": faults}, timeout=10)
    requests.post(f"{url}/_emulator/edits", json={"edits": [{"after": first + rng.randint(0, 1), "action": action}]},
                  timeout=10)
    results: list[requests.Response] = []
    concurrent = rng.random() < 0.2
    threads = [threading.Thread(target=lambda: results.append(_score(service, book)))
               for _ in range(2 if concurrent else 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    requests.post(f"{url}/_emulator/faults", json={"clear": True}, timeout=10)
    requests.post(f"{url}/_emulator/edits", json={"clear": True}, timeout=10)
    report.conflicts += sum(1 for r in results if r.status_code == 409)
    report.runs += 1
    if not any(r.status_code == 200 for r in results):
        report.violations.append(f"run {number}: no score run succeeded: {[r.text[:200] for r in results]}")
        return
    after_dump = requests.get(f"{url}/_emulator/spreadsheets/{book}", timeout=10).json()
    found = ChaosReport()
    _check(number, start, after_dump, expected, kind, found)
    if found.violations:
        late = ChaosReport()
        _check(number, start, after_dump, expected_late, kind, late)
        if late.violations:
            report.violations.extend(found.violations + [f"(against a late edit: {v})" for v in late.violations])


def _fault_free(url: str, service: str, start: dict[str, Any], twin: str, action: dict[str, Any],
                edit_first: bool) -> dict[str, dict[str, Any]]:
    """Owned values per Domain of a clean run on a copy, the collaborator's edit before or after it."""
    requests.put(f"{url}/_emulator/spreadsheets/{twin}", json=dict(start, spreadsheetId=twin),
                 timeout=10).raise_for_status()
    def collaborate() -> None:
        edit: dict[str, Any] = {"edits": [{"after": _count(url) + 1, "action": dict(action, spreadsheetId=twin)}]}
        requests.post(f"{url}/_emulator/edits", json=edit, timeout=10)
        requests.get(f"{url}/v4/spreadsheets/{twin}?fields=spreadsheetId", headers={"Authorization": "Bearer t"},
                     timeout=10)

    if edit_first:
        collaborate()
    assert _score(service, twin).status_code == 200
    if not edit_first:
        collaborate()
    dump = requests.get(f"{url}/_emulator/spreadsheets/{twin}", timeout=10).json()
    return _by_domain(_cells(dump, "Prospects"))[1]


def _count(url: str) -> int:
    return int(requests.get(f"{url}/_emulator/log", timeout=10).json()["count"])


def _check(number: int, start: dict[str, Any], after: dict[str, Any], expected: dict[str, dict[str, Any]],
           kind: str, report: ChaosReport) -> None:
    """The invariants of one run."""
    problems = report.violations
    for sheet in start["sheets"]:
        title = sheet["properties"]["title"]
        if title == contract.RUN_LOG:  # the service's own history: it may only grow
            logged, grown = _cells(start, title), _cells(after, title)
            if grown[:len(logged)] != logged:
                problems.append(f"run {number} ({kind}): earlier Run log lines changed")
        elif title != "Prospects" and _cells(start, title) != _cells(after, title):
            problems.append(f"run {number} ({kind}): tab {title} changed")
    header_b, before, _ = _by_domain(_cells(start, "Prospects"))
    rows_after = _cells(after, "Prospects")
    header_a, now, order = _by_domain(rows_after)
    if len(order) != len(set(order)):
        problems.append(f"run {number} ({kind}): a Domain appears twice")
    for domain, row in now.items():
        want = expected.get(domain)
        if want is None:
            problems.append(f"run {number} ({kind}): {domain} is not in the fault-free result")
            continue
        for column in contract.OWNED_COLUMNS:
            if row.get(column) != want.get(column):
                problems.append(f"run {number} ({kind}): {domain} {column} = {row.get(column)!r}, fault-free "
                                f"{want.get(column)!r}")
        for column in contract.TEAM_COLUMNS:
            old = before.get(domain, {}).get(column)
            if row.get(column) != old and row.get(column) != (want.get(column)):
                problems.append(f"run {number} ({kind}): team cell {domain} {column} changed {old!r} → "
                                f"{row.get(column)!r}")
    missing = set(expected) - set(now)
    if missing and kind != "delete_rows":
        problems.append(f"run {number} ({kind}): domains lost: {sorted(missing)[:3]}")
    extra_cols = [h for h in header_a if h and h not in header_b]
    if extra_cols:
        problems.append(f"run {number} ({kind}): unexpected columns {extra_cols}")
