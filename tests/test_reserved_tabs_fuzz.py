"""The engine never ends in a traceback on a workbook: odd reserved tabs give a result or one plain message."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_bridge import contract
from sheets_bridge.exceptions import SheetsBridgeError
from sheets_bridge.intake.prospects_tab import existing_keys, existing_prospects
from sheets_bridge.outreach.cadence import parse_outreach_log
from sheets_bridge.service.scoring import score_workbook

TODAY = dt.date(2026, 11, 26)
EXPORT = [["Referring page URL", "Domain rating"], ["https://alpha.com/resources", 40],
          ["https://beta.co.uk/best-crm", 55], ["https://gamma.de/news", 12]]
HEADERS = {
    contract.SETTINGS: ["Your domain", "Topic keywords"],
    contract.TARGETS: ["URL", "Page kind", "Topic keywords"],
    contract.PROSPECTS: [*list(contract.OWNED_COLUMNS[:3]), "Status", "Notes"],
    contract.OUTREACH_LOG: list(contract.LOG_HEADER),
}
CELLS = st.one_of(
    st.none(), st.just(""), st.text(max_size=12), st.integers(-5, 60000), st.floats(allow_nan=True),
    st.booleans(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)).map(str),
    st.sampled_from(["alpha.com", "beta.co.uk", "=SUM(1)", "Sent", "Placed", "2026-11-20", "20/11/2026",
                     "Replied positive", "1", "Contacted", "mine.com"]),
)


@st.composite
def reserved_tab(draw: st.DrawFn, name: str) -> list[list[Any]]:
    """A reserved tab as people leave them: title rows, blank rows, duplicate or missing headers, ragged rows."""
    header = list(HEADERS[name])
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.booleans()) and header:
        header.append(draw(st.sampled_from(header)))  # a duplicate header
    if draw(st.booleans()) and len(header) > 1:
        header.pop(draw(st.integers(0, len(header) - 1)))  # a missing header
    rows: list[list[Any]] = []
    for _ in range(draw(st.integers(0, 2))):
        rows.append([draw(st.sampled_from(["Outreach 2026", "Prospects for Q4", "", None]))])  # title rows
    rows.append(header)
    for _ in range(draw(st.integers(0, 8))):
        width = draw(st.integers(0, len(header) + 2))  # ragged
        rows.append([draw(CELLS) for _ in range(width)])
    return rows


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_reserved_tabs_give_a_result_or_one_plain_message(data: st.DataObject) -> None:
    tabs: dict[str, list[list[Any]]] = {"rival-a.com": EXPORT}
    for name in HEADERS:
        if data.draw(st.booleans()):
            tabs[name] = data.draw(reserved_tab(name))
    try:
        result = score_workbook(tabs, TODAY)
    except SheetsBridgeError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert list(result.prospects.columns)[: len(contract.OWNED_COLUMNS)] == list(contract.OWNED_COLUMNS)


def test_a_title_row_above_the_outreach_log_header_is_skipped() -> None:
    log = [["Outreach log, Q4 2026"], [], list(contract.LOG_HEADER),
           [46300, "alpha.com", 1, "resource gap", "Sent", "", "", "", ""]]
    parsed = parse_outreach_log(log)
    assert parsed.frame["key"].tolist() == ["alpha.com"] and parsed.frame["row"].tolist() == [4]
    result = score_workbook({contract.SETTINGS: [["Your domain", "mine.com"]], "rival-a.com": EXPORT,
                             contract.OUTREACH_LOG: log}, TODAY)
    row = result.prospects.set_index("Domain").loc["alpha.com"]
    assert row["Touches"] == 1 and str(row["Last touch"])[:10] == "2026-10-05"  # serial 46300


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.one_of(st.sampled_from(["", " ", "a.com", " b.com ", "Domain", "Status", "x"]),
                                   st.integers(0, 3)), max_size=5), min_size=0, max_size=8))
def test_the_keys_read_before_a_write_are_the_prospects_keys(values: list[list[object]]) -> None:
    """The pre-write key set is read straight from the rows; it must be the Prospects frame's Domains."""
    frame = existing_prospects(values)
    assert existing_keys(values) == set(frame[contract.KEY].astype(str).str.strip()) - {""}
