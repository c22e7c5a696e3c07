"""The Prospects tab's look in Google Sheets, as spreadsheets.batchUpdate requests (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sheets_bridge.layout import OWNED_SHADE
from sheets_bridge.presentation import DATE_FORMAT, TEAM_SHADE, is_owned, style_of


def pixels(characters: int) -> int:
    """A column width in pixels for about ``characters`` characters of Sheets' default font."""
    return characters * 7 + 12


def prospect_format_requests(sheet_id: int, header: Sequence[str], has_filter: bool) -> list[dict[str, Any]]:
    """Header shading (grey: rewritten by each run; blue: the team's), widths, number formats and a filter."""
    requests: list[dict[str, Any]] = []
    for col, name in enumerate(header):
        if not name:
            continue
        style = style_of(name)
        requests.append({"repeatCell": {
            "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": col,
                      "endColumnIndex": col + 1},
            "cell": {"userEnteredFormat": {"backgroundColor": OWNED_SHADE if is_owned(name) else TEAM_SHADE,
                                           "textFormat": {"bold": True}, "wrapStrategy": "WRAP"}},
            "fields": "userEnteredFormat(backgroundColor,textFormat.bold,wrapStrategy)"}})
        requests.append({"updateDimensionProperties": {
            "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": col, "endIndex": col + 1},
            "properties": {"pixelSize": pixels(style.width)}, "fields": "pixelSize"}})
        if style.number_format:
            kind = "DATE" if style.number_format == DATE_FORMAT else "NUMBER"
            requests.append({"repeatCell": {
                "range": {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": col, "endColumnIndex": col + 1},
                "cell": {"userEnteredFormat": {"numberFormat": {"type": kind, "pattern": style.number_format}}},
                "fields": "userEnteredFormat.numberFormat"}})
    requests.append({"updateSheetProperties": {"properties": {"sheetId": sheet_id, "gridProperties": {
        "frozenRowCount": 1, "frozenColumnCount": 1}}, "fields": "gridProperties(frozenRowCount,frozenColumnCount)"}})
    if not has_filter:
        requests.append({"setBasicFilter": {"filter": {"range": {"sheetId": sheet_id}}}})
    return requests
