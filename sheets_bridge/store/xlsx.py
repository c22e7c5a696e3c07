"""The local workbook store (.xlsx through openpyxl), the embedded default."""

from __future__ import annotations

import contextlib
import copy
import os
import stat
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from sheets_bridge.contract import DASHBOARD, EXCLUDED, KEY, OUTREACH_LOG, PROSPECTS, RESERVED_TABS, RUN_LOG
from sheets_bridge.exceptions import WorkbookError
from sheets_bridge.store.align import cell_value, in_priority_order
from sheets_bridge.store.base import Values, WriteReport
from sheets_bridge.store.xlsx_style import (
    list_rules,
    prospect_rules,
    style_dashboard,
    style_header,
    style_prospects,
    style_team_tab,
)
from sheets_bridge.workbook.dashboard import DashboardLayout
from sheets_bridge.workbook.layout import EXAMPLE_ROWS, LOG_VOCABULARY, RUN_LOG_HEADER, TAB_HEADERS

TEAM_TABS = frozenset(RESERVED_TABS) - {PROSPECTS, DASHBOARD}  # read and typed in by people: laid out to read


def _set(ws: Worksheet, row: int, column: int, value: Any) -> None:
    """Write a value as data: text that starts with '=' stays text, never a formula."""
    cell = ws.cell(row=row, column=column)
    cell.value = cell_value(value)
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"


class XlsxStore:
    """A workbook file: tabs are worksheets, header in row 1."""

    def __init__(self, path: str | os.PathLike[str], create: bool = False) -> None:
        self.path = Path(path)
        self.label = f"workbook '{self.path.name}'"
        if not self.path.exists() and not create:
            raise WorkbookError(f"No workbook at '{self.path}': check the path, or run 'sheets-bridge demo' "
                                "to create an example")

    def _load(self, read_only: bool) -> Any:
        if not read_only:
            self._check_writable()
        if not self.path.exists():
            wb = Workbook()
            wb.remove(wb.active)
            return wb
        try:
            return load_workbook(self.path, read_only=read_only, data_only=read_only)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise WorkbookError(f"Cannot open '{self.path.name}' as an .xlsx workbook ({exc})") from exc

    def hold(self, user: str, action: str, signature: str | None = None,
             signature_window: float = 600.0) -> contextlib.AbstractContextManager[None]:
        """A local workbook is one person's file: saves are atomic, no lease is needed."""
        return contextlib.nullcontext()

    def read_tabs(self) -> dict[str, Values]:
        """Every worksheet's values (formulas as their last computed values), trailing blanks trimmed."""
        wb = self._load(read_only=True)
        try:
            tabs: dict[str, Values] = {}
            for ws in wb.worksheets:
                rows = [list(r) for r in ws.iter_rows(values_only=True)]
                while rows and all(c is None or c == "" for c in rows[-1]):
                    rows.pop()
                tabs[ws.title] = rows
            return tabs
        finally:
            wb.close()

    def read_named(self, titles: Sequence[str]) -> dict[str, Values]:
        """Some tabs' values; a missing tab reads as empty."""
        tabs = self.read_tabs()
        return {t: tabs.get(t, []) for t in titles}

    def apply_layout(self) -> dict[str, Any]:
        """Create reserved tabs with headers, frozen header rows, the Status dropdown, Tier colours, shading.

        Excel has no warning-only protection, so owned columns are shaded but not locked. Idempotent.
        """
        wb = self._load(read_only=False)
        created, headers = [], []
        for title, header in TAB_HEADERS.items():
            if title not in wb.sheetnames:
                wb.create_sheet(title)
                created.append(title)
            ws = wb[title]
            if header and not any(c.value not in (None, "") for c in ws[1]):
                for column, name in enumerate(header, start=1):
                    ws.cell(row=1, column=column).value = name
                headers.append(title)
                if title in EXAMPLE_ROWS:
                    for offset, row in enumerate(EXAMPLE_ROWS[title], start=2):
                        for column, value in enumerate(row, start=1):
                            ws.cell(row=offset, column=column).value = value if value != "" else None
            if header and ws.freeze_panes is None:
                ws.freeze_panes = "A2"
        ws = wb[PROSPECTS]
        names = [str(c.value).strip() if c.value is not None else "" for c in ws[1]]
        changed = bool(created or headers)
        changed = prospect_rules(ws, names) or changed
        style_header(ws, names)
        log = wb[OUTREACH_LOG]
        changed = list_rules(log, [str(c.value).strip() if c.value is not None else "" for c in log[1]],
                             LOG_VOCABULARY) or changed
        if changed:
            self._save(wb)
        return {"created_tabs": created, "headers_written": headers, "changed": changed}

    def write_dashboard(self, layout: DashboardLayout) -> None:
        """Rebuild the Dashboard worksheet (values and openpyxl charts) in place of the old one."""
        wb = self._load(read_only=False)
        index = wb.sheetnames.index(DASHBOARD) if DASHBOARD in wb.sheetnames else len(wb.sheetnames)
        if DASHBOARD in wb.sheetnames:
            wb.remove(wb[DASHBOARD])
        ws = wb.create_sheet(DASHBOARD, index)
        for row in layout.values:
            ws.append([None if v == "" else v for v in row])
        for r in range(1, ws.max_row + 1):
            for cell in ws[r]:
                if cell.data_type == "f":
                    cell.data_type = "s"
        style_dashboard(ws, layout)
        self._save(wb, allow_dashboard_charts=True)

    def write_prospects(self, frame: pd.DataFrame, owned: Sequence[str], team: Sequence[str],
                        run_log: list[Any] | None = None, excluded: Values | None = None) -> WriteReport:
        """Write owned columns by Domain; team-owned cells and other tabs keep their values.

        ``excluded``: the Excluded tab's new values (the tab is rewritten whole, in the same save).
        """
        wb = self._load(read_only=False)
        ws = wb[PROSPECTS] if PROSPECTS in wb.sheetnames else wb.create_sheet(PROSPECTS)
        report = WriteReport()
        ordered = in_priority_order([list(r) for r in ws.iter_rows(values_only=True)])
        header = [c.value for c in ws[1]] if ws.max_row >= 1 and ws.max_column >= 1 else []
        header = [str(h).strip() if h is not None else "" for h in header]
        while header and header[-1] == "":
            header.pop()
        columns = {name: i + 1 for i, name in reversed(list(enumerate(header))) if name}
        for name in [*owned[:1], *team[:1], *owned[1:], *team[1:]]:
            if name not in columns:
                header.append(name)
                columns[name] = len(header)
                _set(ws, 1, columns[name], name)
        key_col = columns[KEY]
        rows: dict[str, int] = {}
        last = 1
        for r, (value,) in enumerate(ws.iter_rows(min_row=2, min_col=key_col, max_col=key_col,
                                                  values_only=True), start=2):
            if value not in (None, ""):
                rows.setdefault(str(value).strip(), r)
                last = r
        last = max(last, _last_used_row(ws))
        keys = frame[KEY].astype(str).tolist()
        targets = [columns[name] for name in owned]
        data = frame[list(owned)].to_numpy(dtype=object)
        written: list[int] = []
        for key, values in zip(keys, data, strict=True):
            row = rows.get(key)
            if row is None:
                last += 1
                row = last
                report.new += 1
                for name in team:
                    ws.cell(row=row, column=columns[name]).value = None
            else:
                report.updated += 1
            written.append(row)
            for column, value in zip(targets, values, strict=True):
                _set(ws, row, column, value)
        if ordered and "Priority" in owned:  # a score (it sets Priority); follow-ups leave the order alone
            _sort_by_priority(ws, columns["Priority"], last, len(header))
            written = list(range(2, last + 1))
        style_prospects(ws, header, written, last)
        wb.active = wb.sheetnames.index(PROSPECTS)
        for sheet in wb.worksheets:
            sheet.sheet_view.tabSelected = sheet.title == PROSPECTS
        if run_log is not None:
            log = wb[RUN_LOG] if RUN_LOG in wb.sheetnames else wb.create_sheet(RUN_LOG)
            if _last_used_row(log) == 1 and not any(c.value for c in log[1]):
                for column, name in enumerate(RUN_LOG_HEADER, start=1):
                    log.cell(row=1, column=column).value = name
            row = _last_used_row(log) + 1
            for column, value in enumerate(run_log, start=1):
                _set(log, row, column, value)
            log.cell(row=row, column=1).number_format = "yyyy-mm-dd hh:mm:ss"
            for column, width in enumerate((20, 24, 18, 48, 9, 80), start=1):
                log.column_dimensions[get_column_letter(column)].width = width
        if excluded is not None:
            ex = wb[EXCLUDED] if EXCLUDED in wb.sheetnames else wb.create_sheet(EXCLUDED)
            if ex.max_row:
                ex.delete_rows(1, ex.max_row)
            for at, line in enumerate(excluded, start=1):
                for column, value in enumerate(line, start=1):
                    _set(ex, at, column, value)
            if excluded:
                style_header(ex, [str(v) for v in excluded[0]])
            ex.freeze_panes = "A2"
            for column, size in enumerate((30, 44, 60, 50, 28, 8), start=1):
                ex.column_dimensions[get_column_letter(column)].width = size
        report.output_path = self._save(wb)
        if report.output_path != str(self.path):
            report.warnings.append(
                f"'{self.path.name}' holds charts, images or pivot tables that openpyxl cannot keep, so the "
                f"result was written to '{Path(report.output_path).name}' and the original left untouched")
        return report

    def replace_tab(self, name: str, values: Values) -> None:
        """Create or replace one worksheet with the given values (text starting with '=' stays text)."""
        self.replace_tabs({name: values})

    def tab_titles(self) -> list[str]:
        """Every worksheet's title."""
        return list(self._load(read_only=True).sheetnames)

    def append_rows(self, name: str, rows: Values, header: Sequence[str]) -> None:
        """Add rows below the last used row of a tab (created with ``header`` if missing); formulas stay text."""
        wb = self._load(read_only=False)
        if name not in wb.sheetnames:
            wb.create_sheet(name).append(list(header))
        ws = wb[name]
        start = _last_used_row(ws) + 1
        for offset, row in enumerate(rows):
            for column, value in enumerate(row, start=1):
                cell = ws.cell(row=start + offset, column=column, value=None if value == "" else value)
                if cell.data_type == "f":
                    cell.data_type = "s"
        self._save(wb)

    def replace_tabs(self, tabs: dict[str, Values]) -> None:
        """Create or replace several worksheets in one load and one atomic save."""
        wb = self._load(read_only=False)
        for name, values in tabs.items():
            if name in wb.sheetnames:
                index = wb.sheetnames.index(name)
                wb.remove(wb[name])
                ws = wb.create_sheet(name, index)
            else:
                ws = wb.create_sheet(name)
            for row in values:
                ws.append([None if v == "" else v for v in row])
            for row_cells in ws.iter_rows():
                for cell in row_cells:
                    if cell.data_type == "f":
                        cell.data_type = "s"
            if name in TEAM_TABS:
                style_team_tab(ws)
        self._save(wb)

    def _check_writable(self) -> None:
        """Refuse, in plain words, a workbook that is open elsewhere, read-only, or in a folder we cannot write."""
        folder = self.path.parent if str(self.path.parent) else Path(".")
        for lock in (folder / f".~lock.{self.path.name}#", folder / f"~${self.path.name}"):
            if lock.exists():
                raise WorkbookError(f"'{self.path.name}' is open in Excel or LibreOffice (found {lock.name}): close "
                                    "it there, then run again; nothing was changed")
        if self.path.exists() and (not os.access(self.path, os.W_OK)
                                   or not stat.S_IMODE(os.stat(self.path).st_mode) & 0o222):
            raise WorkbookError(f"'{self.path.name}' is read-only: allow writing to it (or copy it), then run "
                                "again; nothing was changed")
        existing = next((p for p in (folder, *folder.parents) if p.exists()), folder)
        if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
            raise WorkbookError(f"Cannot write in the folder '{existing}': choose a folder you can write to; "
                                "nothing was changed")

    def _save(self, wb: Any, allow_dashboard_charts: bool = False) -> str:
        """Save atomically (temporary file, then replace), keeping the file's permissions; returns the path."""
        target = self.path
        if self.path.exists() and _has_unkept_parts(self.path) and not allow_dashboard_charts:
            target = self.path.with_name(self.path.stem + ".scored.xlsx")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".sheets-bridge-", suffix=".xlsx", dir=target.parent)
        except OSError as exc:
            raise WorkbookError(f"Cannot write in the folder '{target.parent}' ({exc.strerror}); nothing was "
                                "changed") from None
        os.close(fd)
        mode = stat.S_IMODE(os.stat(target).st_mode) if target.exists() else 0o666 & ~_umask()
        try:
            wb.save(tmp)
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except OSError as exc:
            raise WorkbookError(f"Cannot save '{target.name}' ({exc.strerror}); the original is unchanged") from None
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return str(target)


def _umask() -> int:
    """The process's file-creation mask (read by setting it and putting it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _last_used_row(ws: Worksheet) -> int:
    """The last row holding any value (openpyxl's max_row counts formatted empty rows too)."""
    for r in range(ws.max_row, 0, -1):
        if any(c.value not in (None, "") for c in ws[r]):
            return r
    return 1


def _has_unkept_parts(path: Path) -> bool:
    """Whether the file holds parts openpyxl drops on save (charts, images, pivot tables).

    Charts on the Dashboard tab are sheets_bridge's own and are redrawn on every refresh, so they
    do not count.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if any(n.startswith(("xl/media/", "xl/pivotTables/", "xl/pivotCache/", "xl/embeddings/")) for n in names):
                return True
            if not any(n.startswith(("xl/charts/", "xl/drawings/")) for n in names):
                return False
            return _drawing_sheets(archive) - {DASHBOARD} != set()
    except zipfile.BadZipFile:
        return False


def _drawing_sheets(archive: zipfile.ZipFile) -> set[str]:
    """Names of the worksheets that hold a drawing (charts or images)."""
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    main_ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    pkg_ns = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "").lstrip("/").removeprefix("xl/")
               for r in rels.iter(f"{pkg_ns}Relationship")}
    found = set()
    for sheet in workbook.iter(f"{main_ns}sheet"):
        target = targets.get(sheet.get(f"{rel_ns}id"), "")
        rel_path = "xl/" + target.replace("worksheets/", "worksheets/_rels/") + ".rels"
        if rel_path in archive.namelist() and b"/drawing" in archive.read(rel_path):
            found.add(sheet.get("name", ""))
    return found


MAX_CELLS = 10_000_000  # Google Sheets' own limit for a whole spreadsheet


def check_workbook_size(data: bytes, name: str) -> None:
    """Refuse, before parsing, an .xlsx that unpacks to more than a spreadsheet could hold or packs like a bomb."""
    import io

    from sheets_bridge.intake.archive import check_unpacked_size

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookError(f"File '{name}' is not a readable Excel workbook ({type(exc).__name__})") from None
    check_unpacked_size(members, name, WorkbookError, "export fewer rows, or as CSV")


def export_workbook_rows(data: bytes, name: str) -> list[list[str]]:
    """The first worksheet of an exported .xlsx file as rows of text, blank rows left out.

    Bounded before and while parsing (``check_workbook_size``, ``MAX_CELLS``); any file openpyxl cannot read
    (a bad zip, bad XML, an entity expansion it refuses) is a named ``WorkbookError``, never a crash.
    """
    import io

    check_workbook_size(data, name)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # whatever the parser raises, the user gets one plain sentence
        raise WorkbookError(f"File '{name}' is not a readable Excel workbook ({type(exc).__name__})") from None
    rows: list[list[str]] = []
    cells = 0
    try:
        ws = wb.worksheets[0]
        for row in ws.iter_rows(values_only=True):
            cells += len(row)
            if cells > MAX_CELLS:
                raise WorkbookError(f"File '{name}' has more than {MAX_CELLS:,} cells, more than a spreadsheet "
                                    "can hold: export fewer rows; nothing was read")
            rows.append(["" if v is None else str(v) for v in row])
    except WorkbookError:
        raise
    except Exception as exc:
        raise WorkbookError(f"File '{name}' is not a readable Excel workbook ({type(exc).__name__})") from None
    finally:
        wb.close()
    return [r for r in rows if any(c.strip() for c in r)]


def _sort_by_priority(ws: Any, column: int, last: int, width: int) -> None:
    """Reorder rows 2..last by Priority, high to low, blanks last (stable): whole rows move, team cells and their
    formats with them, as a sort in a spreadsheet program moves them."""
    def priority(row: int) -> tuple[int, float]:
        value = ws.cell(row=row, column=column).value
        try:
            return (0, -float(value)) if value not in (None, "") else (1, 0.0)
        except (TypeError, ValueError):
            return (1, 0.0)

    order = sorted(range(2, last + 1), key=priority)
    if order == list(range(2, last + 1)):
        return
    moved = [[(ws.cell(row=r, column=c).value, copy.copy(ws.cell(row=r, column=c)._style),
               ws.cell(row=r, column=c).hyperlink) for c in range(1, width + 1)] for r in order]
    for target, cells in enumerate(moved, start=2):
        for c, (value, style, link) in enumerate(cells, start=1):
            cell = ws.cell(row=target, column=c)
            cell.value, cell._style = value, style
            cell.hyperlink = link.target if link is not None else None
