"""Expected placements this quarter and what it takes to reach the quarterly link goal (playbook section 15).

Placement rates come from the team's own history, by prospect type (page type × tier): of the prospects
contacted, how many were placed. A type with few contacts says little, so each rate is shrunk toward the
overall rate with a Beta prior worth ``PRIOR_CONTACTS`` pseudo-contacts at the overall rate:

    rate(type) = (placed(type) + PRIOR_CONTACTS × overall) / (contacted(type) + PRIOR_CONTACTS)

(the posterior mean of a Beta-binomial model). Two contacts and one placement then give a rate close to the
overall one; fifty contacts speak mostly for themselves. The forecast adds the placements already made this
quarter to the expected placements of the prospects in flight (contacted, neither placed nor lost) and
queued (Status Queued), each counted at its type's rate; the interval is a normal approximation of that sum
of independent chances (mean ± 1.645 × its standard deviation, 90%), floored at what is already placed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

PRIOR_CONTACTS = 10.0
Z90 = 1.645
LOST = frozenset({"declined", "replied negative", "do not contact"})


@dataclass
class Forecast:
    """The quarter's expected placements against the goal, and how to close the gap."""

    placed_this_quarter: int
    in_flight: int
    queued: int
    expected: float
    low: float
    high: float
    overall_rate: float
    goal: int
    rates: list[tuple[str, str, int, int, float]] = field(default_factory=list)  # type, tier, contacted, placed
    to_contact: list[tuple[str, str, int, float]] = field(default_factory=list)  # type, tier, how many, rate

    @property
    def forecast(self) -> float:
        return self.placed_this_quarter + self.expected

    @property
    def gap(self) -> float:
        return max(self.goal - self.forecast, 0.0) if self.goal else 0.0


def quarter_of(day: pd.Timestamp) -> tuple[int, int]:
    """(year, quarter 1-4) of a date."""
    return day.year, (day.month - 1) // 3 + 1


def forecast_quarter(prospects: pd.DataFrame, goal: int, today: pd.Timestamp) -> Forecast | None:
    """Forecast from one row per prospect: type, tier, status (lower case), contacted, placed, placed_on.

    None when nobody has been contacted yet: there is no history to learn a rate from.
    """
    p = prospects.assign(type=prospects["type"].astype(str).replace("", "other"),
                         tier=prospects["tier"].astype(str))
    contacted = p[p["contacted"]]
    if contacted.empty:
        return None
    overall = float(contacted["placed"].mean())
    history = contacted.groupby(["type", "tier"])["placed"].agg(["size", "sum"])
    groups: list[tuple[str, str, int, int]] = [
        (str(k), str(t), int(n), int(hits)) for k, t, n, hits in zip(
            history.index.get_level_values(0), history.index.get_level_values(1), history["size"], history["sum"],
            strict=True)]
    rate_of = {(k, t): (hits + PRIOR_CONTACTS * overall) / (n + PRIOR_CONTACTS) for k, t, n, hits in groups}

    def rate(kind: str, tier: str) -> float:
        return rate_of.get((kind, tier), overall)

    lost = p["status"].isin(LOST)
    in_flight = p[p["contacted"] & ~p["placed"] & ~lost]
    queued = p[~p["contacted"] & ~p["placed"] & (p["status"] == "queued")]
    chances = [rate(k, t) for k, t in zip(pd.concat([in_flight, queued])["type"], pd.concat([in_flight, queued])[
        "tier"], strict=True)]
    expected = float(sum(chances))
    spread = Z90 * math.sqrt(sum(c * (1 - c) for c in chances))
    year_quarter = quarter_of(today)
    dates = pd.to_datetime(p.loc[p["placed"], "placed_on"], errors="coerce").dropna()
    placed_now = int(sum(1 for d in dates if quarter_of(d) == year_quarter))
    result = Forecast(placed_this_quarter=placed_now, in_flight=len(in_flight), queued=len(queued),
                      expected=round(expected, 2), low=round(max(expected - spread, 0.0), 2),
                      high=round(expected + spread, 2), overall_rate=round(overall, 4), goal=goal,
                      rates=[(k, t, n, hits, round(rate_of[(k, t)], 4)) for k, t, n, hits in groups])
    result.rates.sort(key=lambda r: (-r[4], r[0], r[1]))
    remaining = result.gap
    if remaining > 0:
        fresh = p[~p["contacted"] & ~p["placed"] & ~lost & (p["status"] != "queued")]
        sizes = fresh.groupby(["type", "tier"]).size()
        available = [(str(k), str(t), int(n)) for k, t, n in zip(
            sizes.index.get_level_values(0), sizes.index.get_level_values(1), sizes, strict=True)]
        for kind, tier, count in sorted(available, key=lambda a: (-rate(a[0], a[1]), a[0], a[1])):
            if remaining <= 0:
                break
            r = rate(kind, tier)
            if r <= 0:
                continue
            take = min(count, math.ceil(remaining / r))
            result.to_contact.append((kind, tier, take, round(r, 4)))
            remaining -= take * r
    return result
