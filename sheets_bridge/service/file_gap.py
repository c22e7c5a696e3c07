"""A backlink gap straight from export files (no workbook): read, score, write a CSV or an .xlsx list.

Reading and writing are here; the work is the pipeline's (``intake.ingest.recognise_file`` and
``service.scoring.score_frames``), the same as a workbook's run but with no Targets, Outreach log or Status.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pandas as pd

from sheets_bridge.exceptions import ExportFormatError, InvalidHostError, SheetsBridgeError
from sheets_bridge.gap.groups import group_export
from sheets_bridge.gap.targets import parse_targets
from sheets_bridge.intake.decode import file_bytes, read_rows
from sheets_bridge.intake.domains import key_host
from sheets_bridge.intake.ingest import Export, recognise_file, recognise_values
from sheets_bridge.intake.settings import parse_settings
from sheets_bridge.service.memory import cyclic_gc_paused, return_freed
from sheets_bridge.service.scoring import Progress, ScoreResult, _quiet, export_warnings, score_frames

_DOMAIN_IN_NAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", re.IGNORECASE)
_EXPORT_SUFFIX = re.compile(r"\.(csv|tsv|txt|xlsx|xlsm|zip)$", re.IGNORECASE)


class OutputFormatError(SheetsBridgeError):
    """The output path is neither .csv nor .xlsx."""


def site_of_filename(name: str) -> str:
    """The site a file describes when its name says so ('rival.com.csv', 'backlinks_rival.co.uk_2026.csv')."""
    stem = _EXPORT_SUFFIX.sub("", Path(name).name)
    for found in _DOMAIN_IN_NAME.findall(stem):
        labels = found.split(".")
        for end in range(len(labels), 1, -1):  # 'rival.co.uk.semrush' is rival.co.uk: a report's word follows
            try:
                return key_host(".".join(labels[:end])).key
            except InvalidHostError:
                continue
    return ""


def read_export_file(path: Path, site: str = "", threads: bool = True) -> Export:
    """Recognise one export file; its site from ``site``, else its name, else its target URLs.

    ``threads``: parse it on Arrow's thread pool (when it is the only file being read)."""
    if not path.is_file():
        raise ExportFormatError(f"No file at '{path}'")
    site = site or site_of_filename(path.name)
    with path.open("rb") as handle:
        if handle.read(4) == b"\xd0\xcf\x11\xe0":
            raise ExportFormatError(f"File '{path.name}' is an old Excel (.xls) workbook: open it and save it "
                                    "as .xlsx or CSV, then try again")
    data = file_bytes(path)
    if data[:4] == b"PK\x03\x04":
        from sheets_bridge.intake.archive import is_workbook, link_export_in_archive

        if not is_workbook(bytes(data)):  # a zip of CSV files (Search Console's Links export): its link list
            def member_export(content: bytes, member: str) -> Export:
                return recognise_file(content, f"{path.name} → {member}", site)

            return link_export_in_archive(bytes(data), path.name, member_export).export
        from sheets_bridge.store.xlsx import export_workbook_rows  # an .xlsx: its first sheet, as `import` reads it

        return recognise_values(export_workbook_rows(bytes(data), path.name), f"File '{path.name}'", site)
    return recognise_file(data, path.name, site, threads=threads)


def read_export_files(paths: list[Path], sites: list[str], jobs: int = 0) -> list[Export]:
    """Read and group several export files, ``jobs`` at once (0: one per core, at most 4); in the order given.

    Each file's rows become link groups as soon as it is read (``groups.group_export``), so only the
    files being read hold their rows. Arrow's reader and kernels run outside the GIL.
    """
    workers = max(1, min(len(paths), jobs or min(os.cpu_count() or 1, 4)))

    def one(path: Path, site: str) -> Export:
        # files read side by side parse on one thread each: the cores are busy already, and Arrow's
        # reader threads would only add CPU time; a file read alone uses them
        export = group_export(read_export_file(path, site, threads=workers == 1))
        return_freed()  # the file's rows are freed: give the pages back before the next file is read
        return export

    if workers == 1:
        return [one(p, s) for p, s in zip(paths, sites, strict=True)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, paths, sites))


def _table_rows(path: Path | None, what: str) -> list[list[str]]:
    if path is None:
        return []
    if not path.is_file():
        raise ExportFormatError(f"No {what} file at '{path}'")
    rows, _ = read_rows(path.read_bytes(), path.name)
    return rows


def check_output(out: Path) -> None:
    """Refuse, before any work, an output that is neither .csv nor .xlsx or whose folder does not exist."""
    if out.suffix.lower() not in {".csv", ".xlsx"}:
        raise OutputFormatError(f"'{out}': write the gap to a .csv or an .xlsx file")
    if not out.parent.is_dir():
        raise OutputFormatError(f"'{out}': the folder '{out.parent}' does not exist")


def gap_from_files(files: list[Path], own: Path | None, settings_file: Path | None, today: dt.date,
                   progress: Progress = _quiet, targets_file: Path | None = None, jobs: int = 0) -> ScoreResult:
    """Score the gap of competitor export files against an optional own-site export.

    ``jobs``: files read at once (0: one per core, at most 4).
    """
    with cyclic_gc_paused():
        return _gap(files, own, settings_file, today, progress, targets_file, jobs)


def _gap(files: list[Path], own: Path | None, settings_file: Path | None, today: dt.date, progress: Progress,
         targets_file: Path | None, jobs: int) -> ScoreResult:
    settings = parse_settings(_table_rows(settings_file, "settings"))
    paths = ([own] if own is not None else []) + list(files)
    sites = ([settings.your_domain] if own is not None else []) + [""] * len(files)  # "": from the file name
    exports = read_export_files(paths, sites, jobs)
    if own is not None and not settings.your_domain:
        settings = replace(settings, your_domain=exports[0].sites[0])
    targets = parse_targets(_table_rows(targets_file, "targets") or None)
    log = pd.DataFrame(columns=["date", "key", "touch", "angle", "result", "link_url", "anchor", "row"])
    result = score_frames(exports, settings, targets, log, pd.Series(dtype=object), today, progress)
    result.warnings = export_warnings(exports) + result.warnings
    return result


CADENCE_COLUMNS = ("Touches", "Last touch", "Next follow-up", "Next action")  # a file list has no outreach yet
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what Excel or Sheets would evaluate in a CSV cell


def inert_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would read as a formula ('=HYPERLINK(...)', '@x', '+1') prefixed with a quote,
    so opening the CSV shows them as text and evaluates nothing."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            text = column.astype(object).where(column.notna(), "").astype(str)
            live = text.str.startswith(FORMULA_STARTS).to_numpy(dtype=bool)
            if live.any():
                out[name] = text.where(~live, "'" + text).where(column.notna(), column)
    return out


def write_csv(frame: pd.DataFrame, out: Path) -> None:
    """UTF-8 CSV through Arrow's writer (a sixth of pandas' CPU): fields quoted only where needed, dates as
    ISO dates, empty cells for missing values."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    frame = frame.copy(deep=False)
    for name in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[name].dtype):
            frame[name] = frame[name].dt.date
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pa_csv.write_csv(table, out, pa_csv.WriteOptions(quoting_style="needed"))


def write_gap(prospects: pd.DataFrame, out: Path) -> None:
    """Write the prospects as CSV (UTF-8, ISO dates) or as a formatted .xlsx list, with no live formula.

    The follow-up columns are left out: a list made from files has no outreach to follow up yet.
    """
    check_output(out)
    prospects = prospects.drop(columns=[c for c in CADENCE_COLUMNS if c in prospects.columns])
    if out.suffix.lower() == ".csv":
        write_csv(inert_text(prospects), out)
    else:
        from sheets_bridge.store.xlsx_style import write_prospect_list

        write_prospect_list(prospects, out)
