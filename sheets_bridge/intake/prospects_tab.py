"""The Prospects tab as it stands, read from its cells: its Domains, and its rows by Domain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from sheets_bridge import contract

Values = Sequence[Sequence[Any]]


def existing_keys(values: Values | None) -> set[str]:
    """The Domains the Prospects tab holds (``existing_prospects``' keys, without building the frame)."""
    if not values or not values[0]:
        return set()
    header = [str(c).strip() if c is not None else "" for c in values[0]]
    if contract.KEY not in header:
        return set()
    at = header.index(contract.KEY)  # the first of repeated headers, as the frame keeps
    keys = (str(row[at]).strip() for row in values[1:] if len(row) > at and row[at] is not None)
    return {k for k in keys if k}


def existing_prospects(values: Values | None) -> pd.DataFrame:
    """The Prospects tab as it stands: one row per Domain, columns named by their header cells."""
    if not values or not values[0]:
        return pd.DataFrame(columns=list(contract.PROSPECT_HEADER))
    header = [str(c).strip() if c is not None else "" for c in values[0]]
    width = len(header)
    body = [list(r[:width]) + [""] * (width - len(r)) for r in values[1:]]
    frame = pd.DataFrame(body, columns=pd.RangeIndex(width), dtype=object)
    frame.columns = pd.Index(header)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    if contract.KEY not in frame.columns:
        return pd.DataFrame(columns=list(contract.PROSPECT_HEADER))
    frame = frame[frame[contract.KEY].astype(str).str.strip() != ""]
    return frame.drop_duplicates(contract.KEY).reset_index(drop=True)
