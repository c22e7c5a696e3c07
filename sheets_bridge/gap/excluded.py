"""The Excluded tab: every domain a run left out, why, and the page that shows it; a team's Keep marks.

Pure: rows in, rows out. A domain marked Keep skips the judgements on its name and pages at the next run
(``gap.gap``'s ``keep``) and stays listed here, marked, with what it would have been excluded for, so the
mark is never lost. Domains left out because they already link to you, or are a site you loaded, are not
judgements and are not listed (the run's summary counts them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from sheets_bridge import contract

NOT_LISTED = ("already links to you", "a competitor or your own site")
MAX_ROWS = 50_000  # beyond this the tab lists the first ones by reason and says how many more


def parse_keep(values: Sequence[Sequence[Any]] | None) -> set[str]:
    """The domains the team marked Keep (any of ``contract.KEEP_WORDS``, case-insensitive)."""
    if not values or not values[0]:
        return set()
    header = [str(c).strip().lower() if c is not None else "" for c in values[0]]
    if "domain" not in header or "keep" not in header:
        return set()
    at, mark = header.index("domain"), header.index("keep")
    kept = set()
    for row in values[1:]:
        if len(row) > max(at, mark) and str(row[mark]).strip().lower() in contract.KEEP_WORDS:
            domain = str(row[at]).strip().lower()
            if domain:
                kept.add(domain)
    return kept


def excluded_rows(dropped: pd.DataFrame, kept: set[str]) -> list[list[Any]]:
    """The Excluded tab's values: header, then one row per domain left out (or kept), by reason then domain."""
    rows: list[list[Any]] = [list(contract.EXCLUDED_HEADER)]
    if dropped.empty:
        return rows
    listed = dropped[~dropped["reason"].isin(NOT_LISTED)]
    listed = listed.assign(marked=listed["key"].isin(kept)).sort_values(["marked", "reason", "key"],
                                                                         ascending=[False, True, True])
    more = max(len(listed) - MAX_ROWS, 0)
    for record in listed.head(MAX_ROWS).itertuples(index=False):
        reason = str(record.reason)
        rows.append([record.key, reason, str(getattr(record, "evidence", "") or ""),
                     str(getattr(record, "source_url", "") or "") or f"https://{record.key}",
                     str(getattr(record, "linked_competitors", "") or ""), "keep" if record.marked else ""])
    if more:
        rows.append(["", f"{more} more domains left out, not listed", "", "", "", ""])
    return rows
