"""The workbook's look: a Prospects tab that reads as a working list, a Dashboard that reads at a glance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sheets_bridge import contract
from sheets_bridge.contract import STATUSES
from sheets_bridge.workbook.dashboard import DashboardLayout
from sheets_bridge.workbook.layout import OWNED_SHADE, TIER_COLOURS
from sheets_bridge.workbook.presentation import (
    DEFAULT_WIDTH,
    LINE_POINTS,
    TAB_WIDTHS,
    TEAM_SHADE,
    WRAPPED,
    is_owned,
    style_of,
    wrapped_height,
)

LINK_FONT = Font(color="1155CC", underline="single")


def hex_colour(colour: dict[str, float]) -> str:
    """An RGB hex string for a Sheets API colour."""
    return "".join(f"{round(colour.get(c, 0) * 255):02X}" for c in ("red", "green", "blue"))


def list_rules(ws: Worksheet, names: Sequence[str], lists: Mapping[str, Sequence[str]]) -> bool:
    """Dropdowns (any value still allowed) for the columns with a fixed vocabulary, added once; True if added."""
    changed = False
    for name, allowed in lists.items():
        if name not in names:
            continue
        letter = get_column_letter(names.index(name) + 1)
        ref = f"{letter}2:{letter}1048576"
        if not any(str(dv.sqref) == ref for dv in ws.data_validations.dataValidation):
            dv = DataValidation(type="list", formula1='"' + ",".join(allowed) + '"', allow_blank=True,
                                showErrorMessage=False)
            dv.add(ref)
            ws.add_data_validation(dv)
            changed = True
    return changed


def prospect_rules(ws: Worksheet, names: Sequence[str]) -> bool:
    """The Status dropdown and Tier colours, added once; True when something was added."""
    changed = False
    if "Status" in names:
        letter = get_column_letter(names.index("Status") + 1)
        ref = f"{letter}2:{letter}1048576"
        if not any(str(dv.sqref) == ref for dv in ws.data_validations.dataValidation):
            dv = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True)
            dv.add(ref)
            ws.add_data_validation(dv)
            changed = True
    if "Tier" in names and not ws.conditional_formatting:
        letter = get_column_letter(names.index("Tier") + 1)
        for tier, colour in TIER_COLOURS.items():
            fill = PatternFill("solid", fgColor=hex_colour(colour))
            ws.conditional_formatting.add(f"{letter}2:{letter}1048576",
                                          CellIsRule(operator="equal", formula=[f'"{tier}"'], fill=fill))
        changed = True
    return changed


def style_header(ws: Worksheet, names: Sequence[str]) -> None:
    """Bold header, grey over the columns sheets_bridge rewrites, blue over the team's."""
    for index, name in enumerate(names, start=1):
        if not name:
            continue
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=hex_colour(OWNED_SHADE if is_owned(name) else TEAM_SHADE))
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 30


def style_prospects(ws: Worksheet, names: Sequence[str], rows: Sequence[int], last_row: int) -> None:
    """Header, frozen panes, a filter, widths, number formats and clickable links on the given rows."""
    style_header(ws, names)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(names), 1))}{max(last_row, 2)}"
    prospect_rules(ws, names)
    for index, name in enumerate(names, start=1):
        if not name:
            continue
        style = style_of(name)
        ws.column_dimensions[get_column_letter(index)].width = style.width
        if not (style.number_format or style.link or style.wrap):
            continue
        for row in rows:
            cell = ws.cell(row=row, column=index)
            if style.number_format and cell.value not in (None, ""):
                cell.number_format = style.number_format
            if style.link and isinstance(cell.value, str) and cell.value.startswith(("http://", "https://")):
                cell.hyperlink = cell.value
                cell.font = LINK_FONT
            if style.wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if isinstance(cell.value, str) and wrapped_height(cell.value, style.width) > LINE_POINTS:
                    current = ws.row_dimensions[row].height or LINE_POINTS
                    ws.row_dimensions[row].height = max(current, wrapped_height(cell.value, style.width))


def style_dashboard(ws: Worksheet, layout: DashboardLayout) -> None:
    """Titles, headers, percentages, widths and column charts with axis titles, beside the tables."""
    for index, width in enumerate(layout.widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    shade = PatternFill("solid", fgColor=hex_colour(OWNED_SHADE))
    for r in layout.title_rows:
        for cell in ws[r + 1]:
            cell.font = Font(bold=True, size=14 if r == 0 else 11)
    for r in layout.header_rows:
        for cell in ws[r + 1]:
            if cell.value is not None:
                cell.font = Font(bold=True)
                cell.fill = shade
    for r, c in layout.percent_cells:
        ws.cell(row=r + 1, column=c + 1).number_format = "0%"
    for spec in layout.charts:
        chart: BarChart | LineChart
        if spec.kind == "LINE":
            chart = LineChart()
        else:
            chart = BarChart()
            chart.type = "col"
        chart.title = spec.title
        if not spec.more_value_cols:
            chart.legend = None
        chart.x_axis.title = spec.x_title
        chart.y_axis.title = spec.y_title
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.y_axis.majorGridlines = None
        if spec.reversed_axis:
            chart.y_axis.scaling.orientation = "maxMin"
        else:
            chart.y_axis.scaling.min = 0
        if spec.percent:
            chart.y_axis.number_format = "0%"
            chart.y_axis.scaling.max = 1
        if spec.whole_to:  # counts: whole numbers on the axis
            chart.y_axis.number_format = "0"
            chart.y_axis.scaling.max = spec.whole_to
            chart.y_axis.majorUnit = max(1, spec.whole_to // 8)
        chart.width, chart.height = 16, 7.5
        labels = Reference(ws, min_col=spec.label_col + 1, min_row=spec.first_row + 2, max_row=spec.last_row)
        for column in (spec.value_col, *spec.more_value_cols):
            data = Reference(ws, min_col=column + 1, min_row=spec.first_row + 1, max_row=spec.last_row)
            chart.add_data(data, titles_from_data=True)
        chart.set_categories(labels)
        ws.add_chart(chart, f"{get_column_letter(spec.anchor_col + 1)}{spec.anchor_row + 1}")


def write_prospect_list(prospects: pd.DataFrame, path: Path) -> None:
    """A one-sheet workbook 'Prospects' (streamed): bold header, frozen panes, filter, widths, number formats."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(contract.PROSPECTS)
    names = [str(c) for c in prospects.columns]
    styles = [style_of(name) for name in names]
    for index, style in enumerate(styles, start=1):
        ws.column_dimensions[get_column_letter(index)].width = style.width
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(names), 1))}{max(len(prospects) + 1, 2)}"
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor=hex_colour(OWNED_SHADE))
    header = []
    for name in names:
        cell = WriteOnlyCell(ws, value=name)
        cell.font, cell.fill = header_font, header_fill
        header.append(cell)
    ws.append(header)
    columns = []
    for name, style in zip(names, styles, strict=True):
        column = prospects[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            values = [None if pd.isna(v) else v.to_pydatetime() for v in column]
        else:
            values = column.astype(object).where(column.notna(), None).tolist()
        columns.append((values, style))
    for i in range(len(prospects)):
        row: list[object] = []
        for values, style in columns:
            value = values[i]
            if value is not None and (style.number_format or style.link):
                cell = WriteOnlyCell(ws, value=value)
                if style.number_format:
                    cell.number_format = style.number_format
                if style.link and isinstance(value, str) and value.startswith(("http://", "https://")):
                    cell.hyperlink = value
                    cell.font = LINK_FONT
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text, never a live formula
                row.append(cell)
            elif isinstance(value, str) and value.startswith("="):  # text, never a live formula
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"
                row.append(cell)
            else:
                row.append(value)
        ws.append(row)
    wb.save(path)


# widths (characters) of the team's tabs, by header name; unknown headers get DEFAULT_WIDTH
def style_team_tab(ws: Worksheet) -> None:
    """A reserved tab a person reads and types in: bold frozen header, widths that fit, dates as dates,
    long text wrapped (Templates' bodies) instead of spilling over the next cells."""
    header = [str(c.value).strip() if c.value is not None else "" for c in ws[1]] if ws.max_row else []
    if not any(header):
        return
    heights: dict[int, float] = {}
    for index, name in enumerate(header, start=1):
        if not name:
            continue
        ws.cell(row=1, column=index).font = Font(bold=True)
        width = TAB_WIDTHS.get(name, DEFAULT_WIDTH)
        ws.column_dimensions[get_column_letter(index)].width = width
        for row in range(2, ws.max_row + 1):
            cell = ws.cell(row=row, column=index)
            if isinstance(cell.value, dt.datetime | dt.date):
                cell.number_format = "yyyy-mm-dd"
            if name in WRAPPED:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if cell.value not in (None, ""):
                    heights[row] = max(heights.get(row, LINE_POINTS), wrapped_height(str(cell.value), width))
    for row, points in heights.items():  # LibreOffice and Excel show one line of a wrapped cell without it
        if points > LINE_POINTS:
            ws.row_dimensions[row].height = points
    ws.freeze_panes = "A2"
