"""Outreach metrics for the Dashboard: pipeline, reply and placement rates, time to placement, anchors, velocity."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sheets_bridge.contract import STATUSES
from sheets_bridge.gap.targets import IMPROVE_PREFIX
from sheets_bridge.insights.forecast import Forecast, forecast_quarter
from sheets_bridge.insights.plan import PlanFacts, PlanStatus, campaign_plan
from sheets_bridge.insights.rankings import Movement, ranking_movement, weekly_positions
from sheets_bridge.intake.settings import Settings

GENERIC_ANCHORS = ("click here", "here", "read more", "this guide", "this article", "website", "link", "this",
                   "source", "learn more", "more", "this post", "this page", "see more")
PLACED_FLAG = re.compile(r"Links to you since (\d{4}-\d{2}-\d{2})")
POSITIVE = {"replied positive", "placed"}


@dataclass
class Metrics:
    """Every figure the Dashboard shows."""

    today: dt.date
    status_counts: list[tuple[str, int]]
    reply_by_angle: list[tuple[str, int, int, float]]
    placement_by_tier: list[tuple[str, int, int, float]]
    placed_with_dates: int
    mean_days_to_placement: float | None
    median_days_to_placement: float | None
    anchor_mix: list[tuple[str, int, float]]
    exact_match_share: float
    exact_match_risk: bool
    weekly: list[tuple[dt.date, int, bool]]
    due_this_week: int
    overdue: int
    warnings: list[str] = field(default_factory=list)
    left_gap: int = 0  # rows kept for the team's notes that are no longer in the gap (the Total counts them)
    # target pages not ready to pitch: (target URL, tier A/B prospects waiting, all waiting), most blocking first
    assets_waiting: list[tuple[str, int, int]] = field(default_factory=list)
    forecast: Forecast | None = None  # None: nobody contacted yet, no history to learn from
    plan: PlanStatus | None = None  # None: no Campaign start in Settings
    checklist: list[tuple[str, str, str]] = field(default_factory=list)  # launch checklist lines
    movement: list[Movement] = field(default_factory=list)  # ranking movement of target pages with placements
    # weekly average position of the top target pages (by placements): (week, {url: position or None})
    position_weeks: list[tuple[dt.date, dict[str, float | None]]] = field(default_factory=list)


def classify_anchor(anchor: str, settings: Settings) -> str:
    """Branded, exact match, partial match, URL or generic, against the team's domain, brand and topics."""
    text = anchor.strip().lower()
    if not text:
        return "generic"
    own = settings.your_domain.lower()
    if re.match(r"^(https?://|www\.)", text) or re.match(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?$", text):
        return "URL"
    brand = [b for b in settings.brand_keywords if b] + ([own.split(".")[0]] if own else [])
    if any(b in text for b in brand):
        return "branded"
    topics = [t for t in settings.topic_keywords if t]
    if text in topics:
        return "exact match"
    words = {w for t in topics for w in t.split() if len(w) > 2}
    if any(t in text for t in topics) or words & set(re.findall(r"[a-z0-9]+", text)):
        return "partial match"
    return "generic"


def left_gap_mask(flags: pd.Series) -> pd.Series:
    """Which rows kept on the list are no longer in the gap: they left it, or now link to the team."""
    text = flags.astype(str)
    return text.str.contains("left the gap", regex=False) | text.str.contains("Links to you", regex=False)


def left_gap_count(flags: pd.Series) -> int:
    """How many rows kept on the list are no longer in the gap."""
    return int(left_gap_mask(flags).sum())


def _week(day: pd.Timestamp) -> dt.date:
    return (day - pd.Timedelta(days=day.weekday())).date()


def compute_metrics(prospects: pd.DataFrame, log: pd.DataFrame, settings: Settings, today: dt.date,
                    exact_threshold: float = 0.10, weeks: int = 12,
                    rankings: Sequence[Sequence[Any]] | None = None) -> Metrics:
    """All dashboard figures from the Prospects tab (as read) and the parsed Outreach log."""
    p = prospects.copy()
    for column in ("Domain", "Status", "Tier", "Flags", "Next follow-up", "Next action", "Target URL"):
        if column not in p.columns:
            p[column] = ""
    p["Domain"] = p["Domain"].astype(str)
    status = p["Status"].astype(object).fillna("").astype(str).str.strip()
    status = status.where(status != "", "New")
    counts = [(s, int((status == s).sum())) for s in STATUSES]
    others = int((~status.isin(STATUSES)).sum())
    if others:
        counts.append(("Other", others))
    counts.append(("Total", len(p)))

    sent = log[log["result"].isin(["", "sent"])].sort_values("date", kind="stable")
    first_touch = sent.groupby("key")["date"].min()
    angle_of = sent.groupby("key")["angle"].first().replace("", "(no angle)")
    logged = log.assign(result=log["result"].str.lower())
    positive_keys = set(logged.loc[logged["result"].isin(POSITIVE), "key"])
    status_of = dict(zip(p["Domain"], status.str.lower(), strict=True))
    positive_keys |= {k for k, s in status_of.items() if s in POSITIVE}
    reply = []
    for angle in sorted(set(angle_of)):
        keys = set(angle_of[angle_of == angle].index)
        hits = len(keys & positive_keys)
        reply.append((angle, len(keys), hits, round(hits / len(keys), 4) if keys else 0.0))

    placed_log = logged[logged["result"] == "placed"].groupby("key")["date"].min()
    flagged = p["Flags"].astype(str).str.extract(PLACED_FLAG, expand=False)
    placed_at = {k: pd.Timestamp(v) for k, v in placed_log.items()}
    for key, since in zip(p["Domain"], flagged, strict=True):
        if isinstance(since, str) and key not in placed_at:
            placed_at[key] = pd.Timestamp(since)
    placed_keys = set(placed_at) | {k for k, s in status_of.items() if s == "placed"}
    contacted = set(first_touch.index) | {k for k, s in status_of.items() if s not in {"new", "queued", ""}}
    tier_of = dict(zip(p["Domain"], p["Tier"].astype(str), strict=True))
    tiers = []
    for tier in ("A", "B", "C"):
        keys = {k for k in contacted if tier_of.get(k) == tier}
        hits = len(keys & placed_keys)
        tiers.append((tier, len(keys), hits, round(hits / len(keys), 4) if keys else 0.0))
    untiered = {k for k in contacted if k in tier_of and tier_of[k] not in ("A", "B", "C")}
    if untiered:  # on Prospects, reached, without a tier (out of the gap): counted, so the tables add up the same
        hits = len(untiered & placed_keys)
        tiers.append(("no tier", len(untiered), hits, round(hits / len(untiered), 4)))

    touched = {str(k): pd.Timestamp(v) for k, v in first_touch.items()}
    days = [(placed_at[k] - touched[k]).days for k in placed_at if k in touched]
    days = [d for d in days if d >= 0]

    anchors = logged.loc[logged["result"] == "placed", "anchor"].astype(str)
    kinds = [classify_anchor(a, settings) for a in anchors]
    total = len(kinds)
    mix = [(kind, kinds.count(kind), round(kinds.count(kind) / total, 4) if total else 0.0)
           for kind in ("branded", "exact match", "partial match", "URL", "generic")]
    exact_share = mix[1][2]

    this_week = _week(pd.Timestamp(today))
    starts = [this_week - dt.timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    placed_weeks = pd.Series([_week(ts) for ts in placed_at.values()], dtype=object)
    per_week = placed_weeks.value_counts().to_dict() if len(placed_weeks) else {}
    weekly = []
    for start in starts:
        trailing = [per_week.get(start - dt.timedelta(weeks=i), 0) for i in range(1, 9)]
        median = float(np.median(trailing))
        count = int(per_week.get(start, 0))
        weekly.append((start, count, count > 3 * max(median, 1.0)))

    next_dates = pd.to_datetime(p["Next follow-up"].map(_as_date), errors="coerce")
    target_of = dict(zip(p["Domain"], p["Target URL"].fillna("").astype(str), strict=True))
    left = left_gap_count(p["Flags"])
    placed_targets = pd.Series([target_of.get(k, "") for k in placed_keys], dtype=object)
    placed_targets = placed_targets[placed_targets.str.strip() != ""]
    top_targets = [str(u) for u in placed_targets.value_counts().sort_index().sort_values(
        ascending=False, kind="stable").index[:3]]
    movement = ranking_movement(rankings, pd.DataFrame(
        [(target_of[key], when) for key, when in placed_at.items() if target_of.get(key, "").strip()],
        columns=["url", "date"]))
    week_end = pd.Timestamp(this_week + dt.timedelta(days=6))
    now = pd.Timestamp(today)
    forecast = forecast_quarter(pd.DataFrame({
        "type": p.get("Page type", pd.Series("", index=p.index)).astype(object).fillna(""),
        "tier": p["Tier"].astype(object).fillna(""), "status": status.str.lower().to_numpy(),
        "contacted": p["Domain"].isin(contacted).to_numpy(), "placed": p["Domain"].isin(placed_keys).to_numpy(),
        "placed_on": p["Domain"].map(placed_at).to_numpy()}), settings.quarterly_link_goal, now)
    return Metrics(
        today=today, status_counts=counts, reply_by_angle=reply, placement_by_tier=tiers,
        placed_with_dates=len(days), mean_days_to_placement=round(float(np.mean(days)), 2) if days else None,
        median_days_to_placement=float(np.median(days)) if days else None, anchor_mix=mix,
        exact_match_share=exact_share, exact_match_risk=exact_share > exact_threshold, weekly=weekly,
        due_this_week=int(((next_dates >= now) & (next_dates <= week_end)).sum()),
        overdue=int((next_dates < now).sum()),
        left_gap=left, assets_waiting=assets_waiting(p),
        movement=movement, position_weeks=weekly_positions(rankings, top_targets),
        forecast=forecast,
        plan=None if settings.campaign_start is None else campaign_plan(settings.campaign_start, today, PlanFacts(
            prospects=len(p) - left,
            competitors=len({c.strip() for cell in p.get("Linked competitors", pd.Series(dtype=object)).dropna()
                             for c in str(cell).split(",") if c.strip()}),
            with_target=int((p["Target URL"].astype(str).str.strip() != "").sum()),
            assets_waiting=int(p["Next action"].astype(str).str.startswith(IMPROVE_PREFIX).sum()),
            top_tier_uncontacted=int((p["Tier"].astype(str).isin(["A", "B"]) & ~p["Domain"].isin(contacted)
                                      & ~status.str.lower().isin(["declined", "do not contact"])).sum()),
            first_touches_last_7_days=int(((first_touch >= now - pd.Timedelta(days=6)) & (first_touch <= now)).sum()),
            best_angle=_best([(a, n, r) for a, n, _, r in reply], 5),
            best_tier=_best([(t, n, r) for t, n, _, r in tiers], 5),
            to_contact_for_goal=None if forecast is None or not forecast.goal
            else sum(n for _, _, n, _ in forecast.to_contact))))


def _best(rows: list[tuple[str, int, float]], at_least: int) -> tuple[str, int, float] | None:
    """The highest rate among rows with at least ``at_least`` tries."""
    tried = [r for r in rows if r[1] >= at_least]
    return max(tried, key=lambda r: (r[2], r[1])) if tried else None


def assets_waiting(p: pd.DataFrame) -> list[tuple[str, int, int]]:
    """Target pages that hold prospects back, ranked by the tier A/B prospects waiting on each."""
    waiting = p[p["Next action"].astype(str).str.startswith(IMPROVE_PREFIX)]
    if waiting.empty:
        return []
    top = waiting["Tier"].astype(str).isin(["A", "B"])
    counts = pd.DataFrame({"target": waiting["Target URL"].astype(str), "top": top}).groupby("target")["top"].agg(
        ["sum", "size"])
    counts = counts.sort_values(["sum", "size"], ascending=False, kind="stable")
    return [(str(t), int(a), int(n)) for t, a, n in zip(counts.index, counts["sum"], counts["size"], strict=True)]


def _as_date(value: object) -> object:
    """A Next follow-up cell (serial number, date or text) as a timestamp, or NaT."""
    from sheets_bridge.intake.values import parse_date_text

    stamp = parse_date_text(value)
    return stamp if stamp is not None else pd.NaT
