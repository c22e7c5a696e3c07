"""What a person sees: the scored workbook and the Dashboard, read back for layout and formats, not only values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import requests
from conftest import TODAY, load_spreadsheet
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from sheets_bridge.contract import LOG_HEADER, LOG_RESULTS, PROSPECT_HEADER
from sheets_bridge.service.actions import dashboard, score
from sheets_bridge.service.demo import SETTINGS_ROWS, TARGET_ROWS, outreach_log_rows
from sheets_bridge.store.google.sheets import GoogleStore
from sheets_bridge.store.xlsx import XlsxStore
from sheets_bridge.workbook.layout import TAB_HEADERS


def test_the_scored_workbook_reads_as_a_working_list(demo_copy: Path) -> None:
    store = XlsxStore(demo_copy)
    score(store, TODAY)
    wb = load_workbook(demo_copy)
    assert wb.active.title == "Prospects"
    ws = wb["Prospects"]
    header = [c.value for c in ws[1]]
    col = {name: i + 1 for i, name in enumerate(header)}
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref.startswith("A1:")
    assert all(c.font.bold for c in ws[1] if c.value)
    assert ws.cell(1, col["Domain"]).fill.fgColor.rgb.endswith("F2F2F2")  # owned: grey
    assert ws.cell(1, col["Status"]).fill.fgColor.rgb.endswith("D9EBFF")  # the team's: blue

    def width(name: str) -> float:
        return float(ws.column_dimensions[ws.cell(1, col[name]).column_letter].width)
    longest = {name: max(len(str(ws.cell(r, col[name]).value or "")) for r in range(2, 60))
               for name in ("Domain", "Target URL")}
    assert width("Domain") >= min(longest["Domain"], 26) and width("Why") >= 60 and width("Next action") >= 40
    assert width("Next follow-up") >= 12 and width("Target URL") >= 30 and longest["Target URL"] > 0
    dated = next(r for r in range(2, ws.max_row + 1) if isinstance(ws.cell(r, col["Next follow-up"]).value,
                                                                    dt.datetime))
    assert ws.cell(dated, col["Next follow-up"]).number_format == "yyyy-mm-dd"
    assert ws.cell(2, col["Priority"]).number_format == "0.00" and isinstance(ws.cell(2, col["Priority"]).value,
                                                                             float)
    link = ws.cell(2, col["Example page"])
    assert link.hyperlink is not None and link.hyperlink.target == link.value and link.data_type == "s"
    assert ws.cell(2, col["Target URL"]).hyperlink is not None
    assert any("Status" in str(dv.formula1) or "Contacted" in str(dv.formula1)
               for dv in ws.data_validations.dataValidation)
    assert len(ws.conditional_formatting) >= 1


def test_the_workbook_dashboard_reads_at_a_glance(demo_copy: Path) -> None:
    store = XlsxStore(demo_copy)
    score(store, TODAY)
    dashboard(store, TODAY)
    ws = load_workbook(demo_copy)["Dashboard"]
    rows = {str(r[0].value): r for r in ws.iter_rows() if r[0].value is not None}
    rate = next(r for r in ws.iter_rows() if r[0].value == "resource gap")
    assert rate[3].value == 0.75 and rate[3].number_format == "0%"
    assert rows["Angle"][1].value == "Pitched" and rows["Tier"][1].value == "Reached"
    assert any(str(v).startswith("Pitched:") for v in rows) and any(str(v).startswith("Reached:") for v in rows)
    assert ws.column_dimensions["A"].width >= 30
    charts = ws._charts
    bars = [c for c in charts if c.tagname == "barChart"]
    assert len(bars) == 3 and all(c.type == "col" for c in bars)
    lines = [c for c in charts if c.tagname == "lineChart"]  # the demo has a Rankings history: positions by week
    assert len(lines) == 1 and "Position" in _title(lines[0]) and len(charts) == 4
    weekly = next(c for c in charts if "per week" in _title(c))
    assert _title(weekly.x_axis) == "Week of" and _title(weekly.y_axis) == "Links placed"
    # a count axis: whole numbers from 0 (never 0-1.2 for one link a week)
    assert weekly.y_axis.number_format.formatCode == "0" and weekly.y_axis.scaling.min == 0
    assert weekly.y_axis.scaling.max >= 4 and weekly.y_axis.majorUnit == 1
    tables_end = max(len([c for c in r if c.value is not None]) for r in ws.iter_rows())
    assert all(c.anchor._from.col >= tables_end for c in charts)  # charts stand right of every table


def _title(obj: Any) -> str:
    rich = obj.title.tx.rich
    return "".join(run.t for p in rich.p for run in (p.r or []))


def test_the_sheets_dashboard_has_percentages_column_charts_and_axis_titles(google_env: str) -> None:
    tabs: dict[str, list[list[Any]]] = {
        "Settings": SETTINGS_ROWS, "Targets": TARGET_ROWS,
        "rival-a.com": [["Referring page URL", "Domain rating"], ["https://alpha.com/resources", 40]],
        "Outreach log": [[str(c) if isinstance(c, dt.date) else c for c in r] for r in outreach_log_rows()]}
    book = load_spreadsheet(google_env, tabs)
    store = GoogleStore(book)
    score(store, TODAY)
    dashboard(store, TODAY)
    dump = requests.get(f"{google_env}/_emulator/spreadsheets/{book}", timeout=5).json()
    sheet = next(s for s in dump["sheets"] if s["properties"]["title"] == "Dashboard")
    cells = {(r, c): cell for r, c, cell in sheet["cells"]}
    rate_header = next((r, c) for (r, c), cell in cells.items() if cell.get("v") == "Rate")
    below = cells[(rate_header[0] + 1, rate_header[1])]
    assert below["fmt"]["numberFormat"]["type"] == "PERCENT"
    assert cells[(0, 0)]["fmt"]["textFormat"]["bold"] is True
    charts = sheet["extras"]["charts"]
    assert len(charts) == 3
    for chart in charts:
        basic = chart["spec"]["basicChart"]
        assert basic["chartType"] == "COLUMN" and all(a.get("title") for a in basic["axis"])
    weekly = next(c["spec"]["basicChart"] for c in charts if "per week" in c["spec"]["title"])
    window = next(a for a in weekly["axis"] if a["position"] == "LEFT_AXIS")["viewWindowOptions"]
    assert window["viewWindowMin"] == 0 and window["viewWindowMax"] >= 4 and window["viewWindowMode"] == "EXPLICIT"
    assert sheet["col_meta"]["0"]["pixelSize"] >= 250


def test_the_run_log_keeps_every_warning_and_a_real_time(demo_copy: Path) -> None:
    summary, _ = score(XlsxStore(demo_copy), TODAY)
    ws = load_workbook(demo_copy)["Run log"]
    header = [c.value for c in ws[1]]
    last = [c for c in ws[ws.max_row]]
    assert header == ["Time (UTC)", "User", "Action", "Result", "Seconds", "Warnings"]
    assert isinstance(last[0].value, dt.datetime) and last[0].number_format == "yyyy-mm-dd hh:mm:ss"
    assert last[4].value == summary.seconds
    assert summary.warnings and last[5].value.startswith(f"{len(summary.warnings)} warnings: ")
    for warning in summary.warnings:
        assert warning in last[5].value


def test_cli_run_log_and_dashboard_agree_on_the_prospect_count(demo_copy: Path) -> None:
    summary, _ = score(XlsxStore(demo_copy), TODAY)
    figures = dashboard(XlsxStore(demo_copy), TODAY)
    ws = load_workbook(demo_copy)
    logged = ws["Run log"].cell(ws["Run log"].max_row, 4).value
    in_gap = next(r[1].value for r in ws["Dashboard"].iter_rows() if r[0].value == "In the gap now")
    assert logged.startswith(f"{summary.prospects} prospects ({summary.left_gap} left the gap)")
    assert in_gap == summary.prospects == figures["status_counts"][-1][1] - figures["left_gap"]


def test_setup_lays_out_prospects_in_google_sheets(google_env: str) -> None:
    from sheets_bridge.service.actions import setup

    book = load_spreadsheet(google_env, {"Sheet1": [["hello"]]})
    assert setup(GoogleStore(book))["changed"] is True
    dump = requests.get(f"{google_env}/_emulator/spreadsheets/{book}", timeout=5).json()
    sheet = next(s for s in dump["sheets"] if s["properties"]["title"] == "Prospects")
    cells = {(r, c): cell for r, c, cell in sheet["cells"]}
    header = [cells[(0, c)]["v"] for c in range(24)]
    why, status, domain = header.index("Why"), header.index("Status"), header.index("Domain")
    assert sheet["col_meta"][str(why)]["pixelSize"] >= 400 and sheet["col_meta"][str(domain)]["pixelSize"] >= 180
    assert sheet["extras"]["basicFilter"]["range"]["sheetId"] == sheet["properties"]["sheetId"]
    grid = sheet["properties"]["gridProperties"]
    assert grid["frozenRowCount"] == 1 and grid["frozenColumnCount"] == 1
    assert cells[(0, domain)]["fmt"]["backgroundColor"] != cells[(0, status)]["fmt"]["backgroundColor"]
    assert cells[(0, domain)]["fmt"]["textFormat"]["bold"] is True
    assert setup(GoogleStore(book))["changed"] is False


def test_setup_gives_the_logs_dates_and_dropdowns_in_google_sheets(google_env: str) -> None:
    """A Gmail-synced date or a run's time written into a tab setup created shows as a date, not a serial; the
    Outreach log's Result and Angle offer the words the product reads (the page types are the angles)."""
    from sheets_bridge.gap.classify import PAGE_TYPES
    from sheets_bridge.service.actions import setup

    book = load_spreadsheet(google_env, {"Sheet1": [["hello"]]})
    setup(GoogleStore(book))
    store = GoogleStore(book)
    store.append_rows("Outreach log", [[dt.date(2026, 11, 20), "a.com", 1, "review", "Sent"]], LOG_HEADER)
    dump = requests.get(f"{google_env}/_emulator/spreadsheets/{book}", timeout=5).json()
    by_title = {s["properties"]["title"]: s for s in dump["sheets"]}
    synced = next(cell for r, c, cell in by_title["Outreach log"]["cells"] if (r, c) == (1, 0))
    assert synced["v"] == 46346 and synced["fmt"]["numberFormat"] == {"type": "DATE", "pattern": "yyyy-mm-dd"}
    run_log = {(r, c): cell for r, c, cell in by_title["Run log"]["cells"]}
    assert any(cell.get("fmt", {}).get("numberFormat", {}).get("type") == "DATE_TIME"
               for (r, c), cell in run_log.items() if r >= 1 and c == 0)
    log = {(r, c): cell for r, c, cell in by_title["Outreach log"]["cells"]}
    result, angle = LOG_HEADER.index("Result"), LOG_HEADER.index("Angle")
    rule = log[(1, result)]["validation"]
    assert [v["userEnteredValue"] for v in rule["condition"]["values"]] == list(LOG_RESULTS)
    assert rule["strict"] is False
    assert [v["userEnteredValue"] for v in log[(1, angle)]["validation"]["condition"]["values"]] == list(PAGE_TYPES)
    templates = by_title["Templates"]
    body = TAB_HEADERS["Templates"].index("Body")
    assert templates["col_meta"][str(body)]["pixelSize"] >= 500  # a template's body is readable, and wraps
    assert next(cell for r, c, cell in templates["cells"] if (r, c) == (1, body))["fmt"]["wrapStrategy"] == "WRAP"
    settings = by_title["Settings"]
    assert settings["col_meta"]["0"]["pixelSize"] >= 7 * len("Search console property")  # no "Your doma"
    prospects = by_title["Prospects"]  # its own layout is kept
    why = PROSPECT_HEADER.index("Why")
    assert prospects["col_meta"][str(why)]["pixelSize"] >= 400


def test_setup_gives_the_workbooks_outreach_log_dropdowns(tmp_path: Path) -> None:
    from sheets_bridge.gap.classify import PAGE_TYPES
    from sheets_bridge.service.actions import setup

    path = tmp_path / "new.xlsx"
    setup(XlsxStore(path, create=True))
    log = load_workbook(path)["Outreach log"]
    rules = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in log.data_validations.dataValidation}
    result = get_column_letter(LOG_HEADER.index("Result") + 1) + "2"
    angle = get_column_letter(LOG_HEADER.index("Angle") + 1) + "2"
    assert rules[result] == '"' + ",".join(LOG_RESULTS) + '"'
    assert rules[angle] == '"' + ",".join(PAGE_TYPES) + '"'


def test_the_teams_tabs_read_as_they_are_typed(demo_copy: Path) -> None:
    wb = load_workbook(demo_copy)
    settings, log, templates = wb["Settings"], wb["Outreach log"], wb["Templates"]
    assert settings.column_dimensions["A"].width >= len("Search console property")  # no "Your doma"
    assert log.column_dimensions["A"].width >= 10 and log["A2"].number_format == "yyyy-mm-dd"  # not ###
    body = [c.value for c in templates[1]].index("Body") + 1
    assert templates.cell(2, body).alignment.wrap_text  # a body wraps instead of spilling over
    start = next(r for r in settings.iter_rows(min_row=2) if r[0].value == "Campaign start")
    assert start[1].number_format == "yyyy-mm-dd"
    for ws in (settings, log, templates, wb["Rankings"], wb["Do not contact"], wb["Targets"]):
        assert ws.freeze_panes == "A2" and ws["A1"].font.bold, ws.title
