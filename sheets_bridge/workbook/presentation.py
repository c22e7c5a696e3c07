"""How the Prospects tab reads: column widths, number formats and which columns are links (pure data)."""

from __future__ import annotations

from dataclasses import dataclass

from sheets_bridge import contract

DATE_FORMAT = "yyyy-mm-dd"
SCORE_FORMAT = "0.00"
TEAM_SHADE = {"red": 0.85, "green": 0.92, "blue": 1.0}


@dataclass(frozen=True)
class ColumnStyle:
    """A Prospects column as a person reads it: width in characters, number format, clickable or not."""

    width: int
    number_format: str = ""
    link: bool = False
    wrap: bool = False


COLUMNS: dict[str, ColumnStyle] = {
    "Domain": ColumnStyle(26), "Status": ColumnStyle(17), "Segment": ColumnStyle(18),
    "Competitors linking": ColumnStyle(12, "0"), "Linked competitors": ColumnStyle(44),
    "Competitor pages": ColumnStyle(48),
    "Authority": ColumnStyle(10, SCORE_FORMAT), "Relevance": ColumnStyle(10, SCORE_FORMAT),
    "Feasibility": ColumnStyle(10, SCORE_FORMAT), "Priority": ColumnStyle(9, SCORE_FORMAT), "Tier": ColumnStyle(6),
    "Page type": ColumnStyle(16), "Example page": ColumnStyle(44, link=True), "Target URL": ColumnStyle(36, link=True),
    "Outreach angle": ColumnStyle(50), "Country": ColumnStyle(8), "Flags": ColumnStyle(28),
    "Why": ColumnStyle(62), "Touches": ColumnStyle(8, "0"), "Last touch": ColumnStyle(12, DATE_FORMAT),
    "Next follow-up": ColumnStyle(14, DATE_FORMAT), "Next action": ColumnStyle(44), "Contact": ColumnStyle(26),
    "Owner": ColumnStyle(14), "Notes": ColumnStyle(40, wrap=True),
}


def style_of(name: str) -> ColumnStyle:
    """The style of a Prospects column by header; other columns (the team's own) get a plain width."""
    return COLUMNS.get(name, ColumnStyle(16))


def is_owned(name: str) -> bool:
    """Whether sheets_bridge rewrites this column on every run."""
    return name in contract.OWNED_COLUMNS


# the reserved tabs a person reads and types in (not Prospects): widths in characters, wrapped columns
TAB_WIDTHS = {
    "Setting": 28, "Value": 44, "URL": 52, "Page kind": 14, "Topic keywords": 44, "Ready": 8, "Date": 12,
    "Domain": 26, "Touch": 7, "Angle": 18, "Result": 16, "Link URL": 44, "Anchor": 22, "Notes": 36,
    "Campaign": 12, "Page type": 16, "Subject": 44, "Body": 90, "Domain or email": 30, "Reason": 36,
    "Query": 26, "Position": 9, "Clicks": 8, "Impressions": 12, "Evidence": 60, "Example page": 50,
    "Linked competitors": 28, "Keep": 8,
}
DEFAULT_WIDTH = 16
WRAPPED = frozenset({"Body", "Notes", "Evidence"})
LINE_POINTS = 15.0  # one line of the default 11-point font
MAX_ROW_POINTS = 409.0  # the tallest row a spreadsheet allows


def wrapped_height(text: str, width: float) -> float:
    """Points a row needs to show ``text`` wrapped in a column ``width`` characters wide: each paragraph takes
    the lines its length needs (a character of prose is about one width unit); at least one line."""
    per_line = max(int(width), 1)
    lines = sum(max(1, -(-len(paragraph) // per_line)) for paragraph in str(text).split("\n"))
    return min(lines * LINE_POINTS, MAX_ROW_POINTS)
