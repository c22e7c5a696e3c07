"""A local emulator of the Google Sheets API v4 and Drive v3 subset that gspread and sheets_bridge use.

A product of its own: this package imports nothing from the rest of sheets_bridge, and the product
(``pipeline``, ``store``, the service) imports nothing from it; the CLI's ``emulator`` command starts it
and ``sheets_bridge.harness`` drives it together with the service.
"""

from sheets_bridge.emulator.app import create_emulator
from sheets_bridge.emulator.state import EmulatorState

__all__ = ["EmulatorState", "create_emulator"]
