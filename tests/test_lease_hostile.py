"""The lease against hostile collaborators, transient errors and skewed clocks (through gspread's real HTTP stack
against the emulator, which keeps developer metadata visibility per Cloud project as Google does)."""

from __future__ import annotations

import json
import random
import time
from typing import Any

import pandas as pd
import pytest
import requests
from conftest import TODAY, load_spreadsheet
from identity import access_token
from test_store_reliability import TABS

from sheets_bridge.exceptions import SheetsBridgeError
from sheets_bridge.service.actions import score
from sheets_bridge.store.google.lease import LeaseExpiredError, LeaseLostError, RunInProgressError
from sheets_bridge.store.google.sheets import GoogleStore
from sheets_emulator import control

LEASE = "sheets_bridge.lease"
INSPECT = {"Authorization": "Bearer inspector"}


def _metadata(url: str, book: str) -> list[dict[str, Any]]:
    return list(requests.get(f"{url}/_emulator/spreadsheets/{book}", timeout=5).json().get("developerMetadata", []))


def _plant(url: str, book: str, headers: dict[str, str], value: Any, visibility: str) -> int:
    """An entry under the lease key, created with the given credentials (a collaborator's own script)."""
    answer = requests.post(f"{url}/v4/spreadsheets/{book}:batchUpdate", headers=headers, timeout=5, json={
        "requests": [{"createDeveloperMetadata": {"developerMetadata": {
            "metadataKey": LEASE, "metadataValue": value if isinstance(value, str) else json.dumps(value),
            "location": {"spreadsheet": True}, "visibility": visibility}}}]})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["replies"][0]["createDeveloperMetadata"]["developerMetadata"]["metadataId"])


def project_token(url: str, email: str, project: str) -> str:
    """An access token issued to a script in another Cloud project (a collaborator's own Apps Script)."""
    import base64

    payload = base64.urlsafe_b64encode(json.dumps({"iss": email, "project": project, "scope": "x"}).encode())
    answer = requests.post(f"{url}/token", data={"assertion": f"e30.{payload.decode().rstrip('=')}.sig"}, timeout=5)
    return str(answer.json()["access_token"])


def _scored(book: str) -> int:
    store = GoogleStore(book)
    with store.hold("ana@example.com", "Score prospects"):
        summary, _ = score(store, TODAY)
    return summary.new + summary.updated


HOSTILE_VALUES = [{"id": "x", "user": "mallory", "since": time.time(), "expires": 1e20},
                  {"id": "0" * 32, "since": "soon", "expires": "soon"},
                  {"id": "0" * 32, "since": None, "expires": None},
                  {"id": "1" * 32, "user": "mallory", "since": time.time(), "expires": time.time() + 10 * 365 * 86400},
                  {"id": "2" * 32, "user": "mallory", "since": 1e20, "expires": 1e20 + 60},
                  "not json at all", [1, 2, 3]]


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=range(len(HOSTILE_VALUES)))
def test_no_entry_a_collaborator_can_write_jams_the_spreadsheet(google_env: str, value: Any) -> None:
    book = load_spreadsheet(google_env, TABS, owner="ana@example.com",
                            editors=("mallory@example.com", "bridge@emulated.iam.gserviceaccount.com"))
    mallory = {"Authorization": f"Bearer {project_token(google_env, 'mallory@example.com', 'mallory-script')}"}
    for visibility in ("DOCUMENT", "PROJECT"):  # her script's project: PROJECT entries are hers alone
        _plant(google_env, book, mallory, value, visibility)
    _plant(google_env, book, INSPECT, value, "PROJECT")  # and one in our own project that is not a lease of ours
    assert _scored(book) > 0
    assert _scored(book) > 0  # and again: nothing was left behind that blocks
    ours = [m for m in requests.post(f"{google_env}/v4/spreadsheets/{book}/developerMetadata:search",
                                     headers={"Authorization": f"Bearer {access_token(google_env, 'ana@example.com')}"},
                                     json={"dataFilters": [{"developerMetadataLookup": {"metadataKey": LEASE}}]},
                                     timeout=5).json().get("matchedDeveloperMetadata", [])]
    assert ours == []  # the forged document-wide entry and the malformed one were deleted by the first run


def test_a_collaborator_in_another_project_neither_sees_nor_deletes_a_running_lease(google_env: str) -> None:
    book = load_spreadsheet(google_env, TABS, owner="ana@example.com",
                            editors=("mallory@example.com", "bridge@emulated.iam.gserviceaccount.com"))
    mallory = {"Authorization": f"Bearer {project_token(google_env, 'mallory@example.com', 'mallory-script')}"}
    store = GoogleStore(book)
    with store.hold("ana@example.com", "Score prospects"):
        seen = requests.post(f"{google_env}/v4/spreadsheets/{book}/developerMetadata:search", headers=mallory,
                             json={"dataFilters": [{"developerMetadataLookup": {"metadataKey": LEASE}}]}, timeout=5)
        assert seen.status_code == 200 and seen.json() == {}
        gone = requests.post(f"{google_env}/v4/spreadsheets/{book}:batchUpdate", headers=mallory, timeout=5, json={
            "requests": [{"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {
                "metadataKey": LEASE}}}}]})
        assert gone.status_code == 200
        with pytest.raises(RunInProgressError), GoogleStore(book).hold("bo@example.com", "Score prospects"):
            pass


def test_a_lease_removed_by_hand_mid_run_stops_the_run_before_it_writes(google_env: str) -> None:
    book = load_spreadsheet(google_env, {**TABS, "Prospects": [["Domain", "Status"], ["old.com", "Contacted"]]})
    control.post(f"{google_env}/_emulator/edits", timeout=5, json={"edits": [{
        "after_path": r"values:batchGet\?ranges='Settings'", "action": {
            "type": "delete_developer_metadata", "key": LEASE, "spreadsheetId": book}}]})
    before = requests.get(f"{google_env}/_emulator/spreadsheets/{book}", timeout=5).json()["sheets"]
    store = GoogleStore(book)
    with pytest.raises(LeaseLostError, match="nothing was written"), store.hold("ana@example.com", "Score prospects"):
        score(store, TODAY)
    assert requests.get(f"{google_env}/_emulator/spreadsheets/{book}", timeout=5).json()["sheets"] == before


def test_a_failed_create_never_locks_the_spreadsheet(google_env: str) -> None:
    book = load_spreadsheet(google_env, TABS)
    # the create is applied, then the connection drops before the answer, on every attempt
    control.post(f"{google_env}/_emulator/faults", timeout=5, json={"faults": [
        {"method": "POST", "path": r":batchUpdate$", "drop_after": True, "rate": 1.0, "remaining": 6}]})
    try:
        store = GoogleStore(book)
        store.session.max_attempts = 2
        with pytest.raises(SheetsBridgeError), store.hold("ana@example.com", "Score prospects"):
            pass
    finally:
        control.post(f"{google_env}/_emulator/faults", json={"clear": True}, timeout=5)
    with GoogleStore(book).hold("bo@example.com", "Score prospects"):  # not "still running" for 15 minutes
        pass


def test_instances_with_skewed_clocks_agree_on_when_a_lease_ends(google_env: str) -> None:
    book = load_spreadsheet(google_env, TABS)
    behind = GoogleStore(book)
    behind.lease_ttl = 6.0
    behind.clock = lambda: time.time() - 3.0  # three seconds slow: its lease ends 3 s early for everyone else
    with behind.hold("ana@example.com", "Score prospects"):
        behind.read_tabs()
        time.sleep(3.6)
        with GoogleStore(book).hold("bo@example.com", "Score prospects"):  # ended, on Google's clock
            pass
        with pytest.raises(LeaseExpiredError):  # so the slow instance must not write any more
            behind.write_prospects(pd.DataFrame({"Domain": ["alpha.com"]}), ["Domain"], ["Status"])


def test_a_lease_refuses_writes_from_its_margin_before_expiry_on_googles_clock() -> None:
    """The lease alone (no HTTP): Google's clock says 100 s more than ours; the lease lasts 900 s."""
    local = [1_000_000.0]
    sent: list[list[dict[str, Any]]] = []

    def batch_update(requests_: list[dict[str, Any]], read: bool) -> tuple[dict[str, Any], float | None]:
        sent.append(requests_)
        return {"updatedSpreadsheet": {}}, (local[0] + 100.0) if read else None

    from sheets_bridge.store.google.lease import MARGIN, Lease

    lease = Lease(batch_update, "ana@example.com", "Score prospects", clock=lambda: local[0])
    lease.acquire()
    written = json.loads(sent[0][0]["createDeveloperMetadata"]["developerMetadata"]["metadataValue"])
    local[0] += written["expires"] - (local[0] + 100.0) - MARGIN - 1  # just inside, on Google's clock
    lease.check()
    local[0] += 2
    with pytest.raises(LeaseExpiredError):
        lease.check()


def test_retries_stop_when_the_run_must_stop(google_env: str) -> None:
    book = load_spreadsheet(google_env, TABS)
    store = GoogleStore(book)
    store.lease_ttl = 3.0  # the run must stop 0.3 s before 3 s
    control.post(f"{google_env}/_emulator/faults", timeout=5, json={"faults": [
        {"method": "POST", "path": r"/values:batchUpdate$", "status": 503, "retry_after": 1, "rate": 1.0}]})
    started = time.monotonic()
    try:
        with pytest.raises(LeaseExpiredError), store.hold("ana@example.com", "Score prospects"):
            store.write_prospects(pd.DataFrame({"Domain": ["alpha.com"]}), ["Domain"], ["Status"])
    finally:
        control.post(f"{google_env}/_emulator/faults", json={"clear": True}, timeout=5)
    assert time.monotonic() - started < 4.0


def test_a_session_never_waits_past_the_runs_deadline(google_env: str) -> None:
    """Judged on the waits the session chose (a fake sleep that moves the run's clock), not on wall time."""
    from google.oauth2.credentials import Credentials

    from sheets_bridge.store.google.http import GoogleSession

    book = load_spreadsheet(google_env, TABS)
    left, slept = [2.5], []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        left[0] -= seconds

    session = GoogleSession(Credentials(token="inspector"), api_root=google_env, sleep=sleep, max_wait=60.0,
                            rng=random.Random(0))
    session.deadline = lambda: left[0]
    control.post(f"{google_env}/_emulator/faults", json={"faults": [
        {"method": "GET", "path": r"/v4/spreadsheets/", "status": 503, "retry_after": 1, "rate": 1.0}]})
    try:
        with pytest.raises(LeaseExpiredError):
            session.request("GET", f"https://sheets.googleapis.com/v4/spreadsheets/{book}")
    finally:
        control.post(f"{google_env}/_emulator/faults", json={"clear": True})
    assert sum(slept) <= 2.5 and len(slept) == 2  # a third wait would end after the deadline: it stops instead
