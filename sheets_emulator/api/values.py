"""spreadsheets.values: get, update, clear and append against a Spreadsheet."""

from __future__ import annotations

import itertools
import operator
from dataclasses import dataclass
from typing import Any

import numpy as np

from sheets_emulator.errors import ApiError, bad_request
from sheets_emulator.sheets import a1, cells
from sheets_emulator.sheets.model import CellMap, Sheet, Spreadsheet

MAX_CELL_CHARS = 50_000
_ANY = 1 << 40  # a bound beyond any grid
_NONE = np.array(None, dtype=object)  # compared with each value of an object array


def resolve(book: Spreadsheet, text: str) -> tuple[Sheet, a1.Span]:
    """The sheet and bounds a range names; Google's 400 when it names none."""
    titles = [s.title for s in book.sheets]
    named = next((n for n in book.named_ranges if n["name"] == text), None)
    if named is None and "!" in text:  # 'Sheet1'!Name: a named range qualified by its sheet, as Google allows
        title, _, name = text.rpartition("!")
        title = title[1:-1].replace("''", "'") if title.startswith("'") and title.endswith("'") else title
        candidate = next((n for n in book.named_ranges if n["name"] == name), None)
        sheet_of = book.sheet_by_title(title)
        if candidate is not None and sheet_of is not None and \
                int(candidate["range"].get("sheetId", 0)) == sheet_of.sheet_id:
            named = candidate
    if named is not None:
        grid = named["range"]
        sheet = book.sheet_by_id(int(grid.get("sheetId", 0)))
        if sheet is not None:
            return sheet, a1.Span(sheet.title, grid.get("startRowIndex"), grid.get("endRowIndex"),
                                  grid.get("startColumnIndex"), grid.get("endColumnIndex"))
    try:
        span = a1.parse(text, titles)
    except a1.A1Error:
        raise bad_request(f"Unable to parse range: {text}") from None
    sheet = book.sheet_by_title(span.title) if span.title else book.sheets[0]
    if sheet is None:
        raise bad_request(f"Unable to parse range: {text}")
    return sheet, span


def _rendered(sheet: Sheet, bounds: tuple[int, int, int, int], render: str, datetime: str,
              by_column: bool) -> list[list[Any]]:
    """The non-empty values of a range as lists by row (or by column), trailing blanks trimmed, inner blanks ''.

    Takes the stored cells, or the grid's positions when the range is smaller than the sheet's cell map, so
    a read costs the filled cells it returns rather than the grid's size. A large read of stored values by
    column lays out the sheet's columns once per version of its cells; reads of stored values are cut from
    them while they last.
    """
    r0, r1, c0, c1 = bounds
    plain = render == "UNFORMATTED_VALUE" and datetime != "FORMATTED_STRING"  # the value as stored
    memo = sheet.cell_map.memo
    columns = memo.get("stored columns") if plain else None
    if columns is None:
        if not by_column or not plain or (r1 - r0) * (c1 - c0) < len(sheet.cells):
            return _laid_out(sheet.cells, bounds, render, datetime, by_column)
        columns = memo["stored columns"] = _laid_out(sheet.cells, (0, _ANY, 0, _ANY), render, datetime, True)
    cut = [column[r0:r1] for column in columns[c0:c1]]  # copies: the laid-out columns are never handed out
    lines = cut if by_column else [list(row) for row in itertools.zip_longest(*cut, fillvalue="")]
    for line in lines:
        while line and line[-1] == "":
            line.pop()
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _laid_out(stored: dict[tuple[int, int], cells.Cell], bounds: tuple[int, int, int, int], render: str,
              datetime: str, by_column: bool) -> list[list[Any]]:
    """_rendered's work from the cells: one comprehension over them, the selection and the layout NumPy's."""
    r0, r1, c0, c1 = bounds
    if (r1 - r0) * (c1 - c0) < len(stored):
        keys = [key for key in itertools.product(range(r0, r1), range(c0, c1)) if key in stored]
        found = [stored[key] for key in keys]
    else:
        keys, found = list(stored), list(stored.values())
    if not keys:
        return []
    if render == "UNFORMATTED_VALUE" and datetime != "FORMATTED_STRING":  # the value as stored
        shown = [int(v) if (v := cell.get("v")).__class__ is float and v.is_integer() else v for cell in found]
    else:
        shown = [cells.render(cell, render, datetime) for cell in found]
    del found
    at = np.fromiter(itertools.chain.from_iterable(keys), dtype=np.int64, count=2 * len(keys)).reshape(-1, 2)
    del keys
    placed = np.empty(len(shown), dtype=object)
    placed[:] = shown
    del shown
    rr, cc = at[:, 0] - r0, at[:, 1] - c0
    keep = (rr >= 0) & (rr < r1 - r0) & (cc >= 0) & (cc < c1 - c0) & (placed != _NONE) & (placed != "")
    if not keep.any():
        return []
    if not keep.all():
        rr, cc, placed = rr[keep], cc[keep], placed[keep]
    # laid out by NumPy: each line as long as its last value, blanks '' (no per-position Python work)
    outer, inner = (cc, rr) if by_column else (rr, cc)
    length = np.zeros(int(outer.max()) + 1, dtype=np.int64)
    np.maximum.at(length, outer, inner + 1)
    starts = np.zeros(len(length) + 1, dtype=np.int64)
    np.cumsum(length, out=starts[1:])
    flat = np.full(int(starts[-1]), "", dtype=object)
    flat[starts[outer] + inner] = placed
    laid = flat.tolist()
    return [laid[starts[k]:starts[k + 1]] for k in range(len(length))]


def clamp(sheet: Sheet, span: a1.Span) -> tuple[int, int, int, int]:
    """Bounds of a span clamped to the sheet's grid."""
    r0 = min(span.row0 or 0, sheet.rows)
    r1 = sheet.rows if span.row1 is None else min(span.row1, sheet.rows)
    c0 = min(span.col0 or 0, sheet.cols)
    c1 = sheet.cols if span.col1 is None else min(span.col1, sheet.cols)
    return r0, max(r1, r0), c0, max(c1, c0)


def read(book: Spreadsheet, text: str, render: str = "FORMATTED_VALUE", datetime: str = "SERIAL_NUMBER",
         major: str = "ROWS") -> dict[str, Any]:
    """values.get: the echoed range clamped to the grid, trailing blanks trimmed, values omitted if empty."""
    sheet, span = resolve(book, text)
    if (span.row0 is not None and span.row0 >= sheet.rows) or (span.col0 is not None and span.col0 >= sheet.cols):
        raise bad_request(f"Range ('{sheet.title}'!{text.split('!')[-1]}) exceeds grid limits. "
                          f"Max rows: {sheet.rows}, max columns: {sheet.cols}")
    r0, r1, c0, c1 = clamp(sheet, span)
    rows = _rendered(sheet, (r0, r1, c0, c1), render, datetime, major == "COLUMNS")
    result: dict[str, Any] = {"range": a1.format_span(sheet.title, r0, max(r1, r0 + 1), c0, max(c1, c0 + 1)),
                              "majorDimension": major}
    if rows:
        result["values"] = rows
    return result


def _check_values(values: Any, field: str = "data.values") -> list[list[Any]]:
    if not isinstance(values, list) or any(not isinstance(row, list) for row in values):
        shown = values if not isinstance(values, list) else next(r for r in values if not isinstance(r, list))
        message = (f"Invalid value at '{field}' (type.googleapis.com/google.protobuf.ListValue), "
                   f"\"{shown}\"" if isinstance(shown, str) else f"Invalid value at '{field}'")
        raise ApiError(400, message, details=[{
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [{"field": field, "description": message}]}])
    return values


_KEPT = dict.fromkeys(("fmt", "note", "validation"))  # what a value write leaves on a cell


def _converted(given: list[Any], as_raw: bool) -> list[cells.Cell | None]:
    """Cells for values as written: RAW keeps text and numbers as they are (inline, the common cases),
    USER_ENTERED parses."""
    if as_raw:
        return [{"v": v} if (kind := v.__class__) is str and v else {"v": float(v)} if kind is float or kind is int
                else cells.raw(v) for v in given]
    return [cells.user_entered(v) for v in given]


def _values_of(found: list[cells.Cell | None]) -> Any:
    """The values of the cells found (skipping empty positions and cells without one), without a Python loop."""
    return map(dict.get, filter(None, found), itertools.repeat("v"))


def _left_as_is(old: cells.Cell, new: cells.Cell | None) -> bool:
    """Whether writing ``new`` over a stored cell that has more than a value leaves the cell as it was."""
    rest = {k: v for k, v in old.items() if k not in _KEPT}
    if new is None:
        return not rest and "validation" not in old  # a cleared value drops validation
    return rest == new and rest.get("v").__class__ is new.get("v").__class__


def _store(stored: CellMap, keys: list[tuple[int, int]], new: list[Any]) -> None:
    """Put new values at keys: a cell's format, note and validation stay (a cleared value drops validation).

    A cell the write leaves as it was is not stored again: a re-score that writes the values a sheet holds
    costs a comparison per cell, and the sheet keeps its version (and what readers worked out from it).
    The value's class is compared too, as True == 1.0 in Python but not in a sheet.
    """
    olds = list(map(stored.get, keys))
    same = list(map(operator.eq, olds, new))  # C speed; then the two cases where == is not the answer:
    if bool in set(map(type, _values_of(olds))) | set(map(type, _values_of(new))):  # True == 1.0
        same = [s and (o is None or o.get("v").__class__ is n.get("v").__class__)
                for s, o, n in zip(same, olds, new, strict=True)]
    for j in itertools.compress(range(len(same)), map(operator.not_, same)):
        old = olds[j]  # a cell with a format, note or validation: they stay, so compare the rest
        if old is not None and (len(old) > 1 or "v" not in old):
            same[j] = _left_as_is(old, new[j])
    if any(same):
        if all(same):
            return
        changed = [not s for s in same]
        keys = list(itertools.compress(keys, changed))
        new = list(itertools.compress(new, changed))
        olds = list(itertools.compress(olds, changed))
    # below, _KEPT's names spelled out: three lookups beat a set operation
    for j in [j for j, old in enumerate(olds) if old and ("fmt" in old or "note" in old or "validation" in old)]:
        kept = {k: v for k, v in olds[j].items() if k in _KEPT}  # type: ignore[union-attr]
        cell = new[j]
        if cell is not None:
            new[j] = {**cell, **kept}
        else:
            kept.pop("validation", None)
            new[j] = kept or None
    if None in new:
        filled = [cell is not None for cell in new]
        stored.discard(list(itertools.compress(keys, [not f for f in filled])))
        stored.update(zip(itertools.compress(keys, filled), itertools.compress(new, filled), strict=True))
    else:
        stored.update(zip(keys, new, strict=True))


@dataclass(frozen=True)
class Planned:
    """A checked values write, not yet applied: where it lands and what it holds."""

    book: Spreadsheet
    sheet: Sheet
    text: str
    lines: list[list[Any]]
    r0: int
    c0: int
    height: int
    width: int
    by_column: bool
    as_raw: bool


def write(book: Spreadsheet, text: str, values: Any, input_option: str | None, major: str | None = "ROWS",
          field: str = "data.values") -> dict[str, Any]:
    """values.update of one range; refuses writes beyond the grid like Google does."""
    return apply_write(plan_write(book, text, values, input_option, major, field))


def plan_write(book: Spreadsheet, text: str, values: Any, input_option: str | None, major: str | None = "ROWS",
               field: str = "data.values") -> Planned:
    """Every check of a values write, with no cell changed: a batch plans all its writes before applying any."""
    if input_option not in {"RAW", "USER_ENTERED"}:
        raise bad_request("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
    lines = _check_values(values, field)
    sheet, span = resolve(book, text)
    by_column = (major or "ROWS") == "COLUMNS"
    longest = max((len(r) for r in lines), default=0)
    height, width = (longest, len(lines)) if by_column else (len(lines), longest)
    r0, c0 = span.row0 or 0, span.col0 or 0
    if span.row1 is not None and span.col1 is not None and span.row1 - r0 == 1 and span.col1 - c0 == 1:
        span = a1.Span(span.title, r0, None, c0, None)  # one cell is an anchor, not a bound
    if (span.row1 is not None and height > span.row1 - r0) or (span.col1 is not None and width > span.col1 - c0):
        raise bad_request(f"Requested writing within range [{text}], but tried writing to "
                          f"{'row' if span.row1 is not None and height > span.row1 - r0 else 'column'} "
                          f"[{r0 + height if span.row1 is not None and height > span.row1 - r0 else c0 + width}]")
    if r0 + height > sheet.rows or c0 + width > sheet.cols:
        raise bad_request(f"Range ('{sheet.title}'!{text.split('!')[-1]}) exceeds grid limits. "
                          f"Max rows: {sheet.rows}, max columns: {sheet.cols}")
    if any([True for line in lines for v in line if v.__class__ is str and len(v) > MAX_CELL_CHARS]):
        raise bad_request(f"Your input contains more than the maximum of {MAX_CELL_CHARS} characters "
                          "in a single cell.")  # before any cell changes, as Google refuses the whole write
    return Planned(book, sheet, text, lines, r0, c0, height, width, by_column, input_option == "RAW")


class _LaidColumns:
    """A write's copy of the sheet's laid-out columns (``_rendered``'s memo), kept up to date as it writes.

    A large write would otherwise leave the next read to lay the whole sheet out again (and a new tab's
    first write starts them). The columns are the memo's own lists, shared with copies of the sheet, so
    each is copied before its first change.
    """

    def __init__(self, cell_map: CellMap) -> None:
        columns = cell_map.memo.get("stored columns")
        if columns is None and not any(map(operator.contains, cell_map.values(), itertools.repeat("v"))):
            columns = []  # a sheet with no values (new, or formats only) is laid out as no columns
        self.columns = None if columns is None else list(columns)
        self.copied: set[int] = set()

    def _column(self, c: int, length: int) -> list[Any]:
        columns = self.columns
        assert columns is not None
        if c >= len(columns):
            columns.extend([] for _ in range(c + 1 - len(columns)))
        if c not in self.copied:
            columns[c] = list(columns[c])
            self.copied.add(c)
        column = columns[c]
        if len(column) < length:
            column.extend(itertools.repeat("", length - len(column)))
        return column

    def put(self, written: list[cells.Cell | None], along: range | list[int], fixed: int, by_column: bool) -> None:
        """Cells written along one line (rows of column ``fixed``, or columns of row ``fixed``)."""
        if self.columns is None:
            return
        shown = ["" if cell is None or (v := cell.get("v")) is None
                 else int(v) if v.__class__ is float and v.is_integer() else v for cell in written]
        if by_column and isinstance(along, range):
            self._column(fixed, along.stop)[along.start:along.stop] = shown  # one slice: C speed
        elif by_column:
            column = self._column(fixed, along[-1] + 1)
            for row, value in zip(along, shown, strict=True):
                column[row] = value
        else:
            for col, value in zip(along, shown, strict=True):
                self._column(col, fixed + 1)[fixed] = value

    def keep(self, cell_map: CellMap) -> None:
        """Hand the columns to the sheet's memo when the write changed it (an unchanged sheet keeps its own)."""
        if self.columns is not None and "stored columns" not in cell_map.memo:
            cell_map.memo["stored columns"] = self.columns


def apply_write(plan: Planned) -> dict[str, Any]:
    """Apply a planned values write; its response."""
    book, sheet, text, lines, r0, c0 = plan.book, plan.sheet, plan.text, plan.lines, plan.r0, plan.c0
    height, width, by_column = plan.height, plan.width, plan.by_column
    updated = 0
    touched_outer: set[int] = set()
    touched_inner: set[int] = set()
    laid = _LaidColumns(sheet.cell_map)
    for outer, line in enumerate(lines):
        at: list[int] | range = [i for i, v in enumerate(line) if v is not None] if None in line else range(len(line))
        if not at:
            continue  # null leaves the cell as it is
        given = line if isinstance(at, range) else [line[i] for i in at]
        first = r0 if by_column else c0  # where the line starts, along it
        moved = range(first + at.start, first + at.stop) if isinstance(at, range) else [first + i for i in at]
        fixed = itertools.repeat(c0 + outer if by_column else r0 + outer, len(at))  # the line's own row or column
        keys = list(zip(moved, fixed, strict=True) if by_column else zip(fixed, moved, strict=True))
        converted = _converted(given, plan.as_raw)
        laid.put(converted, moved, c0 + outer if by_column else r0 + outer, by_column)
        _store(sheet.cell_map, keys, converted)
        updated += len(at)
        touched_inner.update(at)
        touched_outer.add(outer)
    laid.keep(sheet.cell_map)
    if height == 0 or width == 0:
        return {"spreadsheetId": book.spreadsheet_id, "updatedRange": text}
    return {"spreadsheetId": book.spreadsheet_id,
            "updatedRange": a1.format_span(sheet.title, r0, r0 + height, c0, c0 + width),
            "updatedRows": len(touched_inner if by_column else touched_outer),  # rows and columns a value
            "updatedColumns": len(touched_outer if by_column else touched_inner),  # landed in (nulls skip)
            "updatedCells": updated}


def clear(book: Spreadsheet, text: str) -> str:
    """values.clear of one range (formats kept); returns the cleared range."""
    sheet, span = resolve(book, text)
    r0, r1, c0, c1 = clamp(sheet, span)
    for key in [k for k in sheet.cells if r0 <= k[0] < r1 and c0 <= k[1] < c1]:
        kept = {k: v for k, v in sheet.cells[key].items() if k in _KEPT}
        if kept:
            sheet.cells[key] = kept
        else:
            del sheet.cells[key]
    return a1.format_span(sheet.title, r0, r1, c0, c1)


def find_table(sheet: Sheet, bounds: tuple[int, int, int, int]) -> tuple[int, int, int, int] | None:
    """The table values.append extends: (first row, end row, first column, end column), or None.

    As Google's recordings show it: a table is a block of filled cells connected side by side or above and
    below. For a one-cell range it is the block holding that cell, however far it reaches (none when the
    cell is empty); for a larger range, the block holding the range's last filled cell (its last row with
    data, rightmost value), so a blank cell that splits a row makes the later part the table. Its bounds
    are the block's.
    """
    r0, r1, c0, c1 = bounds
    anchor = r1 - r0 == 1 and c1 - c0 == 1
    filled = {key for key, cell in sheet.cells.items()
              if (anchor or (r0 <= key[0] < r1 and c0 <= key[1] < c1)) and cell.get("v") not in (None, "")}
    if anchor and (r0, c0) not in filled:
        return None
    if not filled:
        return None
    seed = (r0, c0) if anchor else max(filled)  # the anchor, or the last row with data and its rightmost value
    block, todo = {seed}, [seed]
    while todo:
        r, c = todo.pop()
        for near in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if near in filled and near not in block:
                block.add(near)
                todo.append(near)
    rows = [r for r, _ in block]
    columns = [c for _, c in block]
    return min(rows), max(rows) + 1, min(columns), max(columns) + 1


def append(book: Spreadsheet, text: str, values: Any, input_option: str | None,
           insert_option: str = "OVERWRITE", major: str = "ROWS") -> dict[str, Any]:
    """values.append: find the table in the range and write below its last row (values by row or column)."""
    rows = _check_values(values)
    if major == "COLUMNS":  # each inner list is a column: as rows, the longest column sets the height
        height_of = max((len(col) for col in rows), default=0)
        rows = [[col[i] if i < len(col) else None for col in rows] for i in range(height_of)]
    sheet, span = resolve(book, text)
    r0, r1, c0, c1 = clamp(sheet, span)
    table = find_table(sheet, (r0, r1, c0, c1))
    start, column = (table[1], table[2]) if table else (r0, span.col0 or 0)
    height = len(rows)
    if start + height > sheet.rows:
        sheet.properties["gridProperties"]["rowCount"] = start + height
    if insert_option == "INSERT_ROWS":
        _shift_rows(sheet, start, height)
        sheet.properties["gridProperties"]["rowCount"] = sheet.rows + height
    target = a1.format_span(sheet.title, start, start + 1, column, column + 1)
    updates = write(book, target.split("!")[0] + "!" + target.split("!")[1], rows, input_option)
    result: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id, "updates": updates}
    if table:
        result["tableRange"] = a1.format_span(sheet.title, table[0], table[1], table[2], table[3])
    return result


def _shift_rows(sheet: Sheet, at: int, count: int) -> None:
    sheet.cells = {((r + count) if r >= at else r, c): v for (r, c), v in sheet.cells.items()}
