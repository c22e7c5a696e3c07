"""Formulas recalculated on every write, as Google Sheets does: references, ranges on other tabs, the served
functions, Google's error values, and a formula outside the served set kept with #NAME? as its value.

Expected values are worked out by hand from the functions' documented behaviour, not from the emulator."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from sheets_emulator.app import create_emulator
from sheets_emulator.state import EmulatorState

AUTH = {"Authorization": "Bearer t"}


@pytest.fixture
def client() -> FlaskClient:
    return create_emulator(EmulatorState(seed=5)).test_client()


@pytest.fixture
def book(client: FlaskClient) -> str:
    book_id = str(client.post("/drive/v3/files", json={"name": "Book"}, headers=AUTH).get_json()["id"])
    put(client, book_id, "Sheet1!A1:C4", [["name", "score", "ok"], ["ann", 3, True], ["bob", 4.5, False],
                                          ["cat", "n/a", True]], "RAW")
    return book_id


def put(client: FlaskClient, book: str, where: str, rows: list[list[Any]], option: str = "USER_ENTERED") -> None:
    answer = client.put(f"/v4/spreadsheets/{book}/values/{where}", headers=AUTH, json={"values": rows},
                        query_string={"valueInputOption": option})
    assert answer.status_code == 200, answer.get_json()


def get(client: FlaskClient, book: str, where: str, render: str = "UNFORMATTED_VALUE") -> list[list[Any]]:
    answer = client.get(f"/v4/spreadsheets/{book}/values/{where}", headers=AUTH,
                        query_string={"valueRenderOption": render})
    return list(answer.get_json().get("values", []))


@pytest.mark.parametrize(("formula", "value"), [
    ("=B2+B3", 7.5),
    ("=SUM(B2:B4)", 7.5),  # text in a range is skipped
    ("=SUM(B:B)", 7.5),
    ("=COUNT(B1:B4)", 2),
    ("=COUNTA(A1:A4)", 4),
    ("=AVERAGE(B2:B4)", 3.75),
    ("=MAX(B2:B4)-MIN(B2:B4)", 1.5),
    ('=IF(B3>B2,"up","down")', "up"),
    ("=IF(C3,1,2)", 2),
    ('=A2&" scored "&B2', "ann scored 3"),
    ("=B2*2^2", 12),
    ("=-B2+10%", -2.9),
    ("=ROUND(2.5)", 3),
    ("=ROUND(B3/7,2)", 0.64),
    ('=VLOOKUP("bob",A2:C4,2,FALSE)', 4.5),
    ('=IFERROR(VLOOKUP("zed",A2:C4,2,FALSE),"none")', "none"),
    ('=HYPERLINK("https://example.com","Example")', "Example"),
    ("=AND(C2,C4)", True),
    ("=OR(C3,FALSE)", False),
    ('=LEN(A2)+LEN("  ")', 5),
    ('=UPPER(A3)&LOWER("X")', "BOBx"),
    ("=COUNTBLANK(A1:D4)", 4),
])
def test_served_formulas_are_calculated(client: FlaskClient, book: str, formula: str, value: Any) -> None:
    put(client, book, "Sheet1!E1", [[formula]])
    assert get(client, book, "Sheet1!E1") == [[value]]
    assert get(client, book, "Sheet1!E1", "FORMULA") == [[formula]]


@pytest.mark.parametrize(("formula", "error"), [
    ("=B2/0", "#DIV/0!"),
    ("=A2+1", "#VALUE!"),  # text that is no number
    ('=VLOOKUP("zed",A2:C4,2,FALSE)', "#N/A"),
    ('=VLOOKUP("bob",A2:C4,9,FALSE)', "#REF!"),
    ("=Missing!A1", "#REF!"),
    ('=IMPORTXML("https://example.com","//a")', "#NAME?"),  # outside the served set: kept, not calculated
    ("=SUM(B2:B3", "#ERROR!"),  # a parse error
])
def test_errors_are_googles_values(client: FlaskClient, book: str, formula: str, error: str) -> None:
    put(client, book, "Sheet1!E1", [[formula]])
    assert get(client, book, "Sheet1!E1") == [[error]]
    assert get(client, book, "Sheet1!E1", "FORMULA") == [[formula]]


def test_a_formula_follows_its_cells_on_every_write_route(client: FlaskClient, book: str) -> None:
    put(client, book, "Sheet1!E1", [["=SUM(B2:B3)*2"]])
    assert get(client, book, "Sheet1!E1") == [[15]]
    put(client, book, "Sheet1!B2", [[10]], "RAW")  # values.update
    assert get(client, book, "Sheet1!E1") == [[29]]
    client.post(f"/v4/spreadsheets/{book}/values:batchUpdate", headers=AUTH, json={
        "valueInputOption": "RAW", "data": [{"range": "Sheet1!B3", "values": [[0]]}]})
    assert get(client, book, "Sheet1!E1") == [[20]]
    client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH, json={"requests": [{"updateCells": {
        "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 1, "endColumnIndex": 2},
        "rows": [{"values": [{"userEnteredValue": {"numberValue": 1}}]}], "fields": "userEnteredValue"}}]})
    assert get(client, book, "Sheet1!E1") == [[2]]
    client.post(f"/v4/spreadsheets/{book}/values/Sheet1!B2:B3:clear", headers=AUTH)
    assert get(client, book, "Sheet1!E1") == [[0]]


def test_references_across_tabs_and_chains(client: FlaskClient, book: str) -> None:
    client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH,
                json={"requests": [{"addSheet": {"properties": {"title": "My totals"}}}]})
    put(client, book, "'My totals'!A1:A2", [["=SUM(Sheet1!B2:B3)"], ["=A1*2"]])
    put(client, book, "Sheet1!E1", [["='My totals'!A2+1"]])
    assert get(client, book, "'My totals'!A1:A2") == [[7.5], [15]]
    assert get(client, book, "Sheet1!E1") == [[16]]
    put(client, book, "Sheet1!B2", [[1.5]], "RAW")
    assert get(client, book, "Sheet1!E1") == [[13]]


def test_a_circular_reference_is_an_error_not_a_hang(client: FlaskClient, book: str) -> None:
    put(client, book, "Sheet1!E1:E2", [["=E2+1"], ["=E1+1"]])
    assert get(client, book, "Sheet1!E1:E2") == [["#REF!"], ["#REF!"]]


def test_raw_text_that_looks_like_a_formula_stays_text(client: FlaskClient, book: str) -> None:
    put(client, book, "Sheet1!E1", [["=SUM(B2:B3)"]], "RAW")
    assert get(client, book, "Sheet1!E1") == [["=SUM(B2:B3)"]]
    assert get(client, book, "Sheet1!E1", "FORMULA") == [["=SUM(B2:B3)"]]


def test_a_csv_upload_replaces_the_spreadsheet_with_its_rows(client: FlaskClient, book: str) -> None:
    """Drive v2's converted CSV upload (gspread's import_csv): one sheet, the CSV's rows as if typed."""
    client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH,
                json={"requests": [{"addSheet": {"properties": {"title": "Other"}}}]})
    answer = client.put(f"/upload/drive/v2/files/{book}", headers={**AUTH, "Content-Type": "text/csv"},
                        query_string={"uploadType": "media", "convert": "true"}, data="a,1\nb,=B1*2\n")
    assert answer.status_code == 200 and answer.get_json()["id"] == book
    sheets = client.get(f"/v4/spreadsheets/{book}", headers=AUTH).get_json()["sheets"]
    assert [s["properties"]["title"] for s in sheets] == ["Sheet1"]
    assert sheets[0]["properties"]["gridProperties"] == {"rowCount": 2, "columnCount": 2}
    assert get(client, book, "Sheet1!A1:B2") == [["a", 1], ["b", 2]]
    wrong = client.put(f"/upload/drive/v2/files/{book}", headers={**AUTH, "Content-Type": "text/plain"},
                       query_string={"uploadType": "media", "convert": "true"}, data="x")
    assert wrong.status_code == 400 and "CSV" in wrong.get_json()["error"]["message"]
