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
