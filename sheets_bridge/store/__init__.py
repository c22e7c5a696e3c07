"""Stores: the only code that talks to a spreadsheet (a local .xlsx workbook, or Google Sheets)."""

from sheets_bridge.store.base import Store, WriteReport

__all__ = ["Store", "WriteReport"]
