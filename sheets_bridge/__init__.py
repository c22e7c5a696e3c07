"""sheets_bridge: backlink-gap prospecting and outreach for teams who work in Google Sheets."""

from __future__ import annotations

__version__ = "0.1.0"
