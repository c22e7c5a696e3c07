"""The layout `setup` gives a spreadsheet: reserved tabs, headers, Status dropdown, Tier colours, protections."""

from __future__ import annotations

from typing import Any

from sheets_bridge import contract
from sheets_bridge.gap.classify import PAGE_TYPES
from sheets_bridge.outreach.starting_templates import HEADER as TEMPLATES_HEADER
from sheets_bridge.outreach.starting_templates import starter_templates

RUN_LOG_HEADER = ("Time (UTC)", "User", "Action", "Result", "Seconds", "Warnings")
TAB_HEADERS: dict[str, tuple[str, ...]] = {
    contract.SETTINGS: ("Setting", "Value"),
    contract.TARGETS: contract.TARGETS_HEADER,
    contract.PROSPECTS: contract.PROSPECT_HEADER,
    contract.OUTREACH_LOG: contract.LOG_HEADER,
    contract.DASHBOARD: (),
    contract.RUN_LOG: RUN_LOG_HEADER,
    contract.TEMPLATES: tuple(TEMPLATES_HEADER),
    contract.DO_NOT_CONTACT: contract.DO_NOT_CONTACT_HEADER,
    contract.RANKINGS: ("Date", "URL", "Query", "Position", "Clicks", "Impressions"),
    contract.EXCLUDED: contract.EXCLUDED_HEADER,
}
# one angle vocabulary: the page types Prospects shows, Templates are keyed by and Gmail sync logs
LOG_VOCABULARY: dict[str, tuple[str, ...]] = {"Result": contract.LOG_RESULTS, "Angle": PAGE_TYPES}
EXAMPLE_SETTINGS: list[list[Any]] = [
    ["Your domain", "", "← type your own site here, e.g. yoursite.com (leave out https:// and www.)"],
    ["Topic keywords", "", "← what your own pages are about, comma-separated, e.g. crm, sales pipeline"],
    ["Min competitors linking", 1],
    ["Weight authority", 0.35],
    ["Weight relevance", 0.4],
    ["Weight feasibility", 0.25],
    ["Min authority", 0],
    ["Max authority", 90],
    ["Allowed countries", ""],
    ["Excluded countries", ""],
    ["Excluded TLDs", ""],
    ["Follow-up days", "1, 4, 9, 14"],
    ["Business days only", "no"],
    ["Holiday country", ""],
    ["Recontact after days", 100],
    ["Campaign", ""],
    ["Campaign start", ""],
    ["Quarterly link goal", ""],
]
TIER_COLOURS = {"A": {"red": 0.72, "green": 0.88, "blue": 0.8}, "B": {"red": 1.0, "green": 0.95, "blue": 0.7},
                "C": {"red": 0.96, "green": 0.8, "blue": 0.8}}
OWNED_SHADE = {"red": 0.95, "green": 0.95, "blue": 0.95}
PROTECTION_NOTE = "sheets_bridge: columns rewritten on every run"

# rows a tab gets below its header when `setup` creates it
EXAMPLE_ROWS: dict[str, list[list[Any]]] = {contract.SETTINGS: EXAMPLE_SETTINGS,
                                            contract.TEMPLATES: starter_templates()[1:]}
