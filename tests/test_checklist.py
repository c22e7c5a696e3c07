"""The launch checklist: each line from facts, and the Dashboard block from a scored workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sheets_bridge.insights.checklist import ChecklistFacts, launch_checklist
from sheets_bridge.intake.settings import parse_settings
from sheets_bridge.service.actions import dashboard, score
from sheets_bridge.store.xlsx import XlsxStore


def _facts(**change: object) -> ChecklistFacts:
    base: dict[str, object] = dict(
        competitors=["a.com", "b.com", "c.com"], your_authority=40.0, competitor_authority={"a.com": 50.0, "b.com": 90},
        prospects=120, giants=0, target_urls=["https://mine.com/guide"] * 3, last_score_warnings="",
        template_problems=[], logged_results={"sent", "placed"})
    base.update(change)
    return ChecklistFacts(**base)  # type: ignore[arg-type]


def test_a_ready_campaign_passes_every_line() -> None:
    lines = launch_checklist(_facts())
    assert [status for _, status, _ in lines] == ["pass"] * 8
    assert lines[1][2] == "within 15 points of yours: a.com"


def test_each_failure_says_the_fix() -> None:
    lines = dict((check, (status, fix)) for check, status, fix in launch_checklist(_facts(
        competitors=["a.com", "b.com"], competitor_authority={"a.com": 80.0}, giants=4,
        target_urls=["https://mine.com/", "", "https://mine.com/g"],
        last_score_warnings="2 warnings: Tab 'a.com': its newest link was first seen 2026-01-02, 328 days ago: "
                            "refresh the export | Tab 'x': other",
        template_problems=["Templates row 3: the same body serves a, b; write one per page type"],
        logged_results={"sent"})))
    assert lines["3 to 5 competitors"] == ("FAIL", "2 competitor tabs: add competitors' exports")
    assert lines["A competitor of similar authority"][0] == "FAIL"
    assert lines["No giant publishers left in"] == (
        "FAIL", "4 prospects of authority 90 or more: set Max authority to 90 in Settings")
    assert lines["Competitor exports fresh (90 days)"] == (
        "FAIL", "refresh a.com (328 days) and revisit the competitor set quarterly")
    assert lines["Every prospect mapped to a specific page"] == (
        "FAIL", "1 without a target, 1 to the home page: add pages to the Targets tab")
    assert lines["A distinct template per outreach angle"][0] == "FAIL"
    assert lines["Reply and placement rates tracked"][0] == "to do"


def test_unknown_facts_say_what_would_check_them() -> None:
    lines = {c: (s, f) for c, s, f in launch_checklist(_facts(your_authority=None, last_score_warnings=None,
                                                               template_problems=None))}
    assert lines["A competitor of similar authority"][0] == "to do"
    assert lines["Competitor exports fresh (90 days)"] == ("to do", "run Score prospects")
    assert lines["A distinct template per outreach angle"] == ("to do", "run Set up to get the Templates tab")


def test_settings_competitor_authority() -> None:
    settings = parse_settings([["Your authority", 42],
                               ["Competitor authority", "https://www.Rival.com/ 45; other.io: 60"]])
    assert settings.your_authority == 42 and settings.competitor_authority == (("rival.com", 45.0), ("other.io", 60.0))


def test_the_dashboard_shows_the_checklist_after_a_score(tmp_path: Path) -> None:
    header = ["Referring page URL", "Referring page title", "Domain rating", "First seen"]
    path = tmp_path / "book.xlsx"
    XlsxStore(path, create=True).replace_tabs({
        "Settings": [["Your domain", "mine.com"]],
        "rival.com": [header, ["https://alpha.com/res", "CRM", 50, "2026-01-05"]],
        "other.io": [header, ["https://beta.com/res", "CRM", 40, "2026-11-01"]]})
    summary, _ = score(XlsxStore(path), dt.date(2026, 11, 26))
    assert any("its newest link was first seen 2026-01-05, 325 days ago" in w for w in summary.warnings)
    result = dashboard(XlsxStore(path), dt.date(2026, 11, 26))
    checks = {c: s for c, s, _ in result["checklist"]}
    assert checks["3 to 5 competitors"] == "FAIL" and checks["Competitor exports fresh (90 days)"] == "FAIL"
    rows = XlsxStore(path).read_tabs()["Dashboard"]
    assert ["Check", "Status", "What to do"] in [r[:3] for r in rows]
