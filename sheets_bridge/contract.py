"""The sheet contract: reserved tabs, Prospects columns and who owns them, statuses."""

from __future__ import annotations

SETTINGS = "Settings"
TARGETS = "Targets"
PROSPECTS = "Prospects"
OUTREACH_LOG = "Outreach log"
DASHBOARD = "Dashboard"
RUN_LOG = "Run log"
TEMPLATES = "Templates"
DO_NOT_CONTACT = "Do not contact"
RANKINGS = "Rankings"
EXCLUDED = "Excluded"
RESERVED_TABS = (SETTINGS, TARGETS, PROSPECTS, OUTREACH_LOG, DASHBOARD, RUN_LOG, TEMPLATES, DO_NOT_CONTACT, RANKINGS,
                 EXCLUDED)

KEY = "Domain"
OWNED_COLUMNS = (
    "Domain", "Segment", "Competitors linking", "Linked competitors", "Competitor pages", "Authority", "Relevance",
    "Feasibility", "Priority", "Tier", "Page type", "Example page", "Target URL", "Outreach angle",
    "Country", "Flags", "Why", "Touches", "Last touch", "Next follow-up", "Next action",
)
TEAM_COLUMNS = ("Status", "Contact", "Owner", "Notes")
PROSPECT_HEADER = OWNED_COLUMNS[:1] + TEAM_COLUMNS[:1] + OWNED_COLUMNS[1:] + TEAM_COLUMNS[1:]

STATUSES = ("New", "Queued", "Contacted", "Replied positive", "Replied negative", "Placed", "Declined",
            "Do not contact")
ENDED_STATUSES = frozenset({"replied positive", "replied negative", "placed", "declined", "do not contact"})
LOG_HEADER = ("Date", "Domain", "Touch", "Angle", "Result", "Link URL", "Anchor", "Notes", "Campaign")
LOG_RESULTS = ("Sent", "Replied", "Replied positive", "Replied negative", "Placed", "Declined")
TARGETS_HEADER = ("URL", "Page kind", "Topic keywords", "Ready")
NOT_READY = frozenset({"no", "n", "false", "not yet", "not ready", "draft", "todo", "0"})  # Targets' Ready
DO_NOT_CONTACT_HEADER = ("Domain or email", "Reason", "Date")
DO_NOT_CONTACT_FLAG = "Do not contact"
LEFT_GAP_FLAG = "left the gap"
PLACED_FLAG_PREFIX = "Links to you since"
EXCLUDED_HEADER = ("Domain", "Reason", "Evidence", "Example page", "Linked competitors", "Keep")
KEEP_WORDS = frozenset({"keep", "kept", "yes", "y", "true", "x", "1", "✓", "✔"})  # the Excluded tab's Keep column
