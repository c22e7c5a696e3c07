"""A local emulator of the Google Sheets API v4 and Drive v3 subset that gspread and sheets_bridge use."""

from sheets_bridge.emulator.app import create_emulator
from sheets_bridge.emulator.state import EmulatorState

__all__ = ["EmulatorState", "create_emulator"]
