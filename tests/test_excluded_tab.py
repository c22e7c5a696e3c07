"""The Excluded tab, on both stores: every judgement visible with its evidence, and a team's Keep honoured.

Written from the contract: the tab's header is ``contract.EXCLUDED_HEADER``; a domain left out for its pages
or name is listed with the reason and the page; a domain marked Keep is a prospect at the next run and stays
listed, marked, so the mark is never lost; a tab that needs fewer rows than before leaves no stale row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sheets_bridge import contract
from sheets_bridge.gap.excluded import parse_keep
from sheets_bridge.service.actions import score
from sheets_bridge.store.base import Store

TODAY = dt.date(2026, 11, 26)
HEADER = ["Referring page URL", "Referring page title", "Domain rating", "Nofollow", "Anchor", "External links"]
SELLER = "https://best-seo-domains.com/7f0ddeff26c480507e9c0210871505a5-list.html"
SETTINGS = [["Your domain", "mine.com"], ["Topic keywords", "crm"], ["Min authority", 20]]
TABS: dict[str, list[list[Any]]] = {
    "Settings": SETTINGS,
    "rival-a.com": [HEADER, ["https://www.alpha.com/resources", "CRM resources", 40, "false", "crm", 20],
                    ["https://low.example.org/a-post-on-crm", "A post on CRM", 10, "false", "crm", 12],
                    [SELLER, "Where to buy aged domains and backlinks", 30, "false", "rival", 19000],
                    ["https://farm.example.net/post", "A post", 30, "false", "rival", 5000]],
    "mine.com": [HEADER, ["https://mine-too.org/a", "", 20, "false", "", 3]],
}


def excluded_tab(store: Store) -> list[list[Any]]:
    rows = store.read_tabs()[contract.EXCLUDED]
    return [[("" if c is None else c) for c in row] for row in rows]


def listed(rows: list[list[Any]]) -> dict[str, list[Any]]:
    return {str(r[0]): list(r) + [""] * (6 - len(r)) for r in rows[1:] if r and str(r[0]).strip()}


def test_judgements_are_listed_and_a_kept_domain_comes_back(make_store: Callable[..., Store]) -> None:
    store = make_store(TABS)
    summary, _ = score(store, TODAY)
    assert summary.excluded["link seller: sells links or aged domains"] == 1
    rows = excluded_tab(store)
    assert rows[0] == list(contract.EXCLUDED_HEADER)
    found = listed(rows)
    assert set(found) == {"best-seo-domains.com", "example.net", "example.org"}  # not 'already links to you'
    assert found["example.org"][1:3] == ["authority below minimum", "DR 10 (minimum 20)"]
    _, reason, evidence, example, competitors, keep = found["best-seo-domains.com"]
    assert reason == "link seller: sells links or aged domains"
    assert "Where to buy aged domains" in evidence and example == SELLER and competitors == "rival-a.com"
    assert keep == ""
    assert found["example.net"][1] == "spam: a link farm page" and "5,000 external links" in found["example.net"][2]

    marked = [rows[0]] + [r if r[0] != "best-seo-domains.com" else [*r[:5], "Keep"] for r in rows[1:]]
    store.replace_tab(contract.EXCLUDED, marked)  # the team types Keep
    summary, prospects = score(store, TODAY)
    assert "best-seo-domains.com" in set(prospects["Domain"])
    assert "link seller: sells links or aged domains" not in summary.excluded
    again = excluded_tab(store)
    found = listed(again)
    assert found["best-seo-domains.com"][1] == "kept by your team; would be link seller: sells links or aged domains"
    assert found["best-seo-domains.com"][5] == "keep"
    assert parse_keep(again) == {"best-seo-domains.com"}
    assert all(not any(str(c).strip() for c in r) for r in again[1 + len(found):])  # no stale rows below

    store.replace_tab("Settings", [*SETTINGS[:2], ["Min authority", 0]])  # fewer domains left out now
    _, prospects = score(store, TODAY)  # and the mark outlives the run that honoured it
    assert {"best-seo-domains.com", "example.org"} <= set(prospects["Domain"])
    shrunk = excluded_tab(store)
    assert set(listed(shrunk)) == {"best-seo-domains.com", "example.net"}
    assert all(not any(str(c).strip() for c in r) for r in shrunk[3:])  # the row it no longer needs is blank


def test_keep_accepts_the_words_people_type() -> None:
    rows = [["Domain", "Reason", "Evidence", "Example page", "Linked competitors", "Keep"],
            ["a.com", "", "", "", "", "yes"], ["b.com", "", "", "", "", " KEEP "], ["c.com", "", "", "", "", "x"],
            ["d.com", "", "", "", "", "no"], ["e.com", "", "", "", "", ""], ["", "", "", "", "", "keep"]]
    assert parse_keep(rows) == {"a.com", "b.com", "c.com"}
    assert parse_keep([["Domain", "Reason"], ["a.com", "keep"]]) == set()
    assert parse_keep(None) == set()
