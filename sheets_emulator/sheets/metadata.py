"""Developer metadata: create and delete in spreadsheets.batchUpdate, search and get by id.

Google keeps key/value pairs on a spreadsheet (or one of its sheets) for programs; the service keeps its run
leases and used request signatures there. Locations supported: the spreadsheet and a whole sheet.

Visibility as Google defines it: a DOCUMENT entry is seen by anyone who can see the file; a PROJECT entry
only by requests made through the Cloud project that created it (the OAuth client's or service account's
project), so a collaborator's own script can neither read, create over nor delete it. The creating project is
kept with the entry (``_project``) and never shown. A caller with no project (the test inspector) sees all.
"""

from __future__ import annotations

from typing import Any

from sheets_emulator.errors import ApiError, bad_request
from sheets_emulator.sheets.model import Spreadsheet

MAX_CHARACTERS = 30_000  # Google's limit on all metadata keys and values of one spreadsheet
VISIBILITIES = frozenset({"DOCUMENT", "PROJECT"})
DEFAULT_PROJECT = "emulated"
HIDDEN = "_project"


def visible(book: Spreadsheet, project: str | None) -> list[dict[str, Any]]:
    """The entries a caller of ``project`` can see (None: every entry)."""
    if project is None:
        return list(book.developer_metadata)
    return [m for m in book.developer_metadata if m.get("visibility") != "PROJECT"
            or m.get(HIDDEN, DEFAULT_PROJECT) == project]


def public(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry as Google shows it (without the creating project)."""
    return {k: v for k, v in entry.items() if k != HIDDEN}


def _location(book: Spreadsheet, location: dict[str, Any], where: str) -> dict[str, Any]:
    if location.get("spreadsheet"):
        return {"locationType": "SPREADSHEET", "spreadsheet": True}
    if "sheetId" in location:
        sheet_id = int(location["sheetId"])
        if book.sheet_by_id(sheet_id) is None:
            raise bad_request(f"{where}: No grid with id: {sheet_id}")
        return {"locationType": "SHEET", "sheetId": sheet_id}
    raise bad_request(f"{where}: the emulator supports spreadsheet and sheet locations only")


def _size(items: list[dict[str, Any]]) -> int:
    return sum(len(m.get("metadataKey", "")) + len(m.get("metadataValue", "")) for m in items)


def create(book: Spreadsheet, body: dict[str, Any], where: str, new_id: int,
           project: str | None = None) -> dict[str, Any]:
    """createDeveloperMetadata: store one entry; the reply echoes it with its id."""
    given = body.get("developerMetadata") or {}
    key = given.get("metadataKey")
    if not key:
        raise bad_request(f"{where}: metadataKey is required")
    visibility = given.get("visibility")
    if visibility not in VISIBILITIES:
        raise bad_request(f"{where}: visibility must be DOCUMENT or PROJECT")
    metadata_id = int(given.get("metadataId") or new_id)
    if any(m["metadataId"] == metadata_id for m in book.developer_metadata):
        raise bad_request(f"{where}: Developer metadata with id {metadata_id} already exists.")
    entry = {"metadataId": metadata_id, "metadataKey": str(key),
             "location": _location(book, given.get("location") or {}, where), "visibility": visibility}
    if given.get("metadataValue") not in (None, ""):
        entry["metadataValue"] = str(given["metadataValue"])
    if visibility == "PROJECT":
        entry[HIDDEN] = project or DEFAULT_PROJECT
    if _size([*book.developer_metadata, entry]) > MAX_CHARACTERS:
        raise bad_request(f"{where}: Developer metadata storage for the spreadsheet would exceed its limit of "
                          f"{MAX_CHARACTERS} characters.")
    book.developer_metadata.append(entry)
    return {"createDeveloperMetadata": {"developerMetadata": public(entry)}}


def _matches(entry: dict[str, Any], lookup: dict[str, Any]) -> bool:
    """Whether an entry satisfies every field a DeveloperMetadataLookup sets."""
    if "metadataId" in lookup and int(lookup["metadataId"]) != entry["metadataId"]:
        return False
    if "metadataKey" in lookup and lookup["metadataKey"] != entry["metadataKey"]:
        return False
    if "metadataValue" in lookup and lookup["metadataValue"] != entry.get("metadataValue"):
        return False
    if "visibility" in lookup and lookup["visibility"] != entry["visibility"]:
        return False
    location_type = lookup.get("locationType")
    return not location_type or location_type == entry["location"]["locationType"]


def select(book: Spreadsheet, data_filter: dict[str, Any], where: str,
           project: str | None = None) -> list[dict[str, Any]]:
    """The entries a DataFilter with a developerMetadataLookup selects, among those the caller can see."""
    lookup = data_filter.get("developerMetadataLookup")
    if not isinstance(lookup, dict) or not lookup:
        raise bad_request(f"{where}: the emulator supports developerMetadataLookup data filters only")
    return [m for m in visible(book, project) if _matches(m, lookup)]


def delete(book: Spreadsheet, body: dict[str, Any], where: str, project: str | None = None) -> dict[str, Any]:
    """deleteDeveloperMetadata: remove what the data filter selects (nothing selected is no error)."""
    chosen = select(book, body.get("dataFilter") or {}, where, project)
    ids = {m["metadataId"] for m in chosen}
    book.developer_metadata = [m for m in book.developer_metadata if m["metadataId"] not in ids]
    return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": [public(m) for m in chosen]} if chosen else {}}


def search(book: Spreadsheet, body: dict[str, Any], project: str | None = None) -> dict[str, Any]:
    """developerMetadata:search: each entry once, with the filters that matched it."""
    filters = body.get("dataFilters")
    if not isinstance(filters, list) or not filters:
        raise bad_request("Invalid value at 'data_filters': at least one data filter is required")
    found: dict[int, dict[str, Any]] = {}
    for index, data_filter in enumerate(filters):
        for entry in select(book, data_filter if isinstance(data_filter, dict) else {}, f"dataFilters[{index}]",
                            project):
            match = found.setdefault(entry["metadataId"], {"developerMetadata": public(entry), "dataFilters": []})
            match["dataFilters"].append(data_filter)
    return {"matchedDeveloperMetadata": list(found.values())} if found else {}


def get(book: Spreadsheet, metadata_id: str, project: str | None = None) -> dict[str, Any]:
    """developerMetadata.get by id."""
    entry = next((m for m in visible(book, project) if str(m["metadataId"]) == metadata_id), None)
    if entry is None:
        raise ApiError(404, f"No developer metadata with ID: {metadata_id}")
    return public(entry)
