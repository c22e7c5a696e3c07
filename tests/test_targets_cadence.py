"""Target mapping, outreach angles, the follow-up cadence and Settings parsing."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from sheets_bridge.exceptions import SettingsError, TargetsError
from sheets_bridge.gap.targets import assign_targets, parse_targets
from sheets_bridge.intake.settings import Settings, parse_settings
from sheets_bridge.outreach.cadence import compute_cadence, parse_outreach_log

TARGETS = [
    ["URL", "Page kind", "Topic keywords"],
    ["https://mine.com/", "", ""],
    ["https://mine.com/guides/crm", "guide", "crm, pipeline"],
    ["https://mine.com/best-crm", "list", "crm tools"],
    ["https://mine.com/research/2026", "data", "survey, report"],
    ["https://mine.com/compare/us-vs-them", "comparison", "alternatives"],
    ["https://mine.com/calculator", "tool", "forecast"],
]


@pytest.mark.parametrize(("page_type", "text", "target"), [
    ("resource page", "crm resources", "https://mine.com/guides/crm"),
    ("roundup/list", "best crm tools", "https://mine.com/best-crm"),
    ("editorial/news", "sales survey report", "https://mine.com/research/2026"),
    ("comparison", "crm alternatives", "https://mine.com/compare/us-vs-them"),
    ("other", "gardening", "https://mine.com/guides/crm"),
])
def test_playbook_mapping_rule(page_type: str, text: str, target: str) -> None:
    p = pd.DataFrame({"page_type": [page_type]})
    result = assign_targets(p, pd.Series([text]), parse_targets(TARGETS))
    assert result["target_url"].iloc[0] == target
    assert target in result["angle"].iloc[0]


@pytest.mark.parametrize(("page_type", "kind", "said"), [
    ("resource page", "tool", "as a free tool their resource list is missing"),
    ("resource page", "guide", "as an in-depth guide their resource list is missing"),
    ("editorial/news", "data", "Offer original data in https://mine.com/x as a source"),
    ("editorial/news", "", "Offer the original data or framework in https://mine.com/x"),  # kind not given
    ("editorial/news", "Original research", "Offer original data in https://mine.com/x"),  # read as data
    ("comparison", "comparison", "as a side-by-side comparison their comparison can cite"),
])
def test_the_angle_says_what_the_target_page_is(page_type: str, kind: str, said: str) -> None:
    """A calculator is offered as a tool, not as a guide: the angle follows the target's Page kind."""
    targets = parse_targets([["URL", "Page kind"], ["https://mine.com/x", kind]])
    result = assign_targets(pd.DataFrame({"page_type": [page_type]}), pd.Series(["text"]), targets)
    assert said in result["angle"].iloc[0]


@pytest.mark.parametrize(("said", "kind"), [
    ("Calculator", "tool"), ("Free template", "tool"), ("Original research", "data"), ("Case study", "study"),
    ("Checklist", "framework"), ("Guides", "guide"), ("Blog post", "guide"), ("Listicle", "list"),
    ("Landing page", "landing page"),
])
def test_page_kinds_are_read_as_a_team_writes_them(said: str, kind: str) -> None:
    assert parse_targets([["URL", "Page kind"], ["https://mine.com/x", said]])["kind"].iloc[0] == kind


def test_a_calculator_is_offered_to_a_resource_page_as_a_calculator() -> None:
    """'Calculator' is a tool to the playbook (resource pages take guides, then tools) and is named as written."""
    targets = parse_targets([["URL", "Page kind"], ["https://mine.com/pricing", "Landing page"],
                             ["https://mine.com/roi-calculator", "Calculator"]])
    result = assign_targets(pd.DataFrame({"page_type": ["resource page"]}), pd.Series(["text"]), targets)
    assert result["target_url"].iloc[0] == "https://mine.com/roi-calculator"
    assert "as a free calculator their resource list is missing" in result["angle"].iloc[0]


def test_home_page_only_for_listings_or_when_it_is_the_only_target() -> None:
    p = pd.DataFrame({"page_type": ["other", "directory"]})
    result = assign_targets(p, pd.Series(["x", "y"]), parse_targets(TARGETS))
    assert result["target_url"].tolist()[0] != "https://mine.com/"
    assert result["target_url"].tolist()[1] == "https://mine.com/"  # a listing links to the site
    only_home = parse_targets([["URL"], ["https://mine.com"]])
    assert assign_targets(p, pd.Series(["x", "y"]), only_home)["target_url"].tolist() == ["https://mine.com"] * 2


def test_no_targets_says_what_to_do() -> None:
    result = assign_targets(pd.DataFrame({"page_type": ["other"]}), pd.Series(["x"]), parse_targets(None))
    assert result["target_url"].iloc[0] == ""
    assert "Targets tab" in result["angle"].iloc[0]


def test_targets_without_url_column() -> None:
    with pytest.raises(TargetsError, match="no URL column"):
        parse_targets([["Address", "Kind"], ["x", "y"]])


LOG = [["Date", "Domain", "Touch", "Angle", "Result"],
       [dt.date(2026, 11, 2), "a.com", 1, "x", "Sent"],
       [dt.date(2026, 11, 5), "www.a.com", 2, "x", "Sent"],
       [dt.date(2026, 11, 20), "b.com", 1, "x", "Sent"],
       [dt.date(2026, 11, 21), "c.com", 1, "x", "Sent"],
       [dt.date(2026, 11, 23), "c.com", None, "x", "Replied positive"],
       ["garbage", "d.com", 1, "x", "Sent"],
       [dt.date(2026, 11, 1), "e.com", 1, "x", "Bounced"],
       [dt.date(2026, 11, 1), "", 1, "x", "Sent"]]


def cadence(keys: list[str], status: list[str], settings: Settings, today: dt.date) -> pd.DataFrame:
    log = parse_outreach_log(LOG)
    return compute_cadence(pd.Series(keys), pd.Series(status), log.frame, settings, today).set_index(
        pd.Index(keys))


def test_a_target_that_is_not_a_web_address_is_named_with_its_row() -> None:
    values = [["URL", "Page kind"], ["https://mine.com/guide", "guide"], ["[", "guide"]]
    with pytest.raises(TargetsError, match=r"Tab 'Targets' row 3: '\[' is not a web address"):
        parse_targets(values)


def test_log_problems_are_reported() -> None:
    problems = parse_outreach_log(LOG).problems
    assert any("unreadable date (rows 7)" in p for p in problems)
    assert any("no usable domain (rows 9)" in p for p in problems)
    assert any("unknown result (rows 8)" in p for p in problems)


def test_four_touch_cadence_counted_from_first_touch() -> None:
    out = cadence(["a.com", "b.com", "c.com", "new.com"], ["Contacted", "", "", ""], Settings(),
                  dt.date(2026, 11, 21))
    assert out.loc["a.com", "touches"] == 2
    assert out.loc["a.com", "last_touch"] == pd.Timestamp("2026-11-05")
    assert out.loc["a.com", "next_follow_up"] == pd.Timestamp("2026-11-10")  # day 9 = first + 8
    assert out.loc["a.com", "next_action"] == "Overdue since 2026-11-10: send touch 3 of 4"
    assert out.loc["b.com", "next_follow_up"] == pd.Timestamp("2026-11-23")  # day 4 = first + 3
    assert out.loc["b.com", "next_action"] == "Send touch 2 of 4 on 2026-11-23"
    assert pd.isna(out.loc["c.com", "next_follow_up"])  # replied positive ends outreach
    assert out.loc["c.com", "next_action"].startswith("Agree the placement")
    assert out.loc["new.com", "next_action"] == "Send touch 1 of 4"


@pytest.mark.parametrize("status", ["Placed", "Declined", "Do not contact", "Replied negative"])
def test_ending_statuses_have_no_next_date(status: str) -> None:
    out = cadence(["b.com"], [status], Settings(), dt.date(2026, 11, 21))
    assert pd.isna(out.loc["b.com", "next_follow_up"])


def test_business_days_and_holidays() -> None:
    # b.com first touch Fri 2026-11-20; +3 business days = Wed 2026-11-25
    plain = cadence(["b.com"], [""], Settings(business_days_only=True), dt.date(2026, 11, 21))
    assert plain.loc["b.com", "next_follow_up"] == pd.Timestamp("2026-11-25")
    # a.com: first touch Mon 2026-11-02, +8 business days = Thu 11-12, or Fri 11-13 with US Veterans Day
    no_holidays = cadence(["a.com"], [""], Settings(business_days_only=True), dt.date(2026, 11, 3))
    assert no_holidays.loc["a.com", "next_follow_up"] == pd.Timestamp("2026-11-12")
    us = cadence(["a.com"], [""], Settings(business_days_only=True, holiday_country="US"), dt.date(2026, 11, 3))
    assert us.loc["a.com", "next_follow_up"] == pd.Timestamp("2026-11-13")
    gb = Settings(business_days_only=True, holiday_country="GB", follow_up_days=(1, 30))
    out = cadence(["b.com"], [""], gb, dt.date(2026, 11, 21))
    # 29 business days skipping Christmas, the Boxing Day substitute (Mon 28 Dec) and New Year
    assert out.loc["b.com", "next_follow_up"] == pd.Timestamp("2027-01-05")


def test_sequence_complete() -> None:
    out = cadence(["a.com"], [""], Settings(follow_up_days=(1, 4)), dt.date(2026, 11, 21))
    assert out.loc["a.com", "next_action"].startswith("Sequence complete after 2 touches")


def test_settings_parse_and_defaults() -> None:
    s = parse_settings([["Setting", "Value"], ["Your domain", "https://www.Mine.com/"],
                        ["Topic keywords", "CRM, Sales pipeline"], ["Weight authority", "2"],
                        ["Follow-up days", "1, 3, 7"], ["Business days only", "yes"], ["Excluded TLDs", ".ru, cn"],
                        ["Unknown thing", "x"], ["Max authority", ""]])
    assert s.your_domain == "mine.com"
    assert s.topic_keywords == ("crm", "sales pipeline")
    assert s.weights == pytest.approx((2 / 2.65, 0.4 / 2.65, 0.25 / 2.65))
    assert s.follow_up_days == (1, 3, 7)
    assert s.business_days_only and s.excluded_tlds == ("ru", "cn")
    assert s.max_authority == 100 and s.unknown_keys == ("Unknown thing",)


@pytest.mark.parametrize(("row", "message"), [
    (["Weight authority", "lots"], "Settings row 1 (Weight authority): expected a number from 0 to 1000"),
    (["Follow-up days", "4, 1"], "Settings row 1 (Follow-up days): expected increasing day numbers"),
    (["Business days only", "perhaps"], "Settings row 1 (Business days only): expected yes or no"),
    (["Your domain", "not a domain"], "Settings row 1 (Your domain)"),
    (["Min authority", "150"], "expected a number from 0 to 100"),
])
def test_settings_errors_name_the_row(row: list[str], message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_settings([row])


def test_unknown_holiday_country() -> None:
    with pytest.raises(SettingsError, match="Holiday country"):
        cadence(["a.com"], [""], Settings(business_days_only=True, holiday_country="ZZ"), dt.date(2026, 11, 3))


# --- assets ready before outreach (playbook section 11) ---

READY_TARGETS = [
    ["URL", "Page kind", "Topic keywords", "Ready"],
    ["https://mine.com/guides/crm", "guide", "crm", "No"],
    ["https://mine.com/best-crm", "list", "crm tools", "yes"],
    ["https://mine.com/research/2026", "data", "survey", ""],
]


@pytest.mark.parametrize(("cell", "ready"), [("No", False), ("not yet", False), ("draft", False), ("FALSE", False),
                                             ("", True), ("yes", True), ("✓", True)])
def test_ready_column(cell: str, ready: bool) -> None:
    targets = parse_targets([["URL", "Ready"], ["https://mine.com/a", cell]])
    assert targets["ready"].tolist() == [ready]
    assert parse_targets([["URL"], ["https://mine.com/a"]])["ready"].tolist() == [True]  # no column: all ready


def test_prospects_wait_for_a_page_that_is_not_ready() -> None:
    from sheets_bridge.service.scoring import score_workbook

    header = ["Referring page URL", "Referring page title", "Domain rating"]
    tabs = {"Settings": [["Your domain", "mine.com"], ["Topic keywords", "crm"]],
            "Targets": READY_TARGETS,
            "rival.com": [header, ["https://waits.com/resources/crm", "CRM resources", 50],
                          ["https://pitched.com/resources/crm", "CRM resources", 50],
                          ["https://listy.com/best-crm-tools", "Best CRM tools", 50]],
            "Outreach log": [["Date", "Domain", "Touch", "Angle", "Result"],
                             ["2026-11-20", "pitched.com", 1, "resource", "sent"]]}
    result = score_workbook(tabs, dt.date(2026, 11, 26)).prospects.set_index("Domain")
    assert result.loc["waits.com", "Target URL"] == "https://mine.com/guides/crm"
    assert result.loc["waits.com", "Next action"] == "Improve https://mine.com/guides/crm before pitching"
    assert pd.isna(result.loc["waits.com", "Next follow-up"])
    # already in outreach: its sequence goes on, whatever the page's state
    assert result.loc["pitched.com", "Next action"].startswith(("Send touch 2", "Due today", "Overdue"))
    assert result.loc["listy.com", "Next action"] == "Send touch 1 of 4"  # its page is ready


def test_dashboard_ranks_the_pages_that_hold_prospects_back() -> None:
    from sheets_bridge.insights.metrics import compute_metrics
    from sheets_bridge.workbook.dashboard import build_layout

    improve = "Improve {} before pitching"
    rows = [("a.com", "A", "https://mine.com/x"), ("b.com", "C", "https://mine.com/x"),
            ("c.com", "C", "https://mine.com/x"), ("d.com", "A", "https://mine.com/y"),
            ("e.com", "B", "https://mine.com/y"), ("f.com", "A", "https://mine.com/z")]
    prospects = pd.DataFrame({"Domain": [r[0] for r in rows], "Tier": [r[1] for r in rows],
                              "Target URL": [r[2] for r in rows],
                              "Next action": [improve.format(r[2]) for r in rows[:-1]] + ["Send touch 1 of 4"]})
    log = parse_outreach_log(None).frame
    metrics = compute_metrics(prospects, log, Settings(your_domain="mine.com"), dt.date(2026, 11, 26))
    # y: 2 of tier A/B (2 in all); x: 1 of tier A/B (3 in all); z is ready to pitch
    assert metrics.assets_waiting == [("https://mine.com/y", 2, 2), ("https://mine.com/x", 1, 3)]
    values = build_layout(metrics).values
    assert ["Target page", "Tier A/B waiting", "All waiting"] in values
    assert ["Upgrading https://mine.com/y unblocks 2 prospects (2 of tier A or B)"] in values


def test_update_followups_releases_prospects_once_the_page_is_ready(tmp_path: object) -> None:
    from pathlib import Path

    from sheets_bridge.service.actions import followups, score
    from sheets_bridge.store.xlsx import XlsxStore

    header = ["Referring page URL", "Referring page title", "Domain rating"]
    path = Path(str(tmp_path)) / "book.xlsx"
    store = XlsxStore(path, create=True)
    store.replace_tabs({"Settings": [["Your domain", "mine.com"], ["Topic keywords", "crm"]],
                        "Targets": READY_TARGETS,
                        "rival.com": [header, ["https://waits.com/resources/crm", "CRM resources", 50]]})
    score(store, dt.date(2026, 11, 26))

    def action() -> str:
        rows = XlsxStore(path).read_tabs()["Prospects"]
        column = rows[0].index("Next action")
        return str(next(r[column] for r in rows[1:] if r[0] == "waits.com"))

    followups(XlsxStore(path), dt.date(2026, 11, 27))
    assert action() == "Improve https://mine.com/guides/crm before pitching"
    XlsxStore(path).replace_tabs({"Targets": [[*row[:3], "yes" if i else "Ready"] for i, row in
                                              enumerate(READY_TARGETS)]})
    followups(XlsxStore(path), dt.date(2026, 11, 27))
    assert action() == "Send touch 1 of 4"


@pytest.mark.parametrize(("competitor_page", "target"), [
    ("rival.com/research/state-of-sales-survey", "https://mine.com/research/2026"),
    ("rival.com/compare/rival-alternatives", "https://mine.com/compare/us-vs-them"),
    ("rival.com/tools/forecast-calculator", "https://mine.com/calculator"),
])
def test_the_competitors_linked_page_picks_the_equivalent_target(competitor_page: str, target: str) -> None:
    p = pd.DataFrame({"page_type": ["resource page"], "competitor_page": [competitor_page]})
    result = assign_targets(p, pd.Series(["useful links"]), parse_targets(TARGETS))
    assert result["target_url"].iloc[0] == target


def test_a_page_nobody_has_says_what_to_create() -> None:
    p = pd.DataFrame({"page_type": ["editorial/news"],
                      "competitor_page": ["rival.com/legal/deaths-at-sea-statistics"]})
    result = assign_targets(p, pd.Series(["maritime law firm article"]), parse_targets(TARGETS))
    angle = result["angle"].iloc[0]
    assert angle.startswith("They link to rival.com/legal/deaths-at-sea-statistics: no page in Targets covers it")
    assert result["target_url"].iloc[0] in angle  # a stand-in keeps follow-ups going
