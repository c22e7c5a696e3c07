"""A team's morning through the real service under gunicorn, against the emulator with Google's default quotas:
20 people click Score on 20 spreadsheets they own, never shared with the service account, within 5 seconds."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def burst_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("team_burst", ROOT / "benchmarks" / "team_burst.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["team_burst"] = module
    spec.loader.exec_module(module)
    return module


def test_twenty_people_score_their_own_spreadsheets_within_their_own_quota() -> None:
    clicks, refused = burst_module().burst(people=20, mode="person", spread=5.0)
    assert len(clicks) == 20
    assert [c.person for c in clicks if c.status != 200] == [], [c.message for c in clicks if c.status != 200]
    assert max(c.seconds for c in clicks) < 60
    assert refused == 0  # each person counts against their own 60 a minute, not one robot's
    assert all(c.api_requests <= 8 for c in clicks)
