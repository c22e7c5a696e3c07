"""The emulator refuses what Google refuses: unknown fields, wrong types and enum values outside the schema.

Expected messages are written here from Google's documented error format (as its front end words them:
``Invalid JSON payload received. Unknown name "x" at 'requests[0].add_sheet': Cannot find field.`` and
``Invalid value at 'path' (TYPE_INT32), "x"``), with field paths in the proto's snake_case.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from sheets_emulator import schema
from sheets_emulator.api.dispatch import HANDLERS
from sheets_emulator.app import create_emulator
from sheets_emulator.state import EmulatorState

AUTH = {"Authorization": "Bearer t"}


def proto_name(camel: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in camel)


def unknown(name: str, at: str = "") -> str:
    return f'Invalid JSON payload received. Unknown name "{name}"' + (f" at '{at}'" if at else "") + \
        ": Cannot find field."


@pytest.fixture
def client(tmp_path: Path) -> FlaskClient:
    return create_emulator(EmulatorState(seed=1, data_dir=tmp_path / "data")).test_client()


@pytest.fixture
def book(client: FlaskClient) -> str:
    return str(client.post("/drive/v3/files", json={"name": "Book"}, headers=AUTH).get_json()["id"])


def refused(answer: Any) -> str:
    """The message of a 400 in Google's JSON shape (never an HTML page)."""
    assert answer.status_code == 400, (answer.status_code, answer.get_data(as_text=True)[:300])
    assert answer.is_json
    error = answer.get_json()["error"]
    assert error["status"] == "INVALID_ARGUMENT" and error["code"] == 400
    violations = error["details"][0]["fieldViolations"]
    assert [v["description"] for v in violations] == error["message"].split("\n")
    return str(error["message"])


@pytest.mark.parametrize("kind", sorted(HANDLERS))
def test_an_unknown_field_in_every_served_batch_update_kind_is_refused(client: FlaskClient, book: str,
                                                                       kind: str) -> None:
    answer = client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH,
                         json={"requests": [{kind: {"notAField": 1}}]})
    assert refused(answer) == unknown("notAField", f"requests[0].{proto_name(kind)}")


@pytest.mark.parametrize(("verb", "path", "query", "body", "message"), [
    ("POST", "/v4/spreadsheets", {}, {"properties": {"title": "x", "colour": 1}}, unknown("colour", "properties")),
    ("PUT", "/v4/spreadsheets/{book}/values/A1", {"valueInputOption": "RAW"}, {"values": [[1]], "extra": 1},
     unknown("extra")),
    ("POST", "/v4/spreadsheets/{book}/values/A1:append", {"valueInputOption": "RAW"},
     {"values": [[1]], "extra": 1}, unknown("extra")),
    ("POST", "/v4/spreadsheets/{book}/values:batchUpdate", {},
     {"valueInputOption": "RAW", "data": [{"range": "A1", "values": [[1]], "extra": 1}]}, unknown("extra", "data[0]")),
    ("POST", "/v4/spreadsheets/{book}/values:batchClear", {}, {"ranges": ["A1"], "extra": 1}, unknown("extra")),
    ("POST", "/v4/spreadsheets/{book}/developerMetadata:search", {}, {"dataFilters": [], "extra": 1},
     unknown("extra")),
    ("GET", "/v4/spreadsheets/{book}", {"includeGridDatas": "true"}, None,
     'Invalid JSON payload received. Unknown name "includeGridDatas": Cannot bind query parameter. '
     "Field 'includeGridDatas' could not be found in request message."),
])
def test_unknown_fields_and_parameters_are_refused(client: FlaskClient, book: str, verb: str, path: str,
                                                   query: dict[str, str], body: Any, message: str) -> None:
    answer = client.open(path.format(book=book), method=verb, headers=AUTH, query_string=query, json=body)
    assert refused(answer) == message


@pytest.mark.parametrize(("verb", "path", "query", "body", "message"), [
    ("POST", "/v4/spreadsheets/{book}:batchUpdate", {},
     {"requests": [{"updateSheetProperties": {"properties": {"sheetId": "not-a-number"}, "fields": "title"}}]},
     "Invalid value at 'requests[0].update_sheet_properties.properties.sheet_id' (TYPE_INT32), \"not-a-number\""),
    ("POST", "/v4/spreadsheets/{book}:batchUpdate", {},
     {"requests": [{"addSheet": {"properties": {"sheetId": 3277956680}}}]},
     "Invalid value at 'requests[0].add_sheet.properties.sheet_id' (TYPE_INT32), 3277956680"),
    ("POST", "/v4/spreadsheets", {}, {"properties": {"title": 123}},
     "Invalid value at 'properties.title' (TYPE_STRING), 123"),
    ("POST", "/v4/spreadsheets/{book}:batchUpdate", {},
     {"requests": [{"updateSheetProperties": {"properties": {"hidden": "yes"}, "fields": "hidden"}}]},
     "Invalid value at 'requests[0].update_sheet_properties.properties.hidden' (TYPE_BOOL), \"yes\""),
    ("POST", "/drive/v3/files", {}, {"name": 123}, "Invalid value at 'name' (TYPE_STRING), 123"),
    ("GET", "/v4/spreadsheets/{book}/values/A1", {"majorDimension": "DIAGONAL"}, None,
     "Invalid value at 'major_dimension' (type.googleapis.com/google.apps.sheets.v4.MajorDimension), \"DIAGONAL\""),
    ("PUT", "/v4/spreadsheets/{book}/values/A1", {"valueInputOption": "USER_ENTER"}, {"values": [[1]]},
     "Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), "
     "\"USER_ENTER\""),
    ("PUT", "/v4/spreadsheets/{book}/values/A1", {"valueInputOption": "RAW"},
     {"values": [[1]], "majorDimension": "DIAGONAL"},
     "Invalid value at 'major_dimension' (type.googleapis.com/google.apps.sheets.v4.MajorDimension), \"DIAGONAL\""),
    ("POST", "/v4/spreadsheets/{book}:batchUpdate", {},
     {"requests": [{"insertDimension": {"range": {"sheetId": 0, "dimension": "DEPTH", "startIndex": 0,
                                                  "endIndex": 1}}}]},
     "Invalid value at 'requests[0].insert_dimension.range.dimension' "
     "(type.googleapis.com/google.apps.sheets.v4.Dimension), \"DEPTH\""),
    ("GET", "/v4/spreadsheets/{book}", {"includeGridData": "maybe"}, None,
     "Invalid value at 'include_grid_data' (TYPE_BOOL), \"maybe\""),
])
def test_wrong_types_and_enum_values_get_googles_400(client: FlaskClient, book: str, verb: str, path: str,
                                                     query: dict[str, str], body: Any, message: str) -> None:
    answer = client.open(path.format(book=book), method=verb, headers=AUTH, query_string=query, json=body)
    assert refused(answer) == message


def test_every_violation_of_a_request_is_listed(client: FlaskClient, book: str) -> None:
    answer = client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH, json={"requests": [
        {"addSheet": {"properties": {"title": 5}}}, {"deleteSheet": {"sheetId": 0, "force": True}}], "x": 1})
    assert refused(answer).split("\n") == [
        "Invalid value at 'requests[0].add_sheet.properties.title' (TYPE_STRING), 5",
        unknown("force", "requests[1].delete_sheet"), unknown("x")]


def test_what_google_accepts_is_accepted(client: FlaskClient, book: str) -> None:
    """Proto field names, integers as strings, null for "not set", "True" for a boolean parameter."""
    answer = client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH, query_string={"prettyPrint": "False"},
                         json={"requests": [{"add_sheet": {"properties": {"title": "Two", "sheet_id": "7",
                                                                          "gridProperties": None}}}],
                               "includeSpreadsheetInResponse": None})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["replies"][0]["addSheet"]["properties"]["sheetId"] == 7


def test_an_answer_outside_the_schema_is_reported() -> None:
    method = schema.match("GET", "/v4/spreadsheets/abc")
    assert method is not None and method.id == "sheets.spreadsheets.get"
    assert schema.check_response(method, {"spreadsheetId": "abc", "properties": {"title": "t"}}) == []
    found = schema.check_response(method, {"spreadsheetId": 5, "properties": {"title": "t", "locale": "en_GB",
                                                                              "colour": "red"}})
    assert found == ["sheets.spreadsheets.get: Invalid value at 'spreadsheet_id' (TYPE_STRING), 5",
                     "sheets.spreadsheets.get: " + unknown("colour", "properties")]


def test_the_documents_are_googles_own() -> None:
    revisions = schema.documents_revision()
    assert set(revisions) == {"sheets", "drive", "webmasters"}
    assert all(len(r) == 8 and r.isdigit() for r in revisions.values())


def test_answers_are_checked_as_they_leave(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With answer checking on (as in this suite), a field Google's schema lacks is caught on the way out."""
    state = EmulatorState(seed=1)
    assert state.check_answers  # the suite's conftest turns it on for every emulator
    client = create_emulator(state).test_client()
    book = client.post("/drive/v3/files", json={"name": "Book"}, headers=AUTH).get_json()["id"]
    properties = schema.document("sheets")["schemas"]["SpreadsheetProperties"]["properties"]
    monkeypatch.delitem(properties, "timeZone")  # as if Google had no such field: the emulator's answer has it
    assert client.get(f"/v4/spreadsheets/{book}", headers=AUTH).status_code == 200
    expected = "sheets.spreadsheets.get: " + unknown("timeZone", "properties")
    assert state.answer_violations == [expected]
    assert list(schema.SEEN) == [expected]
    schema.SEEN.clear()


def test_a_fault_of_the_emulator_is_googles_json_500(client: FlaskClient, book: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> dict[str, Any]:
        raise KeyError("a bug")

    monkeypatch.setitem(HANDLERS, "addSheet", broken)
    answer = client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH,
                         json={"requests": [{"addSheet": {"properties": {"title": "x"}}}]})
    assert answer.status_code == 500 and answer.is_json
    assert answer.get_json()["error"] == {"code": 500, "message": "Internal error encountered.", "status": "INTERNAL"}


def googles_kinds() -> list[str]:
    return sorted(schema.document("sheets")["schemas"]["Request"]["properties"])


@pytest.mark.parametrize("kind", [k for k in googles_kinds() if k not in HANDLERS])
def test_a_kind_google_serves_and_the_emulator_does_not_is_refused_by_name(client: FlaskClient, book: str,
                                                                           kind: str) -> None:
    answer = client.post(f"/v4/spreadsheets/{book}:batchUpdate", headers=AUTH, json={"requests": [{kind: {}}]})
    assert f"'{kind}' is not emulated" in refused_plain(answer)


def refused_plain(answer: Any) -> str:
    assert answer.status_code == 400 and answer.is_json
    return str(answer.get_json()["error"]["message"])


def test_every_kind_google_has_is_either_served_or_refused() -> None:
    assert len(googles_kinds()) == 74 and set(HANDLERS) <= set(googles_kinds())
