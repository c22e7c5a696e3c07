"""The Dashboard tab as values and chart specs (pure): the stores draw it, replacing what was there."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sheets_bridge.insights.metrics import Metrics


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
    x_title: str = ""
    y_title: str = ""
    percent: bool = False  # the values are rates from 0 to 1
    more_value_cols: tuple[int, ...] = ()  # further series beside value_col (then a legend names each)
    reversed_axis: bool = False  # smaller is better (search positions): 1 at the top
    whole_to: int = 0  # counts: an axis of whole numbers from 0 to this (never 0-1.2 for one link)


@dataclass
class DashboardLayout:
    """Values from A1 down and the charts to place beside them."""

    values: list[list[Any]]
    charts: list[ChartSpec] = field(default_factory=list)
    percent_cells: list[tuple[int, int]] = field(default_factory=list)  # (row, column), 0-based: show as 0%
    title_rows: list[int] = field(default_factory=list)  # 0-based rows that title a table
    header_rows: list[int] = field(default_factory=list)
    widths: tuple[int, ...] = (38, 16, 16, 12)  # characters, columns A-D


DEFINITIONS = (
    "How to read these counts:",
    "Pipeline by status counts every row of Prospects by its Status now (blank counts as New); rows no longer in "
    "the gap stay for your notes and are counted apart. 'In the gap now' is the prospect count a score run "
    "reports and logs.",
    "Pitched: prospects with at least one touch logged as Sent in the Outreach log; a prospect's angle is that "
    "of its first touch. Positive: replied positive or placed.",
    "Reached: prospects with a touch logged, or a Status past New and Queued; placed: logged as placed, Status "
    "Placed, or flagged 'Links to you since' from your own fresh export.",
)


def build_layout(m: Metrics) -> DashboardLayout:
    """Lay the metrics out as titled tables, one under another, with three charts to the right."""
    rows: list[list[Any]] = [["Backlink gap dashboard", "as of", m.today.isoformat()], []]
    layout = DashboardLayout(values=rows, title_rows=[0])

    def table(title: str, header: list[str], body: list[list[Any]],
              percent_col: int | None = None) -> tuple[int, int]:
        layout.title_rows.append(len(rows))
        rows.append([title])
        start = len(rows)
        layout.header_rows.append(start)
        rows.append(header)
        for line in body:
            if percent_col is not None:
                layout.percent_cells.append((len(rows), percent_col))
            rows.append(line)
        end = len(rows)
        rows.append([])
        return start, end

    table("Pipeline by status", ["Status", "Prospects"], [[s, n] for s, n in m.status_counts]
          + [["of which no longer in the gap", m.left_gap], ["In the gap now", m.status_counts[-1][1] - m.left_gap]])
    start, end = table("Positive reply rate by outreach angle", ["Angle", "Pitched", "Positive replies", "Rate"],
                       [[a, n, p, r] for a, n, p, r in m.reply_by_angle], percent_col=3)
    layout.charts.append(ChartSpec("Positive reply rate by angle", "COLUMN", start, end, 0, 3, 0, 5,
                                   "Outreach angle", "Positive reply rate", percent=True))
    start, end = table("Placement rate by tier", ["Tier", "Reached", "Placed", "Rate"],
                       [[t, n, p, r] for t, n, p, r in m.placement_by_tier], percent_col=3)
    layout.charts.append(ChartSpec("Placement rate by tier", "COLUMN", start, end, 0, 3, 18, 5, "Tier",
                                   "Placement rate", percent=True))
    table("Time from first touch to placement (days)", ["Placed with dates", "Mean", "Median"],
          [[m.placed_with_dates, "" if m.mean_days_to_placement is None else m.mean_days_to_placement,
            "" if m.median_days_to_placement is None else m.median_days_to_placement]])
    table("Anchor text mix of placed links", ["Type", "Links", "Share"],
          [[k, n, s] for k, n, s in m.anchor_mix]
          + [["Exact-match risk", "YES" if m.exact_match_risk else "no", m.exact_match_share]], percent_col=2)
    start, end = table("Links placed per week", ["Week of", "Placed", "Spike"],
                       [[w.isoformat(), n, "SPIKE" if spike else ""] for w, n, spike in m.weekly])
    layout.charts.append(ChartSpec("Links placed per week", "COLUMN", start, end, 0, 1, 36, 5, "Week of",
                                   "Links placed", whole_to=max([4] + [n for _, n, _ in m.weekly])))
    table("Follow-ups", ["Due this week", "Overdue"], [[m.due_this_week, m.overdue]])
    if m.assets_waiting:
        target, top, every = m.assets_waiting[0]
        table("Assets to improve before outreach", ["Target page", "Tier A/B waiting", "All waiting"],
              [[t, a, n] for t, a, n in m.assets_waiting]
              + [[f"Upgrading {target} unblocks {every} prospects ({top} of tier A or B)"]])
    if m.forecast is not None:
        f = m.forecast
        body: list[list[Any]] = [
            ["Placed so far this quarter", f.placed_this_quarter],
            [f"Expected from {f.in_flight} in flight and {f.queued} queued", f.expected],
            ["Forecast (90% interval)", f"{f.forecast:.1f} ({f.placed_this_quarter + f.low:.1f} to "
                                        f"{f.placed_this_quarter + f.high:.1f})"],
            ["Quarterly link goal", f.goal or "not set (Settings: Quarterly link goal)"],
            ["Still to find", round(f.gap, 1) if f.goal else ""]]
        body += [[f"To close the gap, contact {n} more {kind} prospects of tier {tier} ({rate:.0%} placed)"]
                 for kind, tier, n, rate in f.to_contact]
        table("Quarterly forecast", ["", "Placements"], body)
        table("Placement rate by prospect type (shrunk toward the overall rate)",
              ["Page type", "Tier", "Contacted", "Placed", "Rate"],
              [[k, t, n, hits, r] for k, t, n, hits, r in f.rates], percent_col=4)
    if m.plan is not None:
        table("90-day plan", [m.plan.title], [[line] for line in m.plan.lines])
    if m.movement:
        table("Ranking movement on linked target pages (28 days before the first placement vs the latest 28)",
              ["Target page", "First placement", "Placements", "Position before", "Position latest", "Change",
               "Clicks before", "Clicks latest"],
              [[v.url, v.first_placement.isoformat(), v.placements, "" if v.position_before is None else
                v.position_before, "" if v.position_latest is None else v.position_latest,
                "" if v.position_change is None else v.position_change,
                "no data" if v.clicks_before is None else v.clicks_before, v.clicks_latest]
               for v in m.movement]
              + [["Correlation is not attribution: positions move with content, competitors and Google's updates "
                  "too; read a gain as a sign worth checking, not as the links' effect."]])
    if m.position_weeks:
        urls = list(m.position_weeks[0][1].keys())
        start, end = table("Average position by week, top target pages (1 is the top result)",
                           ["Week of", *urls], [[week.isoformat(), *[("" if p is None else p) for p in by_url.values()]]
                                                 for week, by_url in m.position_weeks])
        layout.charts.append(ChartSpec("Position over time, top target pages", "LINE", start, end, 0, 1, 54, 5,
                                       "Week of", "Average position",
                                       more_value_cols=tuple(range(2, len(urls) + 1)), reversed_axis=True))
    if m.checklist:
        table("Launch checklist (playbook sections 2 and 10)", ["Check", "Status", "What to do"],
              [list(line) for line in m.checklist])
    for line in DEFINITIONS:
        rows.append([line])
    widest = max((len([c for c in r if c not in (None, "")]) for r in rows if len(r) > 1), default=0)
    layout.charts = [replace(c, anchor_col=max(c.anchor_col, widest + 1)) for c in layout.charts]  # beside, never on
    return layout
