"""Drive's export of a spreadsheet: CSV of one sheet (the first, or the one a ``gid`` names) and .xlsx of all.

As Google exports: formatted values (what the cells show), the grid cut to its last non-empty row and
column, CSV rows joined by CRLF with no line break after the last.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook

from sheets_emulator.errors import ApiError
from sheets_emulator.sheets import cells
from sheets_emulator.sheets.model import Sheet, Spreadsheet

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_TYPES = (CSV, XLSX)


def _grid(sheet: Sheet, render: str) -> list[list[Any]]:
    """The sheet's values as rows, cut to the last non-empty row and column."""
    filled = {key: cells.render(cell, render, "FORMATTED_STRING") for key, cell in sheet.cells.items()}
    filled = {key: v for key, v in filled.items() if v not in (None, "")}
    if not filled:
        return []
    height = max(r for r, _ in filled) + 1
    width = max(c for _, c in filled) + 1
    return [[filled.get((r, c), "") for c in range(width)] for r in range(height)]


def export(book: Spreadsheet, mime_type: str, gid: str | None = None) -> bytes:
    """The file's bytes in ``mime_type``; 400 with Google's words for a type Drive cannot convert to."""
    if mime_type == CSV:
        sheet = book.sheets[0] if gid is None else book.sheet_by_id(int(gid)) if gid.lstrip("-").isdigit() else None
        if sheet is None:
            raise ApiError(400, f"Invalid gid: {gid}", status="INVALID_ARGUMENT")
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(_grid(sheet, "FORMATTED_VALUE"))
        return out.getvalue().removesuffix("\r\n").encode("utf-8")
    if mime_type == XLSX:
        workbook = Workbook()
        workbook.remove(workbook.active)
        for sheet in book.sheets:
            target = workbook.create_sheet(sheet.title[:31])
            for row in _grid(sheet, "UNFORMATTED_VALUE"):
                target.append([None if v == "" else v for v in row])
                for cell in target[target.max_row]:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        cell.data_type = "s"  # text that looks like a formula stays text
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    raise ApiError(400, "The requested conversion is not supported.", status="INVALID_ARGUMENT",
                   details=[{"@type": "type.googleapis.com/google.rpc.BadRequest",
                             "fieldViolations": [{"field": "mimeType", "description": mime_type}]}])
