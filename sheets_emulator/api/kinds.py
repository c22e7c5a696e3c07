"""More batchUpdate request kinds, with the effects Google's reference documents for them.

duplicateSheet, moveDimension, appendCells, trimWhitespace, randomizeRange, add/update/deleteFilterView and
add/deleteBanding. Each is all-or-nothing inside its batch (the batch's journal undoes it), and answers the
reply Google's schema gives it.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from sheets_emulator.api.batch import Context, Handler, _apply_cell, _bounds, _sheet, normalise
from sheets_emulator.sheets.model import Sheet, Spreadsheet

_SPACES = re.compile(r"\s+")


def duplicate_sheet(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """A copy of a sheet (cells, merges, filters, rows' and columns' sizes) under a new id and title."""
    source = _sheet(book, body.get("sourceSheetId"), ctx)
    title = body.get("newSheetName") or f"Copy of {source.title}"
    if book.sheet_by_title(title):
        raise ctx.error(f'A sheet with the name "{title}" already exists. Please enter another name.')
    sheet_id = int(body["newSheetId"]) if body.get("newSheetId") is not None else ctx.new_id()
    if book.sheet_by_id(sheet_id):
        raise ctx.error(f"A sheet with the id {sheet_id} already exists.")
    index = body.get("insertSheetIndex")
    index = book.sheets.index(source) + 1 if index is None else min(int(index), len(book.sheets))
    properties = copy.deepcopy(source.properties) | {"sheetId": sheet_id, "title": title}
    extras = copy.deepcopy(source.extras)
    for key in ("charts", "filterViews", "bandedRanges"):  # objects with ids of their own are not copied
        extras.pop(key, None)
    copy_of = Sheet(properties=properties, cells=dict(source.cells), merges=copy.deepcopy(source.merges),
                    extras=extras, row_meta=copy.deepcopy(source.row_meta), col_meta=copy.deepcopy(source.col_meta))
    book.sheets.insert(index, copy_of)
    book.reindex()
    return {"duplicateSheet": {"properties": copy_of.properties}}


def move_dimension(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Move rows or columns; ``destinationIndex`` counts positions before the source is taken out."""
    source = body.get("source") or {}
    sheet = _sheet(book, source.get("sheetId"), ctx)
    axis = 0 if source.get("dimension") == "ROWS" else 1
    size = sheet.rows if axis == 0 else sheet.cols
    start, end = int(source.get("startIndex", 0)), int(source.get("endIndex", size))
    destination = int(body.get("destinationIndex", 0))
    if not (0 <= start < end <= size) or not 0 <= destination <= size:
        raise ctx.error("the range or destination is out of the grid.")
    order = list(range(size))
    block = order[start:end]
    del order[start:end]
    at = destination - (end - start) if destination > start else destination
    order[at:at] = block
    new_of = {old: new for new, old in enumerate(order)}
    moved = {}
    for (row, col), cell in sheet.cells.items():
        key = (new_of[row], col) if axis == 0 else (row, new_of[col])
        moved[key] = cell
    sheet.cells.clear()
    sheet.cells.update(moved)
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    shifted = {new_of[k]: v for k, v in meta.items() if k in new_of}
    meta.clear()
    meta.update(shifted)
    return {}


def append_cells(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Rows of cells after the last row holding data, the grid grown to fit."""
    sheet = _sheet(book, body.get("sheetId"), ctx)
    fields = body.get("fields")
    if not fields:
        raise ctx.error("At least one field must be specified.")
    rows = body.get("rows") or []
    first = max((r for r, _ in sheet.cells), default=-1) + 1
    needed = first + len(rows)
    if needed > sheet.rows:
        sheet.properties["gridProperties"]["rowCount"] = needed
    for offset, row in enumerate(rows):
        for column, data in enumerate(row.get("values") or []):
            if column >= sheet.cols:
                raise ctx.error(f"column {column} is outside the grid.")
            _apply_cell(sheet, (first + offset, column), data or {}, fields)
    return {}


def _cells_in(sheet: Sheet, grid: dict[str, Any]) -> list[tuple[int, int]]:
    r0, r1, c0, c1 = _bounds(sheet, grid)
    return [key for key in sheet.cells if r0 <= key[0] < r1 and c0 <= key[1] < c1]


def trim_whitespace(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Text cells trimmed at both ends, inner runs of whitespace made one space; formulas left alone."""
    grid = body.get("range") or {}
    sheet = _sheet(book, grid.get("sheetId"), ctx)
    changed = 0
    for key in _cells_in(sheet, grid):
        cell = sheet.cells[key]
        value = cell.get("v")
        if "f" in cell or not isinstance(value, str):
            continue
        trimmed = _SPACES.sub(" ", value).strip()
        if trimmed != value:
            new = dict(cell, v=trimmed)
            new.pop("t", None)
            sheet.cells[key] = new
            changed += 1
    return {"trimWhitespace": {"cellsChangedCount": changed} if changed else {}}


def randomize_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """The rows of a range in a random order (the emulator's seeded generator)."""
    grid = body.get("range") or {}
    sheet = _sheet(book, grid.get("sheetId"), ctx)
    r0, r1, _, _ = _bounds(sheet, grid)
    rows = list(range(r0, r1))
    shuffled = rows[:]
    ctx.rng.shuffle(shuffled)
    taken = {key: sheet.cells[key] for key in _cells_in(sheet, grid)}
    sheet.cell_map.discard(list(taken))
    target = dict(zip(shuffled, rows, strict=True))
    sheet.cells.update({(target[r], c): cell for (r, c), cell in taken.items()})
    return {}


def _listed(book: Spreadsheet, key: str, id_key: str, wanted: Any, ctx: Context) -> tuple[Sheet, list[Any]]:
    for sheet in book.sheets:
        items = sheet.extras.get(key) or []
        if any(int(item[id_key]) == int(wanted) for item in items):
            return sheet, items
    raise ctx.error(f"No {key[:-1]} with id: {wanted}")


def add_filter_view(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    view = normalise(dict(body.get("filter") or {}))
    sheet = _sheet(book, (view.get("range") or {}).get("sheetId"), ctx)
    view["filterViewId"] = int(view.get("filterViewId") or ctx.new_id())
    sheet.extras.setdefault("filterViews", []).append(view)
    return {"addFilterView": {"filter": view}}


def update_filter_view(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    change = body.get("filter") or {}
    fields = body.get("fields") or ""
    if not fields:
        raise ctx.error("At least one field must be specified.")
    _, views = _listed(book, "filterViews", "filterViewId", change.get("filterViewId"), ctx)
    view = next(v for v in views if int(v["filterViewId"]) == int(change["filterViewId"]))
    names = list(change) if fields == "*" else [f.strip().split(".")[0] for f in fields.split(",")]
    for name in names:
        if name == "filterViewId":
            continue
        if change.get(name) is None:
            view.pop(name, None)
        else:
            view[name] = normalise(change[name])
    return {}


def delete_filter_view(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, views = _listed(book, "filterViews", "filterViewId", body.get("filterId"), ctx)
    sheet.extras["filterViews"] = [v for v in views if int(v["filterViewId"]) != int(body["filterId"])]
    if not sheet.extras["filterViews"]:
        del sheet.extras["filterViews"]
    return {}


def add_banding(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    banded = normalise(dict(body.get("bandedRange") or {}))
    sheet = _sheet(book, (banded.get("range") or {}).get("sheetId"), ctx)
    banded["bandedRangeId"] = int(banded.get("bandedRangeId") or ctx.new_id())
    sheet.extras.setdefault("bandedRanges", []).append(banded)
    return {"addBanding": {"bandedRange": banded}}


def delete_banding(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, bands = _listed(book, "bandedRanges", "bandedRangeId", body.get("bandedRangeId"), ctx)
    sheet.extras["bandedRanges"] = [b for b in bands if int(b["bandedRangeId"]) != int(body["bandedRangeId"])]
    if not sheet.extras["bandedRanges"]:
        del sheet.extras["bandedRanges"]
    return {}


MORE_HANDLERS: dict[str, Handler] = {
    "duplicateSheet": duplicate_sheet, "moveDimension": move_dimension, "appendCells": append_cells,
    "trimWhitespace": trim_whitespace, "randomizeRange": randomize_range, "addFilterView": add_filter_view,
    "updateFilterView": update_filter_view, "deleteFilterView": delete_filter_view, "addBanding": add_banding,
    "deleteBanding": delete_banding,
}
