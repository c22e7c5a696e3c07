"""The demo workbook: sample exports shipped in the package, plus every tab a team fills in: Settings (with a
campaign start, a goal and authorities), Targets, an Outreach log, Prospects with Contacts and Owners,
Templates, Do not contact and a Rankings history, so every feature has something to show."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path
from typing import Any

from sheets_bridge import contract
from sheets_bridge.intake.decode import read_rows
from sheets_bridge.outreach.starting_templates import starter_templates
from sheets_bridge.service.actions import typed_rows
from sheets_bridge.store.xlsx import XlsxStore

SETTINGS_ROWS: list[list[Any]] = [
    ["Setting", "Value"],
    ["Your domain", "crmpilot.io"],
    ["Topic keywords", "crm, sales pipeline, lead management, lead scoring, customer retention, sales tools"],
    ["Brand keywords", "crmpilot, crm pilot"],
    ["Min competitors linking", 1],
    ["Weight authority", 0.35],
    ["Weight relevance", 0.4],
    ["Weight feasibility", 0.25],
    ["Min authority", 5],
    ["Max authority", 90],
    ["Allowed countries", ""],
    ["Excluded countries", ""],
    ["Excluded TLDs", "ru, cn"],
    ["Follow-up days", "1, 4, 9, 14"],
    ["Business days only", "yes"],
    ["Holiday country", "GB"],
    ["Recontact after days", 100],
    ["Campaign", "Q4 2026"],
    ["Campaign start", dt.date(2026, 10, 1)],
    ["Quarterly link goal", 12],
    ["Your authority", 38],
    ["Competitor authority", "pipelinehq.com 45; dealflow.co.uk 41; salesnest.com 36; leadlark.io 33"],
    ["Search console property", "sc-domain:crmpilot.io"],
]
TARGET_ROWS: list[list[Any]] = [
    list(contract.TARGETS_HEADER),
    ["https://crmpilot.io/", "home", ""],
    ["https://crmpilot.io/guides/sales-pipeline-management", "guide", "sales pipeline, pipeline, deal stages"],
    ["https://crmpilot.io/guides/lead-scoring", "guide", "lead scoring, lead management, leads"],
    ["https://crmpilot.io/blog/best-crm-for-small-business", "list", "crm software, small business, crm tools"],
    ["https://crmpilot.io/tools/pipeline-calculator", "tool", "sales forecast, pipeline, sales tools"],
    ["https://crmpilot.io/research/state-of-sales-2026", "data", "sales report, survey, market, statistics"],
    ["https://crmpilot.io/compare/crmpilot-vs-hubspot", "comparison", "hubspot, pipedrive, crm alternatives"],
    ["https://crmpilot.io/frameworks/customer-retention-playbook", "framework", "customer retention, churn"],
]


def outreach_log_rows() -> list[list[Any]]:
    """A realistic touch history: two campaigns, replies, placements with varied anchors, one bad date."""
    d = dt.date
    q3, q4 = "Q3 2026", "Q4 2026"
    rows: list[list[Any]] = [list(contract.LOG_HEADER)]
    rows += [
        [d(2026, 9, 20), "b2btalk.co.uk", 1, "roundup update", "Sent", "", "", "last quarter", q3],
        [d(2026, 10, 1), "revenuejournal.co.uk", 1, "original data", "Sent", "", "", "", q4],
        [d(2026, 10, 8), "revenuejournal.co.uk", None, "original data", "Placed",
         "https://revenuejournal.co.uk/news/2026/10/sales-survey", "state of sales 2026", "", q4],
        [d(2026, 10, 5), "crminsider.org", 1, "roundup update", "Sent", "", "", "", q4],
        [d(2026, 10, 9), "crminsider.org", None, "roundup update", "Replied positive", "", "", "", q4],
        [d(2026, 10, 20), "crminsider.org", None, "roundup update", "Placed",
         "https://crminsider.org/best-crm-software-2026", "best CRM tools", "", q4],
        [d(2026, 10, 12), "bizreview.com.au", 1, "resource gap", "Sent", "", "", "", q4],
        [d(2026, 10, 30), "bizreview.com.au", None, "resource gap", "Placed",
         "https://bizreview.com.au/resources", "crm", "", q4],
        [d(2026, 11, 2), "biznotes.de", 1, "roundup update", "Sent", "", "", "", q4],
        [d(2026, 11, 13), "biznotes.de", None, "roundup update", "Placed", "https://biznotes.de/best-crm",
         "CRM Pilot", "", q4],
        [d(2026, 11, 3), "technotes.co.uk", 1, "resource gap", "Sent", "", "", "", q4],
        [d(2026, 11, 17), "technotes.co.uk", None, "resource gap", "Placed", "https://technotes.co.uk/tools",
         "crmpilot.io", "", q4],
        [d(2026, 11, 4), "saashq.co.uk", 1, "comparison", "Sent", "", "", "", q4],
        [d(2026, 11, 6), "saashq.co.uk", None, "comparison", "Replied negative", "", "", "", q4],
        [d(2026, 11, 2), "salesgrowthhub.com", 1, "resource gap", "Sent", "", "", "Pitched pipeline guide", q4],
        [d(2026, 11, 5), "salesgrowthhub.com", 2, "resource gap", "Sent", "", "", "", q4],
        [d(2026, 11, 10), "salesgrowthhub.com", 3, "resource gap", "Sent", "", "", "", q4],
        [d(2026, 11, 16), "smallbizresources.org", 1, "resource gap", "Sent", "", "", "", q4],
        [d(2026, 11, 19), "smallbizresources.org", None, "resource gap", "Replied positive", "", "",
         "Editor wants a short summary", q4],
        [d(2026, 11, 20), "thecrmreview.net", 1, "roundup update", "Sent", "", "", "", q4],
        [d(2026, 11, 24), "thecrmreview.net", 2, "roundup update", "Sent", "", "", "", q4],
        [d(2026, 11, 23), "www.StartupStack.io", 1, "comparison", "Sent", "", "", "spelled as in the CRM", q4],
        [d(2026, 11, 25), "leadgenweekly.com", 1, "roundup update", "Sent", "", "", "", q4],
        ["not a date", "leadgenweekly.com", 2, "roundup update", "Sent", "", "", "typo in the date", q4],
    ]
    return rows


PROSPECT_STATUSES = {
    "salesgrowthhub.com": "Contacted", "smallbizresources.org": "Replied positive", "thecrmreview.net": "Contacted",
    "revenuejournal.co.uk": "Placed", "startupstack.io": "Contacted", "leadgenweekly.com": "Contacted",
    "crminsider.org": "Placed", "bizreview.com.au": "Placed", "biznotes.de": "Placed", "technotes.co.uk": "Placed",
    "saashq.co.uk": "Replied negative", "agencybase.org": "Contacted", "growthacademy.com": "Queued",
    "salestimes.com": "Do not contact",
}


OWNERS = ("Dana Reyes <dana@crmpilot.io>", "Sam Okafor <sam@crmpilot.io>")


def prospect_rows() -> list[list[Any]]:
    """The team's Prospects tab from last quarter: Domain, Status, Contact and Owner typed, notes on a few rows."""
    header = list(contract.PROSPECT_HEADER)
    rows: list[list[Any]] = [header]
    for number, (domain, status) in enumerate(PROSPECT_STATUSES.items()):
        row: list[Any] = [""] * len(header)
        row[0], row[1] = domain, status
        row[header.index("Notes")] = "met the editor at a conference" if domain == "crminsider.org" else ""
        row[header.index("Contact")] = f"Alex Morgan <editor@{domain}>" if number % 3 else f"hello@{domain}"
        row[header.index("Owner")] = OWNERS[number % 2]
        rows.append(row)
    return rows


DO_NOT_CONTACT_ROWS: list[list[Any]] = [
    list(contract.DO_NOT_CONTACT_HEADER),
    ["salestimes.com", "Asked not to be contacted again", dt.date(2026, 9, 14)],
    ["press@b2btalk.co.uk", "Unsubscribed from outreach", dt.date(2026, 10, 2)],
]


def rankings_rows() -> list[list[Any]]:
    """Weekly Search Console figures for the target pages since August: pages that earned links climb."""
    rows: list[list[Any]] = [["Date", "URL", "Query", "Position", "Clicks", "Impressions"]]
    climbing = {"https://crmpilot.io/research/state-of-sales-2026": 0.9,
                "https://crmpilot.io/blog/best-crm-for-small-business": 0.6,
                "https://crmpilot.io/tools/pipeline-calculator": 0.45,
                "https://crmpilot.io/frameworks/customer-retention-playbook": 0.3}
    for row in TARGET_ROWS[2:]:
        url, query = str(row[0]), str(row[2]).split(",")[0].strip()
        start = 18.0 + len(query) % 7
        for week in range(17):
            day = dt.date(2026, 8, 3) + dt.timedelta(weeks=week)
            gain = climbing.get(url, 0.05) * max(0, week - 8)  # links landed from October on
            position = round(max(2.0, start - gain), 1)
            impressions = 400 + 35 * week + len(url)
            clicks = int(impressions * (0.9 / position))
            rows.append([day, url, query, position, clicks, impressions])
    return rows


def sample_files() -> list[dict[str, str]]:
    """The manifest of sample exports shipped in the package."""
    text = resources.files("sheets_bridge").joinpath("data", "samples", "manifest.json").read_text("utf-8")
    files: list[dict[str, str]] = json.loads(text)["files"]
    return files


def build_demo_workbook(path: Path) -> list[str]:
    """Write a fresh demo workbook at ``path`` (replacing it); returns the export tabs created."""
    if path.exists():
        path.unlink()
    store = XlsxStore(path, create=True)
    tabs: dict[str, list[list[Any]]] = {contract.SETTINGS: SETTINGS_ROWS, contract.TARGETS: TARGET_ROWS}
    for entry in sample_files():
        data = resources.files("sheets_bridge").joinpath("data", "samples", entry["file"]).read_bytes()
        rows, _ = read_rows(data, entry["file"])
        tabs[entry["site"]] = typed_rows(rows)
    tabs[contract.OUTREACH_LOG] = outreach_log_rows()
    tabs[contract.PROSPECTS] = prospect_rows()
    tabs[contract.TEMPLATES] = starter_templates()
    tabs[contract.DO_NOT_CONTACT] = DO_NOT_CONTACT_ROWS
    tabs[contract.RANKINGS] = rankings_rows()
    store.replace_tabs(tabs)
    return [e["site"] for e in sample_files()]
