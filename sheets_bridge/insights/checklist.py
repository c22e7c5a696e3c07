"""The launch checklist (playbook sections 2 and 10): each line passes, fails with the fix in words, or says
what it needs to be checked. Pure: facts in, lines out; the Dashboard shows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

PASS, FAIL, TODO = "pass", "FAIL", "to do"
SIMILAR_AUTHORITY = 15  # points on a 0-100 scale
FRESH_DAYS = 90
STALE = re.compile(r"Tab '([^']+)': its newest link was first seen \S+, (\d+) days ago")


@dataclass
class ChecklistFacts:
    """What the checklist is judged on, gathered from the spreadsheet."""

    competitors: list[str]
    your_authority: float | None
    competitor_authority: dict[str, float]
    prospects: int
    giants: int  # prospects of authority 90 or more
    target_urls: list[str]
    last_score_warnings: str | None  # the Warnings cell of the last Score prospects line in the Run log; None: never
    template_problems: list[str] | None  # None: no Templates tab
    logged_results: set[str] = field(default_factory=set)  # results in the Outreach log, lower case


def launch_checklist(f: ChecklistFacts) -> list[tuple[str, str, str]]:
    """(check, pass / FAIL / to do, what to do) for each line of the playbook's launch checklist."""
    lines: list[tuple[str, str, str]] = []
    n = len(f.competitors)
    lines.append(("3 to 5 competitors", PASS if 3 <= n <= 5 else FAIL,
                  f"{n} competitor tabs" + ("" if 3 <= n <= 5 else
                                            ": add competitors' exports" if n < 3 else
                                            ": keep the 3 to 5 closest; more dilutes the gap")))
    if f.your_authority is None or not f.competitor_authority:
        lines.append(("A competitor of similar authority", TODO,
                      "add 'Your authority' and 'Competitor authority' (e.g. rival.com 45; other.com 60) to Settings"))
    else:
        close = sorted(c for c, a in f.competitor_authority.items() if abs(a - f.your_authority) <= SIMILAR_AUTHORITY)
        lines.append(("A competitor of similar authority", PASS if close else FAIL,
                      f"within {SIMILAR_AUTHORITY} points of yours: {', '.join(close)}" if close else
                      "every competitor is far above or below you: add one whose authority is close to yours"))
    lines.append(("No giant publishers left in", PASS if not f.giants else FAIL,
                  "none of authority 90 or more" if not f.giants else
                  f"{f.giants} prospects of authority 90 or more: set Max authority to 90 in Settings"))
    if f.last_score_warnings is None:
        lines.append(("Competitor exports fresh (90 days)", TODO, "run Score prospects"))
    else:
        stale = STALE.findall(f.last_score_warnings)
        lines.append(("Competitor exports fresh (90 days)", PASS if not stale else FAIL,
                      "no export older than 90 days at the last score" if not stale else
                      "refresh " + ", ".join(f"{tab} ({days} days)" for tab, days in stale)
                      + " and revisit the competitor set quarterly"))
    lines.append(("Dataset cleaned and deduplicated", PASS if f.prospects else TODO,
                  f"{f.prospects} prospects, one row per domain after cleaning" if f.prospects else
                  "run Score prospects"))
    unmapped = sum(1 for u in f.target_urls if not u.strip())
    home = sum(1 for u in f.target_urls if u.strip() and urlsplit(u if "://" in u else "https://" + u).path in
               {"", "/"})
    lines.append(("Every prospect mapped to a specific page", PASS if f.target_urls and not unmapped and not home
                  else FAIL if f.target_urls else TODO,
                  "no prospect without a target, none to the home page" if f.target_urls and not (unmapped or home)
                  else f"{unmapped} without a target, {home} to the home page: add pages to the Targets tab"
                  if f.target_urls else "run Score prospects"))
    if f.template_problems is None:
        lines.append(("A distinct template per outreach angle", TODO, "run Set up to get the Templates tab"))
    else:
        shared = [p for p in f.template_problems if "same body" in p or "has no touch" in p]
        lines.append(("A distinct template per outreach angle", PASS if not shared else FAIL,
                      "one body per page type and touch" if not shared else shared[0]))
    tracked = {"replied", "replied positive", "replied negative", "placed"} & f.logged_results
    lines.append(("Reply and placement rates tracked", PASS if tracked else TODO,
                  "the Outreach log holds replies or placements" if tracked else
                  "log replies and placements in the Outreach log (or Sync with Gmail)"))
    return lines
