"""The quarterly forecast and the 90-day plan, against figures computed by hand from the documented rules."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from sheets_bridge.insights.forecast import forecast_quarter
from sheets_bridge.insights.plan import PlanFacts, campaign_plan


def _rows(n: int, kind: str, tier: str, status: str, contacted: bool, placed: bool = False,
          placed_on: str | None = None) -> list[dict[str, object]]:
    return [{"type": kind, "tier": tier, "status": status, "contacted": contacted, "placed": placed,
             "placed_on": pd.Timestamp(placed_on) if placed_on else pd.NaT}] * n


def test_forecast_by_hand() -> None:
    rows = (_rows(2, "resource page", "A", "placed", True, True, "2026-10-05")  # placed this quarter (Q4)
            + _rows(2, "resource page", "A", "placed", True, True, "2026-08-01")  # placed last quarter
            + _rows(5, "resource page", "A", "contacted", True)  # in flight
            + _rows(1, "resource page", "A", "declined", True)  # lost
            + _rows(2, "list", "B", "contacted", True)  # in flight
            + _rows(3, "other", "C", "queued", False)  # queued, a type with no history
            + _rows(6, "resource page", "A", "new", False) + _rows(20, "list", "B", "new", False))
    f = forecast_quarter(pd.DataFrame(rows), goal=10, today=pd.Timestamp("2026-11-26"))
    assert f is not None
    # history: resource/A 4 placed of 10 contacted; list/B 0 of 2; overall 4 of 12 = 1/3
    # shrunk with 10 pseudo-contacts at 1/3: (4 + 10/3) / 20 = 0.366667 and (0 + 10/3) / 12 = 0.277778
    assert f.overall_rate == pytest.approx(1 / 3, abs=1e-4)
    assert f.rates == [("resource page", "A", 10, 4, 0.3667), ("list", "B", 2, 0, 0.2778)]
    # expected: 5 x 0.366667 + 2 x 0.277778 + 3 x 1/3 = 3.388889; variance 2.229012 -> ±2.455970 (90%)
    assert (f.in_flight, f.queued, f.placed_this_quarter) == (7, 3, 2)
    assert (f.expected, f.low, f.high) == (3.39, 0.93, 5.84)
    assert f.forecast == pytest.approx(5.39)
    # gap 10 - 5.388889 = 4.611111: all 6 fresh resource/A (2.2 expected), then ceil(2.411111 / 0.277778) = 9
    assert f.to_contact == [("resource page", "A", 6, 0.3667), ("list", "B", 9, 0.2778)]


def test_no_history_no_forecast() -> None:
    assert forecast_quarter(pd.DataFrame(_rows(3, "list", "A", "new", False)), 5, pd.Timestamp("2026-11-26")) is None


FACTS = PlanFacts(prospects=400, competitors=4, with_target=300, assets_waiting=12, top_tier_uncontacted=20,
                  first_touches_last_7_days=3, best_angle=("resource page angle", 20, 0.25),
                  best_tier=("A", 12, 0.5))


@pytest.mark.parametrize(("today", "phase", "title", "line"), [
    (dt.date(2026, 10, 19), 0, "Starts in 1 days (2026-10-20)", "Before day 1"),
    (dt.date(2026, 10, 24), 1, "Day 5 of 90: phase 1 (days 1-15), build and clean the dataset",
     "Competitors with exports: 4 (the playbook asks for 3 to 5)"),
    (dt.date(2026, 11, 8), 2, "Day 20 of 90: phase 2 (days 16-30), score and prepare assets",
     "Prospects mapped to a target page: 300 of 400 (75%)"),
    # day 38: 23 days left in the phase = 4 weeks; 20 prospects / 4 = 5 a week, 3 sent: behind
    (dt.date(2026, 11, 26), 3, "Day 38 of 90: phase 3 (days 31-60), outreach in batches",
     "First touches in the last 7 days: 3; needed: 5 a week to reach the 20 tier A and B prospects left in "
     "4 weeks (behind)"),
    (dt.date(2026, 12, 28), 4, "Day 70 of 90: phase 4 (days 61-90), optimise and expand",
     "Winning angle: resource page angle (25% positive replies of 20 pitched): write more pitches like it"),
    (dt.date(2027, 1, 23), 5, "Day 96: the 90 days are over", "Revisit the competitor set"),
])
def test_ninety_day_plan(today: dt.date, phase: int, title: str, line: str) -> None:
    status = campaign_plan(dt.date(2026, 10, 20), today, FACTS)
    assert (status.phase, status.title) == (phase, title)
    assert any(text.startswith(line) for text in status.lines), status.lines


def test_with_a_goal_the_plan_asks_for_the_forecasts_contacts_not_the_whole_backlog() -> None:
    from dataclasses import replace

    facts = replace(FACTS, to_contact_for_goal=11)  # the forecast: contact 11 more to reach the goal
    status = campaign_plan(dt.date(2026, 10, 20), dt.date(2026, 11, 26), facts)  # day 38: 4 weeks left
    assert ("First touches in the last 7 days: 3; needed: 3 a week to make the 11 contacts the forecast asks for "
            "to reach the goal in 4 weeks (on track)") in status.lines
    reached = campaign_plan(dt.date(2026, 10, 20), dt.date(2026, 11, 26), replace(FACTS, to_contact_for_goal=0))
    assert any("needed: 0 a week (the forecast already reaches the goal)" in line for line in reached.lines)


def test_dashboard_shows_forecast_and_plan() -> None:
    from sheets_bridge.insights.metrics import compute_metrics
    from sheets_bridge.intake.settings import parse_settings
    from sheets_bridge.outreach.cadence import parse_outreach_log
    from sheets_bridge.workbook.dashboard import build_layout

    prospects = pd.DataFrame({"Domain": ["a.com", "b.com", "c.com", "d.com"], "Tier": ["A", "A", "B", "A"],
                              "Page type": ["list"] * 4, "Status": ["Placed", "Contacted", "Queued", "New"]})
    log = parse_outreach_log([["Date", "Domain", "Touch", "Angle", "Result"],
                              ["2026-11-02", "a.com", 1, "list", "sent"], ["2026-11-20", "a.com", "", "", "placed"],
                              ["2026-11-24", "b.com", 1, "list", "sent"]]).frame
    settings = parse_settings([["Quarterly link goal", 3], ["Campaign start", "2026-10-20"]])
    metrics = compute_metrics(prospects, log, settings, dt.date(2026, 11, 26))
    assert metrics.forecast is not None and metrics.forecast.placed_this_quarter == 1
    assert metrics.plan is not None and metrics.plan.phase == 3
    values = build_layout(metrics).values
    assert ["Placed so far this quarter", 1] in values and ["Quarterly link goal", 3] in values
    assert [metrics.plan.title] in values
