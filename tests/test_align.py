"""Planning a keyed write (store.align) against a plain walk of what its docstring promises."""

from __future__ import annotations

from typing import Any

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sheets_bridge.contract import KEY
from sheets_bridge.store.align import duplicate_keys, plan_write

_CELL = st.one_of(st.sampled_from(["a.com", " a.com", "a.com ", "b.org", "c.net", "", "  "]), st.none(),
                  st.sampled_from([7, 7.5]))  # a number typed into the key column stands as its text
_FRAME_KEY = st.sampled_from(["a.com", "b.org", "c.net", "d.io", "e.dev", "7", "7.5"])


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(keys=st.lists(_CELL, max_size=12), frame_keys=st.lists(_FRAME_KEY, max_size=8),
       known=st.sets(_FRAME_KEY, max_size=4), used_rows=st.integers(0, 20))
@example(keys=["a.com", " a.com", None, "b.org "], frame_keys=["b.org", "d.io", "d.io", "a.com"], known={"c.net"},
         used_rows=0)
@example(keys=["c.net"], frame_keys=["c.net", "d.io"], known={"d.io"}, used_rows=3)
def test_each_key_is_written_on_its_first_row_and_new_keys_below(keys: list[Any], frame_keys: list[str],
                                                                  known: set[str], used_rows: int) -> None:
    """A key on the sheet is written where it first stands; a key that was there when the run read the sheet
    and is gone now is not written; any other key gets the next row below everything; a key listed twice
    takes one row, and its last listing's values."""
    frame = pd.DataFrame({KEY: frame_keys, "Score": list(range(len(frame_keys)))})
    plan = plan_write("Prospects", [KEY, "Score"], keys, frame, [KEY, "Score"], [], known, used_rows)

    first: dict[str, int] = {}
    for offset, cell in enumerate(keys):
        if _text(cell) and _text(cell) not in first:
            first[_text(cell)] = offset + 2
    last = max([used_rows, 1, len(keys) + 1, *first.values()])
    rows, new, skipped = dict(first), [], []
    for key in frame_keys:
        if key in rows:
            continue
        if key in known:
            skipped.append(key)
            continue
        last += 1
        rows[key] = last
        new.append(key)
    assert plan.rows == rows
    assert (plan.new_keys, plan.skipped_deleted, plan.last_row) == (new, skipped, last)

    expected = {rows[k]: score for score, k in enumerate(frame_keys) if k in rows}  # the last listing wins
    got: dict[int, Any] = {}
    for a1, values, major in plan.ranges:
        assert major == "COLUMNS"
        if a1.split("!")[1].startswith("B"):  # the Score column: 'Prospects'!B<top>:B<bottom>
            top = int(a1.split("!")[1].split(":")[0][1:])
            got = {top + i: v for i, v in enumerate(values[0]) if v is not None}
    assert got == expected


@given(keys=st.lists(_CELL, max_size=12))
def test_duplicate_keys_are_those_on_two_rows_or_more(keys: list[Any]) -> None:
    texts = [_text(k) for k in keys]
    assert duplicate_keys(keys) == {t for t in texts if t and texts.count(t) > 1}
