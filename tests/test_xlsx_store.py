"""The workbook store: owned columns written by Domain; the team's cells, sorting and columns survive."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, Reference

from sheets_bridge import contract
from sheets_bridge.exceptions import WorkbookError
from sheets_bridge.service.actions import score
from sheets_bridge.store.xlsx import XlsxStore

TODAY = dt.date(2026, 11, 26)


def prospects_table(path: Path) -> pd.DataFrame:
    tabs = XlsxStore(path).read_tabs()
    rows = tabs[contract.PROSPECTS]
    return pd.DataFrame(rows[1:], columns=rows[0])


def drop_prospects(path: Path) -> None:
    """Remove the demo's pre-seeded Prospects tab, as in a workbook never scored."""
    wb = load_workbook(path)
    del wb[contract.PROSPECTS]
    wb.save(path)


def test_first_run_creates_prospects_with_contract_header(demo_copy: Path) -> None:
    drop_prospects(demo_copy)
    summary, _ = score(XlsxStore(demo_copy), TODAY)
    table = prospects_table(demo_copy)
    assert list(table.columns) == list(contract.PROSPECT_HEADER)
    assert summary.new == len(table) and summary.updated == 0
    assert table["Domain"].is_unique
    assert table[list(contract.TEAM_COLUMNS)].isna().all().all()


def test_round_trip_keeps_team_work_after_sorting_and_new_columns(demo_copy: Path) -> None:
    score(XlsxStore(demo_copy), TODAY)
    first = prospects_table(demo_copy).set_index("Domain")
    wb = load_workbook(demo_copy)
    ws = wb[contract.PROSPECTS]
    header = [c.value for c in ws[1]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    rows.sort(key=lambda r: str(r[header.index("Domain")]), reverse=True)  # the team sorts by Domain
    deleted = rows.pop(5)[header.index("Domain")]  # and deletes a row
    ws.delete_rows(2, ws.max_row)
    for r in rows:
        ws.append(r)
    ws.insert_cols(3)  # and inserts a column of their own
    ws.cell(row=1, column=3).value = "Team rating"
    notes = {}
    for r in range(2, 12):
        domain = ws.cell(row=r, column=1).value
        ws.cell(row=r, column=3).value = f"rating {r}"
        notes[domain] = (f"rating {r}", f"note for {domain}", "Queued")
    shifted = [c.value for c in ws[1]]
    status_col = shifted.index("Status") + 1
    notes_col = shifted.index("Notes") + 1
    for r in range(2, 12):
        ws.cell(row=r, column=notes_col).value = notes[ws.cell(row=r, column=1).value][1]
        ws.cell(row=r, column=status_col).value = "Queued"
    wb["Targets"]["D1"] = "team scribble"
    wb.save(demo_copy)

    summary, _ = score(XlsxStore(demo_copy), TODAY)
    assert summary.new == 1 and summary.updated == len(first) - 1
    after = prospects_table(demo_copy)
    assert after["Domain"].is_unique
    assert after.columns[2] == "Team rating"
    indexed = after.set_index("Domain")
    for domain, (rating, note, status) in notes.items():
        assert indexed.loc[domain, "Team rating"] == rating
        assert indexed.loc[domain, "Notes"] == note
        assert indexed.loc[domain, "Status"] == status
    owned = [c for c in contract.OWNED_COLUMNS if c not in {"Domain", "Next action", "Touches", "Last touch",
                                                             "Next follow-up"}]
    pd.testing.assert_frame_equal(indexed.loc[first.index, owned], first[owned], check_dtype=False)
    assert after["Domain"].iloc[-1] == deleted  # the deleted prospect came back below
    assert load_workbook(demo_copy)["Targets"]["D1"].value == "team scribble"


def test_left_gap_prospects_stay_flagged(demo_copy: Path) -> None:
    drop_prospects(demo_copy)
    wb = load_workbook(demo_copy)
    ws = wb.create_sheet(contract.PROSPECTS)
    ws.append(list(contract.PROSPECT_HEADER))
    row = dict.fromkeys(contract.PROSPECT_HEADER, "") | {"Domain": "gone-away.com", "Status": "Contacted",
                                                           "Segment": "x", "Notes": "keep me"}
    ws.append([row[name] for name in contract.PROSPECT_HEADER])
    wb.save(demo_copy)
    summary, _ = score(XlsxStore(demo_copy), TODAY)
    assert summary.left_gap == 1
    row = prospects_table(demo_copy).set_index("Domain").loc["gone-away.com"]
    assert row["Flags"] == contract.LEFT_GAP_FLAG and row["Notes"] == "keep me" and row["Status"] == "Contacted"


def test_formula_text_is_written_as_text(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    store = XlsxStore(path, create=True)
    store.replace_tab("rival.com", [["Source url", "Anchor"], ["https://a.com/x", "=HYPERLINK(\"http://e\")"]])
    frame = pd.DataFrame({"Domain": ["a.com"], "Why": ['=IMPORTXML("http://evil","//a")']})
    store.write_prospects(frame, ["Domain", "Why"], ["Notes"])
    wb = load_workbook(path)
    assert wb["rival.com"]["B2"].data_type == "s"
    header = [c.value for c in wb[contract.PROSPECTS][1]]
    cell = wb[contract.PROSPECTS].cell(row=2, column=header.index("Why") + 1)
    assert cell.value.startswith("=IMPORTXML") and cell.data_type == "s"


def test_workbook_with_chart_is_not_overwritten(demo_copy: Path) -> None:
    wb = load_workbook(demo_copy)
    ws = wb["Settings"]
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=5, max_row=8))
    ws.add_chart(chart, "E2")
    wb.save(demo_copy)
    before = demo_copy.read_bytes()
    summary, _ = score(XlsxStore(demo_copy), TODAY)
    assert demo_copy.read_bytes() == before
    assert summary.output.endswith("demo.scored.xlsx")
    assert any("charts, images or pivot tables" in w for w in summary.warnings)
    assert zipfile.is_zipfile(summary.output)


def test_save_is_atomic_and_leaves_no_temp_files(demo_copy: Path) -> None:
    score(XlsxStore(demo_copy), TODAY)
    assert sorted(p.name for p in demo_copy.parent.iterdir()) == ["demo.xlsx"]


def test_missing_and_corrupt_workbooks(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError, match="No workbook at"):
        XlsxStore(tmp_path / "nope.xlsx")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(WorkbookError, match=r"Cannot open 'bad\.xlsx'"):
        XlsxStore(bad).read_tabs()


def test_read_tabs_returns_all_tabs(demo_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "copy.xlsx"
    shutil.copy(demo_template, path)
    tabs = XlsxStore(path).read_tabs()
    assert {"Settings", "Targets", "Outreach log", "crmpilot.io", "pipelinehq.com"} <= set(tabs)
    assert tabs["Settings"][1] == ["Your domain", "crmpilot.io"]
