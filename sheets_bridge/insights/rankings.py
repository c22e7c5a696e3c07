"""Ranking movement on linked target pages (playbook section 7): the Rankings tab and its Dashboard figures.

Rankings rows are (Date, URL, Query, Position, Clicks, Impressions). They come from a Search Console
performance export (its Pages table: Top pages, Clicks, Impressions, CTR, Position; the file has no date,
so the snapshot date is given at import) or from any dated export with a date, a page and a position
column (rank trackers). Rows are keyed by date, URL and query: importing the same data twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sheets_bridge.exceptions import ExportFormatError
from sheets_bridge.intake.ingest import normalise_header
from sheets_bridge.intake.values import parse_date_text, parse_number_text

HEADER = ("Date", "URL", "Query", "Position", "Clicks", "Impressions")
WINDOW_DAYS = 28
_COLUMNS = {
    "date": {"date", "day", "snapshot date"},
    "url": {"url", "page", "top pages", "landing page", "target url", "ranking url"},
    "query": {"query", "keyword", "top queries", "search query"},
    "position": {"position", "avg. position", "average position", "rank", "pos"},
    "clicks": {"clicks", "url clicks"},
    "impressions": {"impressions"},
}


def recognise_rankings(rows: Sequence[Sequence[Any]], source: str, snapshot: dt.date | None) -> list[list[Any]]:
    """Rankings rows from an export's rows; ExportFormatError naming what is missing."""
    header_at = next((i for i, r in enumerate(rows[:10]) if any(normalise_header(c) in _COLUMNS["url"] for c in r)),
                     None)
    if header_at is None:
        raise ExportFormatError(f"{source}: no page column (expected Top pages, Page or URL) in its first rows")
    header = [normalise_header(c) for c in rows[header_at]]
    at = {name: next((i for i, h in enumerate(header) if h in names), None) for name, names in _COLUMNS.items()}
    if at["position"] is None:
        raise ExportFormatError(f"{source}: no Position column")
    if at["date"] is None and snapshot is None:
        raise ExportFormatError(f"{source} has no Date column: give the date the export was taken (--date "
                                "YYYY-MM-DD), as a Search Console Pages export has none")
    out: list[list[Any]] = []
    for row in rows[header_at + 1:]:
        def cell(name: str, r: Sequence[Any] = row) -> Any:
            i = at[name]
            return r[i] if i is not None and i < len(r) else ""
        url = str(cell("url") or "").strip()
        position = parse_number_text(cell("position"))
        if not url or position != position:
            continue
        day = snapshot if at["date"] is None else parse_date_text(cell("date"))
        if day is None:
            continue
        day = day.date() if isinstance(day, pd.Timestamp) else day
        clicks, shown = parse_number_text(cell("clicks")), parse_number_text(cell("impressions"))
        out.append([day, url, str(cell("query") or "").strip(), round(position, 2),
                    "" if clicks != clicks else int(clicks), "" if shown != shown else int(shown)])
    if not out:
        raise ExportFormatError(f"{source}: no rows with a page and a position")
    return out


def merge_rankings(existing: Sequence[Sequence[Any]] | None, new: list[list[Any]]) -> list[list[Any]]:
    """The Rankings tab after adding ``new``: one row per date, URL and query (new rows win), by date and URL."""
    rows: dict[tuple[str, str, str], list[Any]] = {}
    for row in list((existing or [])[1:]) + new:
        cells = ["" if c is None else c for c in row] + [""] * (len(HEADER) - len(row))
        day = parse_date_text(cells[0])
        if day is None or not str(cells[1]).strip():
            continue
        date = day.date() if isinstance(day, pd.Timestamp) else day
        rows[(str(date), str(cells[1]).strip(), str(cells[2]).strip())] = [date, *cells[1:len(HEADER)]]
    return [list(HEADER)] + [rows[k] for k in sorted(rows)]


@dataclass(frozen=True)
class Movement:
    """One target page: before its first placement against the latest 28 days."""

    url: str
    first_placement: dt.date
    placements: int
    position_before: float | None
    position_latest: float | None
    clicks_before: int | None  # None: no data in the 28 days before the first placement (not a gain from zero)
    clicks_latest: int

    @property
    def position_change(self) -> float | None:
        """Positive when the page moved up (a smaller position number)."""
        if self.position_before is None or self.position_latest is None:
            return None
        return round(self.position_before - self.position_latest, 2)


def ranking_movement(rankings: Sequence[Sequence[Any]] | None, placements: pd.DataFrame) -> list[Movement]:
    """For each target URL with placements (columns url, date), average position and clicks in the 28 days
    before its first placement and in the latest 28 days of data, with the placements in between."""
    merged = merge_rankings(rankings, [])[1:]
    if not merged or placements.empty:
        return []
    frame = pd.DataFrame(merged, columns=list(HEADER))
    frame["Date"] = pd.to_datetime(frame["Date"])
    frame["Position"] = pd.to_numeric(frame["Position"], errors="coerce")
    frame["Clicks"] = pd.to_numeric(frame["Clicks"], errors="coerce").fillna(0)
    out = []
    for url, group in placements.groupby("url"):
        dates = pd.to_datetime(group["date"]).dropna()
        page = frame[frame["URL"].str.rstrip("/") == str(url).rstrip("/")]
        if dates.empty or page.empty:
            continue
        first = dates.min()
        latest = page["Date"].max()
        before = page[(page["Date"] < first) & (page["Date"] >= first - pd.Timedelta(days=WINDOW_DAYS))]
        recent = page[page["Date"] > latest - pd.Timedelta(days=WINDOW_DAYS)]

        def mean(rows: pd.DataFrame) -> float | None:
            value = rows["Position"].mean()
            return None if pd.isna(value) else round(float(value), 2)

        out.append(Movement(str(url), first.date(), int((dates <= latest).sum()), mean(before), mean(recent),
                            int(before["Clicks"].sum()) if len(before) else None, int(recent["Clicks"].sum())))
    return sorted(out, key=lambda m: (-m.placements, m.url))


def weekly_positions(rankings: Sequence[Sequence[Any]] | None,
                     urls: list[str]) -> list[tuple[dt.date, dict[str, float | None]]]:
    """Average position per week (weeks start on Monday) for each of ``urls``; None in a week without data."""
    merged = merge_rankings(rankings, [])[1:]
    if not merged or not urls:
        return []
    frame = pd.DataFrame(merged, columns=list(HEADER))
    frame["URL"] = frame["URL"].astype(str).str.rstrip("/")
    wanted = {u.rstrip("/"): u for u in urls}
    frame = frame[frame["URL"].isin(list(wanted))]
    if frame.empty:
        return []
    days = pd.to_datetime(frame["Date"])
    frame = frame.assign(week=(days - pd.to_timedelta(days.dt.day_of_week, unit="D")).dt.date,
                         Position=pd.to_numeric(frame["Position"], errors="coerce"))
    means = frame.groupby(["week", "URL"])["Position"].mean().round(2)
    value: dict[tuple[Any, str], float] = {}
    for w, u, v in zip(means.index.get_level_values(0), means.index.get_level_values(1), means.to_numpy(),
                       strict=True):
        if v == v:
            value[(w, str(u))] = float(v)
    weeks = sorted({w for w, _ in value})
    return [(week, {wanted[u]: value.get((week, u)) for u in wanted}) for week in weeks]
