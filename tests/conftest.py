"""Shared fixtures: a fixed 'today', the demo workbook, small export tables."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import settings
from identity import key_and_cert

from sheets_bridge.service.demo import build_demo_workbook
from sheets_bridge.store.base import Store
from sheets_bridge.store.google.sheets import GoogleStore
from sheets_bridge.store.xlsx import XlsxStore
from sheets_emulator import control, schema
from sheets_emulator.defaults import sheet_properties, spreadsheet_properties
from sheets_emulator.server import running_emulator
from sheets_emulator.sheets.cells import raw
from sheets_emulator.state import EmulatorState

TODAY = dt.date(2026, 11, 26)
# Properties check results, never time: hypothesis's default 200 ms deadline per example made a property
# fail now and then on a busy machine (a first example that loads the suffix list). Speed is benchmarked.
# Nor luck: the examples are the same on every run (derandomize), so a run passes or fails for what the code
# does, never for the examples a random seed happened to draw; a case one search found is kept as an example.
settings.register_profile("results", deadline=None, derandomize=True)
settings.load_profile("results")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))  # the client examples tests use

# Every answer of every emulator started in this process is checked against Google's discovery schema.
os.environ.setdefault("SHEETS_EMULATOR_CHECK_ANSWERS", "1")


@pytest.fixture(autouse=True)
def answers_conform_to_googles_schema() -> Iterator[None]:
    """No test passes on an emulator answer Google could not give (a field it does not have, a wrong type)."""
    schema.SEEN.clear()
    yield
    found, schema.SEEN[:] = list(schema.SEEN), []
    assert found == [], "the emulator answered outside Google's schema:\n" + "\n".join(found[:20])


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An unscored demo workbook, built once; tests copy it."""
    path = tmp_path_factory.mktemp("demo") / "template.xlsx"
    build_demo_workbook(path)
    return path


@pytest.fixture
def demo_copy(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the unscored demo workbook."""
    path = tmp_path / "demo.xlsx"
    path.write_bytes(demo_template.read_bytes())
    return path


@pytest.fixture(scope="session")
def emulator() -> Iterator[tuple[str, EmulatorState]]:
    """The Sheets API emulator on a loopback port for the whole session."""
    with running_emulator() as running:
        yield running


@pytest.fixture(scope="session")
def service_account_file(emulator: tuple[str, EmulatorState], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real service-account key file (a fresh RSA key) whose token_uri points at the emulator."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    info = {"type": "service_account", "project_id": "emulated", "private_key_id": "test-key",
            "private_key": pem, "client_email": "bridge@emulated.iam.gserviceaccount.com", "client_id": "1",
            "token_uri": f"{emulator[0]}/token"}
    path = tmp_path_factory.mktemp("creds") / "service-account.json"
    path.write_text(json.dumps(info), encoding="utf-8")
    return path


@pytest.fixture
def google_env(emulator: tuple[str, EmulatorState], service_account_file: Path,
               monkeypatch: pytest.MonkeyPatch) -> str:
    """Environment that points the product at the emulator; returns the emulator URL."""
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(service_account_file))
    monkeypatch.setenv("SHEETS_BRIDGE_API_ROOT", emulator[0])
    control.post(f"{emulator[0]}/_emulator/reset", timeout=5)
    return emulator[0]


@pytest.fixture(scope="session")
def keys() -> dict[str, str]:
    good, good_cert = key_and_cert("good")
    rogue, _ = key_and_cert("rogue")
    return {"good": good, "good_cert": good_cert, "rogue": rogue}


@pytest.fixture(scope="session")
def certs_url(keys: dict[str, str]) -> Iterator[str]:
    """Google-style certificate JSON ({kid: PEM}) served on loopback."""
    body = json.dumps({"k1": keys["good_cert"]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/certs"
    server.shutdown()


SERVICE_ACCOUNT = "bridge@emulated.iam.gserviceaccount.com"
DEFAULT_EDITORS = (SERVICE_ACCOUNT, "cy@example.com")


def load_spreadsheet(url: str, tabs: dict[str, list[list[Any]]], book_id: str = "1" + "x" * 43,
                     owner: str = "ana@example.com", editors: tuple[str, ...] = DEFAULT_EDITORS,
                     viewers: tuple[str, ...] = ()) -> str:
    """Put a spreadsheet holding these tabs (values as given) into the emulator; returns its id.

    It is owned by ``owner`` and shared (Drive permissions) with ``editors`` as writers and ``viewers`` as
    readers; the service account is an editor by default, as the README tells users to do.
    """
    sheets = []
    for index, (title, rows) in enumerate(tabs.items()):
        cells = [[r, c, raw(v)] for r, row in enumerate(rows) for c, v in enumerate(row) if raw(v)]
        sheets.append({"properties": sheet_properties(index * 7, title, index, max(len(rows) + 50, 100),
                                                      max(max((len(r) for r in rows), default=0) + 2, 26)),
                       "cells": cells})
    permissions = [{"kind": "drive#permission", "id": f"p{i}", "type": "user", "emailAddress": email, "role": role}
                   for i, (email, role) in enumerate([(e, "writer") for e in editors]
                                                     + [(v, "reader") for v in viewers])]
    book = {"spreadsheetId": book_id, "properties": spreadsheet_properties("Test book"), "sheets": sheets,
            "created": "2026-11-26T00:00:00.000Z", "modified": "2026-11-26T00:00:00.000Z", "owner": owner,
            "permissions": permissions}
    control.put(f"{url}/_emulator/spreadsheets/{book_id}", json=book, timeout=10).raise_for_status()
    return book_id


@pytest.fixture(params=["xlsx", "google"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[dict[str, list[list[Any]]]], Store]:
    """Build a store of either kind holding the given tabs: the store contract runs against both."""
    def build(tabs: dict[str, list[list[Any]]]) -> Store:
        if request.param == "xlsx":
            store = XlsxStore(tmp_path / "book.xlsx", create=True)
            store.replace_tabs(tabs)
            return store
        return GoogleStore(load_spreadsheet(request.getfixturevalue("google_env"), tabs))
    return build


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the test item, so fixtures can tell whether the test failed."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


def inspector_store(book_id: str) -> GoogleStore:
    """The spreadsheet as the test's inspector reads it: a bearer token the emulator never issued reads every
    file, whoever owns it (for checking what a person's run wrote to a file the service account cannot open)."""
    from google.oauth2.credentials import Credentials

    from sheets_bridge.store.google.http import GoogleSession

    return GoogleStore(book_id, session=GoogleSession(Credentials(token="test-inspector")))
