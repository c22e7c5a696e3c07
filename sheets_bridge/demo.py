"""The demo workbook: sample exports shipped in the package, plus Settings, Targets and an Outreach log."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path
from typing import Any

from sheets_bridge import contract
from sheets_bridge.pipeline.decode import read_rows
from sheets_bridge.service import typed_rows
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
]
TARGET_ROWS: list[list[Any]] = [
    list(contract.TARGETS_HEADER),
    ["https://crmpilot.io/guides/sales-pipeline-management", "guide", "sales pipeline, pipeline, deal stages"],
    ["https://crmpilot.io/guides/lead-scoring", "guide", "lead scoring, lead management, leads"],
    ["https://crmpilot.io/blog/best-crm-for-small-business", "list", "crm software, small business, crm tools"],
    ["https://crmpilot.io/tools/pipeline-calculator", "tool", "sales forecast, pipeline, sales tools"],
    ["https://crmpilot.io/research/state-of-sales-2026", "data", "sales report, survey, market, statistics"],
    ["https://crmpilot.io/compare/crmpilot-vs-hubspot", "comparison", "hubspot, pipedrive, crm alternatives"],
    ["https://crmpilot.io/frameworks/customer-retention-playbook", "framework", "customer retention, churn"],
]


def outreach_log_rows() -> list[list[Any]]:
    """A small, realistic touch history for planted prospects."""
    d = dt.date
    rows: list[list[Any]] = [list(contract.LOG_HEADER)]
    rows += [
        [d(2026, 11, 2), "salesgrowthhub.com", 1, "resource gap", "Sent", "", "", "Pitched pipeline guide"],
        [d(2026, 11, 5), "salesgrowthhub.com", 2, "resource gap", "Sent", "", "", ""],
        [d(2026, 11, 10), "salesgrowthhub.com", 3, "resource gap", "Sent", "", "", ""],
        [d(2026, 11, 16), "smallbizresources.org", 1, "resource gap", "Sent", "", "", ""],
        [d(2026, 11, 19), "smallbizresources.org", None, "resource gap", "Replied positive", "", "",
         "Editor wants a short summary"],
        [d(2026, 11, 20), "thecrmreview.net", 1, "roundup update", "Sent", "", "", ""],
        [d(2026, 11, 24), "thecrmreview.net", 2, "roundup update", "Sent", "", "", ""],
        [d(2026, 10, 1), "revenuejournal.co.uk", 1, "original data", "Sent", "", "", ""],
        [d(2026, 10, 8), "revenuejournal.co.uk", None, "original data", "Placed",
         "https://revenuejournal.co.uk/news/2026/10/sales-survey", "state of sales 2026", ""],
        [d(2026, 11, 23), "www.StartupStack.io", 1, "comparison", "Sent", "", "", "spelled as in the CRM export"],
        [d(2026, 11, 25), "leadgenweekly.com", 1, "roundup update", "Sent", "", "", ""],
        ["not a date", "leadgenweekly.com", 2, "roundup update", "Sent", "", "", "typo in the date"],
    ]
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
    store.replace_tabs(tabs)
    return [e["site"] for e in sample_files()]
