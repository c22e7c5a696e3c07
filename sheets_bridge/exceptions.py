"""The project's errors: each names what the user must fix and carries an HTTP status.

    SheetsBridgeError
    ├── ExportFormatError      an export file or tab that cannot be used
    ├── SettingsError          a Settings value that cannot be understood
    ├── TargetsError           a Targets tab that cannot be used
    ├── WorkbookError          a workbook that cannot be opened, read or saved
    └── InvalidHostError       a host that is not a usable domain
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
