"""A local emulator of the Google Sheets API v4 and Drive v3 subset that gspread and sheets_bridge use.

A package of its own (``sheets-emulator`` starts it): it imports nothing from ``sheets_bridge``, and the
product imports nothing from it (only the CLI's ``emulator`` command starts it); ``harness`` drives it
together with the service.
"""

from sheets_emulator.app import create_emulator
from sheets_emulator.state import EmulatorState

__all__ = ["EmulatorState", "create_emulator"]
