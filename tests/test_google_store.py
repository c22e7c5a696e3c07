"""The Google store through gspread's real HTTP stack against the local emulator, and the store contract."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
import requests
from conftest import load_spreadsheet

from sheets_bridge import contract
from sheets_bridge.cli import main
from sheets_bridge.exceptions import QuotaExhaustedError, SheetAccessError, SpreadsheetNotFoundError
from sheets_bridge.intake.ingest import as_rows
from sheets_bridge.service.actions import score
from sheets_bridge.service.demo import SETTINGS_ROWS, TARGET_ROWS
from sheets_bridge.store.base import Store
from sheets_bridge.store.google.sheets import GoogleStore, spreadsheet_id_of
from sheets_emulator import control

TODAY = dt.date(2026, 11, 26)
HEADER = ["Referring page URL", "Referring page title", "Domain rating", "Nofollow", "Anchor"]
TABS: dict[str, list[list[Any]]] = {
    "Settings": [["Your domain", "mine.com"], ["Topic keywords", "crm"]],
    "rival-a.com": [HEADER, ["https://www.alpha.com/resources", "CRM resources", 40, "false", "crm"],
                    ["https://beta.co.uk/best-crm", "Best CRM tools", 55, "false", "=IMPORTXML(\"x\",\"//a\")"],
                    ["https://mine-too.org/", "", 20, "false", ""]],
    "rival-b.com": [HEADER, ["https://alpha.com/news/2026/crm", "CRM news", 41, "true", "x"],
                    ["https://gamma.io/x", "", 10, "false", "y"]],
    "mine.com": [HEADER, ["https://mine-too.org/a", "", 20, "false", ""]],
}


def read_prospects(store: Store) -> pd.DataFrame:
    rows = store.read_tabs()[contract.PROSPECTS]
    width = len(rows[0])
    return pd.DataFrame([list(r) + [""] * (width - len(r)) for r in rows[1:]], columns=rows[0])


def test_contract_score_then_rescore_keeps_team_cells(make_store: Callable[..., Store]) -> None:
    store = make_store(TABS)
    summary, _ = score(store, TODAY)
    assert summary.new == 3 and summary.excluded == {"already links to you": 1}
    first = read_prospects(store)
    assert first["Domain"].tolist() == ["alpha.com", "beta.co.uk", "gamma.io"] or set(first["Domain"]) == {
        "alpha.com", "beta.co.uk", "gamma.io"}
    assert list(first.columns[:2]) == ["Domain", "Status"]
    summary, _ = score(store, TODAY)
    assert (summary.new, summary.updated) == (0, 3)
    second = read_prospects(store)
    pd.testing.assert_frame_equal(first, second)
    log = store.read_tabs()["Run log"]
    assert log[0] == ["Time (UTC)", "User", "Action", "Result", "Seconds", "Warnings"]
    assert [row[2] for row in log[1:]] == ["Score prospects", "Score prospects"]
    assert log[1][1:4] == ["command line", "Score prospects", "3 prospects (0 left the gap); tiers A 2, B 0, C 1"]
    assert log[2][4] == summary.seconds  # the seconds the command line prints
    when = log[2][0]  # a real date-time: a serial number in Sheets, a datetime in a workbook
    stamp = (dt.datetime(1899, 12, 30) + dt.timedelta(days=when)) if isinstance(when, float) else when
    assert isinstance(stamp, dt.datetime) and abs((dt.datetime.now(dt.UTC).replace(tzinfo=None) - stamp)
                                                  .total_seconds()) < 120


def test_contract_read_tabs_returns_every_tab(make_store: Callable[..., Store]) -> None:
    tabs = make_store(TABS).read_tabs()
    assert list(tabs)[:4] == ["Settings", "rival-a.com", "rival-b.com", "mine.com"]
    assert as_rows(tabs["rival-a.com"])[1][2] == 40  # an export tab may come as Columns (Google's COLUMNS)
    trimmed = [row[: max((i + 1 for i, c in enumerate(row) if c != ""), default=0)] for row in TABS["rival-a.com"]]
    got = [[("" if c is None else c) for c in row] for row in as_rows(tabs["rival-a.com"])]
    assert [row[: len(t)] for row, t in zip(got, trimmed, strict=True)] == trimmed
    assert all(c == "" for row, t in zip(got, trimmed, strict=True) for c in row[len(t):])


def test_google_run_costs_a_constant_number_of_requests(google_env: str) -> None:
    counts = []
    for extra in (0, 400):
        rows = [[f"https://site{i}.com/resources", "CRM", 30, "false", ""] for i in range(extra)]
        tabs = dict(TABS, **{"rival-a.com": TABS["rival-a.com"] + rows})
        store = GoogleStore(load_spreadsheet(google_env, tabs, book_id=f"1{'y' * 42}{extra % 10}"))
        control.delete(f"{google_env}/_emulator/log", timeout=5)
        summary, _ = score(store, TODAY)
        log = requests.get(f"{google_env}/_emulator/log", timeout=5).json()["requests"]
        counts.append(len(log))
        assert summary.api_requests == len(log)
        assert not any(":append" in r["path"] for r in log)
    assert counts[0] == counts[1] <= 5


def test_values_are_written_raw_so_formulas_stay_text(google_env: str) -> None:
    tabs = dict(TABS, **{"rival-a.com": [HEADER, ["https://evil.com/=x", '=IMPORTXML("http://e","//a")', 40,
                                                  "false", "a"]]})
    book = load_spreadsheet(google_env, tabs)
    score(GoogleStore(book), TODAY)
    token = {"Authorization": "Bearer test"}
    got = requests.get(f"{google_env}/v4/spreadsheets/{book}/values/Prospects", headers=token,
                       params={"valueRenderOption": "FORMULA"}, timeout=5).json()["values"]
    header = got[0]
    why = next(row[header.index("Why")] for row in got[1:] if row[0] == "evil.com")
    assert isinstance(why, str) and not why.startswith("=")
    dump = requests.get(f"{google_env}/_emulator/spreadsheets/{book}", timeout=5).json()
    assert not any("f" in cell for sheet in dump["sheets"] for _, _, cell in sheet["cells"])


def test_sort_between_read_and_write_keeps_cells_on_their_domain(google_env: str) -> None:
    book = load_spreadsheet(google_env, TABS)
    store = GoogleStore(book)
    score(store, TODAY)
    before = read_prospects(store).set_index("Domain")
    token = {"Authorization": "Bearer t"}
    requests.put(f"{google_env}/v4/spreadsheets/{book}/values/Prospects!B2:B4", headers=token,
                 params={"valueInputOption": "RAW"}, json={"values": [["Queued"], ["Placed"], ["New"]]}, timeout=5)
    statuses = read_prospects(store).set_index("Domain")["Status"].to_dict()
    control.delete(f"{google_env}/_emulator/log", timeout=5)
    # the collaborator sorts by Domain descending right after the run's second request (its batchGet)
    control.post(f"{google_env}/_emulator/edits", json={"edits": [{"after": _counter(google_env) + 2, "action": {
        "type": "sort", "spreadsheetId": book, "sheet": "Prospects", "column": 0, "descending": True}}]}, timeout=5)
    score(GoogleStore(book), TODAY)
    after = read_prospects(store)
    assert after["Domain"].tolist() == sorted(before.index, reverse=True)
    indexed = after.set_index("Domain")
    assert indexed["Status"].to_dict() == statuses
    owned = ["Segment", "Priority", "Tier", "Why", "Target URL"]
    pd.testing.assert_frame_equal(indexed.loc[before.index, owned], before[owned])


def test_row_deleted_mid_run_is_not_resurrected(google_env: str) -> None:
    book = load_spreadsheet(google_env, TABS)
    store = GoogleStore(book)
    score(store, TODAY)
    first = read_prospects(store)
    control.post(f"{google_env}/_emulator/edits", json={"edits": [{"after": _counter(google_env) + 2, "action": {
        "type": "delete_rows", "spreadsheetId": book, "sheet": "Prospects", "at": 1, "count": 1}}]}, timeout=5)
    summary, _ = score(GoogleStore(book), TODAY)
    after = read_prospects(store)
    assert first["Domain"].iloc[0] not in set(after["Domain"])
    assert after["Domain"].is_unique and len(after) == len(first) - 1
    assert any("deleted by a collaborator" in w for w in summary.warnings)


def _counter(url: str) -> int:
    """How many API requests the emulator has answered so far (edits and faults count from it)."""
    return int(requests.get(f"{url}/_emulator/log", timeout=5).json()["count"])


def test_transient_failures_are_retried_honouring_retry_after(google_env: str) -> None:
    book = load_spreadsheet(google_env, TABS)
    n = _counter(google_env)
    control.post(f"{google_env}/_emulator/faults", json={"faults": [
        {"status": 429, "retry_after": 0, "nth": n + 1}, {"status": 503, "retry_after": 0, "nth": n + 3}]},
        timeout=5)
    store = GoogleStore(book)
    summary, _ = score(store, TODAY)
    assert summary.new == 3
    assert store.session.retries == 2


def test_exhausted_quota_says_retry_in_a_minute(google_env: str) -> None:
    book = load_spreadsheet(google_env, TABS)
    control.post(f"{google_env}/_emulator/faults", json={"faults": [{"status": 429, "retry_after": 0,
                                                                      "rate": 1.0}]}, timeout=5)
    store = GoogleStore(book)
    store.session.max_attempts = 3
    with pytest.raises(QuotaExhaustedError, match="Retry in a minute"):
        score(store, TODAY)
    control.post(f"{google_env}/_emulator/faults", json={"clear": True}, timeout=5)


def test_missing_spreadsheet_names_the_id(google_env: str) -> None:
    with pytest.raises(SpreadsheetNotFoundError, match="1" + "z" * 43):
        score(GoogleStore("1" + "z" * 43), TODAY)


def test_forbidden_says_to_share_with_the_service_account(google_env: str) -> None:
    book = load_spreadsheet(google_env, TABS)
    control.post(f"{google_env}/_emulator/faults", json={"faults": [{"status": 403, "rate": 1.0}]}, timeout=5)
    with pytest.raises(SheetAccessError, match=r"share it with bridge@emulated\.iam\.gserviceaccount\.com as Editor"):
        score(GoogleStore(book), TODAY)
    control.post(f"{google_env}/_emulator/faults", json={"clear": True}, timeout=5)


@pytest.mark.parametrize(("target", "expected"), [
    ("https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd/edit#gid=0",
     "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd"),
    ("1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd", "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd"),
    ("book.xlsx", None), ("not an id!", None),
])
def test_spreadsheet_id_from_url_or_id(target: str, expected: str | None) -> None:
    assert spreadsheet_id_of(target) == expected


def test_cli_scores_a_google_spreadsheet(google_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    tabs = {"Settings": SETTINGS_ROWS, "Targets": TARGET_ROWS, **{k: v for k, v in TABS.items() if k != "Settings"}}
    book = load_spreadsheet(google_env, tabs)
    assert main(["score", f"https://docs.google.com/spreadsheets/d/{book}/edit", "--today", "2026-11-26"]) == 0
    out = capsys.readouterr().out
    assert f"Scored spreadsheet {book}" in out and "API requests" in out


def test_first_run_sharing_flow_end_to_end(google_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A user's sheet, not shared → told to share with the service account as Editor; shared as Viewer →
    told Editor is needed; shared as Editor → the run succeeds. Drive permissions decide, as on Google."""
    tabs = {"Settings": SETTINGS_ROWS, **{k: v for k, v in TABS.items() if k != "Settings"}}
    book = load_spreadsheet(google_env, tabs, owner="owner@example.com", editors=())
    account = "bridge@emulated.iam.gserviceaccount.com"

    def run() -> tuple[int, str]:
        code = main(["score", book, "--today", "2026-11-26", "--top", "0"])
        captured = capsys.readouterr()
        return code, captured.err + captured.out

    code, said = run()
    assert code == 2 and f"cannot open spreadsheet {book}: share it with {account} as Editor" in said
    share = requests.post(f"{google_env}/drive/v3/files/{book}/permissions", headers={"Authorization": "Bearer t"},
                          json={"type": "user", "emailAddress": account, "role": "reader"}, timeout=5)
    assert share.status_code == 200
    code, said = run()
    assert code == 2 and f"can view spreadsheet {book} but not change it: {account} has Viewer access" in said
    requests.post(f"{google_env}/drive/v3/files/{book}/permissions", headers={"Authorization": "Bearer t"},
                  json={"type": "user", "emailAddress": account, "role": "writer"}, timeout=5).raise_for_status()
    code, said = run()
    assert code == 0 and f"Scored spreadsheet {book}" in said
    assert "Prospects" in GoogleStore(book).read_tabs()


def _formats(url: str, book_id: str, tab: str) -> list[list[dict[str, Any]]]:
    """Each cell's user-entered number format on one tab, as Google returns it (grid data)."""
    answer = requests.get(f"{url}/v4/spreadsheets/{book_id}", headers={"Authorization": "Bearer test-inspector"},
                          params={"ranges": tab, "includeGridData": "true",
                                  "fields": "sheets.data.rowData.values.userEnteredFormat.numberFormat"},
                          timeout=10).json()
    rows = answer["sheets"][0]["data"][0].get("rowData", [])
    return [[cell.get("userEnteredFormat", {}).get("numberFormat", {}) for cell in row.get("values", [])]
            for row in rows]


def test_dates_a_run_writes_into_tabs_the_team_made_read_as_dates(google_env: str) -> None:
    """A Run log and an Outreach log the team made themselves (no formats): the rows a run adds show their
    time and date as such, not as serial numbers; the team's own rows keep their formats. No request is added
    to a score for it (the formats ride with the lease's release)."""
    log_header = list(contract.LOG_HEADER)
    tabs = dict(TABS, **{"Run log": [["Time", "Who", "Action", "Result", "Seconds", "Details"],
                                     ["kept as the team typed it", "cy", "", "", "", ""]],
                         "Outreach log": [log_header], "Prospects": [], })
    tabs.pop("Prospects")
    book_id = load_spreadsheet(google_env, tabs, book_id="1" + "f" * 43)
    store = GoogleStore(book_id)
    control.delete(f"{google_env}/_emulator/log", timeout=5)
    with store.hold("cy@example.com", "Score prospects"):
        summary, _ = score(store, TODAY)
    assert summary.api_requests <= 6
    run_log = _formats(google_env, book_id, "Run log")
    assert run_log[2][0] == {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}
    def at(rows: list[list[dict[str, Any]]], r: int, c: int) -> dict[str, Any]:
        return rows[r][c] if r < len(rows) and c < len(rows[r]) else {}

    assert at(run_log, 1, 0) == {} and at(run_log, 2, 1) == {}  # the team's row, and text cells, untouched
    domain = read_prospects(store)["Domain"].iloc[0]
    row = [dt.date(2026, 11, 20) if name == "Date" else domain if name == "Domain" else "" for name in log_header]
    with store.hold("cy@example.com", "Sync with Gmail"):
        store.append_rows(contract.OUTREACH_LOG, [row], log_header)
    outreach = _formats(google_env, book_id, "Outreach log")
    assert at(outreach, 1, log_header.index("Date")) == {"type": "DATE", "pattern": "yyyy-mm-dd"}
    assert at(outreach, 0, log_header.index("Date")) == {}  # the header keeps its own
