"""Page type of each prospect's example page: the vendor's own page type when the export has one, else the
rules kept in ``data/page_types.json`` over the page's URL, title and anchor."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from sheets_bridge.gap.matching import check_pattern, contains
from sheets_bridge.gap.spam import non_capturing, page_fields, rule_pattern
from sheets_bridge.intake.reference import load_json

PAGE_TYPES = ("resource page", "roundup/list", "comparison", "review", "editorial/news", "directory",
              "forum/UGC", "guest post", "other")


@cache
def _rules() -> tuple[list[tuple[str, str, tuple[str, ...], str, str]], dict[str, str]]:
    """The rules in order: id, page type, fields, a pattern to find and one that, found too, clears it."""
    data = load_json("page_types.json")
    rules = [(r["id"], r["type"], tuple(r["in"]), rule_pattern(r), non_capturing(r.get("unless", "")))
             for r in data["rules"]]
    for rid, _, _, pattern, unless in rules:
        for text in (pattern, unless):
            if text:
                check_pattern(text, f"page_types.json rule '{rid}'")
    return rules, dict(data.get("vendor_types", {}))


def vendor_type(said: str, vendor_types: dict[str, str]) -> str:
    """A vendor's page type in ours: the whole phrase, else its most specific part, else its broadest
    (Ahrefs writes a path: 'Article > Blog post', 'Listing > Product')."""
    parts = [p.strip() for p in said.split(">") if p.strip()]
    for candidate in (said, *reversed(parts)):
        if candidate in vendor_types:
            return vendor_types[candidate]
    return ""


def classify_pages(prospects: pd.DataFrame) -> pd.DataFrame:
    """Return page_type and page_rule (the vendor's word, or the id of the first rule that matched)."""
    rules, vendor_types = _rules()
    frame = prospects
    if "source_url" in frame.columns and "key" in frame.columns:
        url = frame["source_url"].astype(object).where(frame["source_url"].notna(), "").astype(str)
        frame = frame.assign(source_url=url.where(url != "", frame["key"].astype(str)))
    fields = page_fields(frame)
    n = len(prospects)
    page_type = np.full(n, "other", dtype=object)
    rule_id = np.full(n, "", dtype=object)
    open_rows = np.ones(n, dtype=bool)
    if "vendor_page_type" in prospects.columns:
        said = prospects["vendor_page_type"].astype(object).where(prospects["vendor_page_type"].notna(), "")
        said = said.astype(str).str.strip().str.lower()
        words = {text: vendor_type(text, vendor_types) for text in said.unique()}  # once per distinct word
        mapped = said.map(words).to_numpy(dtype=object)
        known = mapped != ""
        page_type[known] = mapped[known]
        rule_id[known] = "vendor: " + said.to_numpy(dtype=object)[known]
        open_rows &= ~known
    for rid, kind, names, pattern, unless in rules:
        if not open_rows.any():
            break
        at = np.flatnonzero(open_rows)
        hit = np.zeros(n, dtype=bool)
        for name in names:
            found = contains(fields[name].iloc[at], pattern)
            if unless:
                found &= ~contains(fields[name].iloc[at], unless)
            hit[at] |= found
        page_type[hit], rule_id[hit] = kind, rid
        open_rows &= ~hit
    return pd.DataFrame({"page_type": page_type, "page_rule": rule_id}, index=prospects.index)
