"""The emulator replays gspread's recordings of Google's real API traffic (see sheets_emulator.conformance).

Recordings come from ../shared/gspread_cassettes (or $SHEETS_BRIDGE_CASSETTES) and are never copied here.
Files outside the emulator's scope are listed with their reason in conformance.EXCLUDED / EXCLUDED_PATTERNS.
"""

from __future__ import annotations

import pytest

from sheets_emulator import conformance

DIRECTORY = conformance.default_dir()
pytestmark = pytest.mark.skipif(not DIRECTORY.is_dir(), reason=f"no recordings at {DIRECTORY}")


def test_at_least_99_percent_of_supported_interactions_match_exactly() -> None:
    results, excluded = conformance.run(DIRECTORY)
    total = sum(r.total for r in results)
    matched = sum(r.matched for r in results)
    assert len(results) >= 100 and total >= 1500
    assert all(reason for reason in excluded.values()) and len(excluded) <= 4, excluded
    ratio = matched / total
    worst = sorted(results, key=lambda r: r.matched / max(r.total, 1))[:5]
    assert ratio >= 0.99, f"{matched}/{total} = {ratio:.1%}; worst: " + "; ".join(
        f"{r.name} {r.matched}/{r.total}: {r.mismatches[:1]}" for r in worst)


def test_error_bodies_match_google() -> None:
    result = conformance.replay(DIRECTORY / "ClientTest.test_access_non_existing_spreadsheet.json")
    assert result.matched == result.total
