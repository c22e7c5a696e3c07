"""The project's errors: each names what the user must fix and carries an HTTP status.

    SheetsBridgeError
    ├── ExportFormatError      an export file or tab that cannot be used
    ├── SettingsError          a Settings value that cannot be understood
    ├── TargetsError           a Targets tab that cannot be used
    ├── WorkbookError          a workbook that cannot be opened, read or saved
    ├── InvalidHostError       a host that is not a usable domain
    ├── TargetError            a workbook path or spreadsheet id/URL that names nothing usable
    └── GoogleApiError         Google Sheets answered with an error the user can act on
        ├── SheetAccessError       403: the sheet is not shared with the service account
        ├── SpreadsheetNotFoundError  404: no spreadsheet with that id
        ├── QuotaExhaustedError    429: Google's per-minute quota is spent
        ├── GoogleUnavailableError 5xx or the network, after bounded retries
        └── PartialWriteError      a write split by size failed after its first part landed
"""

from __future__ import annotations


class SheetsBridgeError(Exception):
    """Base class: a problem the user can act on, with a plain message."""

    status: int = 400
    code: str = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ExportFormatError(SheetsBridgeError):
    """An export file or tab whose header or contents cannot be used."""

    code = "unusable_export"
    status = 422


class WrongReportError(ExportFormatError):
    """A file or tab that is a known report, but not a link export (Outgoing domains, Indexed pages, ...)."""

    def __init__(self, message: str, report: str) -> None:
        super().__init__(message)
        self.report = report


class SettingsError(SheetsBridgeError):
    """A Settings row whose value cannot be understood."""

    code = "bad_settings"
    status = 422


class TargetsError(SheetsBridgeError):
    """A Targets tab that lacks a URL column or holds no usable URL."""

    code = "bad_targets"
    status = 422


class WorkbookError(SheetsBridgeError):
    """A workbook that cannot be opened, read or saved."""

    code = "workbook_error"
    status = 422


class InvalidHostError(SheetsBridgeError):
    """A host that cannot be keyed to a registrable domain."""

    code = "invalid_host"
    status = 422


class TargetError(SheetsBridgeError):
    """A workbook path or spreadsheet id/URL that names nothing usable."""

    code = "bad_target"
    status = 400


class GoogleApiError(SheetsBridgeError):
    """Google Sheets answered with an error."""

    code = "google_error"
    status = 502


class SheetAccessError(GoogleApiError):
    """403 from Google: the spreadsheet is not shared with the service account."""

    code = "not_shared"
    status = 403


class SpreadsheetNotFoundError(GoogleApiError):
    """404 from Google: no spreadsheet with that id."""

    code = "spreadsheet_not_found"
    status = 404


class QuotaExhaustedError(GoogleApiError):
    """429 from Google after retries: the per-minute quota is spent."""

    code = "quota_exhausted"
    status = 429


class GoogleUnavailableError(GoogleApiError):
    """Google (or the network) kept failing after bounded retries."""

    code = "google_unavailable"
    status = 503


class PartialWriteError(GoogleApiError):
    """A write split by size failed after its first part landed: part was written, a rerun finishes it."""

    code = "partly_written"
    status = 503


class AuthenticationError(SheetsBridgeError):
    """Missing or invalid credentials (401)."""

    code = "unauthenticated"
    status = 401


class ForbiddenError(SheetsBridgeError):
    """Valid credentials of someone who is not allowed (403)."""

    code = "forbidden"
    status = 403
