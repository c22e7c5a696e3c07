"""Outreach templates: one row per page type and touch (1-4) with a Subject and a Body holding placeholders.

Placeholders are names in braces: ``{domain}``, ``{contact_name}``, ``{greeting}`` ('Hi Alex,' when the
Contact has a name, else 'Hi,'), ``{example_page}``, ``{target_url}``, ``{why}``, ``{angle}``, ``{owner}``,
``{owner_name}`` (the name to sign with), ``{owner_email}``, and any Prospects column by its header
(``{Page type}``, ``{Segment}``);
names match ignoring case, spaces and underscores. ``{{`` and ``}}`` are literal braces. Filling never
raises and never returns a text with a placeholder left in it: a template that names an unknown or, for this
prospect, empty placeholder gives no text and says which (the prospect is then skipped with that reason).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sheets_bridge.intake.ingest import normalise_header

ANY_TYPE = "any"  # a row for every page type that has no row of its own
TOUCHES = (1, 2, 3, 4)
MAX_WORDS = 150  # playbook sections 6 and 12: short, specific
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}\n]{1,60})\}")
BUILT_IN = ("domain", "contact_name", "greeting", "example_page", "target_url", "why", "angle", "owner", "owner_name",
            "owner_email")


def placeholder_key(name: str) -> str:
    """How a placeholder or a column header is matched: lower case, no spaces, underscores or hyphens."""
    return re.sub(r"[\s_\-]+", "", name.strip().lower())


@dataclass(frozen=True)
class Template:
    """One row of the Templates tab."""

    row: int
    page_type: str
    touch: int
    subject: str
    body: str


@dataclass
class Templates:
    """The parsed tab and what is wrong with it, by row."""

    rows: list[Template] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def pick(self, page_type: str, touch: int) -> Template | None:
        """The template for a page type and touch, else the ``any`` row for that touch."""
        wanted = page_type.strip().lower()
        exact = [t for t in self.rows if t.page_type == wanted and t.touch == touch]
        fallback = [t for t in self.rows if t.page_type == ANY_TYPE and t.touch == touch]
        found = exact or fallback
        return found[0] if found else None


def placeholders(text: str) -> list[str]:
    """The placeholder names a text uses, in order."""
    return [m.group(1) for m in _PLACEHOLDER.finditer(text) if m.group(1) is not None]


def fill(text: str, values: Mapping[str, str]) -> tuple[str | None, list[str], list[str]]:
    """(filled text or None, unknown placeholders, placeholders empty for these values); never raises.

    ``values`` is keyed by ``placeholder_key``; the result has every placeholder replaced and ``{{``/``}}``
    turned into single braces, or is None when any placeholder is unknown or empty.
    """
    unknown: list[str] = []
    empty: list[str] = []

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = match.group(1)
        key = placeholder_key(name)
        if key not in values:
            unknown.append(name)
            return ""
        value = str(values[key]).strip()
        if not value:
            empty.append(name)
        return value

    filled = _PLACEHOLDER.sub(replace, text)
    return (None if unknown or empty else filled), unknown, empty


def parse_templates(values: Sequence[Sequence[Any]] | None, known: Sequence[str] = BUILT_IN) -> Templates:
    """Parse the Templates tab (Page type, Touch, Subject, Body) and check it as the playbook asks.

    Checks, each reported with its row: an unknown placeholder, a touch that is not 1-4, a body over
    ``MAX_WORDS`` words, the same body for different page types (section 8: never one template for every
    prospect type), and a page type missing some of the four touches.
    """
    out = Templates()
    if not values:
        return out
    header = [normalise_header(c) for c in values[0]]

    def column(*names: str) -> int | None:
        return next((i for i, h in enumerate(header) if h in names), None)

    at = {"type": column("page type", "angle", "type"), "touch": column("touch", "touch #", "step"),
          "subject": column("subject"), "body": column("body", "message", "text")}
    missing = [k for k in ("touch", "subject", "body") if at[k] is None]
    if missing:
        out.problems.append(f"Tab 'Templates': no {', '.join(missing)} column (expected Page type, Touch, "
                            "Subject, Body)")
        return out
    allowed = {placeholder_key(k) for k in known}
    for number, row in enumerate(values[1:], start=2):
        def cell(name: str, r: Sequence[Any] = row) -> str:
            i = at[name]
            return "" if i is None or i >= len(r) or r[i] is None else str(r[i]).strip()
        subject, body = cell("subject"), cell("body")
        if not (subject or body):
            continue
        kind = (cell("type") or ANY_TYPE).lower()
        try:
            touch = int(float(cell("touch")))
        except ValueError:
            touch = 0
        if touch not in TOUCHES:
            out.problems.append(f"Templates row {number}: Touch should be 1, 2, 3 or 4, found '{cell('touch')}'")
            continue
        for name in placeholders(subject) + placeholders(body):
            if placeholder_key(name) not in allowed:
                out.problems.append(f"Templates row {number}: unknown placeholder {{{name}}}")
        words = len(_PLACEHOLDER.sub("x", body).split())
        if words > MAX_WORDS:
            out.problems.append(f"Templates row {number}: the body has {words} words; keep it under {MAX_WORDS}")
        out.rows.append(Template(number, kind, touch, subject, body))
    by_body: dict[str, set[str]] = {}
    for t in out.rows:
        by_body.setdefault(re.sub(r"\s+", " ", t.body.lower()), set()).add(t.page_type)
    for t in out.rows:
        kinds = by_body[re.sub(r"\s+", " ", t.body.lower())]
        if len(kinds) > 1:
            out.problems.append(f"Templates row {t.row}: the same body serves {', '.join(sorted(kinds))}; write "
                                "one per page type")
    for kind in sorted({t.page_type for t in out.rows}):
        have = {t.touch for t in out.rows if t.page_type == kind}
        gaps = [str(n) for n in TOUCHES if n not in have]
        if gaps:
            out.problems.append(f"Templates: {kind} has no touch {', '.join(gaps)}")
    return out


def prospect_values(row: pd.Series) -> dict[str, str]:
    """A Prospects row as placeholder values: every column by its header, plus the built-in names."""
    values = {placeholder_key(str(k)): "" if pd.isna(v) else str(v) for k, v in row.items()}
    contact = values.get("contact", "")
    name = re.sub(r"<[^>]*>", "", contact).strip().strip('"')
    if not name or "@" in name:
        name = ""
    for column in ("domain", "examplepage", "targeturl", "why", "owner"):  # built-in names, even without the column
        values.setdefault(column, "")
    first = name.split(" ")[0] if name else ""
    owner = values.get("owner", "")
    values.update({"contactname": first, "greeting": f"Hi {first}," if first else "Hi,",
                   "angle": values.get("outreachangle", ""), "ownername": owner_name(owner),
                   "owneremail": email_of(owner)})
    return values


def owner_name(owner: str) -> str:
    """The name to sign with from an Owner cell: 'Dana Reyes <dana@x.com>' → 'Dana Reyes'; 'dana.reyes@x.com' →
    'Dana Reyes'; a plain name as it is."""
    name = re.sub(r"<[^>]*>", "", owner or "").strip().strip('"')
    if name and "@" not in name:
        return name
    local = email_of(owner or "").split("@")[0]
    return " ".join(part.capitalize() for part in re.split(r"[._\-+]+", local) if part)


def email_of(contact: str) -> str:
    """The email address in a Contact cell ('Jane Doe <jane@x.com>' or 'jane@x.com'), or ''."""
    found = re.search(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", contact or "")
    return found.group(0) if found else ""
