"""Stores: the only code that talks to a spreadsheet (a local .xlsx workbook, or Google Sheets).

Owns the store contract (``base``), aligning a write to the rows and columns as they stand (``align``), the
workbook store (``xlsx``, ``xlsx_style``) and the Google Sheets store with its lease (``google``).

Imports ``workbook`` and the engine packages below it, never ``service``, ``web`` or the CLI.
"""

from sheets_bridge.store.base import Store, WriteReport

__all__ = ["Store", "WriteReport"]
