"""The Google Sheets store: gspread's HTTP client over one GoogleSession, a constant number of requests a run."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import time
import uuid
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import gspread
import pandas as pd
from gspread.exceptions import APIError

from sheets_bridge.contract import (
    DASHBOARD,
    EXCLUDED,
    KEY,
    OUTREACH_LOG,
    OWNED_COLUMNS,
    PROSPECT_HEADER,
    PROSPECTS,
    RESERVED_TABS,
    RUN_LOG,
    STATUSES,
)
from sheets_bridge.exceptions import (
    GoogleApiError,
    GoogleUnavailableError,
    PartialWriteError,
    QuotaExhaustedError,
    SheetAccessError,
    SheetsBridgeError,
    SpreadsheetNotFoundError,
    TargetError,
)
from sheets_bridge.intake.ingest import normalise_header
from sheets_bridge.intake.prospects_tab import existing_keys
from sheets_bridge.store.align import (
    column_letter,
    duplicate_keys,
    in_priority_order,
    plan_merge,
    plan_write,
    sheet_value,
)
from sheets_bridge.store.base import Values, WriteReport
from sheets_bridge.store.google.http import (
    GoogleSession,
    encode_json,
    encoded_now,
    load_credentials,
    service_account_email,
)
from sheets_bridge.store.google.layout import (
    chart_request,
    dashboard_rows,
    extended_value,
    pixels,
    prospect_format_requests,
    team_tab_requests,
)
from sheets_bridge.store.google.lease import DEFAULT_TTL, Lease, google_time
from sheets_bridge.store.google.value_ranges import SheetTabs
from sheets_bridge.workbook.dashboard import DashboardLayout
from sheets_bridge.workbook.layout import (
    EXAMPLE_ROWS,
    LOG_VOCABULARY,
    PROTECTION_NOTE,
    RUN_LOG_HEADER,
    TAB_HEADERS,
    TIER_COLOURS,
)

ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
URL_PATTERNS = (re.compile(r"/spreadsheets/(?:u/\d+/)?d/([A-Za-z0-9_-]{20,100})"),  # .../u/1/d/ID/edit#gid=0
                re.compile(r"drive\.google\.com/.*[?&]id=([A-Za-z0-9_-]{20,100})"),  # drive.google.com/open?id=ID
                re.compile(r"drive\.google\.com/file/d/([A-Za-z0-9_-]{20,100})"))
MAX_PAYLOAD = 9 * 1024 * 1024
SHEETS_ROOT = "https://sheets.googleapis.com/v4/spreadsheets"
DRIVE_FILES = "https://www.googleapis.com/drive/v3/files"
DATE_COLUMNS = ("Last touch", "Next follow-up")


def spreadsheet_id_of(target: str) -> str | None:
    """The spreadsheet id in an id or a Sheets or Drive URL (any /u/N/, #gid=, ?usp=); None when neither."""
    for pattern in URL_PATTERNS:
        match = pattern.search(target)
        if match:
            return match.group(1)
    target = target.strip()
    return target if ID_PATTERN.match(target) and not target.endswith(".xlsx") else None


def create_spreadsheet(title: str, session: GoogleSession | None = None) -> str:
    """Create a spreadsheet with the process's credentials (it belongs to that account); returns its id."""
    session = session or GoogleSession(load_credentials())
    client = gspread.Client(auth=session.credentials, session=session)
    try:
        return str(client.create(title).id)
    except APIError as exc:
        raise GoogleApiError(f"Google Drive refused to create the spreadsheet ({exc.response.status_code})") from None


def _quote(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def date_formats(sheet_id: int, first_row: int, rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """repeatCell requests that make the date and time cells of ``rows`` (written from row index ``first_row``)
    show as dates: the cells a run writes, never the rest of a team's column."""
    requests = []
    for column in range(max((len(r) for r in rows), default=0)):
        values = [r[column] for r in rows if len(r) > column]
        timed = any(isinstance(v, dt.datetime) for v in values)
        if not timed and not any(isinstance(v, dt.date) for v in values):
            continue
        requests.append({"repeatCell": {
            "range": {"sheetId": sheet_id, "startRowIndex": first_row, "endRowIndex": first_row + len(rows),
                      "startColumnIndex": column, "endColumnIndex": column + 1},
            "cell": {"userEnteredFormat": {"numberFormat": {"type": "DATE_TIME" if timed else "DATE",
                                                            "pattern": "yyyy-mm-dd hh:mm:ss" if timed
                                                            else "yyyy-mm-dd"}}},
            "fields": "userEnteredFormat.numberFormat"}})
    return requests


class GoogleStore:
    """A Google spreadsheet reached through gspread; reads and writes in batched requests only."""

    def __init__(self, spreadsheet_id: str, session: GoogleSession | None = None) -> None:
        if not ID_PATTERN.match(spreadsheet_id):
            raise TargetError(f"'{spreadsheet_id}' is not a Google spreadsheet id")
        self.spreadsheet_id = spreadsheet_id
        self.session = session or GoogleSession(load_credentials())
        self.client = gspread.Client(auth=self.session.credentials, session=self.session)
        self.http = self.client.http_client
        self.label = f"spreadsheet {spreadsheet_id}"
        self._sheets: list[dict[str, Any]] = []
        self._read: dict[str, Values] = {}
        self._lease: Lease | None = None
        self._fresh = False  # the tab properties came with the lease: the next metadata() needs no request
        self._after_write: list[dict[str, Any]] = []  # sent with the lease's release (a sort of Prospects)
        self.lease_ttl = DEFAULT_TTL
        self.clock: Callable[[], float] = time.time  # this instance's clock (the lease corrects it by Google's)

    @contextmanager
    def hold(self, user: str, action: str, signature: str | None = None,
             signature_window: float = 600.0) -> Iterator[None]:
        """Hold the spreadsheet for one run across every process (see ``store.lease``); two requests, and the
        tabs' properties come with the first.

        Taken inside the ``try``: whatever fails once the lease may exist (a 503 on its own create, a refused
        read), it is deleted again, so an error never leaves the spreadsheet locked until the lease expires.
        """
        lease = Lease(self._lease_batch, user, action, ttl=self.lease_ttl, signature=signature,
                      signature_window=signature_window, clock=self.clock)
        try:
            lease.acquire()
            self._sheets = [s["properties"] for s in lease.spreadsheet.get("sheets", [])]
            self._fresh = bool(lease.spreadsheet)
            self._lease = lease
            self.session.deadline = lambda: lease.seconds_left()  # requests stop waiting when the run must stop
            yield
        finally:
            self._lease = None
            self.session.deadline = None
            with contextlib.suppress(GoogleApiError):  # a lease that is not deleted expires by itself
                lease.release(self._after_write)
            self._after_write = []

    def _lease_batch(self, requests: list[dict[str, Any]], read: bool) -> tuple[dict[str, Any], float | None]:
        """One spreadsheets.batchUpdate for the lease; with ``read``, the spreadsheet after it (developer metadata
        and tab properties) and Google's time from the answer."""
        body: dict[str, Any] = {"requests": requests}
        params = None
        if read:
            body.update(includeSpreadsheetInResponse=True, responseIncludeGridData=False)
            params = {"fields": "updatedSpreadsheet(properties.title,sheets.properties,developerMetadata)"}
        response = self._call("request", "post", f"{SHEETS_ROOT}/{self.spreadsheet_id}:batchUpdate", json=body,
                              params=params, writing=True)
        self._fresh = False
        return dict(response.json() or {}), google_time(response.headers.get("Date"))

    def permissions(self) -> list[dict[str, Any]]:
        """The file's Drive permissions (type, role, email, domain), every page."""
        found: list[dict[str, Any]] = []
        token = ""
        for _ in range(50):
            params = {"fields": "nextPageToken,permissions(type,role,emailAddress,domain)", "pageSize": 100,
                      "supportsAllDrives": "true"}
            if token:
                params["pageToken"] = token
            body = self._call("request", "get", f"{DRIVE_FILES}/{self.spreadsheet_id}/permissions",
                              params=params).json()
            found.extend(body.get("permissions", []))
            token = body.get("nextPageToken", "")
            if not token:
                break
        return found

    def _before_write(self) -> None:
        """Refuse to write when this run's lease is about to expire."""
        if self._lease is not None:
            self._lease.check()

    @property
    def requests_sent(self) -> int:
        """API requests sent so far, retries included."""
        return self.session.requests_sent

    def _call(self, method: str, *args: Any, writing: bool | None = None, **kwargs: Any) -> Any:
        """One API request through gspread; errors become the project's, worded for a read or a write."""
        writing = method not in READ_METHODS if writing is None else writing
        if writing:
            self._fresh = False  # the tab properties read with the lease may no longer be current
        try:
            return getattr(self.http, method)(*args, **kwargs)
        except APIError as exc:
            raise self._translate(exc, writing=writing) from None

    def _can_view(self) -> bool:
        """Whether the spreadsheet can be read (asked once, after a refused write, to word the 403)."""
        try:
            self.http.fetch_sheet_metadata(self.spreadsheet_id, params={"fields": "spreadsheetId"})
        except APIError:
            return False
        return True

    def _translate(self, exc: APIError, writing: bool = False) -> GoogleApiError:
        status = exc.response.status_code
        try:
            message = exc.response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = exc.response.text[:200]
        person = getattr(self.session, "person", "")
        if status == 403 and person:
            if writing and self._can_view():
                return SheetAccessError(f"{person} can view spreadsheet {self.spreadsheet_id} but not edit it, so "
                                        "sheets_bridge will not change it for you. Ask its owner to share it with you "
                                        "as Editor, then try again")
            return SheetAccessError(f"{person} cannot open spreadsheet {self.spreadsheet_id}. Ask its owner to share "
                                    "it with you as Editor, then try again")
        if status == 429 and person:
            return QuotaExhaustedError(f"Google Sheets' per-minute request quota for {person} is used up; nothing "
                                       "was written. Retry in a minute")
        if status == 403:
            email = service_account_email(self.session.credentials)
            who = email or "the service account"
            if writing and self._can_view():
                return SheetAccessError(f"sheets_bridge can view spreadsheet {self.spreadsheet_id} but not change it: "
                                        f"{who} has Viewer access. Make it Editor (Share → {who} → Editor)")
            return SheetAccessError(f"sheets_bridge cannot open spreadsheet {self.spreadsheet_id}: share it with "
                                    f"{who} as Editor (Share → add {who} → Editor)")
        if status == 404:
            return SpreadsheetNotFoundError(f"No spreadsheet with id {self.spreadsheet_id}: check the id or URL")
        if status == 429:
            return QuotaExhaustedError("Google Sheets' per-minute request quota is used up; nothing was written. "
                                       "Retry in a minute")
        if status >= 500:
            return GoogleUnavailableError(f"Google Sheets kept failing ({status}); nothing was written. Try again "
                                          "in a minute")
        return GoogleApiError(f"Google Sheets refused the request ({status}): {message}")

    def _new_sheet_id(self, title: str) -> int:
        """A stable id for a tab this store adds, so one batch can create it and format it."""
        return zlib.crc32(f"{self.spreadsheet_id}/{title}".encode()) % 1_000_000_000 + 1

    def metadata(self) -> list[dict[str, Any]]:
        """Sheet properties of every tab (one request; none right after the lease, which read them)."""
        if self._fresh:
            self._fresh = False
            return self._sheets
        body = self._call("fetch_sheet_metadata", self.spreadsheet_id,
                          params={"fields": "properties.title,sheets.properties"})
        self._sheets = [s["properties"] for s in body.get("sheets", [])]
        return self._sheets

    def read_tabs(self) -> Mapping[str, Values]:
        """Every tab's values in two requests: metadata, then one batchGet (unformatted, serial dates).

        Values come column by column (``majorDimension=COLUMNS``): an export tab is handed to the pipeline
        as ``Columns``, so each column becomes one array without a pass over rows; the reserved tabs,
        which are small and read by row, are turned into rows. The answer is decoded one tab at a time,
        an export tab only when the pipeline first asks for it (``value_ranges.SheetTabs``).
        """
        sheets = self.metadata()
        titles = [s["title"] for s in sheets]
        if not titles:
            return {}
        response = self._call("request", "get", f"{SHEETS_ROOT}/{self.spreadsheet_id}/values:batchGet",
                              params={"ranges": [_quote(t) for t in titles], "valueRenderOption": "UNFORMATTED_VALUE",
                                      "dateTimeRenderOption": "SERIAL_NUMBER", "majorDimension": "COLUMNS"})
        reserved = {normalise_header(t) for t in RESERVED_TABS}
        tabs = SheetTabs(titles, response.content, kept=lambda title: normalise_header(title) in reserved)
        self._read = dict(tabs.kept)
        return tabs

    def write_prospects(self, frame: pd.DataFrame, owned: Sequence[str], team: Sequence[str],
                        run_log: list[Any] | None = None, excluded: Values | None = None) -> WriteReport:
        """Re-read the header and key column, realign by Domain, then one values:batchUpdate (RAW).

        ``excluded``: the Excluded tab's new values, written in the same batch (rows it held before and no
        longer needs are blanked; the tab is created with the structure requests when missing).
        """
        report = WriteReport(output_path=self.label)
        before = self._read.get(PROSPECTS) or []
        known = existing_keys(before)
        if not self._sheets and not before:
            self.metadata()
        sheet = next((s for s in self._sheets if s["title"] == PROSPECTS), None)
        if sheet is None and before:  # read by name without metadata: the tab exists
            sheet = {"title": PROSPECTS}
        structure: list[dict[str, Any]] = []
        if sheet is None:
            sheet_id = self._new_sheet_id(PROSPECTS)
            structure.append({"addSheet": {"properties": {"title": PROSPECTS, "sheetId": sheet_id,
                                                          "gridProperties": {"rowCount": max(len(frame) + 1, 100),
                                                                             "columnCount": 26,
                                                                             "frozenRowCount": 1}}}})
            sheet = {"sheetId": sheet_id, "title": PROSPECTS,
                     "gridProperties": {"rowCount": max(len(frame) + 1, 100), "columnCount": 26}}
            header: list[Any] = []
            keys: list[Any] = []
        else:
            header, keys = self._reread(sheet, before)
            if duplicate_keys(keys):
                header, keys, frame = self._merge_duplicates(sheet, team, frame, report)
        plan = plan_write(PROSPECTS, header, keys, frame, owned, team, known, len(before), encode=encoded_now)
        if "sheetId" not in sheet and (plan.new_keys or plan.added_columns):
            self.metadata()
            sheet = next(s for s in self._sheets if s["title"] == PROSPECTS)
        grid = sheet.get("gridProperties", {"rowCount": plan.last_row, "columnCount": len(plan.header)})
        if plan.last_row > grid.get("rowCount", 1000) and "addSheet" not in json.dumps(structure):
            structure.append({"appendDimension": {"sheetId": sheet["sheetId"], "dimension": "ROWS",
                                                  "length": plan.last_row - grid.get("rowCount", 1000)}})
        if len(plan.header) > grid.get("columnCount", 26):
            structure.append({"appendDimension": {"sheetId": sheet["sheetId"], "dimension": "COLUMNS",
                                                  "length": len(plan.header) - grid.get("columnCount", 26)}})
        for name in DATE_COLUMNS:
            if name in plan.added_columns:
                index = plan.header.index(name)
                structure.append({"repeatCell": {
                    "range": {"sheetId": sheet["sheetId"], "startRowIndex": 1, "startColumnIndex": index,
                              "endColumnIndex": index + 1},
                    "cell": {"userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}},
                    "fields": "userEnteredFormat.numberFormat"}})
        run_log_formats: list[dict[str, Any]] = []
        if run_log is not None:
            log_rows = self._read.get(RUN_LOG)
            if log_rows is None and any(s["title"] == RUN_LOG for s in self._sheets):
                log_rows = []
            if log_rows is None and self._sheets:
                log_id = self._new_sheet_id(RUN_LOG)
                structure.append({"addSheet": {"properties": {"title": RUN_LOG, "sheetId": log_id, "gridProperties": {
                    "rowCount": 1000, "columnCount": len(RUN_LOG_HEADER), "frozenRowCount": 1}}}})
                structure.append({"repeatCell": {
                    "range": {"sheetId": log_id, "startRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 1},
                    "cell": {"userEnteredFormat": {"numberFormat": {"type": "DATE_TIME",
                                                                    "pattern": "yyyy-mm-dd hh:mm:ss"}}},
                    "fields": "userEnteredFormat.numberFormat"}})
                log_rows = []
            if log_rows is not None:
                if not log_rows:
                    plan.ranges.append((f"{_quote(RUN_LOG)}!A1", [list(RUN_LOG_HEADER)], "ROWS"))
                    log_rows = [list(RUN_LOG_HEADER)]
                plan.ranges.append((f"{_quote(RUN_LOG)}!A{len(log_rows) + 1}", [[sheet_value(v) for v in run_log]],
                                    "ROWS"))
                log_sheet = next((s for s in self._sheets if s["title"] == RUN_LOG), None)
                if log_sheet is not None:  # a tab it creates has its time column formatted already
                    run_log_formats = date_formats(log_sheet["sheetId"], len(log_rows), [list(run_log)])
        if excluded is not None:
            structure.extend(self._excluded_ranges(excluded, plan.ranges))
        self._before_write()
        if structure:
            try:
                self._call("batch_update", self.spreadsheet_id, {"requests": structure})
            except GoogleApiError as exc:
                # a retried addSheet whose first attempt was applied before the connection dropped
                if "already exists" not in str(exc):
                    raise
                self.metadata()
                existing = next(s for s in self._sheets if s["title"] == PROSPECTS)
                grid_now = existing.get("gridProperties", {})
                rest = [r for r in structure if "addSheet" not in r and not (
                    "appendDimension" in r and grid_now.get("rowCount", 0) >= plan.last_row)]
                if rest:
                    self._call("batch_update", self.spreadsheet_id, {"requests": rest})
        self._write_values(plan.ranges, "prospects")
        self._after_run(run_log_formats)  # the row it wrote reads as a time, whatever the tab's own formats
        # a score (it sets Priority) on a tab in Priority order that nobody re-sorted during the run
        moved = [str(k).strip() for k in keys if str(k).strip()] != [str(k).strip() for k in existing_keys_in_order(
            before)] if before else False
        if "Priority" in owned and in_priority_order(before) and not moved and "sheetId" in sheet:
            # whole rows, by Priority, blanks last: sent with the lease's release (no request of its own)
            self._after_run([{"sortRange": {"range": {
                "sheetId": sheet["sheetId"], "startRowIndex": 1, "endRowIndex": plan.last_row,
                "startColumnIndex": 0, "endColumnIndex": len(plan.header)}, "sortSpecs": [
                {"dimensionIndex": plan.header.index("Priority"), "sortOrder": "DESCENDING"}]}}])
        report.new = len(plan.new_keys)
        report.updated = len(frame) - report.new - len(plan.skipped_deleted)
        report.skipped_deleted = len(plan.skipped_deleted)
        if plan.skipped_deleted:
            report.warnings.append(f"{len(plan.skipped_deleted)} prospects were deleted by a collaborator during "
                                   "the run and were not written back (e.g. " + plan.skipped_deleted[0] + ")")
        return report

    def _excluded_ranges(self, values: Values, ranges: list[ValueRange]) -> list[dict[str, Any]]:
        """Add the Excluded tab's values to ``ranges``; return the structure requests it needs first."""
        before = self._read.get(EXCLUDED)
        sheet = next((s for s in self._sheets if s["title"] == EXCLUDED), None)
        structure: list[dict[str, Any]] = []
        width = len(values[0]) if values else 1
        if sheet is None and before is None:
            if not self._sheets:
                return structure  # tabs were read by name and this one is not known: leave it for a later run
            sheet_id = self._new_sheet_id(EXCLUDED)
            structure.append({"addSheet": {"properties": {"title": EXCLUDED, "sheetId": sheet_id, "gridProperties": {
                "rowCount": max(len(values), 100), "columnCount": max(width, 6), "frozenRowCount": 1}}}})
        elif sheet is not None:
            rows = sheet.get("gridProperties", {}).get("rowCount", 1000)
            if len(values) > rows:
                structure.append({"appendDimension": {"sheetId": sheet["sheetId"], "dimension": "ROWS",
                                                      "length": len(values) - rows}})
        blank = [[""] * width for _ in range(max(len(before or []) - len(values), 0))]
        ranges.append((f"{_quote(EXCLUDED)}!A1", [[sheet_value(v) for v in row] for row in values] + blank, "ROWS"))
        return structure

    def _merge_duplicates(self, sheet: dict[str, Any], team: Sequence[str], frame: pd.DataFrame,
                          report: WriteReport) -> tuple[list[Any], list[Any], pd.DataFrame]:
        """Fold rows that share a Domain into one (two requests, only when there are any).

        Reads the tab, then one atomic spreadsheets.batchUpdate fills the kept rows' empty team cells from
        the duplicates (a differing value is quoted in Notes) and deletes the duplicate rows.
        """
        values = self._call("values_batch_get", self.spreadsheet_id, [_quote(PROSPECTS)],
                            params={"valueRenderOption": "UNFORMATTED_VALUE"})["valueRanges"][0].get("values", [])
        merge = plan_merge(values, team)
        if "sheetId" not in sheet:
            self.metadata()
            sheet.update(next(s for s in self._sheets if s["title"] == PROSPECTS))
        sid = sheet["sheetId"]
        requests: list[dict[str, Any]] = [{"updateCells": {
            "range": {"sheetId": sid, "startRowIndex": row - 1, "endRowIndex": row, "startColumnIndex": col,
                      "endColumnIndex": col + 1},
            "rows": [{"values": [extended_value(value)]}], "fields": "userEnteredValue"}}
            for row, col, value in merge.fills]
        requests += [{"deleteDimension": {"range": {"sheetId": sid, "dimension": "ROWS", "startIndex": row - 1,
                                                    "endIndex": row}}} for row in merge.delete_rows]
        if requests:
            self._before_write()
            self._call("batch_update", self.spreadsheet_id, {"requests": requests})
        gone = {row - 1 for row in merge.delete_rows}  # 0-based indexes into values
        kept = [row for i, row in enumerate(values) if i not in gone]
        names = [str(h).strip() for h in kept[0]]
        key_col = names.index(KEY)
        keys = [row[key_col] if key_col < len(row) else "" for row in kept[1:]]
        if merge.notes:
            frame = frame.copy()
            flags = frame["Flags"].astype(object).fillna("").astype(str) if "Flags" in frame else None
            if flags is not None:
                extra = frame[KEY].astype(str).map(merge.notes).fillna("")
                frame["Flags"] = [("; ".join(p for p in (f, e) if p)) for f, e in zip(flags, extra, strict=True)]
            report.warnings.append(f"{len(merge.merged)} Domains stood on more than one row and were merged into "
                                   f"one (e.g. {merge.merged[0]}); team cells were kept, differences quoted in Notes")
        return list(kept[0]), keys, frame

    def _reread(self, sheet: dict[str, Any], before: Values) -> tuple[list[Any], list[Any]]:
        """The header row and the key column as they are now (one batchGet; more only while Domain moves)."""
        header_before = [str(h).strip() for h in before[0]] if before else []
        guess = header_before.index(KEY) if KEY in header_before else 0
        for _ in range(4):
            letter = column_letter(guess)
            wanted = [f"{_quote(PROSPECTS)}!1:1", f"{_quote(PROSPECTS)}!{letter}2:{letter}"]
            if self._lease is not None:
                header, keys = self._reread_with_lease(wanted)
            else:
                body = self._call("values_batch_get", self.spreadsheet_id, wanted,
                                  params={"valueRenderOption": "UNFORMATTED_VALUE", "majorDimension": "ROWS"})
                ranges = body.get("valueRanges", [{}, {}])
                header = (ranges[0].get("values") or [[]])[0]
                keys = [r[0] if r else "" for r in ranges[1].get("values", [])]
            names = [str(h).strip() for h in header]
            if KEY not in names or names.index(KEY) == guess:
                return header, keys if KEY in names else []
            guess = names.index(KEY)
        raise GoogleApiError("The Prospects tab kept changing while sheets_bridge read it; run again")

    def _reread_with_lease(self, ranges: list[str]) -> tuple[list[Any], list[Any]]:
        """The header row and one column, and in the same request the developer metadata: the run's lease is
        confirmed by the last read before its write (one spreadsheets.get; effective values, unformatted)."""
        body = self._call("fetch_sheet_metadata", self.spreadsheet_id, params={
            "ranges": ranges, "includeGridData": "true",
            "fields": "developerMetadata,sheets(data(startRow,startColumn,rowData(values(effectiveValue))))"})
        assert self._lease is not None
        self._lease.confirm(list(body.get("developerMetadata") or []))
        grids = [grid for sheet in body.get("sheets", []) for grid in sheet.get("data", [])] + [{}, {}]
        header = _grid_values(grids[0])
        keys = [row[0] if row else "" for row in _grid_rows(grids[1])]
        return header[0] if header else [], keys

    def read_named(self, titles: Sequence[str], known: bool = False) -> dict[str, Values]:
        """Some tabs' values in one batchGet, without a metadata read; a missing tab reads as empty.

        Only when a named tab does not exist does it cost a metadata read and a second batchGet.
        """
        existing = {s["title"] for s in self._sheets} if known else None
        wanted = [t for t in titles if existing is None or t in existing]
        if not wanted:
            return {t: [] for t in titles}
        try:
            body = self._call("values_batch_get", self.spreadsheet_id, [_quote(t) for t in wanted],
                              params={"valueRenderOption": "UNFORMATTED_VALUE",
                                      "dateTimeRenderOption": "SERIAL_NUMBER"})
        except GoogleApiError as exc:
            if known or "Unable to parse range" not in str(exc):
                raise
            self.metadata()
            return self.read_named(titles, known=True)
        tabs = {t: list(vr.get("values", [])) for t, vr in zip(wanted, body.get("valueRanges", []), strict=False)}
        self._read.update(tabs)
        return {t: tabs.get(t, []) for t in titles}

    def apply_layout(self) -> dict[str, Any]:
        """Create reserved tabs, headers, the Status dropdown, Tier colours, shading and warning protections.

        Reads metadata and headers, then sends only what is missing; a second run sends no writes.
        """
        body = self._call("fetch_sheet_metadata", self.spreadsheet_id, params={
            "fields": "sheets(properties,protectedRanges,conditionalFormats,basicFilter)"})
        sheets = {s["properties"]["title"]: s for s in body.get("sheets", [])}
        self._sheets = [s["properties"] for s in body.get("sheets", [])]
        present = [t for t in TAB_HEADERS if t in sheets]
        current = self.read_named(present, known=True) if present else {}
        requests: list[dict[str, Any]] = []
        writes: list[tuple[str, list[list[Any]]]] = []
        created = []
        for index, (title, header) in enumerate(TAB_HEADERS.items()):
            if title not in sheets:
                sheet_id = self._new_sheet_id(title)
                requests.append({"addSheet": {"properties": {
                    "title": title, "sheetId": sheet_id, "index": len(sheets) + index,
                    "gridProperties": {"rowCount": 1000, "columnCount": max(26, len(header)),
                                       "frozenRowCount": 1 if header else 0}}}})
                sheets[title] = {"properties": {"sheetId": sheet_id, "title": title}}
                created.append(title)
            rows = current.get(title) or []
            if header and (not rows or not any(str(c).strip() for c in rows[0])):
                writes.append((f"{_quote(title)}!A1", [list(header)]))
                if title in EXAMPLE_ROWS:
                    writes.append((f"{_quote(title)}!A2", EXAMPLE_ROWS[title]))
        prospects = sheets[PROSPECTS]
        pid = prospects["properties"]["sheetId"]
        header_now = [str(h).strip() for h in ((current.get(PROSPECTS) or [[]])[0] or [])] or list(PROSPECT_HEADER)
        if "Status" in header_now:
            col = header_now.index("Status")
            requests.append({"setDataValidation": {
                "range": {"sheetId": pid, "startRowIndex": 1, "startColumnIndex": col, "endColumnIndex": col + 1},
                "rule": {"condition": {"type": "ONE_OF_LIST",
                                       "values": [{"userEnteredValue": s} for s in STATUSES]},
                         "showCustomUi": True, "strict": False}}})
        if not prospects.get("conditionalFormats") and "Tier" in header_now:
            col = header_now.index("Tier")
            for tier, colour in TIER_COLOURS.items():
                requests.append({"addConditionalFormatRule": {"index": 0, "rule": {
                    "ranges": [{"sheetId": pid, "startRowIndex": 1, "startColumnIndex": col,
                                "endColumnIndex": col + 1}],
                    "booleanRule": {"condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": tier}]},
                                    "format": {"backgroundColor": colour}}}}})
        requests.extend(prospect_format_requests(pid, header_now, has_filter=bool(prospects.get("basicFilter"))))
        notes = {p.get("description") for p in prospects.get("protectedRanges", [])}
        for name in OWNED_COLUMNS:
            if name not in header_now:
                continue
            col = header_now.index(name)
            if f"{PROTECTION_NOTE}: {name}" not in notes:
                requests.append({"addProtectedRange": {"protectedRange": {
                    "range": {"sheetId": pid, "startColumnIndex": col, "endColumnIndex": col + 1},
                    "description": f"{PROTECTION_NOTE}: {name}", "warningOnly": True}}})
        for title in (t for t in created if t != PROSPECTS):  # Prospects has its own layout, above
            requests.extend(team_tab_requests(sheets[title]["properties"]["sheetId"], TAB_HEADERS[title],
                                              LOG_VOCABULARY if title == OUTREACH_LOG else {}))
        changed = bool(created or writes or any("addProtectedRange" in r or "addConditionalFormatRule" in r
                                                or "setBasicFilter" in r for r in requests))
        self._before_write()
        if changed:
            self._call("batch_update", self.spreadsheet_id, {"requests": requests})
        if writes:
            self._call("values_batch_update", self.spreadsheet_id,
                       {"valueInputOption": "RAW", "data": [{"range": r, "values": v} for r, v in writes]})
        return {"created_tabs": created, "headers_written": [r.split("!")[0].strip("'") for r, _ in writes
                                                             if r.endswith("!A1")], "changed": changed}

    def write_dashboard(self, layout: DashboardLayout) -> None:
        """Replace the Dashboard's values and charts: one metadata read, one spreadsheets.batchUpdate."""
        body = self._call("fetch_sheet_metadata", self.spreadsheet_id, params={
            "fields": "sheets(properties(sheetId,title,index,gridProperties),charts(chartId))"})
        sheets = {s["properties"]["title"]: s for s in body.get("sheets", [])}
        rows = max(len(layout.values) + 5, 100)
        cols = max(26, max((len(r) for r in layout.values), default=0))
        requests: list[dict[str, Any]] = []
        dash = sheets.get(DASHBOARD)
        if dash is None:
            sheet_id = self._new_sheet_id(DASHBOARD)
            requests.append({"addSheet": {"properties": {"title": DASHBOARD, "sheetId": sheet_id,
                                                         "gridProperties": {"rowCount": rows, "columnCount": cols}}}})
        else:
            sheet_id = dash["properties"]["sheetId"]
            grid = dash["properties"].get("gridProperties", {})
            requests.extend({"deleteEmbeddedObject": {"objectId": c["chartId"]}} for c in dash.get("charts", []))
            if grid.get("rowCount", 0) < rows or grid.get("columnCount", 0) < cols:
                size = {"rowCount": max(rows, grid.get("rowCount", 0)),
                        "columnCount": max(cols, grid.get("columnCount", 0))}
                requests.append({"updateSheetProperties": {
                    "properties": {"sheetId": sheet_id, "gridProperties": size},
                    "fields": "gridProperties.rowCount,gridProperties.columnCount"}})
        requests.append({"updateCells": {"range": {"sheetId": sheet_id},
                                         "fields": "userEnteredValue,userEnteredFormat",
                                         "rows": dashboard_rows(layout)}})
        requests.extend({"updateDimensionProperties": {
            "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": i, "endIndex": i + 1},
            "properties": {"pixelSize": pixels(width)}, "fields": "pixelSize"}}
            for i, width in enumerate(layout.widths))
        for chart in layout.charts:
            requests.append({"addChart": {"chart": chart_request(chart, sheet_id)}})
        self._before_write()
        self._call("batch_update", self.spreadsheet_id, {"requests": requests})

    def _write_values(self, ranges: list[tuple[str, Any, str]], what: str) -> None:
        """One values:batchUpdate (RAW) per 9 MB; a failure after a first part landed says so plainly."""
        chunks = _chunks(ranges)
        for number, chunk in enumerate(chunks):
            try:
                self._call("values_batch_update", self.spreadsheet_id,
                           {"valueInputOption": "RAW", "data": [{"range": r, "values": v, "majorDimension": major}
                                                                for r, v, major in chunk]})
            except GoogleApiError as exc:
                if number == 0:
                    raise
                raise PartialWriteError(
                    f"Google Sheets failed while sheets_bridge wrote the {what} ({exc.message.split(';')[0]}): "
                    f"{number} of {len(chunks)} parts were written. Your team's cells were not touched; run "
                    "again to finish the rest") from None

    def tab_titles(self) -> list[str]:
        """Every tab's title (one metadata request)."""
        return [s["title"] for s in self.metadata()]

    def append_rows(self, name: str, rows: Values, header: Sequence[str]) -> None:
        """Write rows below the tab's last used row (read just before), in constant idempotent requests.

        Metadata, one read of the tab, then one batchUpdate (the tab created, or rows added to its grid, when
        needed) and one values:batchUpdate (RAW) at fixed positions: a retried request rewrites the same
        cells instead of adding them twice, as a values:append could.
        """
        self._before_write()
        sheet = next((s for s in self.metadata() if s["title"] == name), None)
        width = max(len(header), max((len(r) for r in rows), default=1))
        structure: list[dict[str, Any]] = []
        if sheet is None:
            rows = [list(header), *rows]
            start = 1
            sheet_id = self._new_sheet_id(name)
            structure.append({"addSheet": {"properties": {
                "title": name, "sheetId": sheet_id,
                "gridProperties": {"rowCount": max(len(rows), 1000), "columnCount": max(width, 26)}}}})
        else:
            sheet_id = sheet["sheetId"]
            body = self._call("values_batch_get", self.spreadsheet_id, [f"{_quote(name)}!A:{column_letter(width - 1)}"],
                              params={"valueRenderOption": "UNFORMATTED_VALUE", "majorDimension": "ROWS"})
            used = body.get("valueRanges", [{}])[0].get("values", [])
            start = next((i + 2 for i in range(len(used) - 1, -1, -1) if any(str(c).strip() for c in used[i])), 1)
            short = start + len(rows) - 1 - int(sheet.get("gridProperties", {}).get("rowCount", 1000))
            if short > 0:
                structure.append({"appendDimension": {"sheetId": sheet["sheetId"], "dimension": "ROWS",
                                                      "length": short}})
        if structure:
            self._call("batch_update", self.spreadsheet_id, {"requests": structure})
        self._write_values([(f"{_quote(name)}!A{start}", [[sheet_value(v) for v in row] for row in rows], "ROWS")],
                           f"tab '{name}'")
        self._after_run(date_formats(sheet_id, start - 1, rows))  # dates it wrote read as dates

    def _after_run(self, requests: list[dict[str, Any]]) -> None:
        """Formatting of what this run wrote: sent with the lease's release (no request of its own), or at once
        when no run is held."""
        if not requests:
            return
        if self._lease is None:
            self._call("batch_update", self.spreadsheet_id, {"requests": requests})
        else:
            self._after_write.extend(requests)

    def replace_tab(self, name: str, values: Values) -> None:
        """Create or replace one tab's values atomically: the old content stays until the new is complete.

        The rows go to a hidden staging tab first (as many requests as the payload needs); one
        spreadsheets.batchUpdate then swaps them in: clear the tab, copy the staging tab's values over it and
        delete the staging tab (a new tab is the staging tab renamed). A failure before the swap deletes the
        staging tab and leaves the tab as it was.
        """
        sheets = self.metadata()
        width = max((len(r) for r in values), default=1)
        sheet = next((s for s in sheets if s["title"] == name), None)
        staging_title = f"{name} (importing)"
        staging_id = self._new_sheet_id(f"{staging_title} {uuid.uuid4().hex}")  # never the id of a tab that exists
        rows = [[("" if v is None else v) for v in row] for row in values]
        stage = [{"addSheet": {"properties": {"title": staging_title, "sheetId": staging_id, "hidden": True,
                                              "gridProperties": {"rowCount": max(len(rows), 1),
                                                                 "columnCount": max(width, 1)}}}}]
        stale = next((s for s in sheets if s["title"] == staging_title), None)
        if stale is not None:  # left by an earlier attempt that died
            stage.insert(0, {"deleteSheet": {"sheetId": stale["sheetId"]}})
        self._before_write()
        self._call("batch_update", self.spreadsheet_id, {"requests": stage})
        try:
            ranges: list[ValueRange] = [(f"{_quote(staging_title)}!A{i + 1}", rows[i:i + 5000], "ROWS")
                                        for i in range(0, len(rows), 5000)]
            self._write_values(ranges, f"tab '{name}'")
            self._before_write()
            swap: list[dict[str, Any]]
            if sheet is None:
                swap = [{"updateSheetProperties": {"properties": {"sheetId": staging_id, "title": name,
                                                                  "hidden": False}, "fields": "title,hidden"}}]
            else:
                grid = sheet["gridProperties"]
                size = {"rowCount": max(len(rows), grid["rowCount"]), "columnCount": max(width, grid["columnCount"])}
                swap = [{"updateSheetProperties": {"properties": {"sheetId": sheet["sheetId"],
                                                                  "gridProperties": size},
                                                   "fields": "gridProperties.rowCount,gridProperties.columnCount"}},
                        {"updateCells": {"range": {"sheetId": sheet["sheetId"]}, "fields": "userEnteredValue"}},
                        {"copyPaste": {"source": {"sheetId": staging_id, "startRowIndex": 0,
                                                  "endRowIndex": max(len(rows), 1), "startColumnIndex": 0,
                                                  "endColumnIndex": max(width, 1)},
                                       "destination": {"sheetId": sheet["sheetId"], "startRowIndex": 0,
                                                       "startColumnIndex": 0},
                                       "pasteType": "PASTE_VALUES"}},
                        {"deleteSheet": {"sheetId": staging_id}}]
            self._call("batch_update", self.spreadsheet_id, {"requests": swap})
        except SheetsBridgeError as exc:
            with contextlib.suppress(GoogleApiError):
                self._call("batch_update", self.spreadsheet_id,
                           {"requests": [{"deleteSheet": {"sheetId": staging_id}}]})
            where = f"tab '{name}' was left as it was" if sheet is not None else f"no tab '{name}' was created"
            raise type(exc)(f"{exc.message.split(';')[0]}; the {where}. Try the import again") from None


ValueRange = tuple[str, Any, str]  # A1 range, values (lists, or encoded already: encoded_now), major dimension
READ_METHODS = frozenset({"fetch_sheet_metadata", "values_batch_get", "values_get", "get_file_drive_metadata",
                          "list_permissions", "request"})


def existing_keys_in_order(values: Values) -> list[Any]:
    """The Domain column of a tab as read (header first), top to bottom, blanks left out."""
    if not values:
        return []
    header = [str(h).strip() for h in values[0]]
    if KEY not in header:
        return []
    col = header.index(KEY)
    return [row[col] for row in values[1:] if col < len(row) and str(row[col]).strip()]


def _effective(cell: dict[str, Any]) -> Any:
    """A cell's effective value as values:batchGet's UNFORMATTED_VALUE gives it ("" when blank)."""
    value = cell.get("effectiveValue")
    if not value:
        return ""
    (kind, item), = value.items()
    if kind == "numberValue" and float(item).is_integer():
        return int(item)
    return "" if kind == "errorValue" else item


def _grid_rows(grid: dict[str, Any]) -> list[list[Any]]:
    """Rows of values from a spreadsheets.get GridData (trailing blanks kept as the API sends them)."""
    return [[_effective(c) for c in row.get("values", [])] for row in grid.get("rowData", [])]


def _grid_values(grid: dict[str, Any]) -> list[list[Any]]:
    """Like ``_grid_rows``, with each row's trailing blanks trimmed, as values:batchGet trims them."""
    rows = _grid_rows(grid)
    for row in rows:
        while row and row[-1] == "":
            row.pop()
    return rows


def _chunks(ranges: list[ValueRange]) -> list[list[ValueRange]]:
    """Group value ranges into requests that each stay under 9 MB of JSON."""
    chunks: list[list[ValueRange]] = []
    current: list[ValueRange] = []
    size = 0
    for item in ranges:
        cost = len(encode_json(item[1])) + len(item[0]) + 64
        if current and size + cost > MAX_PAYLOAD:
            chunks.append(current)
            current, size = [], 0
        current.append(item)
        size += cost
    if current:
        chunks.append(current)
    return chunks
