"""Prospects read from the top: each score leaves the tab sorted by Priority, unless the team sorted it otherwise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conftest import TODAY

from sheets_bridge.intake.ingest import as_rows
from sheets_bridge.service.actions import score
from sheets_bridge.store.base import Store
from sheets_bridge.store.google.sheets import GoogleStore
from sheets_bridge.store.xlsx import XlsxStore

HEADER = ["Referring page URL", "Referring page title", "Domain rating", "Nofollow"]
SITES = [("alpha", 12), ("bravo", 71), ("charlie", 33), ("delta", 55), ("echo", 18), ("foxtrot", 64)]


def _tabs(sites: list[tuple[str, int]]) -> dict[str, list[list[Any]]]:
    rows = [[f"https://{name}.com/resources", f"{name} resources", dr, "false"] for name, dr in sites]
    return {"Settings": [["Your domain", "mine.com"], ["Topic keywords", "resources"]], "rival-a.com": [HEADER, *rows]}


def _prospects(store: Store) -> list[dict[str, Any]]:
    rows = as_rows(store.read_tabs()["Prospects"])
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if r and r[0]]


def _rewrite(store: Store, rows: list[list[Any]]) -> None:
    """The team sorts the tab by hand (whole rows move)."""
    if isinstance(store, XlsxStore):
        store.replace_tabs({"Prospects": rows})
    else:
        assert isinstance(store, GoogleStore)
        store.replace_tab("Prospects", rows)


def test_a_score_leaves_prospects_by_priority_and_keeps_a_teams_own_order(
        make_store: Callable[[dict[str, list[list[Any]]]], Store]) -> None:
    store = make_store(_tabs(SITES[:4]))
    score(store, TODAY)
    first = _prospects(store)
    priorities = [float(p["Priority"]) for p in first]
    assert priorities == sorted(priorities, reverse=True) and len(first) == 4
    # new prospects arrive: still by priority, as long as the team has not sorted the tab itself
    store2 = store if isinstance(store, XlsxStore) else GoogleStore(store.spreadsheet_id)
    if isinstance(store2, XlsxStore):
        store2.replace_tabs({"rival-a.com": _tabs(SITES)["rival-a.com"]})
    else:
        store2.replace_tab("rival-a.com", _tabs(SITES)["rival-a.com"])
    score(store2, TODAY)
    second = _prospects(store2)
    priorities = [float(p["Priority"]) for p in second]
    assert priorities == sorted(priorities, reverse=True) and len(second) == 6
    # the team sorts by Domain and types a Status: their order stays, their cells with their rows
    rows = as_rows(store2.read_tabs()["Prospects"])
    header, body = rows[0], sorted(rows[1:], key=lambda r: str(r[0]))
    body[0][header.index("Status")] = "Queued"
    _rewrite(store2, [header, *body])
    score(store2, TODAY)
    third = _prospects(store2)
    assert [p["Domain"] for p in third] == sorted(p["Domain"] for p in second)
    assert third[0]["Status"] == "Queued" and third[0]["Domain"] == "alpha.com"
