"""Emulator behaviours beyond the recordings: A1 forms, input options, limits, atomicity, persistence, quota."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_bridge.store.google.sheets import _chunks
from sheets_emulator.app import create_emulator
from sheets_emulator.control import HEADERS as CONTROL
from sheets_emulator.sheets import a1
from sheets_emulator.state import EmulatorState

AUTH = {"Authorization": "Bearer t"}


@pytest.fixture
def client(tmp_path: Path) -> FlaskClient:
    return create_emulator(EmulatorState(seed=1, data_dir=tmp_path / "data")).test_client()


def new_book(client: FlaskClient, title: str = "Book") -> str:
    return str(client.post("/drive/v3/files", json={"name": title}, headers=AUTH).get_json()["id"])


@pytest.mark.parametrize(("text", "span"), [
    ("Sheet1!A1:B2", a1.Span("Sheet1", 0, 2, 0, 2)), ("'My ''quoted'' tab'!C3", a1.Span("My 'quoted' tab", 2, 3, 2, 3)),
    ("Sheet1!A:A", a1.Span("Sheet1", 0, None, 0, 1)), ("Sheet1!2:2", a1.Span("Sheet1", 1, 2, None, None)),
    ("Sheet1!A2:C", a1.Span("Sheet1", 1, None, 0, 3)), ("Sheet1", a1.Span("Sheet1", None, None, None, None)),
    ("B2:A1", a1.Span(None, 0, 2, 0, 2)),
])
def test_a1_forms(text: str, span: a1.Span) -> None:
    assert a1.parse(text, ["Sheet1", "My 'quoted' tab"]) == span


@pytest.mark.parametrize(("title", "quoted"), [("Sheet1", "Sheet1"), ("My tab", "'My tab'"), ("A1", "'A1'"),
                                               ("it's", "'it''s'")])
def test_titles_are_quoted_like_google(title: str, quoted: str) -> None:
    assert a1.quote_title(title) == quoted


def test_raw_against_user_entered_and_render_options(client: FlaskClient) -> None:
    book = new_book(client)
    row = [["=1+2", "2020-01-01", "1,234", "TRUE", "'007", "=IMPORTXML(\"x\",\"//a\")"]]
    for option, target in (("RAW", "A1"), ("USER_ENTERED", "A2")):
        assert client.put(f"/v4/spreadsheets/{book}/values/Sheet1!{target}", headers=AUTH, json={"values": row},
                          query_string={"valueInputOption": option}).status_code == 200

    def get(render: str) -> list[list[Any]]:
        return client.get(f"/v4/spreadsheets/{book}/values/Sheet1!A1:F2", headers=AUTH,
                          query_string={"valueRenderOption": render}).get_json()["values"]
    assert get("FORMULA")[0] == row[0]  # RAW keeps text, even '=...'
    assert get("UNFORMATTED_VALUE")[1] == [3, 43831, 1234, True, "007", "#NAME?"]
    assert get("FORMULA")[1][0] == "=1+2"
    assert get("FORMATTED_VALUE")[1][:4] == ["3", "2020-01-01", "1,234", "TRUE"]


def test_trailing_blanks_trimmed_and_values_omitted(client: FlaskClient) -> None:
    book = new_book(client)
    client.put(f"/v4/spreadsheets/{book}/values/Sheet1!B2", headers=AUTH, json={"values": [["x", ""]]},
               query_string={"valueInputOption": "RAW"})
    body = client.get(f"/v4/spreadsheets/{book}/values/Sheet1", headers=AUTH).get_json()
    assert body == {"range": "Sheet1!A1:Z1000", "majorDimension": "ROWS", "values": [[], ["", "x"]]}
    empty = client.get(f"/v4/spreadsheets/{book}/values/Sheet1!D5:E6", headers=AUTH).get_json()
    assert "values" not in empty and empty["range"] == "Sheet1!D5:E6"


@pytest.mark.parametrize(("target", "values", "message"), [
    ("Sheet1!A1000", [["a"], ["b"]], "exceeds grid limits"),
    ("Sheet1!A1", [["x" * 50_001]], "maximum of 50000 characters"),
    ("Nope!A1", [["a"]], "Unable to parse range: Nope!A1"),
])
def test_write_limits(client: FlaskClient, target: str, values: list[list[str]], message: str) -> None:
    book = new_book(client)
    response = client.put(f"/v4/spreadsheets/{book}/values/{target}", headers=AUTH, json={"values": values},
                          query_string={"valueInputOption": "RAW"})
    assert response.status_code == 400
    assert message in response.get_json()["error"]["message"]
    assert response.get_json()["error"]["status"] == "INVALID_ARGUMENT"


def test_batch_is_atomic(client: FlaskClient) -> None:
    book = new_book(client)
    response = client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH, json={"requests": [
        {"addSheet": {"properties": {"title": "New"}}}, {"deleteSheet": {"sheetId": 999}}]})
    assert response.status_code == 400 and "No grid with id: 999" in response.get_json()["error"]["message"]
    titles = [s["properties"]["title"] for s in client.get(f"/v4/spreadsheets/{book}", headers=AUTH)
              .get_json()["sheets"]]
    assert titles == ["Sheet1"]


@pytest.mark.parametrize(("second", "message"), [
    ({"range": "Nowhere!A1", "values": [["x"]]}, "Unable to parse range"),
    ({"range": "Sheet1!A1:A2", "values": [["x", "y"]]}, "tried writing to column"),
    ({"range": "Sheet1!A999999", "values": [["x"]]}, "exceeds grid limits"),
    ({"range": "Sheet1!B1", "values": [["x" * 50_001]]}, "maximum of 50000 characters"),
    ({"range": "Sheet1!B1", "values": "x"}, "Invalid value at 'data[1].values'"),
])
def test_a_values_batch_that_fails_anywhere_writes_nothing(client: FlaskClient, second: dict[str, Any],
                                                           message: str) -> None:
    """values.batchUpdate is all or nothing: when its second range is refused, the first is not written either."""
    book = new_book(client)
    client.put(f"/v4/spreadsheets/{book}/values/Sheet1!A1?valueInputOption=RAW", headers=AUTH,
               json={"values": [["before"]]})
    response = client.post(f"/v4/spreadsheets/{book}/values:batchUpdate", headers=AUTH, json={
        "valueInputOption": "RAW", "data": [{"range": "Sheet1!A1:C2", "values": [["after", "b", "c"], ["d"]]},
                                            second]})
    assert response.status_code == 400 and message in response.get_json()["error"]["message"]
    got = client.get(f"/v4/spreadsheets/{book}/values/Sheet1!A1:D3", headers=AUTH).get_json()
    assert got["values"] == [["before"]]


def test_cell_limit(client: FlaskClient) -> None:
    book = new_book(client)
    response = client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH, json={"requests": [
        {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 400_000}}]})
    assert response.status_code == 400 and "10,000,000 cells" in response.get_json()["error"]["message"]


def test_bearer_token_required(client: FlaskClient) -> None:
    response = client.get("/drive/v3/files")
    assert response.status_code == 401 and response.get_json()["error"]["status"] == "UNAUTHENTICATED"


def test_spreadsheets_survive_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "persist"
    first = create_emulator(EmulatorState(data_dir=data)).test_client()
    book = new_book(first, "Kept")
    first.put(f"/v4/spreadsheets/{book}/values/Sheet1!A1", headers=AUTH, json={"values": [["kept"]]},
              query_string={"valueInputOption": "RAW"})
    second = create_emulator(EmulatorState(data_dir=data)).test_client()
    assert second.get(f"/v4/spreadsheets/{book}/values/A1", headers=AUTH).get_json()["values"] == [["kept"]]


def test_a_web_page_cannot_drive_the_control_routes(tmp_path: Path) -> None:
    """A page open in a browser can send a form, plain text or an empty POST to loopback without a preflight;
    none of them may reset, load or fault anything."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "notes.json").write_text('{"mine": true}', encoding="utf-8")  # somebody else's file in --data
    (data / "1strangerxxxxxxxxxxxxxxxxxxxx.json").write_text('{"spreadsheetId": "x"}', encoding="utf-8")
    client = create_emulator(EmulatorState(data_dir=data)).test_client()  # starts despite them
    book = new_book(client, "Kept")
    for attempt in ({"data": "a=1", "content_type": "application/x-www-form-urlencoded"},
                    {"data": '{"x": 1}', "content_type": "text/plain"}, {}):
        assert client.post("/_emulator/reset", **attempt).status_code == 403
    assert client.post("/_emulator/reset", headers=CONTROL, data="a=1",
                       content_type="application/x-www-form-urlencoded").status_code == 415
    assert client.get(f"/v4/spreadsheets/{book}", headers=AUTH).status_code == 200  # nothing was reset
    assert client.post("/_emulator/reset", headers=CONTROL, json={}).status_code == 200
    assert sorted(p.name for p in data.iterdir()) == ["1strangerxxxxxxxxxxxxxxxxxxxx.json", "notes.json"]
    for bad in ("%00x", "a.b", "x" * 101):
        answer = client.put(f"/_emulator/spreadsheets/{bad}", headers=CONTROL, json={"sheets": []})
        assert answer.status_code == 400 and answer.is_json
    assert sorted(p.name for p in data.iterdir()) == ["1strangerxxxxxxxxxxxxxxxxxxxx.json", "notes.json"]


def test_quota_simulation(client: FlaskClient) -> None:
    book = new_book(client)
    client.post("/_emulator/quota", json={"reads_per_minute": 2}, headers=CONTROL)
    codes = [client.get(f"/v4/spreadsheets/{book}", headers=AUTH).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    body = client.get(f"/v4/spreadsheets/{book}", headers=AUTH).get_json()
    assert body["error"]["status"] == "RESOURCE_EXHAUSTED"


def test_writes_split_only_to_stay_under_9_mb() -> None:
    small = [("S!A1:A2", [["x"], ["y"]], "ROWS")] * 3
    assert len(_chunks(small)) == 1
    big = [(f"S!A{i}", [["x" * 1_000_000] for _ in range(4)], "ROWS") for i in range(5)]
    chunks = _chunks(big)
    assert len(chunks) == 3 and sum(len(c) for c in chunks) == 5


def test_unserved_routes_answer_googles_json_error(client: FlaskClient) -> None:
    book = new_book(client)
    for path in (f"/drive/v3/files/{book}/revisions", f"/drive/v3/files/{book}/watch",
                 "/upload/drive/v2/files?uploadType=media"):
        headers = {"Authorization": "Bearer t"}
        answer = client.post(path, headers=headers, data=b"a,b\n") if "upload" in path else \
            client.get(path, headers=headers)
        body = answer.get_json()
        assert answer.status_code in (404, 405) and body["error"]["code"] == answer.status_code
        assert body["error"]["status"] in ("NOT_FOUND", "METHOD_NOT_ALLOWED") and body["error"]["message"]


def test_a_whole_sheet_filter_is_stored_with_explicit_bounds(client: FlaskClient) -> None:
    book = new_book(client)
    sheet = client.get(f"/v4/spreadsheets/{book}", headers={"Authorization": "Bearer t"}).get_json()["sheets"][0]
    sid, grid = sheet["properties"]["sheetId"], sheet["properties"]["gridProperties"]
    client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers={"Authorization": "Bearer t"},
                json={"requests": [{"setBasicFilter": {"filter": {"range": {"sheetId": sid}}}}]})
    got = client.get(f"/v4/spreadsheets/{book}", headers={"Authorization": "Bearer t"}).get_json()["sheets"][0]
    bounds = got["basicFilter"]["range"]
    assert (bounds.get("startRowIndex", 0), bounds["endRowIndex"], bounds.get("startColumnIndex", 0),
            bounds["endColumnIndex"]) == (0, grid["rowCount"], 0, grid["columnCount"])


def test_a_named_range_qualified_by_its_sheet_is_read(client: FlaskClient) -> None:
    book = new_book(client)
    auth = {"Authorization": "Bearer t"}
    sid = client.get(f"/v4/spreadsheets/{book}", headers=auth).get_json()["sheets"][0]["properties"]["sheetId"]
    client.put(f"/v4/spreadsheets/{book}/values/Sheet1!A1:B2?valueInputOption=RAW", headers=auth,
               json={"values": [[1, 2], [3, 4]]})
    client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=auth, json={"requests": [{"addNamedRange": {
        "namedRange": {"name": "Totals", "range": {"sheetId": sid, "startRowIndex": 0, "endRowIndex": 2,
                                                   "startColumnIndex": 1, "endColumnIndex": 2}}}}]})
    for text in ("Totals", "'Sheet1'!Totals", "Sheet1!Totals"):
        answer = client.get(f"/v4/spreadsheets/{book}/values/{text}?valueRenderOption=UNFORMATTED_VALUE",
                            headers=auth)
        assert answer.status_code == 200, (text, answer.get_json())
        assert answer.get_json()["values"] == [[2], [4]]


def test_auto_resize_fits_the_longest_text_as_google_measures_it(client: FlaskClient) -> None:
    book = new_book(client)
    auth = {"Authorization": "Bearer t"}
    client.put(f"/v4/spreadsheets/{book}/values/Sheet1!A1:B2?valueInputOption=RAW", headers=auth,
               json={"values": [["A" * 1024, ""], ["short", ""]]})
    client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=auth, json={"requests": [{"autoResizeDimensions": {
        "dimensions": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 2}}}]})
    meta = client.get(f"/v4/spreadsheets/{book}?fields=sheets.data.columnMetadata", headers=auth).get_json()
    sizes = [c["pixelSize"] for c in meta["sheets"][0]["data"][0]["columnMetadata"][:3]]
    assert sizes == [8691, 100, 100]  # Google's recording: 1,024 capital A's -> 8,691 px; empty columns keep 100


def test_repeat_cell_with_a_parenthesised_mask_stores_colours_and_their_style_mirrors(client: FlaskClient) -> None:
    book = new_book(client)
    auth = {"Authorization": "Bearer t"}
    fmt = {"backgroundColor": {"green": 1, "blue": 1}, "horizontalAlignment": "CENTER",
           "textFormat": {"foregroundColor": {"red": 1, "green": 1}, "fontSize": 12, "bold": True}}
    client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=auth, json={"requests": [{"repeatCell": {
        "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2},
        "cell": {"userEnteredFormat": fmt},
        "fields": "userEnteredFormat(backgroundColor,horizontalAlignment,textFormat)"}}]})
    got = client.get(f"/v4/spreadsheets/{book}?ranges=Sheet1!A2&fields=sheets.data.rowData.values.userEnteredFormat",
                     headers=auth).get_json()["sheets"][0]["data"][0]["rowData"][0]["values"][0]["userEnteredFormat"]
    assert got == {  # as Google's recording (WorksheetTest.test_format) answers
        "backgroundColor": {"green": 1, "blue": 1}, "horizontalAlignment": "CENTER",
        "textFormat": {"foregroundColor": {"red": 1, "green": 1}, "fontSize": 12, "bold": True,
                       "foregroundColorStyle": {"rgbColor": {"red": 1, "green": 1}}},
        "backgroundColorStyle": {"rgbColor": {"green": 1, "blue": 1}}}


def test_repeat_cell_with_a_partial_mask_keeps_each_cells_own_format(client: FlaskClient) -> None:
    """A mask naming one format field changes that field in every cell of the range and leaves each cell's
    other fields as that cell had them (cells with different formats, cells sharing one, a cell with none)."""
    book = new_book(client)

    def number_format(column: int, pattern: str) -> dict[str, Any]:
        return {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 2,
                                         "startColumnIndex": column, "endColumnIndex": column + 1},
                               "cell": {"userEnteredFormat": {"numberFormat": {"type": "NUMBER", "pattern": pattern}}},
                               "fields": "userEnteredFormat.numberFormat"}}

    client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH, json={"requests": [
        number_format(0, "0.0"), number_format(1, "#,##0"), {"repeatCell": {
            "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 3, "startColumnIndex": 0, "endColumnIndex": 3},
            "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
            "fields": "userEnteredFormat.textFormat.bold"}}]})
    got = client.get(f"/v4/spreadsheets/{book}?ranges=Sheet1!A1:C3&fields=sheets.data.rowData.values.userEnteredFormat",
                     headers=AUTH).get_json()["sheets"][0]["data"][0]["rowData"]
    formats = [[cell.get("userEnteredFormat") for cell in row["values"]] for row in got]
    bold = {"textFormat": {"bold": True}}
    assert formats == [
        [{"numberFormat": {"type": "NUMBER", "pattern": "0.0"}, **bold},
         {"numberFormat": {"type": "NUMBER", "pattern": "#,##0"}, **bold}, bold],
    ] * 2 + [[bold, bold, bold]]


def test_append_honours_major_dimension_columns_in_the_body(client: FlaskClient) -> None:
    book = new_book(client)
    auth = {"Authorization": "Bearer t"}
    client.put(f"/v4/spreadsheets/{book}/values/Sheet1!A1:B1?valueInputOption=RAW", headers=auth,
               json={"values": [["name", "score"]]})
    client.post(f"/v4/spreadsheets/{book}/values/Sheet1!A1:append?valueInputOption=RAW", headers=auth,
                json={"majorDimension": "COLUMNS", "values": [["ann", "bo"], [1, 2]]})
    got = client.get(f"/v4/spreadsheets/{book}/values/Sheet1?valueRenderOption=UNFORMATTED_VALUE",
                     headers=auth).get_json()["values"]
    assert got == [["name", "score"], ["ann", 1], ["bo", 2]]


_EVERY_CELL_CHANGE = [
    {"updateCells": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0,
                               "endColumnIndex": 2},
                     "rows": [{"values": [{"userEnteredValue": {"stringValue": "new"}},
                                          {"userEnteredFormat": {"textFormat": {"bold": True}}}]}],
                     "fields": "userEnteredValue,userEnteredFormat.textFormat.bold"}},
    {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3},
                    "cell": {"userEnteredFormat": {"backgroundColor": {"red": 1}}, "note": "n"},
                    "fields": "userEnteredFormat(backgroundColor),note"}},
    {"sortRange": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 4, "startColumnIndex": 0,
                             "endColumnIndex": 3}, "sortSpecs": [{"dimensionIndex": 1, "sortOrder": "DESCENDING"}]}},
    {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}}},
    {"deleteDimension": {"range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 2, "endIndex": 3}}},
    {"copyPaste": {"source": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0,
                              "endColumnIndex": 2},
                   "destination": {"sheetId": 0, "startRowIndex": 5, "endRowIndex": 7, "startColumnIndex": 0,
                                   "endColumnIndex": 2}, "pasteType": "PASTE_NORMAL"}},
    {"cutPaste": {"source": {"sheetId": 0, "startRowIndex": 2, "endRowIndex": 3, "startColumnIndex": 0,
                             "endColumnIndex": 2}, "destination": {"sheetId": 0, "rowIndex": 9, "columnIndex": 0},
                  "pasteType": "PASTE_NORMAL"}},
    {"mergeCells": {"range": {"sheetId": 0, "startRowIndex": 3, "endRowIndex": 4, "startColumnIndex": 0,
                              "endColumnIndex": 2}, "mergeType": "MERGE_ALL"}},
    {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}},
                               "fields": "gridProperties/frozenRowCount"}},
    {"createDeveloperMetadata": {"developerMetadata": {"metadataKey": "k", "metadataValue": "v",
                                                       "location": {"spreadsheet": True},
                                                       "visibility": "DOCUMENT"}}},
]


@pytest.mark.parametrize("change", _EVERY_CELL_CHANGE, ids=[next(iter(c)) for c in _EVERY_CELL_CHANGE])
def test_a_failing_batch_changes_nothing_whatever_came_before(client: FlaskClient, change: dict[str, Any]) -> None:
    """Batches are all or nothing although the emulator copies only cell maps, not cells: no request may
    change a cell in place."""
    book = new_book(client)
    client.put(f"/v4/spreadsheets/{book}/values/Sheet1!A1:C4?valueInputOption=RAW", headers=AUTH, json={
        "values": [["a", 3, "x"], ["b", 1, "y"], ["c", 2, "z"], ["d", 0, "w"]]})
    client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH, json={"requests": [
        {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 4},
                        "cell": {"userEnteredFormat": {"textFormat": {"italic": True}}, "note": "keep"},
                        "fields": "userEnteredFormat.textFormat.italic,note"}}]})
    before = client.get(f"/_emulator/spreadsheets/{book}").get_json()
    ok = client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH, json={"requests": [change]})
    assert ok.status_code == 200, ok.get_json()  # the change itself is valid
    client.put(f"/_emulator/spreadsheets/{book}", json=before, headers=CONTROL)
    failed = client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH, json={"requests": [
        change, {"deleteSheet": {"sheetId": 999}}]})
    assert failed.status_code == 400
    assert _by_position(client.get(f"/_emulator/spreadsheets/{book}").get_json()) == _by_position(before)


def test_a_failing_batch_that_changed_a_cell_twice_puts_back_the_first_value(client: FlaskClient) -> None:
    """Undoing a failed batch goes back through its changes newest first, so a cell changed by two requests
    ends as it was before the batch, not as the first request left it."""
    book = new_book(client)
    client.put(f"/v4/spreadsheets/{book}/values/Sheet1!A1?valueInputOption=RAW", headers=AUTH,
               json={"values": [["before"]]})

    def value(text: str) -> dict[str, Any]:
        return {"updateCells": {"start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
                                "rows": [{"values": [{"userEnteredValue": {"stringValue": text}}]}],
                                "fields": "userEnteredValue"}}

    failed = client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH, json={"requests": [
        value("first"), value("second"), {"deleteSheet": {"sheetId": 999}}]})
    assert failed.status_code == 400
    assert client.get(f"/v4/spreadsheets/{book}/values/Sheet1!A1", headers=AUTH).get_json()["values"] == [["before"]]


def _by_position(dump: dict[str, Any]) -> dict[str, Any]:
    """A spreadsheet dump with each sheet's cells keyed by position (the order a dump lists them in is not
    the API's: no response depends on it)."""
    return {**dump, "sheets": [{**s, "cells": {(r, c): v for r, c, v in s["cells"]}} for s in dump["sheets"]]}


def test_drive_export_csv_and_xlsx(client: FlaskClient) -> None:
    """Drive export: the first sheet (or a gid) as CSV of what cells show, every sheet as .xlsx."""
    import io

    import openpyxl

    book = new_book(client)
    client.put(f"/v4/spreadsheets/{book}/values/Sheet1!A1:C3?valueInputOption=RAW", headers=AUTH, json={
        "values": [["name", "n", "note"], ["a, b", 1.5, ""], ["=1+1", 2, 'say "hi"']]})
    added = client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH, json={"requests": [
        {"addSheet": {"properties": {"title": "Second", "sheetId": 77}}}]})
    assert added.status_code == 200
    client.put(f"/v4/spreadsheets/{book}/values/Second!B2?valueInputOption=RAW", headers=AUTH,
               json={"values": [["x"]]})
    csv_answer = client.get(f"/drive/v3/files/{book}/export?mimeType=text%2Fcsv", headers=AUTH)
    assert csv_answer.status_code == 200 and csv_answer.mimetype == "text/csv"
    assert csv_answer.get_data(as_text=True) == 'name,n,note\r\n"a, b",1.5,\r\n=1+1,2,"say ""hi"""'
    second = client.get(f"/drive/v3/files/{book}/export?mimeType=text%2Fcsv&gid=77", headers=AUTH)
    assert second.get_data(as_text=True) == ",\r\n,x"
    xlsx = client.get(f"/drive/v3/files/{book}/export?mimeType=application%2Fvnd.openxmlformats-officedocument"
                      ".spreadsheetml.sheet", headers=AUTH)
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert workbook.sheetnames == ["Sheet1", "Second"]
    assert [[c.value for c in row] for row in workbook["Sheet1"].iter_rows()] == [
        ["name", "n", "note"], ["a, b", 1.5, None], ["=1+1", 2, 'say "hi"']]
    assert workbook["Sheet1"]["A3"].data_type == "s"  # RAW text that looks like a formula is not one
    assert workbook["Second"]["B2"].value == "x"
    refused = client.get(f"/drive/v3/files/{book}/export?mimeType=image%2Fgif", headers=AUTH)
    assert refused.status_code == 400 and refused.get_json()["error"]["message"].startswith("The requested conversion")
    comments = client.get(f"/drive/v3/files/{book}/comments?fields=comments%2Fcontent", headers=AUTH)
    assert comments.get_json() == {"comments": []}


@pytest.mark.parametrize(("rows", "anchor", "table", "written"), [
    ([["a", "", "c"]], "Sheet1", "Sheet1!C1", "Sheet1!C2:E2"),  # a blank cell splits the row: the later table
    ([["a", "", "c"]], "Sheet1!A1", "Sheet1!A1", "Sheet1!A2:C2"),  # a one-cell range: the table at that cell
    ([["a", "b"], ["c", "d"], ["e", ""]], "Sheet1", "Sheet1!A1:B3", "Sheet1!A4:C4"),  # last row with a blank
    ([["a", "b", "", "q"], ["c", "d", "", ""]], "Sheet1", "Sheet1!A1:B2", "Sheet1!A3:C3"),  # a side table
    ([["a", "b"], ["c", "d"]], "Sheet1", "Sheet1!A1:B2", "Sheet1!A3:C3"),
    ([], "Sheet1!B1", None, "Sheet1!B1:D1"),
    ([["a", "b"], ["c", "d"], ["e", "f"]], "Sheet1!A1", "Sheet1!A1:B3", "Sheet1!A4:C4"),  # a cell grows to its block
    ([["a", "b"], ["c", "d"]], "Sheet1!A:B", "Sheet1!A1:B2", "Sheet1!A3:C3"),
])
def test_append_finds_the_table_as_google_does(client: FlaskClient, rows: list[list[str]], anchor: str,
                                               table: str | None, written: str) -> None:
    book = new_book(client)
    if rows:
        client.put(f"/v4/spreadsheets/{book}/values/Sheet1!A1?valueInputOption=RAW", headers=AUTH,
                   json={"values": rows})
    answer = client.post(f"/v4/spreadsheets/{book}/values/{anchor}:append?valueInputOption=RAW", headers=AUTH,
                         json={"values": [["x", "y", "z"]]}).get_json()
    assert answer.get("tableRange") == table
    assert answer["updates"]["updatedRange"] == written


def test_colours_are_stored_8_bits_a_channel_and_cleared_colours_vanish(client: FlaskClient) -> None:
    """Google keeps 8 bits a channel: 0.5 comes back as 127/255 (0.49803922); a cleared tab colour is absent."""
    book = new_book(client)
    client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH, json={"requests": [
        {"updateSheetProperties": {"properties": {"sheetId": 0, "tabColorStyle": {"rgbColor": {"red": 1,
                                                                                              "blue": 0.5}}},
                                   "fields": "tabColorStyle"}}]})
    props = client.get(f"/v4/spreadsheets/{book}", headers=AUTH).get_json()["sheets"][0]["properties"]
    assert props["tabColorStyle"] == {"rgbColor": {"red": 1, "blue": 0.49803922}}
    client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH, json={"requests": [
        {"updateSheetProperties": {"properties": {"sheetId": 0, "tabColorStyle": None}, "fields": "tabColorStyle"}}]})
    props = client.get(f"/v4/spreadsheets/{book}", headers=AUTH).get_json()["sheets"][0]["properties"]
    assert "tabColorStyle" not in props


def test_a_write_counts_only_the_rows_and_columns_a_value_landed_in(client: FlaskClient) -> None:
    book = new_book(client)
    answer = client.put(f"/v4/spreadsheets/{book}/values/Sheet1!A1:D?valueInputOption=RAW", headers=AUTH, json={
        "values": [["a", None, None, None], [None], [None, None, None, "b"]]}).get_json()
    assert (answer["updatedRows"], answer["updatedColumns"], answer["updatedCells"]) == (2, 2, 2)


# A stored cell for the read property below: a value of each kind Sheets keeps, a blank text, a cell with only a
# format (no value), a formula, a date with its typed text.
_STORED = st.one_of(
    st.builds(lambda v: {"v": v}, st.one_of(st.text(max_size=3), st.just(""), st.booleans(),
                                            st.integers(-5, 5).map(float), st.sampled_from([0.5, -2.25, 1e-7]))),
    st.just({"fmt": {"textFormat": {"bold": True}}}),
    st.just({"v": 3.0, "f": "=1+2"}),
    st.just({"v": 46352.0, "t": "2026-11-26", "date": True}),
)


def _stored_value(cell: dict[str, Any] | None) -> Any:
    """What UNFORMATTED_VALUE with serial dates returns for a cell, as the API documents it: the value as stored,
    whole numbers as integers; None for an empty cell."""
    value = None if cell is None else cell.get("v")
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _walked(stored: dict[tuple[int, int], Any], bounds: tuple[int, int, int, int], render: str, when: str,
            by_column: bool) -> list[list[Any]]:
    """values.get by a plain walk of the grid: every position of the range visited in order, each line cut
    after its last value, blank positions before it '', lines after the last one with a value left out."""
    from sheets_emulator.sheets import cells as cell_values

    def shown(cell: dict[str, Any] | None) -> Any:
        if render == "UNFORMATTED_VALUE" and when == "SERIAL_NUMBER":
            return _stored_value(cell)
        return cell_values.render(cell, render, when)  # the per-cell forms are the recordings' (conformance)

    r0, r1, c0, c1 = bounds
    outer, inner = (range(c0, c1), range(r0, r1)) if by_column else (range(r0, r1), range(c0, c1))
    lines = []
    for o in outer:
        line = [shown(stored.get((i, o) if by_column else (o, i))) for i in inner]
        line = ["" if v is None else v for v in line]
        while line and line[-1] == "":
            line.pop()
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return lines


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_read_returns_each_value_where_the_grid_has_it(data: st.DataObject) -> None:
    """Reads between changes of every kind a sheet's cells take (one cell, many, removal, a new cell map, a
    copied spreadsheet changed), each against a plain walk of the grid as it is at that moment."""
    from sheets_emulator.api.values import _rendered
    from sheets_emulator.sheets.model import Sheet, Spreadsheet

    grid_rows, grid_cols = data.draw(st.integers(1, 7)), data.draw(st.integers(1, 5))
    position = st.tuples(st.integers(0, grid_rows - 1), st.integers(0, grid_cols - 1))
    stored = data.draw(st.dictionaries(position, _STORED, min_size=1, max_size=grid_rows * grid_cols))
    sheet = Sheet(properties={"sheetId": 0, "title": "S", "gridProperties": {"rowCount": grid_rows,
                                                                             "columnCount": grid_cols}},
                  cells=stored)
    book = Spreadsheet("b", {}, [sheet], "", "")
    whole = (0, grid_rows, 0, grid_cols)
    for _ in range(data.draw(st.integers(1, 6))):
        r0 = data.draw(st.integers(0, grid_rows - 1))
        r1 = data.draw(st.integers(r0 + 1, grid_rows))
        c0 = data.draw(st.integers(0, grid_cols - 1))
        c1 = data.draw(st.integers(c0 + 1, grid_cols))
        plain = data.draw(st.booleans())  # the form the product reads in, half the time
        render = "UNFORMATTED_VALUE" if plain else data.draw(st.sampled_from(["FORMATTED_VALUE", "FORMULA",
                                                                              "UNFORMATTED_VALUE"]))
        when = "SERIAL_NUMBER" if plain else data.draw(st.sampled_from(["SERIAL_NUMBER", "FORMATTED_STRING"]))
        by_column = data.draw(st.booleans())
        expected = _walked(dict(sheet.cells), (r0, r1, c0, c1), render, when, by_column)
        got = _rendered(sheet, (r0, r1, c0, c1), render, when, by_column)
        assert got == expected
        assert [[type(v) for v in line] for line in got] == [[type(v) for v in line] for line in expected]
        change = data.draw(st.sampled_from(["set", "pop", "del", "update", "clear", "setdefault", "replace",
                                            "copy", "write", "none"]))
        key, cell = data.draw(position), data.draw(_STORED)
        if change == "write":  # values.update (RAW) at key: new values, the values already there, or blanks
            from sheets_emulator.api.values import write

            here = _stored_value(sheet.cells.get(key))
            major = data.draw(st.sampled_from(["ROWS", "COLUMNS"]))
            along, across = (grid_rows - key[0], grid_cols - key[1]) if major == "COLUMNS" else \
                (grid_cols - key[1], grid_rows - key[0])
            block = data.draw(st.lists(st.lists(st.one_of(st.none(), st.just(""), st.just("x"), st.just(True),
                                                          st.just(1), st.just(2.5), st.just(here),
                                                          st.sampled_from(["'", "=1+2", "7"])),  # typed forms
                                                max_size=along), max_size=across))
            typed = data.draw(st.sampled_from(["RAW", "USER_ENTERED"]))
            before_write = data.draw(st.sampled_from(["read", "changed", "formats only"]))
            if before_write == "changed":  # the write finds no laid-out columns
                sheet.cells[key] = cell
            elif before_write == "formats only":  # nor any value
                sheet.cells = {k: {"fmt": {"textFormat": {"bold": True}}} for k in sheet.cells}
            write(book, f"S!{'ABCDE'[key[1]]}{key[0] + 1}", block, typed, major)
        elif change == "set":
            sheet.cells[key] = cell
        elif change == "pop":
            sheet.cells.pop(key, None)
        elif change == "del" and key in sheet.cells:
            del sheet.cells[key]
        elif change == "update":
            sheet.cells.update({key: cell, data.draw(position): data.draw(_STORED)})
        elif change == "clear":
            sheet.cells.clear()
        elif change == "setdefault":
            sheet.cells.setdefault(key, cell)
        elif change == "replace":
            sheet.cells = {k: v for k, v in sheet.cells.items() if k != key}
        elif change == "copy":  # a batch works on a copy and keeps it; the copy then changes
            book = book.clone()
            before = dict(sheet.cells)
            kept = sheet
            sheet = book.sheets[0]
            if data.draw(st.booleans()):
                sheet.cells[key] = cell
            else:  # a values write to the copy, by column and by row
                from sheets_emulator.api.values import write

                write(book, f"S!{'ABCDE'[key[1]]}{key[0] + 1}", [["copied"]], "RAW", "COLUMNS")
                write(book, f"S!A{key[0] + 1}", [["row"] * grid_cols], "RAW", "ROWS")
            assert _rendered(kept, whole, "UNFORMATTED_VALUE", "SERIAL_NUMBER", True) == \
                _walked(before, whole, "UNFORMATTED_VALUE", "SERIAL_NUMBER", True)
        # and the whole sheet by column as the product reads it, after every change
        assert _rendered(sheet, whole, "UNFORMATTED_VALUE", "SERIAL_NUMBER", True) == \
            _walked(dict(sheet.cells), whole, "UNFORMATTED_VALUE", "SERIAL_NUMBER", True)


_RULE = {"condition": {"type": "BOOLEAN"}}


@pytest.mark.parametrize(("old", "typed", "after"), [
    ({"v": True}, 1, {"v": 1.0}),  # equal in Python, not in a sheet: a checkbox value becomes a number
    ({"v": 1.0}, True, {"v": True}),
    ({"v": 0.0, "fmt": {"numberFormat": {"type": "DATE"}}}, False,
     {"v": False, "fmt": {"numberFormat": {"type": "DATE"}}}),
    ({"v": 2.0, "f": "=1+1"}, 2, {"v": 2.0}),  # the same value typed over a formula replaces the formula
    ({"v": "x", "validation": _RULE}, "", None),  # a cleared value takes its validation with it
    ({"fmt": {"numberFormat": {"type": "DATE"}}, "validation": _RULE}, "", {"fmt": {"numberFormat": {"type": "DATE"}}}),
    ({"v": "x", "note": "seen"}, "x", {"v": "x", "note": "seen"}),
])
def test_a_write_that_only_seems_to_leave_a_cell_as_it_was(old: dict[str, Any], typed: Any,
                                                            after: dict[str, Any] | None) -> None:
    """Writes whose value equals the cell's by Python's == but not by the sheet's rules change the cell, written
    once and written again (the second time over what the first left)."""
    from sheets_emulator.api.values import write
    from sheets_emulator.sheets.model import Sheet, Spreadsheet

    for major in ("ROWS", "COLUMNS"):
        book = Spreadsheet("b", {}, [Sheet(properties={"sheetId": 0, "title": "S", "gridProperties": {
            "rowCount": 3, "columnCount": 3}}, cells={(1, 1): dict(old), (0, 0): {"v": "kept"}})], "", "")
        for _ in range(2):
            write(book, "S!B2", [[typed]], "RAW", major)
            cell = book.sheets[0].cells.get((1, 1))
            assert cell == after
            assert after is None or type(cell.get("v")) is type(after.get("v"))  # type: ignore[union-attr]
            assert book.sheets[0].cells[(0, 0)] == {"v": "kept"}


@pytest.mark.parametrize("major", ["ROWS", "COLUMNS"])
def test_the_read_after_a_write_shows_what_was_written(major: str) -> None:
    """After the sheet's columns were laid out by a read, a write's whole numbers read back as integers, a
    cleared cell as blank, a new row and column where they landed; a copy made before the write keeps its own."""
    from sheets_emulator.api.values import _rendered, write
    from sheets_emulator.sheets.model import Sheet, Spreadsheet

    book = Spreadsheet("b", {}, [Sheet(properties={"sheetId": 0, "title": "S", "gridProperties": {
        "rowCount": 6, "columnCount": 4}}, cells={(0, 0): {"v": "a"}, (1, 0): {"v": 2.5}, (1, 1): {"v": "x"}})], "", "")
    whole = (0, 6, 0, 4)
    assert _rendered(book.sheets[0], whole, "UNFORMATTED_VALUE", "SERIAL_NUMBER", True) == [["a", 2.5], ["", "x"]]
    copy = book.clone()
    lines = [[3, ""], [None, 7.0]] if major == "ROWS" else [[3], ["", 7.0]]  # A1 3, B1 cleared, B2 7
    write(book, "S!A1", lines, "RAW", major)
    write(book, "S!D4", [[4.0]], "RAW", major)
    got = _rendered(book.sheets[0], whole, "UNFORMATTED_VALUE", "SERIAL_NUMBER", True)
    assert got == [[3, 2.5], ["", 7], [], ["", "", "", 4]]
    assert [type(v) for v in got[0]] == [int, float] and type(got[3][3]) is int
    assert _rendered(copy.sheets[0], whole, "UNFORMATTED_VALUE", "SERIAL_NUMBER", True) == [["a", 2.5], ["", "x"]]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_raw_write_changes_each_value_it_names_and_keeps_formats(data: st.DataObject) -> None:
    """values.update with RAW against the documented rules, cell by cell: a null leaves the cell as it is; an empty
    string clears the value (the format and note stay, validation goes); anything else becomes the value (a
    number as a number, text as text even when it starts with '='), the format, note and validation staying."""
    import copy

    from sheets_emulator.api.values import write
    from sheets_emulator.sheets.model import Sheet, Spreadsheet

    extra = st.fixed_dictionaries({}, optional={"fmt": st.just({"numberFormat": {"type": "DATE"}}),
                                                "note": st.just("seen"),
                                                "validation": st.just({"condition": {"type": "BOOLEAN"}})})
    old_cell = st.one_of(extra.filter(bool),  # values a write may leave as they are, or may only seem to (True == 1.0)
                         st.builds(lambda v, e: {"v": v, **e}, st.sampled_from(["x", "a", 2.0, 1.0, True]), extra),
                         st.builds(lambda e: {"v": 2.0, "f": "=1+1", **e}, extra))
    stored = data.draw(st.dictionaries(st.tuples(st.integers(0, 5), st.integers(0, 3)), old_cell, max_size=24))
    before = copy.deepcopy(stored)
    by_column = data.draw(st.booleans())
    value = st.one_of(st.none(), st.just(""), st.sampled_from(["a", "=1+1", " b "]), st.integers(-3, 3),
                      st.sampled_from([1.5, True]))
    lines = data.draw(st.lists(st.lists(value, max_size=4 if by_column else 3), max_size=3 if by_column else 4))
    r0, c0 = data.draw(st.integers(0, 2)), data.draw(st.integers(0, 1))
    book = Spreadsheet("b", {}, [Sheet(properties={"sheetId": 0, "title": "S", "gridProperties": {
        "rowCount": 6, "columnCount": 4}}, cells=stored)], "", "")
    answer = write(book, f"S!{'ABCD'[c0]}{r0 + 1}", lines, "RAW", "COLUMNS" if by_column else "ROWS")

    expected = copy.deepcopy(before)
    landed = []
    for o, line in enumerate(lines):
        for i, typed in enumerate(line):
            key = (r0 + i, c0 + o) if by_column else (r0 + o, c0 + i)
            if typed is None:
                continue
            landed.append(key)
            kept = {k: v for k, v in before.get(key, {}).items() if k in ("fmt", "note", "validation")}
            if typed == "":
                kept.pop("validation", None)
                cell = kept
            else:
                shown = typed if isinstance(typed, str | bool) else float(typed)
                cell = {"v": shown, **kept}
            if cell:
                expected[key] = cell
            else:
                expected.pop(key, None)
    assert book.sheets[0].cells == expected
    assert all(type(book.sheets[0].cells[k].get("v")) is type(expected[k].get("v")) for k in expected)
    if landed:
        assert answer["updatedCells"] == len(landed)
        assert answer["updatedRows"] == len({r for r, _ in landed})
        assert answer["updatedColumns"] == len({c for _, c in landed})
    # the same write again leaves every cell as it is, and the sheet's version with it (readers keep their work)
    version = book.sheets[0].cell_map.version
    again = write(book, f"S!{'ABCD'[c0]}{r0 + 1}", lines, "RAW", "COLUMNS" if by_column else "ROWS")
    assert again == answer
    assert book.sheets[0].cells == expected
    assert all(type(book.sheets[0].cells[k].get("v")) is type(expected[k].get("v")) for k in expected)
    assert book.sheets[0].cell_map.version == version
