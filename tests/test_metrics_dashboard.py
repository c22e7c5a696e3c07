"""Dashboard metrics on a hand-built outreach log (every figure computed by hand), the guard, placements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
import requests

from sheets_bridge import contract
from sheets_bridge.insights.metrics import classify_anchor, compute_metrics
from sheets_bridge.intake.settings import Settings
from sheets_bridge.outreach.cadence import compute_cadence, parse_outreach_log
from sheets_bridge.service.actions import dashboard, followups, score
from sheets_bridge.store.base import Store
from sheets_bridge.store.google.sheets import GoogleStore
from sheets_bridge.store.xlsx import XlsxStore

TODAY = dt.date(2026, 11, 26)  # a Thursday; this week starts Monday 2026-11-23
SETTINGS = Settings(your_domain="mine.com", topic_keywords=("crm", "sales pipeline"), brand_keywords=("minebrand",),
                    campaign="Q4")
d = dt.date
LOG = [list(contract.LOG_HEADER),
       # a.com: resource angle, placed 14 days after first touch, exact-match anchor
       [d(2026, 11, 2), "a.com", 1, "resource", "Sent", "", "", "", "Q4"],
       [d(2026, 11, 16), "a.com", None, "resource", "Placed", "https://a.com/x", "crm", "", "Q4"],
       # b.com: resource angle, replied positive, not placed
       [d(2026, 11, 3), "b.com", 1, "resource", "Sent", "", "", "", "Q4"],
       [d(2026, 11, 5), "b.com", None, "resource", "Replied positive", "", "", "", "Q4"],
       # c.com: roundup angle, placed 7 days after first touch, branded anchor
       [d(2026, 11, 9), "c.com", 1, "roundup", "Sent", "", "", "", "Q4"],
       [d(2026, 11, 16), "c.com", None, "roundup", "Placed", "", "Minebrand blog", "", "Q4"],
       # d.com: roundup angle, declined
       [d(2026, 11, 10), "d.com", 1, "roundup", "Sent", "", "", "", "Q4"],
       [d(2026, 11, 12), "d.com", None, "roundup", "Declined", "", "", "", "Q4"],
       # e.com: roundup angle, placed 20 days after, URL anchor
       [d(2026, 10, 20), "e.com", 1, "roundup", "Sent", "", "", "", "Q4"],
       [d(2026, 11, 9), "e.com", None, "roundup", "Placed", "", "https://mine.com/guide", "", "Q4"],
       # f.com: contacted last quarter (earlier campaign) 30 days ago: guarded
       [d(2026, 10, 27), "f.com", 1, "resource", "Sent", "", "", "", "Q3"],
       # g.com: partial-match anchor placement, no first touch logged
       [d(2026, 11, 24), "g.com", None, "", "Placed", "", "best crm tools", "", "Q4"],
       ]
PROSPECTS = pd.DataFrame({
    "Domain": ["a.com", "b.com", "c.com", "d.com", "e.com", "f.com", "g.com", "h.com", "i.com"],
    "Status": ["Placed", "Replied positive", "Placed", "Declined", "Placed", "", "Placed", "Queued", "Contacted"],
    "Tier": ["A", "A", "B", "B", "A", "C", "C", "A", "B"],
    "Flags": ["", "", "", "", "", "", "", "", "Links to you since 2026-11-25"],
    "Next follow-up": ["", "", "", "", "", "", "", "2026-11-20", 46351],  # 46351 = 2026-11-24 (serial)
})


def test_every_dashboard_figure() -> None:
    log = parse_outreach_log(LOG).frame
    m = compute_metrics(PROSPECTS, log, SETTINGS, TODAY)
    assert m.status_counts == [("New", 1), ("Queued", 1), ("Contacted", 1), ("Replied positive", 1),
                               ("Replied negative", 0), ("Placed", 4), ("Declined", 1), ("Do not contact", 0),
                               ("Total", 9)]
    # current-campaign first touches: resource a, b (+ f in Q3 counts as contacted: its Sent row is in the log)
    # positive = replied positive or placed: a, b, c, e, g (+ statuses)
    assert m.reply_by_angle == [("resource", 3, 2, 0.6667), ("roundup", 3, 2, 0.6667)]
    # contacted by tier: A: a, b, e (h is Queued) → placed a, e = 2/3; B: c, d, i → placed c, i (links to you) = 2/3;
    # C: f (sent), g (status Placed) → placed g = 1/2
    assert m.placement_by_tier == [("A", 3, 2, 0.6667), ("B", 3, 2, 0.6667), ("C", 2, 1, 0.5)]
    # days first touch → placement: a 14, c 7, e 20 (g and i have no first touch)
    assert (m.placed_with_dates, m.mean_days_to_placement, m.median_days_to_placement) == (3, 13.67, 14.0)
    assert m.anchor_mix == [("branded", 1, 0.25), ("exact match", 1, 0.25), ("partial match", 1, 0.25),
                            ("URL", 1, 0.25), ("generic", 0, 0.0)]
    assert m.exact_match_share == 0.25 and m.exact_match_risk
    weeks = {w: (n, spike) for w, n, spike in m.weekly}
    # placements by week: e 11-09 → week of 11-09 (1); a, c 11-16 → 2; g 11-24, i 11-25 → week of 11-23: 2
    assert weeks[d(2026, 11, 9)] == (1, False)
    assert weeks[d(2026, 11, 16)] == (2, False)
    assert weeks[d(2026, 11, 23)] == (2, False)
    assert sum(n for n, _ in weeks.values()) == 5
    assert (m.due_this_week, m.overdue) == (0, 2)


def test_weekly_spike_flag() -> None:
    rows = [list(contract.LOG_HEADER)] + [[d(2026, 11, 24), f"s{i}.com", None, "", "Placed", "", "x", "", ""]
                                          for i in range(4)]
    m = compute_metrics(pd.DataFrame({"Domain": [f"s{i}.com" for i in range(4)]}), parse_outreach_log(rows).frame,
                        SETTINGS, TODAY)
    assert m.weekly[-1] == (d(2026, 11, 23), 4, True)  # 4 > 3 × max(median 0, 1)


@pytest.mark.parametrize(("anchor", "kind"), [
    ("crm", "exact match"), ("Sales pipeline", "exact match"), ("best crm tools", "partial match"),
    ("pipeline guide", "partial match"), ("Minebrand", "branded"), ("mine blog", "branded"),
    ("https://mine.com/x", "URL"), ("www.other.com", "URL"), ("click here", "generic"), ("", "generic"),
])
def test_anchor_classes(anchor: str, kind: str) -> None:
    assert classify_anchor(anchor, SETTINGS) == kind


def test_guard_across_two_campaigns() -> None:
    log = parse_outreach_log(LOG).frame
    keys = pd.Series(["f.com", "a.com", "z.com"])
    out = compute_cadence(keys, pd.Series(["", "Placed", ""]), log, SETTINGS, TODAY).set_index(keys)
    assert out.loc["f.com", "guard"] == "Contacted 2026-10-27 in campaign Q3"
    assert out.loc["f.com", "next_action"] == "Recently contacted in Q3: do not contact before 2027-02-04"
    assert out.loc["f.com", "touches"] == 0  # earlier campaign's touches do not count in this one
    assert out.loc["z.com", "guard"] == ""
    later = compute_cadence(keys, pd.Series(["", "", ""]), log, SETTINGS, d(2027, 2, 5)).set_index(keys)
    assert later.loc["f.com", "guard"] == "" and later.loc["f.com", "next_action"] == "Send touch 1 of 4"


HEADER = ["Referring page URL", "Referring page title", "Domain rating", "Nofollow", "First seen"]


def campaign_tabs(campaign: str, own_rows: list[list[Any]]) -> dict[str, list[list[Any]]]:
    return {"Settings": [["Your domain", "mine.com"], ["Campaign", campaign], ["Topic keywords", "crm"]],
            "rival.com": [HEADER, ["https://a.com/resources", "CRM", 40, "false", "2026-01-01"],
                          ["https://f.com/best-crm", "CRM", 30, "false", "2026-01-01"]],
            "mine.com": [HEADER, *own_rows],
            "Outreach log": [[str(c) if isinstance(c, dt.date) else c for c in r] for r in LOG]}


def test_placement_verified_across_two_campaigns(make_store: Callable[..., Store]) -> None:
    book = make_store(campaign_tabs("Q3", [["https://zzz.com/x", "", 10, "false", "2025-01-01"]]))
    score(book, d(2026, 9, 1))
    # next quarter: a fresh own-site export shows a.com now linking to the team
    tabs = campaign_tabs("Q4", [["https://a.com/resources", "", 40, "false", "2026-11-20"]])
    new_export = tabs["mine.com"]
    if isinstance(book, XlsxStore):
        book.replace_tabs({"mine.com": new_export, "Settings": tabs["Settings"]})
    else:
        requests.put(f"{book.session.api_root}/v4/spreadsheets/{book.spreadsheet_id}/values/mine.com!A2",
                     headers={"Authorization": "Bearer t"}, params={"valueInputOption": "RAW"},
                     json={"values": new_export[1:]}, timeout=5).raise_for_status()
        requests.put(f"{book.session.api_root}/v4/spreadsheets/{book.spreadsheet_id}/values/Settings!A2",
                     headers={"Authorization": "Bearer t"}, params={"valueInputOption": "RAW"},
                     json={"values": [["Campaign", "Q4"]]}, timeout=5).raise_for_status()
    summary, _ = score(book, TODAY)
    rows = book.read_tabs()["Prospects"]
    header = rows[0]
    by_domain = {r[0]: dict(zip(header, r, strict=False)) for r in rows[1:]}
    assert by_domain["a.com"]["Flags"] == "Links to you since 2026-11-20"
    assert summary.left_gap == 1
    assert by_domain["f.com"]["Flags"] == "Contacted 2026-10-27 in campaign Q3"
    result = dashboard(book, TODAY)
    # tier A: a.com (placed: it links to the team now) and f.com (contacted last quarter) were contacted
    # the tier table counts the same prospects as the page-type table (prospects on the tab; a reached one
    # without a tier gets a "no tier" row): one definition of "reached" and "placed"
    assert [tuple(t) for t in result["placement_by_tier"]] == [("A", 2, 1, 0.5), ("B", 0, 0, 0.0), ("C", 0, 0, 0.0)]
    rates = result["forecast"]["rates"]  # by page type and tier
    assert sum(r[2] for r in rates) == sum(t[1] for t in result["placement_by_tier"])  # reached
    assert sum(r[3] for r in rates) == sum(t[2] for t in result["placement_by_tier"])  # placed


def test_dashboard_refresh_is_idempotent_and_cheap(make_store: Callable[..., Store]) -> None:
    book = make_store({**campaign_tabs("Q4", [["https://zzz.com/x", "", 10, "false", "2025-01-01"]]),
                       "Targets": [["URL", "Page kind", "Topic keywords", "Ready"]]})  # set up: every reserved tab
    score(book, TODAY)
    first = dashboard(book, TODAY)
    tabs_once = book.read_tabs()["Dashboard"]
    second = dashboard(book, TODAY)
    assert book.read_tabs()["Dashboard"] == tabs_once
    assert {k: v for k, v in first.items() if k not in {"api_requests", "seconds"}} == {
        k: v for k, v in second.items() if k not in {"api_requests", "seconds"}}
    assert tabs_once[0][:3] == ["Backlink gap dashboard", "as of", "2026-11-26"]
    if isinstance(book, GoogleStore):
        assert second["api_requests"] <= 4  # tab names (the checklist counts competitors), read, write
        dump = requests.get(f"{book.session.api_root}/_emulator/spreadsheets/{book.spreadsheet_id}", timeout=5).json()
        dash = next(s for s in dump["sheets"] if s["properties"]["title"] == "Dashboard")
        assert len(dash["extras"]["charts"]) == 3  # replaced, not added to
        assert followups(book, TODAY).api_requests <= 3
    else:
        import zipfile
        with zipfile.ZipFile(book.path) as archive:
            assert len([n for n in archive.namelist() if n.startswith("xl/charts/chart")]) == 3
        summary, _ = score(book, TODAY)  # our own Dashboard charts do not divert the save to .scored.xlsx
        assert summary.output == str(book.path)


def test_a_reached_prospect_without_a_tier_is_counted_in_the_tier_table() -> None:
    from sheets_bridge.insights.metrics import compute_metrics
    from sheets_bridge.intake.settings import parse_settings
    from sheets_bridge.outreach.cadence import parse_outreach_log

    prospects = pd.DataFrame({"Domain": ["x.com", "y.com", "z.com"], "Status": ["Contacted", "Placed", "New"],
                              "Tier": ["", "A", "B"], "Flags": ["No longer links to a competitor", "", ""]})
    metrics = compute_metrics(prospects, parse_outreach_log(None).frame, parse_settings([]), TODAY)
    assert metrics.placement_by_tier == [("A", 1, 1, 1.0), ("B", 0, 0, 0.0), ("C", 0, 0, 0.0), ("no tier", 1, 0, 0.0)]
    assert metrics.forecast is not None
    assert sum(r[2] for r in metrics.forecast.rates) == sum(t[1] for t in metrics.placement_by_tier) == 2
