"""batchUpdate kinds beyond the product's own, with the effects Google's reference documents (answers checked
against Google's schema by the suite's fixture)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from sheets_emulator.app import create_emulator
from sheets_emulator.state import EmulatorState

AUTH = {"Authorization": "Bearer t"}


@pytest.fixture
def client(tmp_path: Path) -> FlaskClient:
    return create_emulator(EmulatorState(seed=3)).test_client()


@pytest.fixture
def book(client: FlaskClient) -> str:
    book_id = str(client.post("/drive/v3/files", json={"name": "Book"}, headers=AUTH).get_json()["id"])
    answer = client.put(f"/v4/spreadsheets/{book_id}/values/Sheet1!A1", headers=AUTH,
                        query_string={"valueInputOption": "RAW"},
                        json={"values": [["a", 1], ["b", 2], ["c", 3], ["d", 4]]})
    assert answer.status_code == 200
    return book_id


def batch(client: FlaskClient, book: str, *requests: dict[str, Any]) -> Any:
    return client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH, json={"requests": list(requests)})


def column_a(client: FlaskClient, book: str, tab: str = "Sheet1") -> list[str]:
    values = client.get(f"/v4/spreadsheets/{book}/values/{tab}!A1:A10", headers=AUTH).get_json().get("values", [])
    return [row[0] if row else "" for row in values]


def test_duplicate_sheet_copies_the_cells_under_a_new_id_after_the_source(client: FlaskClient, book: str) -> None:
    answer = batch(client, book, {"duplicateSheet": {"sourceSheetId": 0}})
    assert answer.status_code == 200
    properties = answer.get_json()["replies"][0]["duplicateSheet"]["properties"]
    assert properties["title"] == "Copy of Sheet1" and properties["index"] == 1 and properties["sheetId"] != 0
    assert column_a(client, book, "'Copy of Sheet1'") == ["a", "b", "c", "d"]
    again = batch(client, book, {"duplicateSheet": {"sourceSheetId": 0, "newSheetName": "Copy of Sheet1"}})
    assert again.status_code == 400 and "already exists" in again.get_json()["error"]["message"]


def test_move_dimension_counts_the_destination_before_the_source_is_taken_out(client: FlaskClient,
                                                                               book: str) -> None:
    moved = batch(client, book, {"moveDimension": {"source": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0,
                                                              "endIndex": 1}, "destinationIndex": 3}})
    assert moved.status_code == 200
    assert column_a(client, book) == ["b", "c", "a", "d"]
    back = batch(client, book, {"moveDimension": {"source": {"sheetId": 0, "dimension": "ROWS", "startIndex": 2,
                                                             "endIndex": 3}, "destinationIndex": 0}})
    assert back.status_code == 200
    assert column_a(client, book) == ["a", "b", "c", "d"]


def test_append_cells_writes_after_the_last_row_with_data(client: FlaskClient, book: str) -> None:
    answer = batch(client, book, {"appendCells": {"sheetId": 0, "fields": "userEnteredValue", "rows": [
        {"values": [{"userEnteredValue": {"stringValue": "e"}}]}]}})
    assert answer.status_code == 200
    assert column_a(client, book) == ["a", "b", "c", "d", "e"]
    no_fields = batch(client, book, {"appendCells": {"sheetId": 0, "rows": []}})
    assert no_fields.status_code == 400


def test_trim_whitespace_trims_text_and_counts_the_cells(client: FlaskClient, book: str) -> None:
    client.put(f"/v4/spreadsheets/{book}/values/Sheet1!A1:A2", headers=AUTH, query_string={"valueInputOption": "RAW"},
               json={"values": [["  two   words "], ["plain"]]})
    answer = batch(client, book, {"trimWhitespace": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 4,
                                                                "startColumnIndex": 0, "endColumnIndex": 1}}})
    assert answer.get_json()["replies"][0] == {"trimWhitespace": {"cellsChangedCount": 1}}
    assert column_a(client, book)[:2] == ["two words", "plain"]


def test_randomize_range_keeps_every_row_whole(client: FlaskClient, book: str) -> None:
    answer = batch(client, book, {"randomizeRange": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 4,
                                                               "startColumnIndex": 0, "endColumnIndex": 2}}})
    assert answer.status_code == 200
    rows = client.get(f"/v4/spreadsheets/{book}/values/Sheet1!A1:B4", headers=AUTH,
                      query_string={"valueRenderOption": "UNFORMATTED_VALUE"}).get_json()["values"]
    assert sorted(map(tuple, rows)) == [("a", 1), ("b", 2), ("c", 3), ("d", 4)]


def test_filter_views_and_banding_are_kept_and_shown(client: FlaskClient, book: str) -> None:
    grid = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 4, "startColumnIndex": 0, "endColumnIndex": 2}
    added = batch(client, book, {"addFilterView": {"filter": {"title": "Mine", "range": grid}}},
                  {"addBanding": {"bandedRange": {"range": grid, "rowProperties": {
                      "firstBandColor": {"red": 1}, "secondBandColor": {"blue": 1}}}}}).get_json()["replies"]
    view_id = added[0]["addFilterView"]["filter"]["filterViewId"]
    band_id = added[1]["addBanding"]["bandedRange"]["bandedRangeId"]
    assert batch(client, book, {"updateFilterView": {"filter": {"filterViewId": view_id, "title": "Ours"},
                                                     "fields": "title"}}).status_code == 200
    sheet = client.get(f"/v4/spreadsheets/{book}", headers=AUTH).get_json()["sheets"][0]
    assert [v["title"] for v in sheet["filterViews"]] == ["Ours"]
    assert [b["bandedRangeId"] for b in sheet["bandedRanges"]] == [band_id]
    assert batch(client, book, {"deleteFilterView": {"filterId": view_id}},
                 {"deleteBanding": {"bandedRangeId": band_id}}).status_code == 200
    sheet = client.get(f"/v4/spreadsheets/{book}", headers=AUTH).get_json()["sheets"][0]
    assert "filterViews" not in sheet and "bandedRanges" not in sheet
    missing = batch(client, book, {"deleteFilterView": {"filterId": view_id}})
    assert missing.status_code == 400 and "No filterView with id" in missing.get_json()["error"]["message"]


def test_a_failed_request_undoes_the_kinds_before_it(client: FlaskClient, book: str) -> None:
    answer = batch(client, book, {"duplicateSheet": {"sourceSheetId": 0}},
                   {"moveDimension": {"source": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1},
                                      "destinationIndex": 2}},
                   {"deleteBanding": {"bandedRangeId": 999}})
    assert answer.status_code == 400
    sheets = client.get(f"/v4/spreadsheets/{book}", headers=AUTH).get_json()["sheets"]
    titles = [s["properties"]["title"] for s in sheets]
    assert titles == ["Sheet1"] and column_a(client, book) == ["a", "b", "c", "d"]


def test_values_by_data_filter_read_a1_and_grid_ranges(client: FlaskClient, book: str) -> None:
    answer = client.post(f"/v4/spreadsheets/{book}/values:batchGetByDataFilter", headers=AUTH, json={
        "dataFilters": [{"a1Range": "Sheet1!A1:A2"}, {"gridRange": {"sheetId": 0, "startRowIndex": 2,
                                                                    "endRowIndex": 4, "startColumnIndex": 1,
                                                                    "endColumnIndex": 2}}],
        "valueRenderOption": "UNFORMATTED_VALUE"})
    assert answer.status_code == 200
    found = answer.get_json()["valueRanges"]
    assert [f["valueRange"]["values"] for f in found] == [[["a"], ["b"]], [[3], [4]]]
    assert found[1]["valueRange"]["range"] == "Sheet1!B3:B4"
    lookup = client.post(f"/v4/spreadsheets/{book}/values:batchGetByDataFilter", headers=AUTH,
                         json={"dataFilters": [{"developerMetadataLookup": {"metadataKey": "k"}}]})
    assert lookup.status_code == 400 and "not emulated" in lookup.get_json()["error"]["message"]


def test_get_by_data_filter_returns_the_sheets_the_filters_name(client: FlaskClient, book: str) -> None:
    answer = client.post(f"/v4/spreadsheets/{book}:getByDataFilter", headers=AUTH, json={
        "dataFilters": [{"a1Range": "Sheet1!A1:B1"}], "includeGridData": True})
    assert answer.status_code == 200
    row = answer.get_json()["sheets"][0]["data"][0]["rowData"][0]["values"]
    assert [cell["formattedValue"] for cell in row] == ["a", "1"]


def test_copy_to_puts_a_copy_at_the_end_of_another_spreadsheet(client: FlaskClient, book: str) -> None:
    other = client.post("/drive/v3/files", json={"name": "Other"}, headers=AUTH).get_json()["id"]
    answer = client.post(f"/v4/spreadsheets/{book}/sheets/0:copyTo", headers=AUTH,
                         json={"destinationSpreadsheetId": other})
    assert answer.status_code == 200
    properties = answer.get_json()
    assert properties["title"] == "Copy of Sheet1" and properties["index"] == 1
    assert column_a(client, other, "'Copy of Sheet1'") == ["a", "b", "c", "d"]


def test_drive_update_renames_and_refuses_what_it_does_not_emulate(client: FlaskClient, book: str) -> None:
    renamed = client.patch(f"/drive/v3/files/{book}", headers=AUTH, json={"name": "Renamed"})
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Renamed"
    title = client.get(f"/v4/spreadsheets/{book}", headers=AUTH).get_json()["properties"]["title"]
    assert title == "Renamed"
    starred = client.patch(f"/drive/v3/files/{book}", headers=AUTH, json={"starred": True})
    assert starred.status_code == 400 and "starred" in starred.get_json()["error"]["message"]


def rows_of(client: FlaskClient, book: str, cells: str = "A1:B6") -> list[list[Any]]:
    return client.get(f"/v4/spreadsheets/{book}/values/Sheet1!{cells}", headers=AUTH,
                      query_string={"valueRenderOption": "UNFORMATTED_VALUE"}).get_json().get("values", [])


def test_insert_and_delete_range_shift_only_the_cells_beside_the_range(client: FlaskClient, book: str) -> None:
    grid = {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 1}
    assert batch(client, book, {"insertRange": {"range": grid, "shiftDimension": "ROWS"}}).status_code == 200
    assert rows_of(client, book) == [["a", 1], ["", 2], ["b", 3], ["c", 4], ["d"]]  # column B did not move
    assert batch(client, book, {"deleteRange": {"range": grid, "shiftDimension": "ROWS"}}).status_code == 200
    assert rows_of(client, book) == [["a", 1], ["b", 2], ["c", 3], ["d", 4]]


def test_find_replace_counts_what_it_changed(client: FlaskClient, book: str) -> None:
    client.put(f"/v4/spreadsheets/{book}/values/Sheet1!A1:A3", headers=AUTH, query_string={"valueInputOption": "RAW"},
               json={"values": [["Cat and cat"], ["dog"], ["CAT"]]})
    answer = batch(client, book, {"findReplace": {"find": "cat", "replacement": "fox", "sheetId": 0}})
    assert answer.get_json()["replies"][0] == {"findReplace": {
        "valuesChanged": 2, "occurrencesChanged": 3, "rowsChanged": 2, "sheetsChanged": 1}}
    assert column_a(client, book)[:3] == ["fox and fox", "dog", "fox"]
    client.put(f"/v4/spreadsheets/{book}/values/Sheet1!A2", headers=AUTH, query_string={"valueInputOption": "RAW"},
               json={"values": [["FOX"]]})
    exact = batch(client, book, {"findReplace": {"find": "fox", "replacement": "x", "matchEntireCell": True,
                                                 "matchCase": True, "allSheets": True}})
    assert exact.get_json()["replies"][0]["findReplace"]["valuesChanged"] == 1
    assert column_a(client, book)[:3] == ["fox and fox", "FOX", "x"]
    regex = batch(client, book, {"findReplace": {"find": r"(\w+) and (\w+)", "replacement": "$2 or $1",
                                                 "searchByRegex": True, "sheetId": 0}})
    assert regex.status_code == 200 and column_a(client, book)[0] == "fox or fox"


def test_delete_duplicates_keeps_the_first_row_of_each(client: FlaskClient, book: str) -> None:
    client.put(f"/v4/spreadsheets/{book}/values/Sheet1!A1:B5", headers=AUTH, query_string={"valueInputOption": "RAW"},
               json={"values": [["a", 1], ["b", 2], ["a", 3], ["c", 4], ["b", 5]]})
    grid = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 5, "startColumnIndex": 0, "endColumnIndex": 2}
    answer = batch(client, book, {"deleteDuplicates": {"range": grid, "comparisonColumns": [
        {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}]}})
    assert answer.get_json()["replies"][0] == {"deleteDuplicates": {"duplicatesRemovedCount": 2}}
    assert rows_of(client, book) == [["a", 1], ["b", 2], ["c", 4]]


def test_dimension_groups_protected_ranges_and_rules_are_updated(client: FlaskClient, book: str) -> None:
    span = {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 3}
    grid = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 4, "startColumnIndex": 0, "endColumnIndex": 2}
    rule = {"ranges": [grid], "booleanRule": {"condition": {"type": "NOT_BLANK"}, "format": {"textFormat": {
        "bold": True}}}}
    added = batch(client, book, {"addDimensionGroup": {"range": span}},
                  {"addProtectedRange": {"protectedRange": {"range": grid, "description": "keep"}}},
                  {"addConditionalFormatRule": {"rule": rule, "index": 0}},
                  {"addConditionalFormatRule": {"rule": rule, "index": 1}})
    assert added.status_code == 200, added.get_json()
    protected_id = added.get_json()["replies"][1]["addProtectedRange"]["protectedRange"]["protectedRangeId"]
    changed = batch(client, book,
                    {"updateDimensionGroup": {"dimensionGroup": {"range": span, "depth": 1, "collapsed": True},
                                              "fields": "collapsed"}},
                    {"updateProtectedRange": {"protectedRange": {"protectedRangeId": protected_id,
                                                                 "description": "hands off"},
                                              "fields": "description"}},
                    {"updateConditionalFormatRule": {"sheetId": 0, "index": 1, "newIndex": 0}})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["replies"][2]["updateConditionalFormatRule"]["oldIndex"] == 1
    sheet = client.get(f"/v4/spreadsheets/{book}", headers=AUTH).get_json()["sheets"][0]
    assert sheet["rowGroups"][0]["collapsed"] is True
    assert sheet["protectedRanges"][0]["description"] == "hands off"
    missing = batch(client, book, {"updateProtectedRange": {"protectedRange": {"protectedRangeId": 1},
                                                            "fields": "description"}})
    assert missing.status_code == 400


def test_include_values_in_response_on_every_write_route(client: FlaskClient, book: str) -> None:
    """values.update, values.append and values.batchUpdate answer with what they wrote when asked."""
    formula = {"valueInputOption": "USER_ENTERED", "includeValuesInResponse": "true",
               "responseValueRenderOption": "UNFORMATTED_VALUE"}
    updated = client.put(f"/v4/spreadsheets/{book}/values/Sheet1!C1", headers=AUTH, query_string=formula,
                         json={"values": [["=2+3"]]}).get_json()
    assert updated["updatedData"]["values"] == [[5]]
    appended = client.post(f"/v4/spreadsheets/{book}/values/Sheet1!A1:append", headers=AUTH, query_string=formula,
                           json={"values": [["e", "=1+1"]]}).get_json()
    assert appended["updates"]["updatedData"]["values"] == [["e", 2]]
    batched = client.post(f"/v4/spreadsheets/{book}/values:batchUpdate", headers=AUTH, json={
        "valueInputOption": "RAW", "includeValuesInResponse": True,
        "data": [{"range": "Sheet1!D1", "values": [["x"]]}]}).get_json()
    assert batched["responses"][0]["updatedData"]["values"] == [["x"]]
    plain = client.post(f"/v4/spreadsheets/{book}/values:batchUpdate", headers=AUTH, json={
        "valueInputOption": "RAW", "data": [{"range": "Sheet1!D2", "values": [["y"]]}]}).get_json()
    assert "updatedData" not in plain["responses"][0]


def test_what_other_clients_rely_on(client: FlaskClient, book: str) -> None:
    """Found running gspread-formatting's suite live: a list of requests nested in a list is read flat, as
    Google reads it; effectiveFormat is the cell's format over the defaults; text format runs are kept; a
    false rightToLeft is omitted."""
    nested = client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH, json={"requests": [[
        {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0,
                                  "endColumnIndex": 1},
                        "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                        "fields": "userEnteredFormat.textFormat.bold"}},
        {"updateCells": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 0,
                                   "endColumnIndex": 1},
                         "rows": [{"values": [{"textFormatRuns": [{"startIndex": 0, "format": {"italic": True}}]}]}],
                         "fields": "textFormatRuns"}}],
        {"updateSheetProperties": {"properties": {"sheetId": 0, "rightToLeft": True}, "fields": "rightToLeft"}}]})
    assert nested.status_code == 200, nested.get_json()
    assert batch(client, book, {"updateSheetProperties": {"properties": {"sheetId": 0, "rightToLeft": False},
                                                          "fields": "rightToLeft"}}).status_code == 200
    sheet = client.get(f"/v4/spreadsheets/{book}", headers=AUTH, query_string={"includeGridData": "true",
                                                                                "ranges": "Sheet1!A1:A2"}
                       ).get_json()["sheets"][0]
    assert "rightToLeft" not in sheet["properties"]
    first, second = (row["values"][0] for row in sheet["data"][0]["rowData"])
    assert first["effectiveFormat"]["textFormat"]["bold"] is True
    assert first["effectiveFormat"]["textFormat"]["fontSize"] == 10
    assert second["textFormatRuns"] == [{"format": {"italic": True}}]  # startIndex 0 is omitted, as in proto3


def test_a_date_shows_under_its_own_pattern(client: FlaskClient, book: str) -> None:
    client.put(f"/v4/spreadsheets/{book}/values/Sheet1!C1", headers=AUTH,
               query_string={"valueInputOption": "USER_ENTERED"}, json={"values": [["2018-09-01"]]})
    answer = batch(client, book, {"repeatCell": {
        "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 2, "endColumnIndex": 3},
        "cell": {"userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": " DD MM YYYY"}}},
        "fields": "userEnteredFormat.numberFormat"}})
    assert answer.status_code == 200
    shown = client.get(f"/v4/spreadsheets/{book}/values/Sheet1!C1", headers=AUTH).get_json()["values"]
    assert shown == [[" 01 09 2018"]]


def test_the_first_conditional_rule_a_cell_meets_shows_in_its_effective_format(client: FlaskClient,
                                                                                book: str) -> None:
    grid = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 4, "startColumnIndex": 0, "endColumnIndex": 2}

    def rule(kind: str, values: list[str], fmt: dict[str, Any]) -> dict[str, Any]:
        return {"ranges": [grid], "booleanRule": {"condition": {"type": kind, "values": [
            {"userEnteredValue": v} for v in values]}, "format": fmt}}

    answer = batch(client, book,
                   {"addConditionalFormatRule": {"index": 0, "rule": rule("TEXT_CONTAINS", ["B"],
                                                                          {"textFormat": {"bold": True}})}},
                   {"addConditionalFormatRule": {"index": 1, "rule": rule("NUMBER_GREATER", ["2"],
                                                                          {"textFormat": {"italic": True}})}})
    assert answer.status_code == 200
    data = client.get(f"/v4/spreadsheets/{book}", headers=AUTH, query_string={
        "includeGridData": "true", "ranges": "Sheet1!A1:B4"}).get_json()["sheets"][0]["data"][0]["rowData"]
    shown = [[cell["effectiveFormat"]["textFormat"] for cell in row["values"]] for row in data]
    assert [row[0]["bold"] for row in shown] == [False, True, False, False]  # 'b' contains 'B': case-insensitive
    assert [row[1]["italic"] for row in shown] == [False, False, True, True]  # 3 and 4 are greater than 2


def test_values_by_data_filter_write_and_clear(client: FlaskClient, book: str) -> None:
    """values.batchUpdateByDataFilter and values.batchClearByDataFilter, on an A1 range and a grid range."""
    answer = client.post(f"/v4/spreadsheets/{book}/values:batchUpdateByDataFilter", headers=AUTH, json={
        "valueInputOption": "USER_ENTERED", "includeValuesInResponse": True,
        "responseValueRenderOption": "UNFORMATTED_VALUE",
        "data": [{"dataFilter": {"a1Range": "Sheet1!C1:C2"}, "values": [["x"], ["=B1+B2"]]},
                 {"dataFilter": {"gridRange": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1,
                                               "startColumnIndex": 3, "endColumnIndex": 4}},
                  "values": [["y"]]}]})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["totalUpdatedCells"] == 3 and body["totalUpdatedSheets"] == 1
    assert [r["updatedRange"] for r in body["responses"]] == ["Sheet1!C1:C2", "Sheet1!D1"]
    assert body["responses"][0]["updatedData"]["values"] == [["x"], [3]]
    assert body["responses"][1]["dataFilter"]["gridRange"]["startColumnIndex"] == 3
    cleared = client.post(f"/v4/spreadsheets/{book}/values:batchClearByDataFilter", headers=AUTH,
                          json={"dataFilters": [{"a1Range": "Sheet1!C1:D2"}]})
    assert cleared.status_code == 200 and cleared.get_json()["clearedRanges"] == ["Sheet1!C1:D2"]
    rows = client.get(f"/v4/spreadsheets/{book}/values/Sheet1!A1:D2", headers=AUTH).get_json()["values"]
    assert rows == [["a", "1"], ["b", "2"]]
    lookup = client.post(f"/v4/spreadsheets/{book}/values:batchClearByDataFilter", headers=AUTH,
                         json={"dataFilters": [{"developerMetadataLookup": {"metadataKey": "k"}}]})
    assert lookup.status_code == 400 and "not emulated" in lookup.get_json()["error"]["message"]
