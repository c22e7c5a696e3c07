"""Templates, drafts and the Do not contact list: filled from the documented placeholder rules, checked by row."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_bridge.cli import main
from sheets_bridge.outreach.drafts import flag_do_not_contact, parse_do_not_contact, plan_drafts
from sheets_bridge.outreach.starting_templates import starter_templates
from sheets_bridge.outreach.templates import fill, parse_templates
from sheets_bridge.service.actions import score
from sheets_bridge.store.xlsx import XlsxStore

VALUES = {"domain": "alpha.com", "examplepage": "https://alpha.com/resources", "targeturl": "https://mine.com/g",
          "owner": "Ana", "contactname": "", "pagetype": "resource page"}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_fill_never_raises_and_never_leaves_a_placeholder(text: str) -> None:
    filled, unknown, empty = fill(text, VALUES)
    if filled is None:
        assert unknown or empty
    else:
        # every {name} became its value; only escaped braces may remain, as single braces
        assert not re.search(r"\{(domain|example_?page|target_?url|owner|page ?type)\}", filled, re.IGNORECASE)
        assert not unknown and not empty


def test_fill_by_the_rules() -> None:
    assert fill("Hi {Owner}, see {target_url} for {Page type} {{literal}}", VALUES)[0] == \
        "Hi Ana, see https://mine.com/g for resource page {literal}"
    assert fill("Hi {contact_name}", VALUES) == (None, [], ["contact_name"])
    assert fill("Hi {nickname}", VALUES) == (None, ["nickname"], [])


def test_template_checks_are_reported_by_row() -> None:
    rows = [["Page type", "Touch", "Subject", "Body"],
            ["resource page", 1, "Hi", "Short body {domain}"],
            ["roundup/list", 1, "Hi", "Short body {domain}"],  # the same body for two page types
            ["comparison", 7, "Hi", "x"],  # not a touch
            ["review", 1, "Hi {nickname}", "word " * 160]]  # unknown placeholder, too long
    problems = parse_templates(rows).problems
    assert "Templates row 3: the same body serves resource page, roundup/list; write one per page type" in problems
    assert "Templates row 4: Touch should be 1, 2, 3 or 4, found '7'" in problems
    assert "Templates row 5: unknown placeholder {nickname}" in problems
    assert "Templates row 5: the body has 160 words; keep it under 150" in problems
    assert "Templates: resource page has no touch 2, 3, 4" in problems


def test_starter_templates_pass_their_own_checks() -> None:
    templates = parse_templates(starter_templates())
    assert templates.problems == [] and len(templates.rows) == 20
    assert {t.page_type for t in templates.rows} == {"resource page", "roundup/list", "editorial/news",
                                                     "comparison", "any"}


def _prospects(**extra: list[object]) -> pd.DataFrame:
    base = {"Domain": ["due.com", "queued.com", "nomail.com", "placed.com", "blocked.com", "later.com", "wait.com"],
            "Status": ["Contacted", "Queued", "Queued", "Placed", "Queued", "Contacted", "Queued"],
            "Contact": ["Jo <jo@due.com>", "q@queued.com", "", "p@placed.com", "b@blocked.com", "l@later.com",
                        "w@wait.com"],
            "Touches": [1, 0, 0, 2, 0, 1, 0], "Page type": ["roundup/list", "resource page", "other", "other",
                                                            "other", "other", "other"],
            "Example page": ["https://due.com/best", "https://queued.com/res", "https://x", "https://x", "https://x",
                             "https://x", "https://x"],
            "Target URL": ["https://mine.com/list"] * 7, "Owner": ["Ana"] * 7, "Flags": [""] * 7,
            "Next action": ["Due today: send touch 2 of 4", "Send touch 1 of 4", "Send touch 1 of 4",
                            "Placed: record the link", "Send touch 1 of 4", "Send touch 2 of 4 on 2026-12-01",
                            "Improve https://mine.com/list before pitching"]}
    base.update(extra)
    return pd.DataFrame(base)


def test_drafts_for_due_prospects_and_reasons_for_the_rest() -> None:
    blocked = parse_do_not_contact([["Domain or email", "Reason"], ["https://www.Blocked.com/", "asked"]])
    plan = plan_drafts(_prospects(), parse_templates(starter_templates()), blocked)
    drafts = {d.domain: d for d in plan.drafts}
    assert set(drafts) == {"due.com", "queued.com"}
    assert drafts["due.com"].touch == 2 and drafts["due.com"].to == "jo@due.com"
    assert drafts["due.com"].subject == "Re: For your next update of your list on due.com"  # no raw URL
    assert "https://mine.com/list" in drafts["due.com"].body and "{" not in drafts["due.com"].body
    assert drafts["due.com"].body.startswith("Hi Jo,\n") and drafts["due.com"].body.endswith("\nAna")
    assert drafts["queued.com"].body.startswith("Hi,\n")  # no name in Contact: no made-up one
    assert "Since I wrote" not in drafts["due.com"].body  # a follow-up claims nothing the team has not done
    assert drafts["queued.com"].touch == 1 and "https://queued.com/res" in drafts["queued.com"].body
    assert dict(plan.skipped) == {"nomail.com": "no email address in Contact",
                                  "blocked.com": "on the Do not contact list",
                                  "wait.com": "its target page is not ready: Improve https://mine.com/list before "
                                              "pitching"}


def test_drafts_for_named_domains_whatever_their_dates() -> None:
    plan = plan_drafts(_prospects(), parse_templates(starter_templates()), parse_do_not_contact(None),
                       ["later.com", "placed.com", "nobody.com"])
    assert [d.domain for d in plan.drafts] == ["later.com"]
    assert dict(plan.skipped) == {"nobody.com": "not on the Prospects tab",
                                  "placed.com": "Status is Placed: the sequence has ended"}


def test_do_not_contact_flags_prospects_when_scoring(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    header = ["Referring page URL", "Referring page title", "Domain rating"]
    path = tmp_path / "book.xlsx"
    store = XlsxStore(path, create=True)
    store.replace_tabs({"Settings": [["Your domain", "mine.com"]],
                        "rival.com": [header, ["https://alpha.com/x", "CRM", 50], ["https://beta.com/y", "CRM", 40]],
                        "Do not contact": [["Domain or email", "Reason", "Date"], ["ALPHA.com", "asked", "2026-01-01"],
                                           ["not a host!", "", ""]]})
    summary, prospects = score(store, dt.date(2026, 11, 26))
    alpha = prospects.set_index("Domain").loc["alpha.com"]
    assert "Do not contact" in alpha["Flags"] and alpha["Next action"] == "On the Do not contact list: never pitch"
    assert prospects.set_index("Domain").loc["beta.com", "Next action"] == "Send touch 1 of 4"
    assert any("Do not contact row 3" in w for w in summary.warnings)
    again = flag_do_not_contact(prospects, {"alpha.com"})
    assert again.set_index("Domain").loc["alpha.com", "Flags"].count("Do not contact") == 1  # never piles up


def test_cli_drafts_prints_filled_emails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "book.xlsx"
    XlsxStore(path, create=True).replace_tabs(
        {"Prospects": [list(_prospects().columns), *_prospects().astype(object).values.tolist()]})
    assert main(["setup", str(path)]) == 0  # writes the starting Templates and an empty Do not contact tab
    capsys.readouterr()
    assert main(["drafts", str(path)]) == 0
    out = capsys.readouterr().out
    assert "--- due.com (touch 2) to jo@due.com" in out and "3 drafts, 2 skipped" in out
    assert "skipped nomail.com: no email address in Contact" in out


def test_status_do_not_contact_is_added_to_the_list_once(tmp_path: Path) -> None:
    from sheets_bridge.service.actions import list_do_not_contact

    path = tmp_path / "book.xlsx"
    XlsxStore(path, create=True).replace_tabs({
        "Prospects": [["Domain", "Status"], ["a.com", "Do not contact"], ["b.com", "New"], ["c.com", "Do not contact"]],
        "Do not contact": [["Domain or email", "Reason", "Date"], ["c.com", "asked", "2026-01-01"]]})
    first = list_do_not_contact(XlsxStore(path), dt.date(2026, 11, 26))
    assert first["added"] == ["a.com"] and first["already_listed"] == 1
    assert list_do_not_contact(XlsxStore(path), dt.date(2026, 11, 27))["added"] == []
    rows = XlsxStore(path).read_tabs()["Do not contact"]
    assert [r[0] for r in rows] == ["Domain or email", "c.com", "a.com"]
    assert rows[2][1] == "Status set to Do not contact"


@pytest.mark.parametrize(("owner", "name"), [
    ("Dana Reyes <dana@crmpilot.io>", "Dana Reyes"), ("dana.reyes@crmpilot.io", "Dana Reyes"), ("Ana", "Ana"),
    ("", ""),
])
def test_templates_sign_with_the_owners_name(owner: str, name: str) -> None:
    from sheets_bridge.outreach.templates import owner_name

    assert owner_name(owner) == name


def test_starter_subjects_carry_no_raw_url() -> None:
    for _, _, subject, _ in starter_templates()[1:]:
        assert "{example_page}" not in subject and "{target_url}" not in subject and "http" not in subject


def test_a_listed_domain_blocks_every_address_at_it_whichever_prospect_lists_it() -> None:
    blocked = parse_do_not_contact([["Domain or email"], ["blocked-corp.com"]])
    frame = _prospects()
    contact = frame["Contact"].astype(object).copy()
    contact[frame["Domain"] == "due.com"] = "Jo <ceo@Blocked-Corp.com>"  # another site's prospect, that site's CEO
    frame["Contact"] = contact
    plan = plan_drafts(frame, parse_templates(starter_templates()), blocked)
    assert "due.com" not in {d.domain for d in plan.drafts}
    assert dict(plan.skipped)["due.com"] == "on the Do not contact list"


@pytest.mark.parametrize(("status", "contact", "action", "words"), [
    ("New", "", "Send touch 1 of 4", "set Status to Queued"),
    ("Queued", "", "Send touch 1 of 4", "none has an email address in Contact"),
    ("Contacted", "jo@x.com", "Send touch 2 of 4 on 2026-12-03", "next follow-up is due on 2026-12-03"),
])
def test_a_zero_says_what_to_do_next(status: str, contact: str, action: str, words: str) -> None:
    from sheets_bridge.outreach.cadence import next_step

    advice = next_step(pd.Series([status]), pd.Series([action]), pd.Series([contact]))
    assert words in advice


def test_followups_and_drafts_on_a_fresh_list_name_the_next_step(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from sheets_bridge.cli import main

    path = tmp_path / "fresh.xlsx"
    assert main(["setup", str(path)]) == 0  # a new workbook, set up from nothing
    store = XlsxStore(path)
    store.replace_tabs({"Prospects": [["Domain", "Status", "Contact"], ["a.com", "New", ""], ["b.com", "", ""]]})
    assert main(["followups", str(path), "--today", "2026-11-26"]) == 0
    assert main(["drafts", str(path)]) == 0
    out = capsys.readouterr().out
    assert "0 due today, 0 overdue" in out and out.count("Next step: Nothing is due: set Status to Queued") == 2
    assert "0 drafts, 0 skipped" in out


def test_a_skip_for_a_missing_target_names_the_targets_tab_not_a_template_row() -> None:
    frame = _prospects()
    frame["Target URL"] = ""  # the Targets tab was empty when it was scored
    plan = plan_drafts(frame, parse_templates(starter_templates()), parse_do_not_contact(None))
    reasons = dict(plan.skipped)
    assert reasons["due.com"].startswith("no Target URL") and "Targets tab" in reasons["due.com"]
    assert not any(r.startswith("Templates row") for r in reasons.values())
