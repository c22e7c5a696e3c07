"""The Dashboard tab as values and chart specs (pure): the stores draw it, replacing what was there."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sheets_bridge.pipeline.metrics import Metrics


@dataclass(frozen=True)
class ChartSpec:
    """A chart over a table of the Dashboard: labels in one column, values in another (0-based, end-exclusive)."""

    title: str
    kind: str  # "COLUMN" or "LINE"
    first_row: int  # the header row of the table
    last_row: int
    label_col: int
    value_col: int
    anchor_row: int
    anchor_col: int


@dataclass
class DashboardLayout:
    """Values from A1 down and the charts to place beside them."""

    values: list[list[Any]]
    charts: list[ChartSpec] = field(default_factory=list)


def build_layout(m: Metrics) -> DashboardLayout:
    """Lay the metrics out as titled tables, one under another, with three charts to the right."""
    rows: list[list[Any]] = [["Backlink gap dashboard", "as of", m.today.isoformat()], []]
    charts: list[ChartSpec] = []

    def table(title: str, header: list[str], body: list[list[Any]]) -> tuple[int, int]:
        rows.append([title])
        start = len(rows)
        rows.append(header)
        rows.extend(body)
        end = len(rows)
        rows.append([])
        return start, end

    table("Pipeline by status", ["Status", "Prospects"], [[s, n] for s, n in m.status_counts])
    start, end = table("Positive reply rate by outreach angle", ["Angle", "Contacted", "Positive replies", "Rate"],
                       [[a, n, p, r] for a, n, p, r in m.reply_by_angle])
    charts.append(ChartSpec("Positive reply rate by angle", "COLUMN", start, end, 0, 3, 0, 6))
    start, end = table("Placement rate by tier", ["Tier", "Contacted", "Placed", "Rate"],
                       [[t, n, p, r] for t, n, p, r in m.placement_by_tier])
    charts.append(ChartSpec("Placement rate by tier", "COLUMN", start, end, 0, 3, 18, 6))
    table("Time from first touch to placement (days)", ["Placed with dates", "Mean", "Median"],
          [[m.placed_with_dates, "" if m.mean_days_to_placement is None else m.mean_days_to_placement,
            "" if m.median_days_to_placement is None else m.median_days_to_placement]])
    table("Anchor text mix of placed links", ["Type", "Links", "Share"], [[k, n, s] for k, n, s in m.anchor_mix]
          + [["Exact-match risk", "YES" if m.exact_match_risk else "no", m.exact_match_share]])
    start, end = table("Links placed per week", ["Week of", "Placed", "Spike"],
                       [[w.isoformat(), n, "SPIKE" if spike else ""] for w, n, spike in m.weekly])
    charts.append(ChartSpec("Links placed per week", "LINE", start, end, 0, 1, 36, 6))
    table("Follow-ups", ["Due this week", "Overdue"], [[m.due_this_week, m.overdue]])
    return DashboardLayout(values=rows, charts=charts)
