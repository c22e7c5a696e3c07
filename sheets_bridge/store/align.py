"""Pure planning of a keyed write: which row each Domain is on now, which columns to add, what goes where."""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from gspread.utils import rowcol_to_a1

from sheets_bridge.contract import KEY


@dataclass
class WritePlan:
    """Where owned values go: header cells to add, the row of every key, and column ranges to write."""

    header: list[str]
    added_columns: list[str]
    rows: dict[str, int]  # key → 1-based sheet row
    new_keys: list[str]
    skipped_deleted: list[str]
    last_row: int
    # (A1 range, values, major dimension): owned columns go as one list per column ("COLUMNS"), as
    # plan_write's ``encode`` gave them when it was given one
    ranges: list[tuple[str, Any, str]] = field(default_factory=list)


def column_letter(index: int) -> str:
    """The A1 letters of a 0-based column index (0 → A, 26 → AA), by gspread's own conversion."""
    return rowcol_to_a1(1, index + 1)[:-1]


def order_header(owned: Sequence[str], team: Sequence[str]) -> list[str]:
    """The header of a new Prospects tab: Domain, Status, owned columns, then the other team columns."""
    return [*owned[:1], *team[:1], *owned[1:], *team[1:]]


SHEETS_EPOCH = dt.date(1899, 12, 30)  # Sheets' day 0: serial numbers count days from it


def date_serial(day: dt.date) -> int:
    """A date as Sheets' serial number (days since 1899-12-30)."""
    return (day - SHEETS_EPOCH).days


def sheet_values(series: pd.Series) -> list[Any]:
    """``sheet_value`` of every cell of a column, by dtype rather than cell by cell where the dtype allows."""
    if pd.api.types.is_datetime64_any_dtype(series):
        stamps = series.dt.tz_localize(None) if getattr(series.dt, "tz", None) else series
        since = stamps.to_numpy("datetime64[ns]").astype("datetime64[s]") - np.datetime64(SHEETS_EPOCH, "s")
        missing = np.isnat(since)
        days, seconds = np.divmod(np.where(missing, 0, since.astype(np.int64)), 86_400)
        rest = seconds
        out = days.astype(object)
        timed = ~missing & (rest != 0)
        out[timed] = [round(d + s / 86400, 6) for d, s in zip(days[timed].tolist(), seconds[timed].tolist(),
                                                             strict=True)]
        out[missing] = ""
        return list(out.tolist())
    if pd.api.types.is_float_dtype(series) and not isinstance(series.dtype, pd.api.extensions.ExtensionDtype):
        numbers = series.to_numpy(dtype=np.float64)
        out = numbers.astype(object)
        out[np.isnan(numbers)] = ""
        return list(out.tolist())
    if isinstance(series.dtype, pd.StringDtype):
        return list(series.astype(object).where(series.notna(), "").tolist())
    if series.dtype.kind in "biu" and not isinstance(series.dtype, pd.api.extensions.ExtensionDtype):
        return list(series.tolist())
    return [sheet_value(v) for v in series.tolist()]


def sheet_value(value: Any) -> Any:
    """A frame value for Sheets RAW input: dates as serial numbers, missing as ''."""
    value = cell_value(value)
    if value is None:
        return ""
    if hasattr(value, "toordinal") and not isinstance(value, str):
        if isinstance(value, dt.datetime):  # a date-time: the day's serial plus the fraction of the day
            seconds = value.hour * 3600 + value.minute * 60 + value.second
            return round(date_serial(value.date()) + seconds / 86400, 6)
        return date_serial(value)
    return value


def plan_write(tab: str, header: Sequence[Any], keys: Sequence[Any], frame: pd.DataFrame, owned: Sequence[str],
               team: Sequence[str], known_before: set[str], used_rows: int,
               encode: Callable[[list[list[Any]]], Any] | None = None) -> WritePlan:
    """Plan the owned-column writes against the freshly re-read header and key column.

    ``keys`` is the Domain column as it stands now (row 2 first). A key that existed when the run
    read the sheet but is gone now was deleted by a collaborator mid-run: it is not written again.
    ``encode``, when given, takes each owned column's values as soon as they are planned (a store that
    sends JSON encodes them there, so one column's Python values are alive at a time, not every column's).
    """
    names = [str(h).strip() if h is not None else "" for h in header]
    while names and names[-1] == "":
        names.pop()
    added: list[str] = []
    wanted = list(owned) + list(team) if names else order_header(owned, team)
    for name in wanted:
        if name not in names:
            names.append(name)
            added.append(name)
    rows = key_rows(keys)
    last = max(used_rows, (max(rows.values()) if rows else 1), len(keys) + 1)
    plan = WritePlan(header=names, added_columns=added, rows=rows, new_keys=[], skipped_deleted=[], last_row=last)
    frame_keys = frame[KEY].astype(str).tolist()
    # the keys not on the sheet now (C-speed lookups; only they are walked): deleted mid-run, or new
    for key in itertools.compress(frame_keys, map(operator.is_, map(rows.get, frame_keys), itertools.repeat(None))):
        if key in rows:
            continue  # a new key listed twice: its first listing took the row
        if key in known_before:
            plan.skipped_deleted.append(key)
            continue
        plan.last_row += 1
        rows[key] = plan.last_row
        plan.new_keys.append(key)
    column_of = {name: i for i, name in reversed(list(enumerate(names)))}
    if added:
        first = column_of[added[0]]
        plan.ranges.append((f"{_quote(tab)}!{column_letter(first)}1", [added], "ROWS"))
    row_of = np.fromiter(map(rows.get, frame_keys, itertools.repeat(0)), dtype=np.int64, count=len(frame_keys))
    if not row_of.any():
        return plan  # every key was deleted mid-run (or there are none)
    top, bottom = int(row_of[row_of > 0].min()), int(row_of.max())
    at = row_of - top  # a key deleted mid-run has row 0: below top, so not written
    take = np.flatnonzero(at >= 0)
    slots = at[take]
    for name in owned:
        cells = np.full(bottom - top + 1, None, dtype=object)  # null leaves a cell as it is
        cells[slots] = np.asarray(sheet_values(frame[name].iloc[take]), dtype=object) if len(take) else []
        letter = column_letter(column_of[name])
        values = [cells.tolist()]
        plan.ranges.append((f"{_quote(tab)}!{letter}{top}:{letter}{bottom}",
                            values if encode is None else encode(values), "COLUMNS"))
    return plan


def _key_texts(keys: Sequence[Any]) -> list[str]:
    """Each cell of a key column as the key it stands for: its text, stripped ('' for an empty cell)."""
    if set(map(type, keys)) <= {str}:
        return list(map(str.strip, keys))  # the usual column, at C speed
    return [str(k).strip() if k is not None else "" for k in keys]


def key_rows(keys: Sequence[Any]) -> dict[str, int]:
    """The sheet row (row 2 first) where each key of a key column first stands; blank keys left out."""
    texts = _key_texts(keys)
    # read bottom-up, an earlier row overwrites a later one: each key keeps its first row (at C speed)
    rows = dict(zip(reversed(texts), range(len(texts) + 1, 1, -1), strict=True))
    rows.pop("", None)
    return rows


def _quote(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


@dataclass
class MergePlan:
    """How to fold rows that share a Domain into the first of them."""

    fills: list[tuple[int, int, Any]]  # (1-based row, 0-based column, value) for empty team cells of kept rows
    delete_rows: list[int]  # 1-based rows to delete, bottom first
    notes: dict[str, str]  # key -> what the Flags column says about the merge
    merged: list[str]


def duplicate_keys(keys: Sequence[Any]) -> set[str]:
    """Keys that stand on more than one row of the key column."""
    counts = collections.Counter(_key_texts(keys))  # counted at C speed
    counts.pop("", None)
    return {key for key, count in counts.items() if count > 1}


def plan_merge(values: Sequence[Sequence[Any]], team: Sequence[str]) -> MergePlan:
    """Merge rows that share a Domain: keep the first, fill its empty team cells from the others, delete them.

    Team cells are never lost: a value that differs from the kept one is quoted in the kept row's Notes (and
    this run's Flags).
    """
    plan = MergePlan(fills=[], delete_rows=[], notes={}, merged=[])
    if not values:
        return plan
    names = [str(h).strip() if h is not None else "" for h in values[0]]
    if KEY not in names:
        return plan
    key_col = names.index(KEY)
    team_cols = [(name, names.index(name)) for name in team if name in names]
    groups: dict[str, list[int]] = {}
    for offset, row in enumerate(values[1:]):
        key = str(row[key_col]).strip() if key_col < len(row) and row[key_col] is not None else ""
        if key:
            groups.setdefault(key, []).append(offset)
    for key, offsets in groups.items():
        if len(offsets) < 2:
            continue
        plan.merged.append(key)
        rows = [list(values[1 + o]) for o in offsets]
        kept = rows[0]
        conflicts = []
        for name, col in team_cols:
            cells = [r[col] if col < len(r) else None for r in rows]
            filled = [c for c in cells if c not in (None, "")]
            if not filled:
                continue
            if cells[0] in (None, ""):
                plan.fills.append((offsets[0] + 2, col, filled[0]))
            chosen = cells[0] if cells[0] not in (None, "") else filled[0]
            others = sorted({str(c) for c in filled if str(c) != str(chosen)})
            if others:
                conflicts.append(f"{name} also had " + ", ".join(f"'{o}'" for o in others))
        plan.notes[key] = f"Merged {len(offsets)} rows of this Domain" + (
            "; " + "; ".join(conflicts) if conflicts else "")
        notes_col = dict(team_cols).get("Notes")
        if conflicts and notes_col is not None:  # kept where the team will see it after this run's Flags change
            current = next((v for r, c, v in plan.fills if r == offsets[0] + 2 and c == notes_col),
                           kept[notes_col] if notes_col < len(kept) else "")
            text = f"{current} | " if current not in (None, "") else ""
            plan.fills = [f for f in plan.fills if not (f[0] == offsets[0] + 2 and f[1] == notes_col)]
            plan.fills.append((offsets[0] + 2, notes_col, f"{text}[merged duplicate rows] " + "; ".join(conflicts)))
        plan.delete_rows.extend(o + 2 for o in offsets[1:])
    plan.delete_rows.sort(reverse=True)
    return plan


def in_priority_order(values: Sequence[Sequence[Any]]) -> bool:
    """Whether a Prospects tab (header first) stands in the order the product writes: Priority from high to low,
    blanks last. A team that sorted by anything else (Status, Owner, a date) keeps its order: the product then
    adds new rows at the bottom instead of sorting."""
    if not values:
        return True
    header = [str(h).strip() for h in values[0]]
    if "Priority" not in header:
        return True
    col = header.index("Priority")
    previous = float("inf")
    for row in values[1:]:
        cell = row[col] if col < len(row) else ""
        if cell is None or str(cell).strip() == "":
            previous = float("-inf")
            continue
        try:
            number = float(cell)
        except (TypeError, ValueError):
            return False
        if number > previous:
            return False
        previous = number
    return True


def cell_value(value: Any) -> Any:
    """A frame value as a plain cell value: NaN/NaT become None, timestamps become dates."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value
