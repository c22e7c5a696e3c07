"""Pure planning of a keyed write: which row each Domain is on now, which columns to add, what goes where."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sheets_bridge.contract import KEY
from sheets_bridge.emulator.a1 import column_letters
from sheets_bridge.store.base import cell_value


@dataclass
class WritePlan:
    """Where owned values go: header cells to add, the row of every key, and column ranges to write."""

    header: list[str]
    added_columns: list[str]
    rows: dict[str, int]  # key → 1-based sheet row
    new_keys: list[str]
    skipped_deleted: list[str]
    last_row: int
    ranges: list[tuple[str, list[list[Any]]]] = field(default_factory=list)


def order_header(owned: Sequence[str], team: Sequence[str]) -> list[str]:
    """The header of a new Prospects tab: Domain, Status, owned columns, then the other team columns."""
    return [*owned[:1], *team[:1], *owned[1:], *team[1:]]


def sheet_value(value: Any) -> Any:
    """A frame value for Sheets RAW input: dates as serial numbers, missing as ''."""
    value = cell_value(value)
    if value is None:
        return ""
    if hasattr(value, "toordinal") and not isinstance(value, str):
        from sheets_bridge.emulator.cells import date_serial

        return date_serial(value if not hasattr(value, "date") else value.date())
    return value


def plan_write(tab: str, header: Sequence[Any], keys: Sequence[Any], frame: pd.DataFrame, owned: Sequence[str],
               team: Sequence[str], known_before: set[str], used_rows: int) -> WritePlan:
    """Plan the owned-column writes against the freshly re-read header and key column.

    ``keys`` is the Domain column as it stands now (row 2 first). A key that existed when the run
    read the sheet but is gone now was deleted by a collaborator mid-run: it is not written again.
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
    rows: dict[str, int] = {}
    for offset, key in enumerate(keys):
        text = str(key).strip() if key is not None else ""
        if text and text not in rows:
            rows[text] = offset + 2
    last = max(used_rows, (max(rows.values()) if rows else 1), len(keys) + 1)
    plan = WritePlan(header=names, added_columns=added, rows=rows, new_keys=[], skipped_deleted=[], last_row=last)
    frame_keys = frame[KEY].astype(str).tolist()
    for key in frame_keys:
        if key in rows:
            continue
        if key in known_before:
            plan.skipped_deleted.append(key)
            continue
        plan.last_row += 1
        rows[key] = plan.last_row
        plan.new_keys.append(key)
    column_of = {name: i for i, name in reversed(list(enumerate(names)))}
    if added:
        first = column_of[added[0]]
        plan.ranges.append((f"{_quote(tab)}!{column_letters(first)}1", [added]))
    written = {k: rows[k] for k in frame_keys if k in rows and k not in plan.skipped_deleted}
    if not written:
        return plan
    top, bottom = min(written.values()), max(written.values())
    index = frame.set_index(frame[KEY].astype(str))
    for name in owned:
        column = [[None] for _ in range(top, bottom + 1)]  # null leaves a cell as it is
        values = index[name].tolist()
        for key, value in zip(index.index, values, strict=True):
            row = written.get(key)
            if row is not None:
                column[row - top] = [sheet_value(value)]
        letter = column_letters(column_of[name])
        plan.ranges.append((f"{_quote(tab)}!{letter}{top}:{letter}{bottom}", column))
    return plan


def _quote(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"
