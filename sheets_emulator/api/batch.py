"""spreadsheets.batchUpdate: each request kind applied to a copy, so a batch is all or nothing."""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from sheets_emulator.defaults import sheet_properties
from sheets_emulator.errors import ApiError, bad_request
from sheets_emulator.sheets import cells, metadata
from sheets_emulator.sheets.fields import mask_paths
from sheets_emulator.sheets.model import MAX_CELLS, Sheet, Spreadsheet

Handler = Callable[[Spreadsheet, dict[str, Any], "Context"], dict[str, Any]]


class Context:
    """Per-batch state: the request index for error messages, a random source for ids, the user."""

    def __init__(self, rng: random.Random, user: str, project: str | None = None) -> None:
        self.rng = rng
        self.user = user
        self.project = project  # the caller's Cloud project (developer metadata visibility)
        self.index = 0
        self.kind = ""

    def error(self, message: str) -> ApiError:
        return bad_request(f"Invalid requests[{self.index}].{self.kind}: {message}")

    def new_id(self) -> int:
        return self.rng.randint(1, 2_147_483_646)


def f32(value: float) -> float | int:
    """A float as Google echoes it (single precision, shortest form); whole numbers as ints."""
    short = float(str(np.float32(value)))
    return int(short) if short.is_integer() else short


def clean_color(color: dict[str, Any]) -> dict[str, Any]:
    """Store a colour as Google does: 8 bits a channel (0.5 → 127/255, halves round down), echoed in
    single precision; zero components dropped. Every colour in the recordings is a multiple of 1/255."""
    out: dict[str, Any] = {}
    for key, value in color.items():
        if not isinstance(value, int | float):
            continue
        level = min(max(math.ceil(float(value) * 255 - 0.5), 0), 255) if key != "alpha" else None
        stored = f32(level / 255) if level is not None else f32(value)
        if stored != 0:
            out[key] = stored
    return out


def normalise(obj: Any) -> Any:
    """Proto3-style output: colours rounded, nulls dropped."""
    if isinstance(obj, dict):
        out = {}
        for key, value in obj.items():
            if value is None:
                continue
            if key in {"rgbColor", "backgroundColor", "foregroundColor", "tabColor", "color"} and isinstance(
                    value, dict) and not ({"rgbColor", "themeColor"} & set(value)):
                out[key] = clean_color(value)
            else:
                out[key] = normalise(value)
        return out
    if isinstance(obj, list):
        return [normalise(v) for v in obj]
    return obj


def grid_range(grid: dict[str, Any]) -> dict[str, Any]:
    """A GridRange as echoed: sheetId 0 omitted (proto default)."""
    keys = ("sheetId", "startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex")
    out: dict[str, Any] = {k: grid[k] for k in keys
           if k in grid and grid[k] is not None}
    if out.get("sheetId") == 0:
        del out["sheetId"]
    return out


def set_fields(target: dict[str, Any], source: dict[str, Any], fields: str) -> None:
    """Copy the fields named by a field mask ('*' for all) from source into target."""
    if fields.strip() == "*":
        for key, value in source.items():
            target[key] = value
        return
    for path in mask_paths(fields):  # '.', '/' and parentheses, as Google accepts them
        parts = path.split(".")
        src: Any = source
        dst = target
        for part in parts[:-1]:
            src = src.get(part, {}) if isinstance(src, dict) else {}
            dst = dst.setdefault(part, {})
        leaf = parts[-1]
        if isinstance(src, dict) and leaf in src and src[leaf] is not None:
            dst[leaf] = src[leaf]
        else:
            dst.pop(leaf, None)


def _sheet(book: Spreadsheet, sheet_id: Any, ctx: Context) -> Sheet:
    sheet = book.sheet_by_id(int(sheet_id or 0))
    if sheet is None:
        raise ctx.error(f"No grid with id: {sheet_id or 0}")
    return sheet


def _bounds(sheet: Sheet, grid: dict[str, Any]) -> tuple[int, int, int, int]:
    r0 = grid.get("startRowIndex") or 0
    r1 = grid.get("endRowIndex", sheet.rows)
    c0 = grid.get("startColumnIndex") or 0
    c1 = grid.get("endColumnIndex", sheet.cols)
    return int(r0), int(min(r1, sheet.rows)), int(c0), int(min(c1, sheet.cols))


def add_sheet(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    props = dict(body.get("properties") or {})
    title = props.get("title") or f"Sheet{len(book.sheets) + 1}"
    if book.sheet_by_title(title):
        raise ctx.error(f'A sheet with the name "{title}" already exists. Please enter another name.')
    sheet_id = props.get("sheetId", ctx.new_id())
    if book.sheet_by_id(int(sheet_id)):
        raise ctx.error(f"A sheet with the id {sheet_id} already exists.")
    index = min(int(props.get("index", len(book.sheets))), len(book.sheets))
    grid = props.get("gridProperties") or {}
    new = sheet_properties(int(sheet_id), title, index, int(grid.get("rowCount", 1000)),
                           int(grid.get("columnCount", 26)))
    new["gridProperties"].update({k: v for k, v in grid.items() if k not in {"rowCount", "columnCount"} and v})
    for key, value in props.items():
        if key not in {"title", "sheetId", "index", "gridProperties", "sheetType"} and value not in (None, False):
            new[key] = normalise(value)
    sheet = Sheet(properties=new)
    book.sheets.insert(index, sheet)
    book.reindex()
    return {"addSheet": {"properties": new}}


def delete_sheet(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet = _sheet(book, body.get("sheetId"), ctx)
    if len(book.sheets) == 1:
        raise ctx.error("You can't remove all the sheets in a document.")
    book.sheets.remove(sheet)
    book.protected_ranges = [p for p in book.protected_ranges if p["range"].get("sheetId", 0) != sheet.sheet_id]
    book.named_ranges = [n for n in book.named_ranges if n["range"].get("sheetId", 0) != sheet.sheet_id]
    book.reindex()
    return {}


def update_sheet_properties(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    props = body.get("properties") or {}
    sheet = _sheet(book, props.get("sheetId"), ctx)
    fields = body.get("fields") or ""
    if not fields:
        raise ctx.error("At least one field must be updated, but 'fields' is empty.")
    if "title" in props and ("title" in fields or fields == "*"):
        other = book.sheet_by_title(props["title"])
        if other is not None and other is not sheet:
            raise ctx.error(f'A sheet with the name "{props["title"]}" already exists. Please enter another name.')
    before_index = sheet.properties["index"]
    set_fields(sheet.properties, normalise(props), fields)
    for flag in ("hidden", "rightToLeft"):  # Google omits a false flag rather than return it
        if sheet.properties.get(flag) is False:
            del sheet.properties[flag]
    for colour in ("tabColor", "tabColorStyle"):  # a cleared colour is absent, not an empty message
        if sheet.properties.get(colour) in ({}, None):
            sheet.properties.pop(colour, None)
    if sheet.properties.get("hidden") and all(s.properties.get("hidden") for s in book.sheets):
        sheet.properties.pop("hidden")
        raise ctx.error("You can't hide all the sheets in a document.")
    grid = sheet.properties.setdefault("gridProperties", {})
    for key in [k for k, v in grid.items() if v in (0, False) and k not in {"rowCount", "columnCount"}]:
        del grid[key]
    if "index" in props and sheet.properties["index"] != before_index:
        book.sheets.remove(sheet)
        book.sheets.insert(min(int(props["index"]), len(book.sheets)), sheet)
        book.reindex()
    _check_size(book)
    return {}


def update_spreadsheet_properties(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    set_fields(book.properties, body.get("properties") or {}, body.get("fields") or "")
    return {}


def _dimension(body: dict[str, Any], book: Spreadsheet, ctx: Context) -> tuple[Sheet, str, int, int]:
    rng = body.get("range") or {}
    sheet = _sheet(book, rng.get("sheetId"), ctx)
    return sheet, rng.get("dimension", "ROWS"), int(rng.get("startIndex") or 0), int(rng.get("endIndex") or 0)


def insert_dimension(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, dim, start, end = _dimension(body, book, ctx)
    count = end - start
    axis = 0 if dim == "ROWS" else 1
    limit = sheet.rows if axis == 0 else sheet.cols
    if count <= 0 or start > limit:
        raise ctx.error(f"Range ({start}-{end}) is out of bounds")
    sheet.cells = {_shift((r, c), axis, start, count): v for (r, c), v in sheet.cells.items()}
    _shift_meta(sheet, axis, start, count)
    sheet.merges = [_shift_range(m, axis, start, count) for m in sheet.merges]
    key = "rowCount" if axis == 0 else "columnCount"
    sheet.properties["gridProperties"][key] += count
    _check_size(book)
    return {}


def _shift(key: tuple[int, int], axis: int, start: int, count: int) -> tuple[int, int]:
    r, c = key
    if axis == 0:
        return (r + count if r >= start else r, c)
    return (r, c + count if c >= start else c)


def _shift_meta(sheet: Sheet, axis: int, start: int, count: int) -> None:
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    moved = {(k + count if k >= start else k): v for k, v in meta.items()}
    meta.clear()
    meta.update(moved)


def _shift_range(grid: dict[str, Any], axis: int, start: int, count: int) -> dict[str, Any]:
    out = dict(grid)
    a, b = ("startRowIndex", "endRowIndex") if axis == 0 else ("startColumnIndex", "endColumnIndex")
    if out.get(a, 0) >= start:
        out[a] = out.get(a, 0) + count
    if out.get(b, 0) > start:
        out[b] = out.get(b, 0) + count
    return out


def delete_dimension(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, dim, start, end = _dimension(body, book, ctx)
    axis = 0 if dim == "ROWS" else 1
    limit = sheet.rows if axis == 0 else sheet.cols
    if end <= start or end > limit:
        raise ctx.error(f"Invalid range: {start}-{end}")
    if end - start >= limit:
        raise ctx.error("You can't delete all the rows on the sheet." if axis == 0
                        else "You can't delete all the columns on the sheet.")
    count = end - start
    kept = {}
    for (r, c), v in sheet.cells.items():
        index = r if axis == 0 else c
        if start <= index < end:
            continue
        kept[_shift((r, c), axis, end, -count) if index >= end else (r, c)] = v
    sheet.cells = kept
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    moved = {(k - count if k >= end else k): v for k, v in meta.items() if not start <= k < end}
    meta.clear()
    meta.update(moved)
    key = "rowCount" if axis == 0 else "columnCount"
    sheet.properties["gridProperties"][key] -= count
    return {}


def append_dimension(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet = _sheet(book, body.get("sheetId"), ctx)
    key = "rowCount" if body.get("dimension", "ROWS") == "ROWS" else "columnCount"
    sheet.properties["gridProperties"][key] += int(body.get("length") or 0)
    _check_size(book)
    return {}


def update_dimension_properties(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, dim, start, end = _dimension(body, book, ctx)
    meta = sheet.row_meta if dim == "ROWS" else sheet.col_meta
    for index in range(start, end):
        set_fields(meta.setdefault(index, {}), body.get("properties") or {}, body.get("fields") or "*")
    return {}


_NARROW, _WIDE = set("iljtfr.,;:'|!()[] "), set("mwMW@%")
TEXT_PADDING = 6  # pixels Google adds around the longest text


def text_pixels(text: str) -> int:
    """About how wide Sheets draws a text in its default font (Arial 10): the width autoResize gives it."""
    width = 0.0
    for ch in text:
        if ch in _WIDE:
            width += 11.5
        elif ch in _NARROW:
            width += 3.7
        elif ch.isupper():
            width += 8.4815  # 1,024 capital A's: 8,691 pixels in Google's recording
        elif ch.isdigit():
            width += 7.4
        else:
            width += 7.0
    return round(width) + TEXT_PADDING


def auto_resize(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Columns widen or narrow to their longest text (a column with no text keeps its width); rows are left."""
    dims = body.get("dimensions") or {}
    sheet = _sheet(book, dims.get("sheetId"), ctx)
    if dims.get("dimension") != "COLUMNS":
        return {}
    start = int(dims.get("startIndex") or 0)
    end = int(dims["endIndex"]) if dims.get("endIndex") is not None else sheet.cols
    longest: dict[int, int] = {}
    for (_, c), cell in sheet.cells.items():
        if start <= c < end and "v" in cell:
            longest[c] = max(longest.get(c, 0), text_pixels(cells.render(cell, "FORMATTED_VALUE", "FORMATTED_STRING")))
    for c, pixels in longest.items():
        sheet.col_meta.setdefault(c, {})["pixelSize"] = pixels
    return {}


def _sort_key(cell: cells.Cell | None) -> tuple[int, Any]:
    if cell is None or "v" not in cell:
        return (3, "")
    value = cell["v"]
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, float):
        return (0, value)
    return (1, str(value).lower())


def sort_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    grid = body.get("range") or {}
    sheet = _sheet(book, grid.get("sheetId"), ctx)
    r0, r1, c0, c1 = _bounds(sheet, grid)
    rows = [{c: sheet.cells.get((r, c)) for c in range(c0, c1)} for r in range(r0, r1)]
    for spec in reversed(body.get("sortSpecs") or [{"dimensionIndex": c0}]):
        column = int(spec.get("dimensionIndex", 0))
        descending = spec.get("sortOrder") == "DESCENDING"
        filled = [r for r in rows if _sort_key(r.get(column))[0] != 3]
        blank = [r for r in rows if _sort_key(r.get(column))[0] == 3]
        filled.sort(key=lambda r, col=column: _sort_key(r.get(col)), reverse=descending)  # type: ignore[misc]
        rows = filled + blank
    placed = {(r0 + offset, c): value for offset, row in enumerate(rows) for c, value in row.items()
              if value is not None}
    stale = [key for key in ((r, c) for r in range(r0, r1) for c in range(c0, c1))
             if key not in placed and key in sheet.cells]
    moved = {key: value for key, value in placed.items() if sheet.cells.get(key) is not value}
    if stale:
        sheet.cell_map.discard(stale)
    if moved:  # rows already in place are not touched (a sorted tab sorts for free)
        sheet.cells.update(moved)
    return {}


def mirror_colours(fmt: dict[str, Any]) -> dict[str, Any]:
    """Google keeps each colour twice, as `xColor` and `xColorStyle.rgbColor`; set either, both are stored."""
    for holder in (fmt, fmt.get("textFormat")):
        if not isinstance(holder, dict):
            continue
        for name in ("backgroundColor", "foregroundColor"):
            style = f"{name}Style"
            if name in holder:
                holder[style] = {"rgbColor": holder[name]}
            elif isinstance(holder.get(style), dict) and "rgbColor" in holder[style]:
                holder[name] = holder[style]["rgbColor"]
    return fmt


@lru_cache(maxsize=256)
def _cell_fields(fields: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """The paths of a cell field mask and the top-level fields it names (all four when it is '*' or empty)."""
    paths = tuple(mask_paths(fields)) if fields and fields != "*" else ()
    wanted = frozenset(p.split(".")[0] for p in paths) if paths else frozenset(
        {"userEnteredValue", "userEnteredFormat", "note", "dataValidation", "textFormatRuns"})
    return paths, wanted


def _apply_cell(sheet: Sheet, key: tuple[int, int], data: dict[str, Any], fields: str,
                memo: dict[Any, Any] | None = None) -> None:
    """Apply one CellData to one cell under a field mask.

    With a memo (one CellData for a whole range, as repeatCell gives), what does not depend on the cell is
    worked out once: the value, the validation, and the new format for each distinct old format object.
    """
    cell = dict(sheet.cells.get(key) or {})
    paths, wanted = _cell_fields(fields)
    if "userEnteredValue" in wanted:
        for k in ("v", "f", "t", "date"):
            cell.pop(k, None)
        value = _memoised(memo, "value", lambda: cells.from_extended(data.get("userEnteredValue") or {}))
        if value:
            cell.update(value)
    if "userEnteredFormat" in wanted:
        old = cell.get("fmt")
        fmt = _memoised(memo, ("fmt", id(old)), lambda: _new_format(old, data, paths), old)
        if fmt:
            cell["fmt"] = fmt
        else:
            cell.pop("fmt", None)
    if "note" in wanted:
        if data.get("note"):
            cell["note"] = data["note"]
        else:
            cell.pop("note", None)
    if "textFormatRuns" in wanted:  # runs of rich text within the cell's string
        if data.get("textFormatRuns"):
            cell["runs"] = _memoised(memo, "runs", lambda: [  # proto3 JSON: a startIndex of 0 is omitted
                {k: v for k, v in run.items() if not (k == "startIndex" and v == 0)}
                for run in normalise(data["textFormatRuns"])])
        else:
            cell.pop("runs", None)
    if "dataValidation" in wanted:
        if data.get("dataValidation"):
            cell["validation"] = _memoised(memo, "validation", lambda: normalise(data["dataValidation"]))
        else:
            cell.pop("validation", None)
    if cell:
        sheet.cells[key] = cell
    else:
        sheet.cells.pop(key, None)


def _memoised(memo: dict[Any, Any] | None, name: Any, make: Callable[[], Any], owner: Any = None) -> Any:
    """make() once per name in a memo (each time without one); an entry keyed by an object's id holds the
    object too, so the id cannot be reused by another object while the memo lives."""
    if memo is None:
        return make()
    hit = memo.get(name)
    if hit is None or hit[0] is not owner:
        hit = memo[name] = (owner, make())
    return hit[1]


def _new_format(old: dict[str, Any] | None, data: dict[str, Any], paths: tuple[str, ...]) -> dict[str, Any]:
    """A cell's format after a CellData's userEnteredFormat is applied under the mask's paths ({} for none)."""
    fmt = copy.deepcopy(old or {})  # nested formats are changed below: never share them
    if not paths or "userEnteredFormat" in paths:
        fmt = normalise(data.get("userEnteredFormat") or {})  # the whole format, one of several fields
    else:
        for path in paths:
            if path.startswith("userEnteredFormat."):
                set_fields(fmt, normalise(data.get("userEnteredFormat") or {}), path.split(".", 1)[1])
    return mirror_colours(fmt) if fmt else {}


def _apply_to_range(book: Spreadsheet, grid: dict[str, Any], data: dict[str, Any], fields: str,
                    ctx: Context) -> dict[str, Any]:
    """Apply one CellData to every cell of a range."""
    sheet = _sheet(book, grid.get("sheetId"), ctx)
    r0, r1, c0, c1 = _bounds(sheet, grid)
    memo: dict[Any, Any] = {}
    for r in range(r0, r1):
        for c in range(c0, c1):
            _apply_cell(sheet, (r, c), data, fields, memo)
    return {}


def repeat_cell(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return _apply_to_range(book, body.get("range") or {}, body.get("cell") or {}, body.get("fields") or "", ctx)


def update_cells(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    if "start" in body:
        sheet = _sheet(book, body["start"].get("sheetId"), ctx)
        r0, c0 = int(body["start"].get("rowIndex") or 0), int(body["start"].get("columnIndex") or 0)
    else:
        grid = body.get("range") or {}
        sheet = _sheet(book, grid.get("sheetId"), ctx)
        r0, _, c0, _ = _bounds(sheet, grid)
    rows = body.get("rows") or []
    if r0 + len(rows) > sheet.rows or any(c0 + len(r.get("values") or []) > sheet.cols for r in rows):
        raise ctx.error("Attempting to write beyond the grid limits.")
    for i, row in enumerate(rows):
        for j, data in enumerate(row.get("values") or []):
            _apply_cell(sheet, (r0 + i, c0 + j), data or {}, body.get("fields") or "")
    if "range" in body:  # cells of the range that the rows do not cover are cleared for the fields
        _, r1, _, c1 = _bounds(sheet, body["range"])
        covered = {(r0 + i, c0 + j) for i, row in enumerate(rows) for j in range(len(row.get("values") or []))}
        for key in [k for k in list(sheet.cells) if r0 <= k[0] < r1 and c0 <= k[1] < c1 and k not in covered]:
            _apply_cell(sheet, key, {}, body.get("fields") or "")
    return {}


def merge_cells(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    grid = body.get("range") or {}
    sheet = _sheet(book, grid.get("sheetId"), ctx)
    r0, r1, c0, c1 = _bounds(sheet, grid)
    kind = body.get("mergeType", "MERGE_ALL")
    if kind == "MERGE_ROWS":
        pieces = [(r, r + 1, c0, c1) for r in range(r0, r1)]
    elif kind == "MERGE_COLUMNS":
        pieces = [(r0, r1, c, c + 1) for c in range(c0, c1)]
    else:
        pieces = [(r0, r1, c0, c1)]
    for a, b, c, d in pieces:
        sheet.merges = [m for m in sheet.merges if not (a < m["endRowIndex"] and m["startRowIndex"] < b and
                                                        c < m["endColumnIndex"] and m["startColumnIndex"] < d)]
        sheet.merges.append({"sheetId": sheet.sheet_id, "startRowIndex": a, "endRowIndex": b,
                             "startColumnIndex": c, "endColumnIndex": d})
        for key in [k for k in sheet.cells if a <= k[0] < b and c <= k[1] < d and k != (a, c)]:
            sheet.cells.pop(key)
    return {}


def unmerge_cells(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    grid = body.get("range") or {}
    sheet = _sheet(book, grid.get("sheetId"), ctx)
    r0, r1, c0, c1 = _bounds(sheet, grid)
    sheet.merges = [m for m in sheet.merges if not (r0 <= m["startRowIndex"] and m["endRowIndex"] <= r1 and
                                                     c0 <= m["startColumnIndex"] and m["endColumnIndex"] <= c1)]
    return {}


def set_data_validation(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return _apply_to_range(book, body.get("range") or {}, {"dataValidation": body.get("rule")}, "dataValidation",
                           ctx)


def add_conditional_format_rule(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    rule = normalise(body.get("rule") or {})
    ranges = rule.get("ranges") or []
    if not ranges:
        raise ctx.error("A conditional format rule needs at least one range.")
    sheet = _sheet(book, ranges[0].get("sheetId"), ctx)
    rule["ranges"] = [grid_range(g) for g in ranges]
    rules = sheet.extras.setdefault("conditionalFormats", [])
    rules.insert(min(int(body.get("index") or 0), len(rules)), rule)
    return {}


def delete_conditional_format_rule(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet = _sheet(book, body.get("sheetId"), ctx)
    rules = sheet.extras.get("conditionalFormats") or []
    index = int(body.get("index") or 0)
    if index >= len(rules):
        raise ctx.error(f"No conditional format on sheet {sheet.sheet_id} at index {index}")
    rule = rules.pop(index)
    if not rules:
        sheet.extras.pop("conditionalFormats", None)
    return {"deleteConditionalFormatRule": {"rule": rule}}


def add_protected_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    given = body.get("protectedRange") or {}
    grid = given.get("range") or {}
    _sheet(book, grid.get("sheetId"), ctx)
    protected: dict[str, Any] = {"protectedRangeId": given.get("protectedRangeId") or ctx.new_id(),
                                 "range": grid_range(grid)}
    if given.get("description"):
        protected["description"] = given["description"]
    if given.get("warningOnly"):
        protected["warningOnly"] = True
    protected["requestingUserCanEdit"] = True
    editors = {k: v for k, v in (given.get("editors") or {}).items() if v}
    reply = dict(protected, editors=editors)  # warning-only ranges too, as recorded
    stored = dict(protected)
    users = sorted(set(editors.get("users", [])) | ({ctx.user} if ctx.user else set()))
    stored["editors"] = dict(editors, users=users) if users else editors
    stored["_sheetId"] = int(grid.get("sheetId") or 0)
    book.protected_ranges.append(stored)
    return {"addProtectedRange": {"protectedRange": reply}}


def delete_protected_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    wanted = int(body.get("protectedRangeId") or 0)
    if not any(int(p["protectedRangeId"]) == wanted for p in book.protected_ranges):
        raise ctx.error(f"No protected range with id: {wanted}")
    book.protected_ranges = [p for p in book.protected_ranges if int(p["protectedRangeId"]) != wanted]
    return {}


def add_named_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    given = body.get("namedRange") or {}
    if any(n["name"] == given.get("name") for n in book.named_ranges):
        raise ctx.error(f"A named range with the name \"{given.get('name')}\" already exists.")
    named = {"namedRangeId": given.get("namedRangeId") or str(ctx.new_id()), "name": given.get("name"),
             "range": grid_range(given.get("range") or {})}
    book.named_ranges.append(named)
    return {"addNamedRange": {"namedRange": named}}


def delete_named_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    wanted = str(body.get("namedRangeId"))
    if not any(n["namedRangeId"] == wanted for n in book.named_ranges):
        raise ctx.error(f"No named range with id {wanted}")
    book.named_ranges = [n for n in book.named_ranges if n["namedRangeId"] != wanted]
    return {}


def update_named_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    given = body.get("namedRange") or {}
    named = next((n for n in book.named_ranges if n["namedRangeId"] == str(given.get("namedRangeId"))), None)
    if named is None:
        raise ctx.error(f"No named range with id {given.get('namedRangeId')}")
    source = dict(given)
    if "range" in source:
        source["range"] = grid_range(source["range"])
    set_fields(named, source, body.get("fields") or "*")
    return {}


def add_chart(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    chart = normalise(body.get("chart") or {})
    anchor = ((chart.get("position") or {}).get("overlayPosition") or {}).get("anchorCell") or {}
    sheet_id = anchor.get("sheetId", (chart.get("position") or {}).get("sheetId", 0))
    sheet = _sheet(book, sheet_id, ctx)
    chart["chartId"] = chart.get("chartId") or ctx.new_id()
    sheet.extras.setdefault("charts", []).append(chart)
    return {"addChart": {"chart": chart}}


def delete_embedded_object(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    wanted = int(body.get("objectId") or 0)
    for sheet in book.sheets:
        charts = sheet.extras.get("charts") or []
        if any(int(c["chartId"]) == wanted for c in charts):
            sheet.extras["charts"] = [c for c in charts if int(c["chartId"]) != wanted]
            if not sheet.extras["charts"]:
                del sheet.extras["charts"]
            return {}
    raise ctx.error(f"No embedded object with id: {wanted}")


def set_basic_filter(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    flt = dict(body.get("filter") or {})
    grid = dict(flt.get("range") or {})
    sheet = _sheet(book, grid.get("sheetId"), ctx)
    # Google stores explicit bounds: a side left open reaches the edge of the grid
    grid.setdefault("startRowIndex", 0)
    grid.setdefault("startColumnIndex", 0)
    grid.setdefault("endRowIndex", sheet.rows)
    grid.setdefault("endColumnIndex", sheet.cols)
    flt["range"] = grid_range(grid)
    sheet.extras["basicFilter"] = normalise(flt)
    return {}


def clear_basic_filter(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet = _sheet(book, body.get("sheetId"), ctx)
    sheet.extras.pop("basicFilter", None)
    return {}


def _groups(sheet: Sheet, dim: str) -> list[dict[str, Any]]:
    return sheet.extras.setdefault("rowGroups" if dim == "ROWS" else "columnGroups", [])


def add_dimension_group(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, dim, start, end = _dimension(body, book, ctx)
    groups = _groups(sheet, dim)
    depth = 1 + sum(1 for g in groups if g["range"]["startIndex"] <= start and end <= g["range"]["endIndex"])
    groups.append({"range": {"dimension": dim, "startIndex": start, "endIndex": end}, "depth": depth})
    groups.sort(key=lambda g: (g["depth"], g["range"]["startIndex"]))
    control = "rowGroupControlAfter" if dim == "ROWS" else "columnGroupControlAfter"
    sheet.properties["gridProperties"][control] = True
    return {"addDimensionGroup": {"dimensionGroups": list(groups)}}


def delete_dimension_group(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, dim, start, end = _dimension(body, book, ctx)
    groups = _groups(sheet, dim)
    match = next((g for g in sorted(groups, key=lambda g: -g["depth"])
                  if g["range"]["startIndex"] == start and g["range"]["endIndex"] == end), None)
    if match is None:
        raise ctx.error("No dimension group found for that range.")
    groups.remove(match)
    key = "rowGroups" if dim == "ROWS" else "columnGroups"
    if not groups:
        sheet.extras.pop(key, None)
        return {"deleteDimensionGroup": {}}
    return {"deleteDimensionGroup": {"dimensionGroups": list(groups)}}


def _copy_block(book: Spreadsheet, body: dict[str, Any], ctx: Context, cut: bool) -> dict[str, Any]:
    source = body.get("source") or {}
    src = _sheet(book, source.get("sheetId"), ctx)
    r0, r1, c0, c1 = _bounds(src, source)
    if cut:
        dest = body.get("destination") or {}
        dst = _sheet(book, dest.get("sheetId"), ctx)
        d_r, d_c = int(dest.get("rowIndex") or 0), int(dest.get("columnIndex") or 0)
    else:
        dest = body.get("destination") or {}
        dst = _sheet(book, dest.get("sheetId"), ctx)
        d_r, _, d_c, _ = _bounds(dst, dest)
    block = {(r - r0, c - c0): dict(v) for (r, c), v in src.cells.items() if r0 <= r < r1 and c0 <= c < c1}
    if cut:
        for key in [k for k in src.cells if r0 <= k[0] < r1 and c0 <= k[1] < c1]:
            del src.cells[key]
    for r in range(r1 - r0):
        for c in range(c1 - c0):
            dst.cells.pop((d_r + r, d_c + c), None)
    for (r, c), v in block.items():
        dst.cells[(d_r + r, d_c + c)] = v
    return {}


def copy_paste(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return _copy_block(book, body, ctx, cut=False)


def cut_paste(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return _copy_block(book, body, ctx, cut=True)


def create_developer_metadata(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return metadata.create(book, body, f"Invalid requests[{ctx.index}].{ctx.kind}", ctx.new_id(), ctx.project)


def delete_developer_metadata(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return metadata.delete(book, body, f"Invalid requests[{ctx.index}].{ctx.kind}", ctx.project)


def _check_size(book: Spreadsheet) -> None:
    if book.total_cells() > MAX_CELLS:
        raise bad_request(f"This action would increase the number of cells in the workbook above the limit of "
                          f"{MAX_CELLS:,} cells.")


HANDLERS: dict[str, Handler] = {
    "addSheet": add_sheet, "deleteSheet": delete_sheet, "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties, "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension, "appendDimension": append_dimension,
    "updateDimensionProperties": update_dimension_properties, "autoResizeDimensions": auto_resize,
    "sortRange": sort_range, "repeatCell": repeat_cell, "updateCells": update_cells, "mergeCells": merge_cells,
    "unmergeCells": unmerge_cells, "setDataValidation": set_data_validation,
    "addConditionalFormatRule": add_conditional_format_rule,
    "deleteConditionalFormatRule": delete_conditional_format_rule, "addProtectedRange": add_protected_range,
    "deleteProtectedRange": delete_protected_range, "addNamedRange": add_named_range,
    "deleteNamedRange": delete_named_range, "updateNamedRange": update_named_range, "addChart": add_chart,
    "deleteEmbeddedObject": delete_embedded_object, "setBasicFilter": set_basic_filter,
    "clearBasicFilter": clear_basic_filter, "addDimensionGroup": add_dimension_group,
    "deleteDimensionGroup": delete_dimension_group, "copyPaste": copy_paste, "cutPaste": cut_paste,
    "createDeveloperMetadata": create_developer_metadata, "deleteDeveloperMetadata": delete_developer_metadata,
}
