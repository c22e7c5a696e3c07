"""A batchGet answer read one value range at a time: the same value ranges as decoding it whole.

The oracle is the standard library's ``json`` on the answer as the Sheets API documents it
(``{"spreadsheetId": ..., "valueRanges": [{"range": ..., "majorDimension": ..., "values": [...]}, ...]}``),
laid out as Google lays it out (indented by two spaces, see the gspread cassettes) and compactly (the
emulator), with cell text made of the very characters the split looks for.
"""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_bridge.intake.ingest import Columns
from sheets_bridge.service.scoring import score_workbook
from sheets_bridge.store.google.value_ranges import SheetTabs, ValueRangesError, value_range_spans

TRICKY = ['{"range": "x"}', '"valueRanges": [', "}, {", '\\"range\\":', "]}", "{", "}", ",", "range", '"', "\\",
          "🌵 ünïcode", "", "  ", '{"range":', "\n"]


def answer(ranges: list[dict[str, Any]], indent: int | None = 2, **extra: Any) -> bytes:
    """A batchGet answer as the API documents it; ``indent=2`` is Google's own layout."""
    return json.dumps({"spreadsheetId": "1abc", "valueRanges": ranges, **extra}, indent=indent,
                      ensure_ascii=False, separators=None if indent else (",", ":")).encode()


def value_range(title: str, columns: list[list[Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"range": f"'{title}'!A1:Z1000", "majorDimension": "COLUMNS"}
    if columns:
        out["values"] = columns
    return out


def decoded(body: bytes, count: int) -> dict[str, list[Any]]:
    """Each tab's cells as SheetTabs hands them out (none kept), by the title asked for."""
    tabs = SheetTabs([f"tab {i}" for i in range(count)], body, kept=lambda title: False)
    return {title: list(tabs[title]) for title in tabs}


def expected(body: bytes, count: int) -> dict[str, list[Any]]:
    """The same from the whole answer (zip: titles beyond the answer's value ranges are not tabs)."""
    ranges = json.loads(body)["valueRanges"]
    return {f"tab {i}": r.get("values", []) for i, r in zip(range(count), ranges, strict=False)}


cells = st.one_of(st.sampled_from(TRICKY), st.text(max_size=12), st.integers(-10**6, 10**6),
                  st.floats(allow_nan=False, allow_infinity=False), st.booleans())


@settings(max_examples=150, deadline=None)
@given(tabs=st.lists(st.lists(st.lists(cells, max_size=5), max_size=4), min_size=1, max_size=6),
       indent=st.sampled_from([None, 2, 0, 4]))
def test_each_value_range_decodes_alone_to_what_the_whole_answer_holds(tabs: list[list[list[Any]]],
                                                                       indent: int | None) -> None:
    ranges = [value_range(f"tab {i}", columns) for i, columns in enumerate(tabs)]
    body = answer(ranges, indent)
    spans = value_range_spans(body, len(ranges))
    assert spans is not None, "an answer laid out as the API documents it is split"
    assert [json.loads(body[s:e]) for s, e in spans] == json.loads(body)["valueRanges"]
    assert decoded(body, len(ranges)) == expected(body, len(ranges))


def test_the_split_matches_googles_own_layout() -> None:
    body = (b'{\n  "spreadsheetId": "1yXH",\n  "valueRanges": [\n    {\n'
            b'      "range": "\'\xf0\x9f\x8c\xb5 a\'!A1:A10",\n'
            b'      "majorDimension": "ROWS",\n      "values": [\n        [\n          "x"\n        ]\n      ]\n'
            b'    },\n    {\n      "range": "b!B1:B10",\n      "majorDimension": "ROWS"\n    }\n  ]\n}\n')
    assert value_range_spans(body, 2) is not None
    assert decoded(body, 2) == expected(body, 2) == {"tab 0": [["x"]], "tab 1": []}


@pytest.mark.parametrize("body, count", [
    # "range" is not each value range's first key
    (json.dumps({"spreadsheetId": "1", "valueRanges": [{"majorDimension": "ROWS", "range": "a!A1", "values": [[1]]},
                                                       {"majorDimension": "ROWS", "range": "b!A1"}]}).encode(), 2),
    # a key after valueRanges
    (answer([value_range("a", [[1, "{"]]), value_range("b", [["}"]])], None, next="x"), 2),
    (answer([value_range("a", [[1]]), value_range("b", [[2]])], 2, next="x"), 2),
    # fewer value ranges than asked for
    (answer([value_range("a", [[1]])], 2), 2),
    # none at all
    (answer([], 2), 0),
])
def test_an_answer_laid_out_otherwise_is_decoded_whole(body: bytes, count: int) -> None:
    if count:
        assert value_range_spans(body, count) is None
    assert decoded(body, count) == expected(body, count)


def test_an_answer_that_is_not_json_is_a_named_error() -> None:
    with pytest.raises(ValueRangesError, match="not valid JSON"):
        SheetTabs(["a"], b'{"spreadsheetId": "1", "valueRanges": [{"range": "a", "values": [[1,]]}]}',
                  kept=lambda title: False)["a"]
    with pytest.raises(ValueRangesError, match="not valid JSON"):
        SheetTabs(["a"], b"<html>Service unavailable</html>", kept=lambda title: False)
    with pytest.raises(ValueRangesError, match="not a JSON object"):
        SheetTabs(["a"], b'{"valueRanges": [[1]]}', kept=lambda title: False)
    with pytest.raises(ValueRangesError, match="not a JSON object"):
        SheetTabs(["a"], b'[{"range": "a"}]', kept=lambda title: False)


def test_a_kept_tab_is_rows_and_the_others_columns_decoded_when_first_asked_for() -> None:
    columns = {"Settings": [["Your domain", "Topic"], ["mine.com", "crm"]],
               "rival.com": [["Referring page URL", "https://a.com/x", "https://b.com/"], ["DR", 10, 20]],
               "Prospects": [["Domain", "a.com"], ["Tier", "A"]]}
    body = bytearray(answer([value_range(t, c) for t, c in columns.items()] + [value_range("Empty", [])]))
    tabs = SheetTabs([*columns, "Empty"], body, kept=lambda t: t in {"Settings", "Prospects"})
    assert list(tabs) == ["Settings", "rival.com", "Prospects", "Empty"]
    assert tabs["Settings"] == [["Your domain", "mine.com"], ["Topic", "crm"]]
    assert tabs.kept["Settings"] is tabs["Settings"]
    with pytest.raises(BufferError):
        body.extend(b" ")  # two tabs not decoded yet: the answer's bytes are still held
    first = tabs["rival.com"]
    assert isinstance(first, Columns) and first == columns["rival.com"] and tabs["rival.com"] is first
    first.clear()  # what the pipeline does once the columns are arrays: later asks see it emptied, as in a dict
    assert tabs["rival.com"] == []
    assert tabs["Empty"] == []
    body.extend(b" ")  # every tab decoded: the bytes were let go (a held buffer cannot grow)
    assert dict(tabs) == {"Settings": [["Your domain", "mine.com"], ["Topic", "crm"]], "rival.com": [],
                          "Prospects": [["Domain", "Tier"], ["a.com", "A"]], "Empty": []}


class CountingTabs(Mapping[str, Any]):
    """Tabs that count how often each is asked for."""

    def __init__(self, tabs: dict[str, list[list[Any]]]) -> None:
        self.tabs, self.asked = tabs, {t: 0 for t in tabs}

    def __getitem__(self, title: str) -> list[list[Any]]:
        self.asked[title] += 1
        return [list(row) for row in self.tabs[title]]

    def __iter__(self) -> Iterator[str]:
        return iter(self.tabs)

    def __len__(self) -> int:
        return len(self.tabs)


def test_a_run_asks_for_each_export_tab_once() -> None:
    import datetime as dt

    header = ["Referring page URL", "Domain rating", "Nofollow"]
    tabs = CountingTabs({"Settings": [["Your domain", "mine.com"]],
                         "rival-a.com": [header, ["https://alpha.com/x", 40, "false"],
                                         ["https://beta.com/", 30, "false"]],
                         "rival-b.com": [header, ["https://alpha.com/y", 41, "false"]],
                         "mine.com": [header, ["https://beta.com/z", 20, "false"]],
                         "Do not contact": [["Domain"], ["gamma.com"]]})
    score_workbook(tabs, dt.date(2026, 11, 26))
    assert tabs.asked["rival-a.com"] == tabs.asked["rival-b.com"] == tabs.asked["mine.com"] == 1


def test_the_answer_is_freed_with_the_tabs(google_env: str) -> None:
    from conftest import load_spreadsheet

    from sheets_bridge.store.google.sheets import GoogleStore

    store = GoogleStore(load_spreadsheet(google_env, {"Settings": [["Your domain", "mine.com"]],
                                                      "rival.com": [["Referring page URL"], ["https://a.com/"]]}))
    was = gc.isenabled()
    gc.disable()  # as during a run: only reference counting frees
    try:
        tabs = store.read_tabs()
        held = weakref.ref(tabs)
        assert as_list(tabs["rival.com"]) == [["Referring page URL", "https://a.com/"]]
        del tabs
        assert held() is None, "the store keeps the answer (and its bytes) after the run let the tabs go"
        assert store._read["Settings"] == [["Your domain", "mine.com"]]  # the reserved tabs it writes against
    finally:
        if was:
            gc.enable()


def as_list(values: Any) -> list[list[Any]]:
    return [list(c) for c in values]


def test_a_response_is_freed_when_dropped_with_the_collector_paused(google_env: str) -> None:
    from conftest import load_spreadsheet

    from sheets_bridge.store.google.http import GoogleSession, load_credentials

    book = load_spreadsheet(google_env, {"Settings": [["Your domain", "mine.com"]]})
    session = GoogleSession(load_credentials())
    was = gc.isenabled()
    gc.disable()
    try:
        response = session.request("GET", f"https://sheets.googleapis.com/v4/spreadsheets/{book}",
                                   params={"fields": "sheets.properties.title"})
        assert response.json()["sheets"][0]["properties"]["title"] == "Settings"
        held = weakref.ref(response)
        del response
        assert held() is None, "a response (and its body) outlives its last reference: a reference cycle"
    finally:
        if was:
            gc.enable()
