"""Changing 'Your domain' re-evaluates the list, and every count names the same prospects."""

from __future__ import annotations

from pathlib import Path

from conftest import TODAY
from openpyxl import load_workbook

from sheets_bridge.service.actions import dashboard, followups, score
from sheets_bridge.store.xlsx import XlsxStore


def _set_domain(path: Path, domain: str) -> None:
    wb = load_workbook(path)
    ws = wb["Settings"]
    row = next(r for r in ws.iter_rows(min_row=1) if r[0].value == "Your domain")
    row[1].value = domain
    wb.save(path)


def test_a_new_own_domain_re_evaluates_the_rows_and_one_count_holds_everywhere(demo_copy: Path) -> None:
    first, _ = score(XlsxStore(demo_copy), TODAY)
    # crminsider.org, where the team placed a link, has 22 links to crmpilot.io in its referring-domains export,
    # more than to any competitor (20): it links to you, and its row stays for the team's notes
    assert first.left_gap == 1 and sum(first.tiers.values()) == first.prospects
    _set_domain(demo_copy, "pipelinehq.com")  # the team typed the wrong site first; now their own
    second, _ = score(XlsxStore(demo_copy), TODAY)
    # sites linking to the new own domain are no longer prospects: kept on the list for the team's notes,
    # flagged, and counted apart; the old domain is now a competitor, so its linkers may enter the gap
    assert second.left_gap > 0 and "crmpilot.io" in second.competitors and "pipelinehq.com" not in second.competitors
    assert sum(second.tiers.values()) == second.prospects
    updated = followups(XlsxStore(demo_copy), TODAY)
    assert (updated.prospects, updated.left_gap) == (second.prospects, second.left_gap)
    shown = dashboard(XlsxStore(demo_copy), TODAY)
    assert shown["left_gap"] == second.left_gap
    assert shown["status_counts"][-1][1] - shown["left_gap"] == second.prospects  # "In the gap now"
    # and typing the first domain back brings every row back into the gap: nothing stays "left" for good
    _set_domain(demo_copy, "crmpilot.io")
    third, _ = score(XlsxStore(demo_copy), TODAY)
    assert third.prospects == first.prospects  # every first prospect is back in the gap, none "left" for good
    # only the rows the wrong domain brought in are now out of the gap (kept for any notes typed on them)
    assert third.left_gap == second.prospects + second.left_gap - first.prospects
