"""Which prospects get an outreach draft today, filled from the Templates, and why the others do not.

Pure: the Prospects tab (with the team's Status and Contact), the Templates, the Do not contact list and a
date in; drafts and skips out. Nothing is ever sent: the menu turns drafts into Gmail drafts for a person to
read, edit and send.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sheets_bridge.contract import DO_NOT_CONTACT_FLAG, ENDED_STATUSES, KEY
from sheets_bridge.exceptions import InvalidHostError
from sheets_bridge.gap.targets import IMPROVE_PREFIX
from sheets_bridge.intake.domains import key_host
from sheets_bridge.outreach.templates import TOUCHES, Templates, email_of, fill, prospect_values

_DUE = ("Due today", "Overdue")


@dataclass
class DoNotContact:
    """The Do not contact tab: site keys and email addresses never to pitch."""

    domains: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def blocks(self, key: str, email: str) -> bool:
        """Whether a prospect (its site key and its contact's address) is listed: the site, the address, or
        the site the address belongs to (``ceo@blocked-corp.com`` as another prospect's contact)."""
        return key in self.domains or (bool(email) and (email.lower() in self.emails
                                                        or _email_site(email) in self.domains))


def _email_site(email: str) -> str:
    """The site key of an email address's domain ('' when it is not a host)."""
    try:
        return key_host(email.rsplit("@", 1)[-1]).key
    except InvalidHostError:
        return ""


def parse_do_not_contact(values: Sequence[Sequence[Any]] | None) -> DoNotContact:
    """Domains (any spelling: URL, www., upper case) and email addresses from column A; header optional."""
    out = DoNotContact()
    for number, row in enumerate(values or [], start=1):
        cell = str(row[0]).strip() if row and row[0] is not None else ""
        if not cell or (number == 1 and "@" not in cell and "." not in cell):
            continue  # blank, or the header
        email = email_of(cell)
        if email:
            out.emails.add(email.lower())
            continue
        try:
            out.domains.add(key_host(cell).key)
        except InvalidHostError as exc:
            out.problems.append(f"Do not contact row {number}: {exc.message}")
    return out


@dataclass(frozen=True)
class Draft:
    """One filled email for one prospect."""

    domain: str
    to: str
    touch: int
    subject: str
    body: str
    template_row: int


@dataclass
class DraftPlan:
    """Drafts to create and prospects skipped, each with the reason in words."""

    drafts: list[Draft] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _touches(value: object) -> int:
    try:
        return int(float(str(value))) if str(value).strip() else 0
    except ValueError:
        return 0


def plan_drafts(prospects: pd.DataFrame, templates: Templates, blocked: DoNotContact,
                domains: Sequence[str] = ()) -> DraftPlan:
    """Drafts for the prospects due (a touch due today or overdue, or Status Queued for a first touch), or
    for the given domains whatever their dates; every candidate without a draft is listed with the reason."""
    plan = DraftPlan()
    frame = prospects.fillna("")
    if domains:
        wanted = {_key(d) for d in domains}
        chosen = frame[frame[KEY].astype(str).isin(wanted)]
        plan.skipped += [(d, "not on the Prospects tab") for d in sorted(wanted - set(chosen[KEY].astype(str)))]
    else:
        action = frame.get("Next action", pd.Series("", index=frame.index)).astype(str)
        status = frame.get("Status", pd.Series("", index=frame.index)).astype(str).str.strip().str.lower()
        chosen = frame[action.str.startswith(_DUE) | (status == "queued")]
    for _, row in chosen.iterrows():
        domain = str(row[KEY])
        reason, draft = _one(row, templates, blocked)
        if draft is None:
            plan.skipped.append((domain, reason))
        else:
            plan.drafts.append(draft)
    return plan


def _key(domain: str) -> str:
    try:
        return key_host(domain).key
    except InvalidHostError:
        return domain.strip().lower()


def _one(row: pd.Series, templates: Templates, blocked: DoNotContact) -> tuple[str, Draft | None]:
    """A draft for one prospect, or the reason there is none."""
    domain = str(row[KEY])
    status = str(row.get("Status", "")).strip()
    action = str(row.get("Next action", ""))
    email = email_of(str(row.get("Contact", "")))
    if blocked.blocks(domain, email) or status.lower() == "do not contact":
        return "on the Do not contact list", None
    if status.lower() in ENDED_STATUSES:
        return f"Status is {status}: the sequence has ended", None
    if action.startswith("Recently contacted") or re.search(r"\bContacted \S+ in campaign", str(row.get("Flags"))):
        return f"recontact rule: {action}", None
    if action.startswith(IMPROVE_PREFIX):
        return "its target page is not ready: " + action, None
    touch = _touches(row.get("Touches", 0)) + 1
    if touch > len(TOUCHES):
        return f"all {len(TOUCHES)} touches were sent", None
    if not email:
        return "no email address in Contact", None
    page_type = str(row.get("Page type", "")).strip().lower()
    template = templates.pick(page_type, touch)
    if template is None:
        return f"no template for {page_type or 'this page type'} touch {touch} (nor an 'any' row)", None
    values = prospect_values(row)
    subject, unknown_s, empty_s = fill(template.subject, values)
    body, unknown_b, empty_b = fill(template.body, values)
    if subject is None or body is None:
        unknown, empty = unknown_s + unknown_b, empty_s + empty_b
        named = ", ".join("{" + n + "}" for n in (unknown or empty))
        if not unknown and "target_url" in empty:  # the cause is the prospect's missing page, not the template
            return ("no Target URL: none of your pages fits it; list your pages in the Targets tab (URL, Page "
                    "kind, Topic keywords) and score again, or type its Target URL"), None
        why = "unknown placeholder" if unknown else "empty for this prospect"
        return f"Templates row {template.row}: {named} {why}", None
    return "", Draft(domain, email, touch, subject, body, template.row)


NEVER_PITCH = "On the Do not contact list: never pitch"


def flag_do_not_contact(prospects: pd.DataFrame, domains: set[str]) -> pd.DataFrame:
    """Prospects on the Do not contact list: flagged, Next action says never to pitch, no follow-up date."""
    listed = prospects[KEY].astype(str).isin(domains).to_numpy()
    if not listed.any():
        return prospects
    out = prospects.copy()
    flags = out.loc[listed, "Flags"].astype(str)
    out.loc[listed, "Flags"] = [f if DO_NOT_CONTACT_FLAG in f.split("; ") else "; ".join(x for x in (
        f, DO_NOT_CONTACT_FLAG) if x) for f in flags]
    out.loc[listed, "Next action"] = NEVER_PITCH
    out.loc[listed, "Next follow-up"] = pd.NaT
    return out


def sheet_rows(values: Sequence[Sequence[Any]] | None) -> dict[str, int]:
    """Each Domain's first row number on the Prospects tab (1-based, header in row 1)."""
    if not values or not values[0]:
        return {}
    header = [str(c).strip() for c in values[0]]
    if KEY not in header:
        return {}
    at = header.index(KEY)
    rows: dict[str, int] = {}
    for number, row in enumerate(values[1:], start=2):
        key = str(row[at]).strip() if at < len(row) and row[at] is not None else ""
        if key:
            rows.setdefault(key, number)
    return rows


def digest_by_owner(prospects: pd.DataFrame, blocked: DoNotContact,
                    row_of: dict[str, int]) -> tuple[list[dict[str, Any]], list[str]]:
    """Due and overdue prospects grouped by Owner (an email address), with their sheet rows; and the owners
    who have due prospects but no address to mail them at. Due: a touch due today or overdue, or a Queued
    prospect's first touch (what drafts are made for). Prospects on the Do not contact list (by domain, or by
    the email address in Contact) are left out."""
    frame = prospects.fillna("").reset_index(drop=True)
    action = frame.get("Next action", pd.Series("", index=frame.index)).astype(str)
    owner = frame.get("Owner", pd.Series("", index=frame.index)).astype(str).str.strip()
    contact = frame.get("Contact", pd.Series("", index=frame.index)).astype(str).map(email_of).fillna("").str.lower()
    contact_site = contact.map(lambda e: _email_site(e) if e else "")
    status = frame.get("Status", pd.Series("", index=frame.index)).astype(str).str.strip().str.lower()
    first_touch = (status == "queued") & action.str.startswith("Send touch 1 of")  # queued: due now, as in drafts
    due = ((action.str.startswith(_DUE) | first_touch) & ~frame[KEY].astype(str).isin(blocked.domains)
           & ~contact.isin(blocked.emails) & ~contact_site.isin(blocked.domains))
    groups: dict[str, dict[str, Any]] = {}
    unmailable: set[str] = set()
    for i in frame.index[due]:
        name = owner[i] or "(no Owner)"
        email = email_of(name)
        if not email:
            unmailable.add(name)
            continue
        entry = groups.setdefault(email.lower(), {"owner": email.lower(), "due": [], "overdue": []})
        kind = "overdue" if action[i].startswith("Overdue") else "due"
        domain = str(frame.at[i, KEY])
        entry[kind].append({"domain": domain, "next_action": action[i], "row": row_of.get(domain, 0)})
    return sorted(groups.values(), key=lambda g: str(g["owner"])), sorted(unmailable)


def mailable_owners(owners: list[dict[str, Any]], editors: Collection[str] | None, editor_domains: Collection[str],
                    allowed_emails: Collection[str], allowed_domains: Collection[str]
                    ) -> tuple[list[dict[str, Any]], list[str]]:
    """The digest entries whose owner may receive it, and the owners left out.

    An owner may receive the digest when they can edit the spreadsheet (``editors``, or a domain with edit
    access) or the deployment allows their address or domain. Anything a collaborator typed in Owner beyond
    that (an outside address) gets nothing. ``editors`` None: the editors are unknown, so only the allowed
    addresses and domains receive it.
    """
    people = {e.strip().lower() for e in editors or ()}
    domains = {d.strip().lower() for d in editor_domains} | {d.strip().lower() for d in allowed_domains}
    people |= {e.strip().lower() for e in allowed_emails}
    kept, skipped = [], []
    for entry in owners:
        email = str(entry["owner"]).lower()
        if email in people or email.rsplit("@", 1)[-1] in domains:
            kept.append(entry)
        else:
            skipped.append(email)
    return kept, skipped
