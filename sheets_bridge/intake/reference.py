"""Versioned reference data shipped in the package (aliases, spam signals, page-type rules...)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_json(name: str) -> dict[str, Any]:
    """Return a JSON data file from ``sheets_bridge/data``."""
    text = resources.files("sheets_bridge").joinpath("data", name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def load_list(name: str) -> tuple[str, ...]:
    """Return the non-comment lines of a text data file from ``sheets_bridge/data``."""
    text = resources.files("sheets_bridge").joinpath("data", name).read_text(encoding="utf-8")
    return tuple(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )
