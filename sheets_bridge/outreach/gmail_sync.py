"""Gmail messages to and from prospects' contacts, as Outreach log rows (pure; the menu reads Gmail).

Each event is one message: its Gmail id, date, direction (``sent`` by the team member or ``received`` from
the contact), the contact's address and the subject. A sent message becomes a ``Sent`` row with the next
touch number for that prospect; a received one a ``Replied`` row (unclassified: the team reads it and sets
Replied positive or negative). The Gmail id goes in Notes as ``Gmail <id>``, so a second sync of the same
messages adds nothing; rows typed by hand and rows from sync live together.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sheets_bridge.contract import KEY, LOG_HEADER
from sheets_bridge.outreach.templates import email_of

GMAIL_NOTE = re.compile(r"\bGmail ([A-Za-z0-9_\-]+)")


@dataclass
class SyncPlan:
    """Outreach log rows to append, and what was left out."""

    rows: list[list[Any]] = field(default_factory=list)
    already_logged: int = 0
    not_prospects: int = 0
    problems: list[str] = field(default_factory=list)


def logged_ids(log_values: Sequence[Sequence[Any]] | None) -> set[str]:
    """Gmail ids already in the Outreach log's Notes."""
    return {m for row in log_values or [] for cell in row for m in GMAIL_NOTE.findall(str(cell or ""))}


def plan_sync(events: Sequence[dict[str, Any]], prospects: pd.DataFrame, log: pd.DataFrame,
              known_ids: set[str]) -> SyncPlan:
    """Rows in the Outreach log's column order (Date, Domain, Touch, Angle, Result, Link URL, Anchor, Notes,
    Campaign) for the events not logged yet, oldest first."""
    plan = SyncPlan()
    by_email: dict[str, pd.Series] = {}
    for _, row in prospects.iterrows():
        email = email_of(str(row.get("Contact", "") or "")).lower()
        if email and email not in by_email:
            by_email[email] = row
    sent = log[log["result"].isin(["", "sent"])].groupby("key").size().to_dict() if len(log) else {}
    seen = set(known_ids)
    for event in sorted(events, key=lambda e: str(e.get("date", ""))):
        gmail_id = str(event.get("id", "")).strip()
        if not re.fullmatch(r"[A-Za-z0-9_\-]{1,64}", gmail_id):
            plan.problems.append(f"a Gmail message without a usable id was left out ({gmail_id[:20]!r})")
            continue
        if gmail_id in seen:
            plan.already_logged += 1
            continue
        prospect = by_email.get(str(event.get("email", "")).strip().lower())
        if prospect is None:
            plan.not_prospects += 1
            continue
        try:
            day = dt.date.fromisoformat(str(event.get("date", ""))[:10])
        except ValueError:
            plan.problems.append(f"Gmail message {gmail_id}: unreadable date {event.get('date')!r}")
            continue
        domain = str(prospect[KEY])
        received = str(event.get("direction", "")) == "received"
        touch: Any = ""
        if not received:
            sent[domain] = sent.get(domain, 0) + 1
            touch = sent[domain]
        subject = str(event.get("subject", ""))[:200]
        values = {"Date": day, "Domain": domain, "Touch": touch, "Angle": str(prospect.get("Page type", "") or ""),
                  "Result": "Replied" if received else "Sent", "Notes": f"Gmail {gmail_id}: {subject}".strip()}
        plan.rows.append([values.get(name, "") for name in LOG_HEADER])
        seen.add(gmail_id)
    return plan
