"""The Prospects and Dashboard tabs' look in Google Sheets, as spreadsheets.batchUpdate requests (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sheets_bridge.workbook.dashboard import ChartSpec, DashboardLayout
from sheets_bridge.workbook.layout import OWNED_SHADE
from sheets_bridge.workbook.presentation import (
    DATE_FORMAT,
    DEFAULT_WIDTH,
    TAB_WIDTHS,
    TEAM_SHADE,
    WRAPPED,
    is_owned,
    style_of,
)


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


def extended_value(value: Any) -> dict[str, Any]:
    """A cell for updateCells: its userEnteredValue as data, never a formula."""
    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, int | float):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def dashboard_rows(layout: DashboardLayout) -> list[dict[str, Any]]:
    """The Dashboard's RowData: values (never formulas) with their formats (titles, headers, percentages)."""
    percent = set(layout.percent_cells)
    titles, headers = set(layout.title_rows), set(layout.header_rows)
    out = []
    for r, row in enumerate(layout.values):
        cells = []
        for c, value in enumerate(row):
            cell = extended_value(value)
            fmt: dict[str, Any] = {}
            if (r, c) in percent:
                fmt["numberFormat"] = {"type": "PERCENT", "pattern": "0%"}
            if r in titles:
                fmt["textFormat"] = {"bold": True, "fontSize": 14 if r == 0 else 11}
            elif r in headers:
                fmt["textFormat"] = {"bold": True}
                fmt["backgroundColor"] = OWNED_SHADE
            if fmt:
                cell["userEnteredFormat"] = fmt
            cells.append(cell)
        out.append({"values": cells})
    return out


def chart_request(spec: ChartSpec, sheet_id: int) -> dict[str, Any]:
    """A Sheets API EmbeddedChart for a ChartSpec."""
    def source(column: int) -> dict[str, Any]:
        return {"sourceRange": {"sources": [{"sheetId": sheet_id, "startRowIndex": spec.first_row,
                                             "endRowIndex": spec.last_row, "startColumnIndex": column,
                                             "endColumnIndex": column + 1}]}}
    columns = (spec.value_col, *spec.more_value_cols)
    return {"spec": {"title": spec.title, "basicChart": {
        "chartType": spec.kind, "legendPosition": "BOTTOM_LEGEND" if len(columns) > 1 else "NO_LEGEND",
        "headerCount": 1,
        "axis": [{"position": "BOTTOM_AXIS", "title": spec.x_title},
                 {"position": "LEFT_AXIS", "title": spec.y_title, **({"viewWindowOptions": {
                     "viewWindowMode": "EXPLICIT", "viewWindowMin": 0, "viewWindowMax": spec.whole_to}}
                     if spec.whole_to else {})}],
        "domains": [{"domain": source(spec.label_col)}],
        "series": [{"series": source(c), "targetAxis": "LEFT_AXIS"} for c in columns]}},
        "position": {"overlayPosition": {"anchorCell": {"sheetId": sheet_id, "rowIndex": spec.anchor_row,
                                                        "columnIndex": spec.anchor_col}}}}


DATE_COLUMNS_OF_TABS = {"Date": ("DATE", "yyyy-mm-dd"), "Time (UTC)": ("DATE_TIME", "yyyy-mm-dd hh:mm:ss")}


def team_tab_requests(sheet_id: int, header: Sequence[str], lists: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    """Formats for a reserved tab ``setup`` creates: widths that fit its columns, long text wrapped, its date
    columns as dates (a Gmail-synced date or a run's time is a serial number otherwise), and dropdowns (warnings
    only) for the columns with a fixed vocabulary."""
    requests: list[dict[str, Any]] = []
    for index, name in enumerate(header):
        span = {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": index, "endColumnIndex": index + 1}
        requests.append({"updateDimensionProperties": {"range": {
            "sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": index, "endIndex": index + 1},
            "properties": {"pixelSize": pixels(TAB_WIDTHS.get(name, DEFAULT_WIDTH))}, "fields": "pixelSize"}})
        if name in WRAPPED:  # a template's body wraps instead of running over the next cells
            requests.append({"repeatCell": {"range": span, "cell": {"userEnteredFormat": {
                "wrapStrategy": "WRAP", "verticalAlignment": "TOP"}},
                "fields": "userEnteredFormat.wrapStrategy,userEnteredFormat.verticalAlignment"}})
        if name in DATE_COLUMNS_OF_TABS:
            kind, pattern = DATE_COLUMNS_OF_TABS[name]
            requests.append({"repeatCell": {"range": span, "cell": {"userEnteredFormat": {
                "numberFormat": {"type": kind, "pattern": pattern}}}, "fields": "userEnteredFormat.numberFormat"}})
        if name in lists:
            requests.append({"setDataValidation": {"range": span, "rule": {
                "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in lists[name]]},
                "showCustomUi": True, "strict": False}}})
    return requests
