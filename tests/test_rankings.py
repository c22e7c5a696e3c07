"""Rankings: Search Console and dated exports into the Rankings tab, and the movement of linked target pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from sheets_bridge.cli import main
from sheets_bridge.exceptions import ExportFormatError
from sheets_bridge.insights.rankings import merge_rankings, ranking_movement, recognise_rankings
from sheets_bridge.store.xlsx import XlsxStore
from sheets_emulator import control

GSC_PAGES = "Top pages,Clicks,Impressions,CTR,Position\nhttps://mine.com/guide,120,4000,3%,8.4\nhttps://mine.com/list,5,900,0.6%,21\n"


def _rows(text: str) -> list[list[str]]:
    return [line.split(",") for line in text.strip().splitlines()]


def test_search_console_pages_need_the_snapshot_date() -> None:
    with pytest.raises(ExportFormatError, match="has no Date column: give the date the export was taken"):
        recognise_rankings(_rows(GSC_PAGES), "File 'pages.csv'", None)
    rows = recognise_rankings(_rows(GSC_PAGES), "File 'pages.csv'", dt.date(2026, 11, 1))
    assert rows[0] == [dt.date(2026, 11, 1), "https://mine.com/guide", "", 8.4, 120, 4000]


def test_dated_rank_tracker_export_and_named_errors() -> None:
    tracker = [["Keyword", "Date", "Ranking URL", "Rank"], ["crm guide", "2026-10-01", "https://mine.com/guide", "11"]]
    assert recognise_rankings(tracker, "File 't.csv'", None) == [
        [dt.date(2026, 10, 1), "https://mine.com/guide", "crm guide", 11.0, "", ""]]
    with pytest.raises(ExportFormatError, match="no Position column"):
        recognise_rankings([["Page", "Clicks"], ["https://mine.com/", "1"]], "File 'x.csv'", dt.date(2026, 1, 1))


def test_merging_twice_adds_nothing() -> None:
    new = recognise_rankings(_rows(GSC_PAGES), "f", dt.date(2026, 11, 1))
    once = merge_rankings(None, new)
    assert merge_rankings(once, new) == once and len(once) == 3


def test_movement_by_hand() -> None:
    rankings = [["Date", "URL", "Query", "Position", "Clicks", "Impressions"]]
    # before the first placement (2026-09-01): Aug 10 and Aug 20 at 20 and 18 -> 19.0, clicks 5 + 7
    rankings += [["2026-08-10", "https://mine.com/guide", "", 20, 5, 100], ["2026-08-20", "https://mine.com/guide", "",
                                                                           18, 7, 100],
                 ["2026-06-01", "https://mine.com/guide", "", 40, 1, 10]]  # older than 28 days before: left out
    # latest 28 days of data (to Nov 20): Nov 1 and Nov 20 at 9 and 7 -> 8.0, clicks 30 + 50
    rankings += [["2026-11-01", "https://mine.com/guide/", "", 9, 30, 500], ["2026-11-20", "https://mine.com/guide", "",
                                                                             7, 50, 600]]
    placements = pd.DataFrame({"url": ["https://mine.com/guide"] * 3, "date": pd.to_datetime(
        ["2026-09-01", "2026-10-15", "2026-12-01"])})
    [move] = ranking_movement(rankings, placements)
    assert (move.first_placement, move.placements) == (dt.date(2026, 9, 1), 2)  # the December one is after the data
    assert (move.position_before, move.position_latest, move.position_change) == (19.0, 8.0, 11.0)
    assert (move.clicks_before, move.clicks_latest) == (12, 80)


def test_no_data_before_a_placement_is_not_a_gain_from_zero() -> None:
    rankings = [["Date", "URL", "Query", "Position", "Clicks", "Impressions"],
                ["2026-11-01", "https://mine.com/guide", "", 9, 30, 500]]  # data only after the placement
    placements = pd.DataFrame({"url": ["https://mine.com/guide"], "date": pd.to_datetime(["2026-10-01"])})
    [move] = ranking_movement(rankings, placements)
    assert move.clicks_before is None and move.position_before is None and move.position_change is None


def test_cli_imports_rankings_and_the_dashboard_shows_movement(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from sheets_bridge.service.actions import dashboard

    path = tmp_path / "book.xlsx"
    XlsxStore(path, create=True).replace_tabs({
        "Prospects": [["Domain", "Status", "Target URL", "Tier"], ["a.com", "Placed", "https://mine.com/guide", "A"]],
        "Outreach log": [["Date", "Domain", "Touch", "Angle", "Result"], ["2026-10-01", "a.com", 1, "x", "Sent"],
                         ["2026-10-20", "a.com", "", "", "Placed"]]})
    before, after = tmp_path / "before.csv", tmp_path / "after.csv"
    before.write_text("Top pages,Clicks,Impressions,CTR,Position\nhttps://mine.com/guide,10,400,2%,15\n")
    after.write_text("Top pages,Clicks,Impressions,CTR,Position\nhttps://mine.com/guide,40,900,4%,6\n")
    assert main(["rankings", "import", str(path), str(before), "--date", "2026-10-10"]) == 0
    assert main(["rankings", "import", str(path), str(after), "--date", "2026-11-20"]) == 0
    assert main(["rankings", "import", str(path), str(after), "--date", "2026-11-20"]) == 0
    assert "1 rows read, 0 new, 2 in the tab" in capsys.readouterr().out
    result = dashboard(XlsxStore(path), dt.date(2026, 11, 26))
    assert [(m["url"], m["position_before"], m["position_latest"]) for m in result["movement"]] == [
        ("https://mine.com/guide", 15.0, 6.0)]
    rows = XlsxStore(path).read_tabs()["Dashboard"]
    assert any(str(r[0]).startswith("Correlation is not attribution") for r in rows if r)


def test_pull_from_search_console_through_the_emulator(google_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """searchAnalytics.query over real HTTP: the targets' rows, paged, merged once; a property not shared: 403."""
    import requests
    from conftest import load_spreadsheet

    from sheets_bridge.exceptions import SheetAccessError
    from sheets_bridge.service.actions import pull_rankings
    from sheets_bridge.store.google import search_console
    from sheets_bridge.store.google.sheets import GoogleStore

    data = [{"date": f"2026-11-{d:02d}", "page": page, "query": q, "clicks": 2, "impressions": 10, "position": pos}
            for d in range(1, 21) for page, pos in (("https://mine.com/guide", 8.0), ("https://mine.com/other", 30.0))
            for q in ("crm", "crm guide")]
    control.put(f"{google_env}/_emulator/searchconsole/sc-domain:mine.com", json={"rows": data},
                 timeout=5).raise_for_status()
    book = load_spreadsheet(google_env, {"Settings": [["Search console property", "sc-domain:mine.com"]],
                                         "Targets": [["URL"], ["https://mine.com/guide"]]})
    monkeypatch.setattr(search_console, "ROW_LIMIT", 7)  # several pages of answers
    control.delete(f"{google_env}/_emulator/log", timeout=5)
    first = pull_rankings(GoogleStore(book), "", dt.date(2026, 11, 26), days=30)
    queries = [e for e in requests.get(f"{google_env}/_emulator/log", timeout=5).json()["requests"]
               if "searchAnalytics" in e["path"]]
    assert len(queries) == 3  # 20 days of data (the window ends Nov 23, final data lags 3 days): 7 + 7 + 6
    assert (first["rows"], first["added"], first["total"]) == (20, 20, 20)
    assert pull_rankings(GoogleStore(book), "", dt.date(2026, 11, 26), days=30)["added"] == 0
    rows = GoogleStore(book).read_named(["Rankings"])["Rankings"]
    assert rows[1][1:] == ["https://mine.com/guide", "", 8, 4, 20]  # both queries summed by date and page
    with pytest.raises(SheetAccessError, match=r"add bridge@emulated\.iam\.gserviceaccount\.com to the property"):
        pull_rankings(GoogleStore(book), "sc-domain:other.com", dt.date(2026, 11, 26))


def test_position_over_time_chart_in_the_workbook_and_in_sheets(tmp_path: Path) -> None:
    """The weekly position table for the top targets and a line chart, 1 at the top, one series per page."""
    import zipfile

    from sheets_bridge.insights.metrics import compute_metrics
    from sheets_bridge.intake.settings import Settings
    from sheets_bridge.outreach.cadence import parse_outreach_log
    from sheets_bridge.store.google.layout import chart_request
    from sheets_bridge.workbook.dashboard import build_layout

    prospects = pd.DataFrame({"Domain": ["a.com", "b.com"], "Status": ["Placed", "Placed"], "Tier": ["A", "A"],
                              "Target URL": ["https://mine.com/guide", "https://mine.com/list"]})
    rankings = [["Date", "URL", "Query", "Position", "Clicks", "Impressions"],
                ["2026-11-02", "https://mine.com/guide", "", 12, 1, 10],  # Monday 2 Nov
                ["2026-11-04", "https://mine.com/guide", "", 10, 1, 10],
                ["2026-11-10", "https://mine.com/list", "", 30, 1, 10]]  # week of 9 Nov
    metrics = compute_metrics(prospects, parse_outreach_log(None).frame, Settings(), dt.date(2026, 11, 26),
                              rankings=rankings)
    assert metrics.position_weeks == [
        (dt.date(2026, 11, 2), {"https://mine.com/guide": 11.0, "https://mine.com/list": None}),
        (dt.date(2026, 11, 9), {"https://mine.com/guide": None, "https://mine.com/list": 30.0})]
    layout = build_layout(metrics)
    [line] = [c for c in layout.charts if c.kind == "LINE"]
    request = chart_request(line, 7)["spec"]["basicChart"]
    assert len(request["series"]) == 2 and request["legendPosition"] == "BOTTOM_LEGEND"
    path = tmp_path / "book.xlsx"
    XlsxStore(path, create=True).replace_tabs({"Prospects": [["Domain"]]})
    XlsxStore(path).write_dashboard(layout)
    with zipfile.ZipFile(path) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart")]
    [xml] = [c for c in charts if "lineChart" in c]
    assert 'orientation val="maxMin"' in xml and xml.count("<ser>") == 2
