"""Shared fixtures: a fixed 'today', the demo workbook, small export tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sheets_bridge.demo import build_demo_workbook

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An unscored demo workbook, built once; tests copy it."""
    path = tmp_path_factory.mktemp("demo") / "template.xlsx"
    build_demo_workbook(path)
    return path


@pytest.fixture
def demo_copy(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the unscored demo workbook."""
    path = tmp_path / "demo.xlsx"
    path.write_bytes(demo_template.read_bytes())
    return path
