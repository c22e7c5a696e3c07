"""The 90-day plan (playbook section 9): which day and phase a campaign is in, and the phase's own figures.

Phases: days 1-15 build and clean the dataset, 16-30 score and prepare assets, 31-60 outreach in batches,
61-90 optimise and expand. Each phase is judged by what it is for; the figures come from the Dashboard's.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

PHASES = ((1, 15, "Build and clean the dataset"), (16, 30, "Score and prepare assets"),
          (31, 60, "Outreach in batches"), (61, 90, "Optimise and expand"))


@dataclass(frozen=True)
class PlanFacts:
    """What the phases are judged on, from the Prospects tab and the Outreach log."""

    prospects: int
    competitors: int
    with_target: int
    assets_waiting: int
    top_tier_uncontacted: int  # tier A and B prospects not contacted yet
    first_touches_last_7_days: int
    best_angle: tuple[str, int, float] | None  # angle, pitched, positive reply rate
    best_tier: tuple[str, int, float] | None  # tier, reached, placement rate
    to_contact_for_goal: int | None = None  # the forecast's contacts still needed to reach the quarter's goal


@dataclass
class PlanStatus:
    """The campaign's day and phase, and one line per figure that matters in it."""

    day: int
    phase: int  # 0 before the start, 5 after day 90
    title: str
    lines: list[str] = field(default_factory=list)


def campaign_plan(start: dt.date, today: dt.date, facts: PlanFacts) -> PlanStatus:
    """Where the campaign stands on ``today`` and what the current phase asks for."""
    day = (today - start).days + 1
    if day < 1:
        return PlanStatus(day, 0, f"Starts in {1 - day} days ({start.isoformat()})",
                          ["Before day 1: import each competitor's backlink export and your own site's"])
    if day > 90:
        return PlanStatus(day, 5, f"Day {day}: the 90 days are over",
                          ["Revisit the competitor set (the playbook says quarterly), refresh the exports and "
                           "set a new Campaign start and Campaign name"])
    number, (first, last, name) = next((i + 1, ph) for i, ph in enumerate(PHASES) if ph[0] <= day <= ph[1])
    status = PlanStatus(day, number, f"Day {day} of 90: phase {number} (days {first}-{last}), {name.lower()}")
    if number == 1:
        status.lines += [f"Competitors with exports: {facts.competitors} (the playbook asks for 3 to 5)",
                         f"Prospects in the gap after cleaning: {facts.prospects}"]
    elif number == 2:
        share = facts.with_target / facts.prospects if facts.prospects else 0.0
        status.lines += [f"Prospects mapped to a target page: {facts.with_target} of {facts.prospects} ({share:.0%})",
                         f"Prospects waiting for a page to be improved: {facts.assets_waiting}",
                         f"Tier A and B prospects ready for outreach on day 31: {facts.top_tier_uncontacted}"]
    elif number == 3:
        weeks_left = max(math.ceil((last - day + 1) / 7), 1)
        if facts.to_contact_for_goal is not None:  # the goal sets the pace: the same number as the forecast's
            needed = math.ceil(facts.to_contact_for_goal / weeks_left)
            target = (f"to make the {facts.to_contact_for_goal} contacts the forecast asks for to reach the goal"
                      if facts.to_contact_for_goal else "(the forecast already reaches the goal)")
        else:
            needed = math.ceil(facts.top_tier_uncontacted / weeks_left)
            target = f"to reach the {facts.top_tier_uncontacted} tier A and B prospects left"
        pace = "on track" if facts.first_touches_last_7_days >= needed else "behind"
        status.lines += [f"First touches in the last 7 days: {facts.first_touches_last_7_days}; needed: {needed} a "
                         f"week {target} in {weeks_left} week{'s' if weeks_left != 1 else ''} ({pace})"]
    else:
        if facts.best_angle:
            angle, pitched, rate = facts.best_angle
            status.lines.append(f"Winning angle: {angle} ({rate:.0%} positive replies of {pitched} pitched): "
                                "write more pitches like it")
        if facts.best_tier:
            tier, reached, rate = facts.best_tier
            status.lines.append(f"Best segment: tier {tier} ({rate:.0%} placed of {reached} reached): expand "
                                "with more prospects like it")
        if not status.lines:
            status.lines.append("Too few replies yet to name a winning angle or segment")
    return status
