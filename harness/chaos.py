"""Chaos runs: score through the service against the emulator while faults and collaborators strike.

Each run seeds a spreadsheet (scored last quarter with other Settings, Targets and exports, then worked by
the team), switches its inputs so the run under test changes every owned column, and computes the oracle:
the owned values per Domain of a quiet run (no faults, no edits) on an identical copy. Then it scores the
real one with 1-3 injected faults (429/500/503 with and without a non-zero Retry-After, slow answers,
connections dropped before or after the request is applied) and a collaborator's edit placed *by
construction* between the run's read and its pre-write re-read (the emulator applies it right after the
read succeeds): sort, insert or delete rows, type a team cell, add or move a column, move the Domain column
(and, in one kind, back again after the first re-read), or type a new Domain row with team cells. One run
in five fires a second, simultaneous request at another service *process*.

Checks, each written from the contract and never from the product's own output: every owned cell equals the
quiet run's value for its Domain (so a run that wrote nothing, or wrote to the wrong row, is caught); team
cells equal their value before the run, or the collaborator's value where the collaborator typed one; the
typed row keeps its Domain and team cells, and no owned cell is written on a row the run does not own; a
deleted row stays deleted; no Domain appears twice; no Prospects cell is a formula; other tabs are
unchanged; the Run log gains exactly one line per successful run; two runs never both succeed while
overlapping; and after every fault the product waited at least the Retry-After it was given.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

import requests
from werkzeug.serving import make_server

from sheets_bridge import contract
from sheets_bridge.store.google.http import GoogleSession
from sheets_bridge.store.google.sheets import GoogleStore
from sheets_bridge.web.app import create_app
from sheets_bridge.web.config import Config
from sheets_emulator import control
from sheets_emulator.defaults import sheet_properties, spreadsheet_properties
from sheets_emulator.server import running_emulator
from sheets_emulator.sheets.a1 import column_letters
from sheets_emulator.sheets.cells import raw
from sheets_emulator.state import EmulatorState

FAULT_KINDS = ("429", "500", "503", "slow", "drop", "drop_after")
EDIT_KINDS = ("sort", "insert_rows", "delete_rows", "edit_team_cell", "edit_status", "add_column", "move_column",
              "move_domain", "move_domain_and_back", "new_row")
HEADER = ["Referring page URL", "Referring page title", "Domain rating", "Nofollow"]
TODAY = "2026-11-26"
READ = r"values:batchGet\?.*dateTimeRenderOption=SERIAL_NUMBER"  # the run's read of every tab
REREAD = r"values:batchGet\?.*'Prospects'!1:1"  # the pre-write re-read of header and Domain column
EDITABLE_TEAM = ("Contact", "Owner", "Notes")  # team cells that do not feed the run's computation
TYPED_DOMAIN = "handpicked-partner.net"
MIN_BACKOFF = 0.009  # the harness session's smallest jittered backoff (0.02 s x 0.5), less rounding


@dataclass
class ChaosReport:
    """What the runs did and found."""

    runs: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    edits: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    conflicts: int = 0
    two_process_runs: int = 0
    waits_checked: int = 0
    violations: list[str] = field(default_factory=list)


class _Session(GoogleSession):
    """Short backoff for chaos runs (Retry-After is still honoured in full); counts retries."""

    counter: ClassVar[list[int]] = [0]

    def __init__(self, credentials: Any, api_root: str) -> None:
        super().__init__(credentials, api_root=api_root, base_delay=0.02, max_wait=20.0, max_attempts=8)

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        _Session.counter[0] += 1
        delay = super()._delay(attempt, retry_after)
        return delay if retry_after and retry_after != "0" else min(delay, 0.1)


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


HARNESS_CONFIG = Config(insecure_dev=True, quota_per_minute=0)  # hundreds of runs a minute on purpose: no queue


def harness_store(emulator: str, lease_seconds: float | None = None) -> Any:
    """A store factory for the harness services, pointed at the emulator."""
    def factory(book_id: str, person: Any = None) -> GoogleStore:
        store = GoogleStore(book_id, session=_Session(_AnonymousCredentials(), emulator))
        if lease_seconds is not None:
            store.lease_ttl = lease_seconds
        return store
    return factory


@contextmanager
def local_service(emulator: str) -> Iterator[str]:
    """The service on a loopback port in this process, without authentication, its stores on the emulator."""
    app = create_app(HARNESS_CONFIG, store_factory=harness_store(emulator), service_account=lambda: "local")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def serve_in_process(port: int, emulator: str, lease_seconds: float | None = None) -> None:
    """Entry point of a service process for the harnesses (see ``start_service_process``)."""
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    app = create_app(HARNESS_CONFIG, service_account=lambda: "process",
                     store_factory=harness_store(emulator, lease_seconds))
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_service_process(emulator: str, lease_seconds: float | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """The service in a process of its own, ready to answer; the caller stops it."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    code = (f"from harness.chaos import serve_in_process; "
            f"serve_in_process({port}, {emulator!r}, {lease_seconds!r})")
    process = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(400):
        with contextlib.suppress(requests.ConnectionError):
            if requests.get(f"{url}/healthz", timeout=1).ok:
                break
        time.sleep(0.05)
    return process, url


TLDS = (".com", ".co.uk", ".de", ".org", ".com", ".fr")
SETTINGS_VARIANTS: tuple[list[list[Any]], ...] = (
    [["Your domain", "mine.com"], ["Topic keywords", "crm"]],
    [["Your domain", "mine.com"], ["Topic keywords", "sales, pipeline, news"], ["Weight authority", 0.7],
     ["Weight relevance", 0.1], ["Weight feasibility", 0.2]],
)
TARGETS_VARIANTS: tuple[list[list[Any]], ...] = (
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


def retarget(start: dict[str, Any], variant: dict[str, Any]) -> dict[str, Any]:
    """The scored spreadsheet with the variant's inputs, and a second touch logged for every first touch."""
    inputs = {s["properties"]["title"]: s["cells"] for s in variant["sheets"]}
    out = json.loads(json.dumps(start))
    for sheet in out["sheets"]:
        title = sheet["properties"]["title"]
        if title == contract.OUTREACH_LOG:
            rows = max(r for r, _, _ in sheet["cells"]) + 1
            firsts = [[r, c, v] for r, c, v in sheet["cells"] if r > 0]
            sheet["cells"] += [[r + rows - 1, c, ({"v": 2.0} if c == 2 else {"v": v["v"] + 30} if c == 0 else v)]
                               for r, c, v in firsts]
        elif title in inputs:
            sheet["cells"] = inputs[title]
    return out


@dataclass
class Plan:
    """One collaborator scenario: the edits (after which request), and what the checks must expect."""

    kind: str
    edits: list[dict[str, Any]]
    typed: dict[tuple[str, str], Any] = field(default_factory=dict)  # (domain, column) -> collaborator's value
    deleted: set[str] = field(default_factory=set)
    new_row: dict[str, Any] = field(default_factory=dict)
    recomputed: set[str] = field(default_factory=set)  # domains whose owned cells may follow the new Status


def _move(book: str, source: int, dest: int) -> dict[str, Any]:
    return {"type": "move_column", "spreadsheetId": book, "sheet": "Prospects", "from": source, "to": dest}


def _plan(kind: str, rng: random.Random, book: str, header: list[str], order: list[str]) -> Plan:
    """The collaborator's edits for ``kind``, placed after the run's read (and, for one kind, its re-read)."""
    rows = len(order) + 1
    key = header.index(contract.KEY)
    after_read = lambda action: {"after_path": READ, "action": action}  # noqa: E731
    plan = Plan(kind, [])
    if kind == "sort":
        plan.edits = [after_read({"type": "sort", "spreadsheetId": book, "sheet": "Prospects",
                                  "column": rng.randrange(len(header)), "descending": rng.random() < 0.5})]
    elif kind == "insert_rows":
        plan.edits = [after_read({"type": "insert_rows", "spreadsheetId": book, "sheet": "Prospects",
                                  "at": rng.randint(1, rows - 1), "count": rng.randint(1, 3)})]
    elif kind == "delete_rows":
        at = rng.randint(1, rows - 1)
        plan.deleted = {order[at - 1]}
        plan.edits = [after_read({"type": "delete_rows", "spreadsheetId": book, "sheet": "Prospects", "at": at,
                                  "count": 1})]
    elif kind == "edit_team_cell":
        row, column = rng.randint(2, rows), rng.choice(EDITABLE_TEAM)
        value = rng.choice(["ana@site.org", "Bo", "note from a colleague"])
        plan.typed[(order[row - 2], column)] = value
        plan.edits = [after_read({"type": "set_cell", "spreadsheetId": book, "sheet": "Prospects",
                                  "range": f"{column_letters(header.index(column))}{row}", "value": value})]
    elif kind == "edit_status":  # Status feeds the run (Next action, follow-ups): the typed value must still win
        row = rng.randint(2, rows)
        value = rng.choice(["Replied positive", "Do not contact", "Placed", "Contacted"])
        plan.typed[(order[row - 2], "Status")] = value
        plan.recomputed.add(order[row - 2])
        plan.edits = [after_read({"type": "set_cell", "spreadsheetId": book, "sheet": "Prospects",
                                  "range": f"{column_letters(header.index('Status'))}{row}", "value": value})]
    elif kind == "add_column":
        plan.edits = [after_read({"type": "insert_columns", "spreadsheetId": book, "sheet": "Prospects",
                                  "at": rng.randint(1, len(header)), "count": 1})]
    elif kind == "move_column":
        source, dest = rng.sample([i for i in range(len(header)) if i != key], 2)
        plan.edits = [after_read(_move(book, source, dest))]
    elif kind in {"move_domain", "move_domain_and_back"}:
        dest = rng.choice([i for i in range(len(header) + 1) if i not in (key, key + 1)])
        plan.edits = [after_read(_move(book, key, dest))]
        if kind == "move_domain_and_back":
            now = dest if dest < key else dest - 1
            plan.edits.append({"after_path": REREAD, "action": _move(book, now, key if key < now else key + 1)})
    else:  # new_row: a teammate types a prospect of their own below the list
        plan.new_row = {contract.KEY: TYPED_DOMAIN, "Status": "Queued", "Notes": "found it myself"}
        cells = [plan.new_row.get(h, "") for h in header]
        plan.edits = [after_read({"type": "set_values", "spreadsheetId": book, "sheet": "Prospects",
                                  "range": f"A{rows + 1}", "values": [cells]})]
    return plan


def run_chaos(runs: int, seed: int = 1) -> ChaosReport:
    """Run the chaos trials and return the report (violations must be empty)."""
    rng = random.Random(seed)
    report = ChaosReport()
    for name in ("werkzeug", "sheets_emulator", "sheets_bridge", "sheets_bridge.access"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    with running_emulator(EmulatorState(seed=seed)) as (url, _state), local_service(url) as service:
        process, other = start_service_process(url)
        try:
            for number in range(runs):
                _one_run(number, rng, url, (service, other), report)
        finally:
            process.kill()
            process.wait(timeout=10)
    report.retries = _Session.counter[0]
    return report


def _score(service: str, book: str, today: str = TODAY) -> requests.Response:
    return requests.post(f"{service}/v1/spreadsheets/{book}/score", json={"today": today}, timeout=120)


def _dump(url: str, book: str) -> dict[str, Any]:
    return dict(requests.get(f"{url}/_emulator/spreadsheets/{book}", timeout=10).json())


def _load(url: str, book: str, data: dict[str, Any]) -> None:
    control.put(f"{url}/_emulator/spreadsheets/{book}", json=dict(data, spreadsheetId=book),
                 timeout=10).raise_for_status()


def _seed(number: int, rng: random.Random, url: str, service: str, book: str) -> dict[str, Any]:
    """Last quarter's scored sheet, worked by the team, with this quarter's inputs pasted in."""
    _load(url, book, _book(book, random.Random(rng.random())))
    assert _score(service, book, "2026-08-01").status_code == 200
    header, _, order = _by_domain(_cells(_dump(url, book), "Prospects"))
    status, notes = column_letters(header.index("Status")), column_letters(header.index("Notes"))
    team = [{"range": f"Prospects!{column}{i + 2}", "values": [[value]]}
            for i in range(min(6, len(order)))
            for column, value in ((status, ["Contacted", "Queued"][i % 2]), (notes, f"note {i}"))]
    requests.post(f"{url}/v4/spreadsheets/{book}/values:batchUpdate", headers={"Authorization": "Bearer t"},
                  json={"valueInputOption": "RAW", "data": team}, timeout=10).raise_for_status()
    start = retarget(_dump(url, book), _book(book, random.Random(rng.random()), variant=1))
    _load(url, book, start)
    return _dump(url, book)


def _one_run(number: int, rng: random.Random, url: str, services: tuple[str, str], report: ChaosReport) -> None:
    book, twin = f"1chaos{number:05d}{'r' * 33}", f"1quiet{number:05d}{'q' * 33}"
    start = _seed(number, rng, url, services[0], book)
    _load(url, twin, start)
    assert _score(services[0], twin).status_code == 200
    quiet = _by_domain(_cells(_dump(url, twin), "Prospects"))[1]
    header, _, order = _by_domain(_cells(start, "Prospects"))
    kind = EDIT_KINDS[number % len(EDIT_KINDS)]  # every kind in turn; where and how, by chance
    plan = _plan(kind, rng, book, header, order)
    report.edits[kind] += 1
    concurrent = kind != "new_row" and number % 5 == 3
    first = _count(url) + 1
    faults = []
    if number % 3 == 0:  # every third run: a 429 asking for a one-second wait, which the client must honour
        faults.append({"nth": first + rng.randint(1, 4), "times": 1, "status": 429, "retry_after": 1})
        report.faults["429"] += 1
    for _ in range(rng.randint(1, 3)):
        # a dropped answer to the read makes the client read again, after the edit: not this harness's question
        # (a new or deleted row read by the retry is rightly new or gone for the run; a Domain moved back would
        # then land after the last re-read, the documented window no store can close)
        fault_kind = rng.choice([k for k in FAULT_KINDS if not (
            (kind in {"new_row", "delete_rows", "move_domain_and_back"} or concurrent) and k == "drop_after")])
        report.faults[fault_kind] += 1
        spec: dict[str, Any] = {"nth": first + rng.randint(0, 6), "times": 1}
        if fault_kind in {"429", "500", "503"}:
            spec.update(status=int(fault_kind), retry_after=rng.choice([0, 0, 1, None]))
        elif fault_kind == "slow":
            spec.update(delay=0.2)
        else:
            spec[fault_kind] = True
        faults.append(spec)
    mark = int(requests.get(f"{url}/_emulator/log?since=999999999", timeout=10).json()["length"])
    control.post(f"{url}/_emulator/faults", json={"clear": True, "faults": faults}, timeout=10)
    control.post(f"{url}/_emulator/edits", json={"clear": True, "edits": plan.edits}, timeout=10)
    results: list[requests.Response] = []
    targets = list(services) if concurrent else [services[0]]
    threads = [threading.Thread(target=lambda s=s: results.append(_score(s, book))) for s in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    control.post(f"{url}/_emulator/faults", json={"clear": True}, timeout=10)
    pending = requests.get(f"{url}/_emulator/edits", timeout=10).json()["pending"]
    control.post(f"{url}/_emulator/edits", json={"clear": True}, timeout=10)
    report.runs += 1
    report.two_process_runs += int(concurrent)
    report.conflicts += sum(1 for r in results if r.status_code == 409)
    succeeded = [r for r in results if r.status_code == 200]
    problems = report.violations
    if not succeeded:
        problems.append(f"run {number} ({kind}): no score run succeeded: {[r.text[:200] for r in results]}")
        return
    if pending and kind != "move_domain_and_back":
        problems.append(f"run {number} ({kind}): the collaborator's edit never landed")
    log = requests.get(f"{url}/_emulator/log?since={mark}", timeout=10).json()["requests"]
    if len(succeeded) == 2 and _overlapped(log, book):
        problems.append(f"run {number} ({kind}): two runs on one spreadsheet both succeeded while overlapping")
    if not concurrent:
        report.waits_checked += _check_waits(number, kind, log, book, problems)
    _check(number, start, _dump(url, book), quiet, plan, len(succeeded), problems)


def _overlapped(log: list[dict[str, Any]], book: str) -> bool:
    """Whether a second read of every tab came before the first run's values write (no drop faults here)."""
    outstanding = 0
    for entry in log:
        if book not in entry["path"] or entry["status"] != 200:
            continue
        if re.search(READ, entry["path"]):
            outstanding += 1
            if outstanding > 1:
                return True
        elif entry["path"].split("?")[0].endswith("/values:batchUpdate"):
            outstanding = max(outstanding - 1, 0)
    return False


def _check_waits(number: int, kind: str, log: list[dict[str, Any]], book: str, problems: list[str]) -> int:
    """After each refused request, the next request on the book came no sooner than the client had to wait."""
    mine = [e for e in log if book in e["path"]]
    checked = 0
    for entry, following in itertools.pairwise(mine):
        if entry["status"] not in (429, 500, 503):
            continue
        wait = float(entry["retry_after"]) if entry.get("retry_after") not in (None, "") else MIN_BACKOFF
        wait = max(wait, MIN_BACKOFF)
        checked += 1
        if following["t"] - entry["t"] < wait * 0.95:
            problems.append(f"run {number} ({kind}): retried {following['t'] - entry['t']:.3f} s after a "
                            f"{entry['status']} that asked for {wait:g} s")
    return checked


def _count(url: str) -> int:
    return int(requests.get(f"{url}/_emulator/log?since=999999999", timeout=10).json()["count"])


def _check(number: int, start: dict[str, Any], after: dict[str, Any], quiet: dict[str, dict[str, Any]],
           plan: Plan, successes: int, problems: list[str]) -> None:
    """The invariants of one run, each from the contract."""
    kind = plan.kind
    for sheet in start["sheets"]:
        title = sheet["properties"]["title"]
        if title == contract.RUN_LOG:  # the service's own history: one line per successful run
            logged, grown = _cells(start, title), _cells(after, title)
            if grown[:len(logged)] != logged:
                problems.append(f"run {number} ({kind}): earlier Run log lines changed")
            if len(grown) - len(logged) != successes:
                problems.append(f"run {number} ({kind}): Run log gained {len(grown) - len(logged)} lines for "
                                f"{successes} successful runs")
        elif title != "Prospects" and _cells(start, title) != _cells(after, title):
            problems.append(f"run {number} ({kind}): tab {title} changed")
    prospects = next(s for s in after["sheets"] if s["properties"]["title"] == "Prospects")
    formulas = [(r, c) for r, c, cell in prospects["cells"] if "f" in cell]
    if formulas:
        problems.append(f"run {number} ({kind}): Prospects cells hold formulas at {formulas[:3]}")
    header_b, before, _ = _by_domain(_cells(start, "Prospects"))
    header_a, now, order = _by_domain(_cells(after, "Prospects"))
    if len(order) != len(set(order)):
        problems.append(f"run {number} ({kind}): a Domain appears twice")
    for domain, row in now.items():
        if domain == TYPED_DOMAIN and plan.new_row:
            for column in header_a:
                want = plan.new_row.get(column, "")
                if column and (row.get(column) or "") != want:
                    problems.append(f"run {number} ({kind}): the typed row's {column} is {row.get(column)!r}, "
                                    f"typed {want!r}")
            continue
        want = quiet.get(domain)
        if want is None:
            problems.append(f"run {number} ({kind}): {domain} is not in the quiet run's result")
            continue
        if domain in plan.deleted:
            if successes == 1:  # a later run rightly finds it in the gap again, as a new row
                problems.append(f"run {number} ({kind}): {domain} was deleted by a collaborator and came back")
            before = {k: v for k, v in before.items() if k != domain}
        for column in () if domain in plan.recomputed else contract.OWNED_COLUMNS:
            if row.get(column) != want.get(column):
                problems.append(f"run {number} ({kind}): {domain} {column} = {row.get(column)!r}, quiet run "
                                f"{want.get(column)!r}")
        for column in contract.TEAM_COLUMNS:
            expected = plan.typed.get((domain, column), before.get(domain, {}).get(column))
            if (row.get(column) or None) != (expected or None):
                problems.append(f"run {number} ({kind}): team cell {domain} {column} is {row.get(column)!r}, "
                                f"should be {expected!r}")
    if plan.new_row and TYPED_DOMAIN not in now:
        problems.append(f"run {number} ({kind}): the row a teammate typed mid-run is gone")
    missing = set(quiet) - set(now) - plan.deleted
    if missing:
        problems.append(f"run {number} ({kind}): domains lost: {sorted(missing)[:3]}")
    extra_cols = [h for h in header_a if h and h not in header_b]
    if extra_cols:
        problems.append(f"run {number} ({kind}): unexpected columns {extra_cols}")
