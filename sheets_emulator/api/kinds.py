"""More batchUpdate request kinds, with the effects Google's reference documents for them.

duplicateSheet, moveDimension, appendCells, trimWhitespace, randomizeRange, add/update/deleteFilterView,
add/deleteBanding, insertRange, deleteRange, findReplace, deleteDuplicates, updateDimensionGroup,
updateProtectedRange and updateConditionalFormatRule. Each is all-or-nothing inside its batch (the batch's
journal undoes it), and answers the reply Google's schema gives it.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from sheets_emulator.api.batch import Context, Handler, _apply_cell, _bounds, _sheet, normalise
from sheets_emulator.sheets.model import Sheet, Spreadsheet

_SPACES = re.compile(r"\s+")


def sheet_copy(source: Sheet, sheet_id: int, title: str) -> Sheet:
    """A copy of a sheet (cells, merges, filters, rows' and columns' sizes) under a new id and title; charts,
    filter views and banded ranges, which carry ids of their own, are not copied."""
    extras = {k: copy.deepcopy(v) for k, v in source.extras.items() if k not in ("charts", *_LISTED)}
    return Sheet(properties=copy.deepcopy(source.properties) | {"sheetId": sheet_id, "title": title},
                 cells=dict(source.cells), merges=copy.deepcopy(source.merges), extras=extras,
                 row_meta=copy.deepcopy(source.row_meta), col_meta=copy.deepcopy(source.col_meta))


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
    copy_of = sheet_copy(source, sheet_id, title)
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


# objects a sheet lists by an id of their own: extras key -> (id field, request field holding one)
_LISTED = {"filterViews": ("filterViewId", "filter"), "bandedRanges": ("bandedRangeId", "bandedRange")}


def _add_listed(book: Spreadsheet, body: dict[str, Any], ctx: Context, key: str) -> dict[str, Any]:
    """A new filter view or banded range on the sheet its range names, with an id (the given one, or new)."""
    id_key, field = _LISTED[key]
    item = normalise(dict(body.get(field) or {}))
    sheet = _sheet(book, (item.get("range") or {}).get("sheetId"), ctx)
    item[id_key] = int(item.get(id_key) or ctx.new_id())
    sheet.extras.setdefault(key, []).append(item)
    return {ctx.kind: {field: item}}


def _delete_listed(book: Spreadsheet, wanted: Any, ctx: Context, key: str) -> dict[str, Any]:
    id_key = _LISTED[key][0]
    sheet, items = _listed(book, key, id_key, wanted, ctx)
    sheet.extras[key] = [i for i in items if int(i[id_key]) != int(wanted)]
    if not sheet.extras[key]:
        del sheet.extras[key]
    return {}


def add_filter_view(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return _add_listed(book, body, ctx, "filterViews")


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
    return _delete_listed(book, body.get("filterId"), ctx, "filterViews")


def add_banding(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return _add_listed(book, body, ctx, "bandedRanges")


def delete_banding(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return _delete_listed(book, body.get("bandedRangeId"), ctx, "bandedRanges")


def _shift_block(sheet: Sheet, grid: dict[str, Any], dimension: str, inserting: bool) -> None:
    """insertRange / deleteRange: the cells beside the range, in its columns (or rows), move by its size."""
    r0, r1, c0, c1 = _bounds(sheet, grid)
    rows = dimension == "ROWS"
    size = (r1 - r0) if rows else (c1 - c0)
    edge = r0 if inserting else (r1 if rows else c1)
    moved: dict[tuple[int, int], Any] = {}
    gone: list[tuple[int, int]] = []
    for (r, c), cell in sheet.cells.items():
        along, across = (r, c) if rows else (c, r)
        low, high = (c0, c1) if rows else (r0, r1)
        if not low <= across < high:
            continue
        if not inserting and edge - size <= along < edge:
            gone.append((r, c))
        elif along >= edge:
            gone.append((r, c))
            step = size if inserting else -size
            moved[(r + step, c) if rows else (r, c + step)] = cell
    sheet.cell_map.discard(gone)
    sheet.cells.update(moved)
    if moved:
        far = max(k[0] if rows else k[1] for k in moved) + 1
        key = "rowCount" if rows else "columnCount"
        if far > sheet.properties["gridProperties"][key]:
            sheet.properties["gridProperties"][key] = far


def insert_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    grid = body.get("range") or {}
    _shift_block(_sheet(book, grid.get("sheetId"), ctx), grid, body.get("shiftDimension") or "ROWS", True)
    return {}


def delete_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    grid = body.get("range") or {}
    _shift_block(_sheet(book, grid.get("sheetId"), ctx), grid, body.get("shiftDimension") or "ROWS", False)
    return {}


def find_replace(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Text (and, with includeFormulas, formulas) matched by a string or a regular expression, replaced."""
    find = str(body.get("find") or "")
    if not find:
        raise ctx.error("The find text must not be empty.")
    pattern = find if body.get("searchByRegex") else re.escape(find)
    if body.get("matchEntireCell"):
        pattern = f"^(?:{pattern})$"
    try:
        compiled = re.compile(pattern, 0 if body.get("matchCase") else re.IGNORECASE)
    except re.error:
        raise ctx.error(f"Invalid regular expression: {find}") from None
    replacement = str(body.get("replacement") or "")
    if body.get("searchByRegex"):
        replacement = re.sub(r"\$(\d+)", r"\\g<\1>", replacement.replace("\\", "\\\\"))
    else:
        replacement = replacement.replace("\\", "\\\\")
    if body.get("range"):
        grid = body["range"]
        scopes = [(_sheet(book, grid.get("sheetId"), ctx), grid)]
    elif body.get("allSheets"):
        scopes = [(s, {}) for s in book.sheets]
    else:
        scopes = [(_sheet(book, body.get("sheetId"), ctx), {})]
    counts = {"valuesChanged": 0, "formulasChanged": 0, "occurrencesChanged": 0}
    rows: set[tuple[int, int]] = set()
    sheets: set[int] = set()
    for sheet, grid in scopes:
        for key in _cells_in(sheet, grid):
            cell = sheet.cells[key]
            field = "f" if "f" in cell else "v"
            text = cell.get(field)
            if not isinstance(text, str) or (field == "f" and not body.get("includeFormulas")):
                continue
            new, found = compiled.subn(replacement, text)
            if not found or new == text:
                continue
            changed = dict(cell)
            changed[field] = new
            changed.pop("t", None)
            sheet.cells[key] = changed
            counts["formulasChanged" if field == "f" else "valuesChanged"] += 1
            counts["occurrencesChanged"] += found
            rows.add((sheet.sheet_id, key[0]))
            sheets.add(sheet.sheet_id)
    reply = {k: v for k, v in counts.items() if v} | ({"rowsChanged": len(rows), "sheetsChanged": len(sheets)}
                                                     if rows else {})
    return {"findReplace": reply}


def delete_duplicates(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Rows of a range whose compared columns repeat an earlier row's are removed; the rest move up."""
    grid = body.get("range") or {}
    sheet = _sheet(book, grid.get("sheetId"), ctx)
    r0, r1, c0, c1 = _bounds(sheet, grid)
    compared = sorted({c for d in body.get("comparisonColumns") or [{"startIndex": c0, "endIndex": c1}]
                       for c in range(int(d.get("startIndex", c0)), int(d.get("endIndex", c1)))})
    seen: set[tuple[Any, ...]] = set()
    kept: list[int] = []
    for r in range(r0, r1):
        signature = tuple((sheet.cells.get((r, c)) or {}).get("v") for c in compared)
        if signature in seen:
            continue
        seen.add(signature)
        kept.append(r)
    removed = (r1 - r0) - len(kept)
    if removed:
        taken = {key: sheet.cells[key] for key in _cells_in(sheet, grid)}
        sheet.cell_map.discard(list(taken))
        sheet.cells.update({(r0 + i, c): cell for i, r in enumerate(kept) for (rr, c), cell in taken.items()
                            if rr == r})
    return {"deleteDuplicates": {"duplicatesRemovedCount": removed} if removed else {}}


def update_dimension_group(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    group = body.get("dimensionGroup") or {}
    span = group.get("range") or {}
    sheet = _sheet(book, span.get("sheetId"), ctx)
    key = "rowGroups" if span.get("dimension") == "ROWS" else "columnGroups"
    match = next((g for g in sheet.extras.get(key) or [] if g["range"].get("startIndex") == span.get("startIndex")
                  and g["range"].get("endIndex") == span.get("endIndex")
                  and int(g.get("depth", 1)) == int(group.get("depth") or 1)), None)
    if match is None:
        raise ctx.error("No dimension group found for that range and depth.")
    fields = body.get("fields") or ""
    if fields in ("*", "collapsed") or "collapsed" in fields.split(","):
        if group.get("collapsed"):
            match["collapsed"] = True
        else:
            match.pop("collapsed", None)
    return {}


def update_protected_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    given = body.get("protectedRange") or {}
    wanted = int(given.get("protectedRangeId") or 0)
    stored = next((p for p in book.protected_ranges if int(p["protectedRangeId"]) == wanted), None)
    if stored is None:
        raise ctx.error(f"No protected range with id: {wanted}")
    fields = body.get("fields") or ""
    if not fields:
        raise ctx.error("At least one field must be specified.")
    names = [n for n in given if n != "protectedRangeId"] if fields == "*" else [
        f.strip().split(".")[0] for f in fields.split(",")]
    for name in names:
        if name == "range" and given.get("range") is not None:
            _sheet(book, given["range"].get("sheetId"), ctx)
            stored["range"] = normalise(given["range"])
            stored["_sheetId"] = int(given["range"].get("sheetId") or 0)
        elif given.get(name) in (None, False, "") and name != "range":
            stored.pop(name, None)
        elif name != "range":
            stored[name] = normalise(given[name])
    return {}


def update_conditional_format_rule(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """A rule replaced at its index, or moved to a new index (with the rule as it was)."""
    sheet = _sheet(book, body.get("sheetId"), ctx)
    rules = sheet.extras.get("conditionalFormats") or []
    index = int(body.get("index") or 0)
    if not 0 <= index < len(rules):
        raise ctx.error(f"No conditional format on sheet {sheet.sheet_id} at index {index}")
    old = rules[index]
    if body.get("newIndex") is not None:
        new_index = int(body["newIndex"])
        if not 0 <= new_index < len(rules):
            raise ctx.error(f"newIndex {new_index} is out of range")
        rules.insert(new_index, rules.pop(index))
        reply = {"newRule": old, "oldIndex": index, "newIndex": new_index}
    else:
        rule = normalise(dict(body.get("rule") or {}))
        rules[index] = rule
        reply = {"newRule": rule, "oldRule": old, "oldIndex": index, "newIndex": index}
    return {"updateConditionalFormatRule": {k: v for k, v in reply.items() if v != 0}}  # proto3 omits zeros


MORE_HANDLERS: dict[str, Handler] = {
    "duplicateSheet": duplicate_sheet, "moveDimension": move_dimension, "appendCells": append_cells,
    "trimWhitespace": trim_whitespace, "randomizeRange": randomize_range, "addFilterView": add_filter_view,
    "updateFilterView": update_filter_view, "deleteFilterView": delete_filter_view, "addBanding": add_banding,
    "deleteBanding": delete_banding, "insertRange": insert_range, "deleteRange": delete_range,
    "findReplace": find_replace, "deleteDuplicates": delete_duplicates, "updateDimensionGroup": update_dimension_group,
    "updateProtectedRange": update_protected_range, "updateConditionalFormatRule": update_conditional_format_rule,
}
