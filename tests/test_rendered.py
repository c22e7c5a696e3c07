"""The workbook as a person sees it: rendered by LibreOffice Calc to PDF, then read back as text.

A date or number too wide for its column renders as ``###``; a label too long for its column, with a value in
the next cell, is cut where the next cell begins (the rendered text then lacks its end). Both are read from the
rendered pages, not from cell values. ``make test`` installs Debian's ``libreoffice-calc-nogui`` where it
can (as root); elsewhere these checks are skipped with the reason.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from sheets_bridge.cli import main

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed "
                                "(sudo apt-get install libreoffice-calc-nogui)")
EXPORT_TABS = ("crmpilot.io", "pipelinehq.com", "dealflow.co.uk", "salesnest.com", "leadlark.io")
ROWS_SHOWN = 40  # the first rows of each long tab: what a person sees without scrolling far


def rendered_text(workbook: Path, out: Path) -> str:
    """The text of every page LibreOffice renders for ``workbook``, whitespace collapsed."""
    from pypdf import PdfReader

    profile = out / "profile"
    subprocess.run([str(SOFFICE), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(workbook)], check=True, capture_output=True, timeout=240)
    pdf = out / (workbook.stem + ".pdf")
    text = "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    return re.sub(r"\s+", " ", text)


def readable_copy(source: Path, target: Path) -> list[str]:
    """The tabs a team reads (export tabs dropped, long tabs cut to their first rows); their header cells."""
    book = openpyxl.load_workbook(source)
    for name in EXPORT_TABS:
        if name in book.sheetnames:
            del book[name]
    headers: list[str] = []
    for sheet in book.worksheets:
        if sheet.max_row > ROWS_SHOWN + 1:
            sheet.delete_rows(ROWS_SHOWN + 2, sheet.max_row)
        if sheet.title not in ("Dashboard", "Settings"):
            headers += [str(c.value) for c in sheet[1] if c.value not in (None, "")]
    book.save(target)
    return headers


def problems(text: str, headers: list[str], labels: list[str]) -> list[str]:
    """What a person would see wrong: ### cells, headers or labels not shown in full."""
    def squeeze(s: str) -> str:
        return re.sub(r"\s+", "", s)

    squeezed = squeeze(text)
    found = [f"{text.count('###')} cells show ###"] if "###" in text else []
    found += [f"header '{h}' is cut" for h in headers if squeeze(h) not in squeezed]
    found += [f"label '{k[:60]}' is cut" for k in labels if squeeze(k) not in squeezed]
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rendered")
    assert main(["demo", "--out", str(folder / "demo.xlsx"), "--today", "2026-11-26"]) == 0
    return folder / "demo.xlsx"


def settings_labels(path: Path) -> list[str]:
    sheet = openpyxl.load_workbook(path, read_only=True)["Settings"]
    return [str(row[0]) for row in sheet.iter_rows(min_row=1, max_col=1, values_only=True) if row[0]]


def template_texts(path: Path) -> list[str]:
    """Every Templates cell in full (subjects, and bodies wrapped over several lines)."""
    sheet = openpyxl.load_workbook(path, read_only=True)["Templates"]
    return [str(v) for row in sheet.iter_rows(min_row=2, values_only=True) for v in row if v not in (None, "")]


def test_the_demo_renders_with_every_date_header_and_label_in_full(demo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "readable.xlsx"
    headers = readable_copy(demo, copy)
    text = rendered_text(copy, tmp_path)
    assert problems(text, headers, settings_labels(demo) + template_texts(demo)) == []
    assert re.search(r"\b2026-11-0\d\b", text)  # Outreach log dates shown as dates, not serial numbers


def test_the_check_sees_a_column_too_narrow(demo: Path, tmp_path: Path) -> None:
    """The harness itself: narrow the Outreach log's date column and the Settings keys, and it says so."""
    copy = tmp_path / "narrow.xlsx"
    headers = readable_copy(demo, copy)
    book = openpyxl.load_workbook(copy)
    book["Outreach log"].column_dimensions["A"].width = 3
    book["Settings"].column_dimensions["A"].width = 6
    book.save(copy)
    found = problems(rendered_text(copy, tmp_path), headers, settings_labels(demo))
    assert any("show ###" in p for p in found)
    assert "label 'Your domain' is cut" in found


def test_a_long_note_on_a_prospect_is_shown_whole(demo: Path, tmp_path: Path) -> None:
    """A wrapped Notes cell gets the height its text needs (LibreOffice shows one line otherwise)."""
    from sheets_bridge.store.xlsx import XlsxStore

    copy = tmp_path / "notes.xlsx"
    shutil.copy(demo, copy)
    note = ("Spoke to the editor at the conference; she wants a data angle, not a product pitch. "
            "Send the survey results first, then the guide, and copy Sam who owns the relationship.")
    book = openpyxl.load_workbook(copy)
    prospects = book["Prospects"]
    notes_column = [c.value for c in prospects[1]].index("Notes") + 1
    prospects.cell(row=2, column=notes_column, value=note)
    book.save(copy)
    assert main(["score", str(copy), "--today", "2026-11-26"]) == 0
    XlsxStore(copy)  # the scored workbook opens
    headers = readable_copy(copy, tmp_path / "readable.xlsx")
    assert problems(rendered_text(tmp_path / "readable.xlsx", tmp_path), headers, [note]) == []
