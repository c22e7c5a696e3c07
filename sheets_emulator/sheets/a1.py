"""A1 notation as Google Sheets reads and echoes it."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CELL = re.compile(r"^([A-Za-z]*)(\d*)$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class A1Error(ValueError):
    """A range that cannot be parsed."""


@dataclass(frozen=True)
class Span:
    """Zero-based, end-exclusive bounds on one sheet; None means unbounded."""

    title: str | None
    row0: int | None
    row1: int | None
    col0: int | None
    col1: int | None


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 0, AA → 26."""
    value = 0
    for ch in letters.upper():
        value = value * 26 + ord(ch) - 64
    return value - 1


def quote_title(title: str) -> str:
    """A sheet title as Google echoes it in a range (quoted unless plain)."""
    if _PLAIN_TITLE.match(title) and not re.match(r"^[A-Za-z]{1,3}\d+$", title) and not re.match(
            r"^[Rr]\d*[Cc]\d*$", title):
        return title
    return "'" + title.replace("'", "''") + "'"


def split_sheet(text: str) -> tuple[str | None, str]:
    """Split 'Sheet'!A1:B2 into (title, cells); a bare word may be a title alone (cells '')."""
    text = text.strip()
    if text.startswith("'"):
        i = 1
        title: list[str] = []
        while i < len(text):
            if text[i] == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    title.append("'")
                    i += 2
                    continue
                break
            title.append(text[i])
            i += 1
        else:
            raise A1Error(text)
        rest = text[i + 1:]
        if rest and not rest.startswith("!"):
            raise A1Error(text)
        return "".join(title), rest[1:]
    if "!" in text:
        name, cells = text.rsplit("!", 1)
        return name, cells
    return None, text


def parse_cells(cells: str) -> tuple[int | None, int | None, int | None, int | None]:
    """'A1:B2' → (row0, row1, col0, col1); open ends are None."""
    parts = cells.split(":")
    if len(parts) > 2 or not cells:
        raise A1Error(cells)
    parsed = []
    for part in parts:
        m = _CELL.match(part.strip())
        if not m or (not m.group(1) and not m.group(2)):
            raise A1Error(cells)
        col = column_index(m.group(1)) if m.group(1) else None
        row = int(m.group(2)) - 1 if m.group(2) else None
        if row is not None and row < 0:
            raise A1Error(cells)
        parsed.append((row, col))
    if len(parsed) == 1:
        (row, col), = parsed
        if row is None or col is None:  # 'A' or '2' alone mean the whole column or row
            return (row, None if row is None else row + 1, col, None if col is None else col + 1)
        return row, row + 1, col, col + 1
    (r0, c0), (r1, c1) = parsed
    if r0 is not None and r1 is not None and r1 < r0:
        r0, r1 = r1, r0
    if c0 is not None and c1 is not None and c1 < c0:
        c0, c1 = c1, c0
    return (r0 if r0 is not None else (0 if r1 is not None or c0 is not None else None),
            None if r1 is None else r1 + 1, c0 if c0 is not None else (0 if c1 is not None else None),
            None if c1 is None else c1 + 1)


def parse(text: str, titles: list[str]) -> Span:
    """Parse a range against the spreadsheet's sheet titles (a bare title means the whole sheet)."""
    title, cells = split_sheet(text)
    if title is None and cells in titles:
        return Span(cells, None, None, None, None)
    if title is not None and title not in titles:
        raise A1Error(text)
    if title is not None and not cells:
        return Span(title, None, None, None, None)
    try:
        r0, r1, c0, c1 = parse_cells(cells)
    except A1Error:
        raise A1Error(text) from None
    return Span(title, r0, r1, c0, c1)


def format_span(title: str, row0: int, row1: int, col0: int, col1: int) -> str:
    """Echo a bounded range: Sheet1!A1:B2, or Sheet1!A1 for one cell."""
    start = f"{column_letters(col0)}{row0 + 1}"
    end = f"{column_letters(col1 - 1)}{row1}"
    cells = start if (row1 - row0 == 1 and col1 - col0 == 1) else f"{start}:{end}"
    return f"{quote_title(title)}!{cells}"
