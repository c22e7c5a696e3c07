"""Page type of each prospect's example page, from rules kept in ``data/page_types.json``."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sheets_bridge.pipeline.reference import load_json

PAGE_TYPES = ("resource page", "roundup/list", "comparison", "review", "editorial/news", "directory",
              "forum/UGC", "guest post", "other")


def classify_pages(prospects: pd.DataFrame) -> pd.DataFrame:
    """Return page_type and page_rule (the id of the first rule that matched) for each prospect."""
    url = prospects["source_url"].fillna("").astype(str).str.lower()
    url = url.where(url != "", prospects["key"].astype(str))
    fields = {
        "url": url.str.replace(r"^[a-z]+://", "", regex=True),
        "title": prospects["title"].fillna("").astype(str).str.lower(),
        "anchor": prospects["anchor"].fillna("").astype(str).str.lower(),
    }
    page_type = np.full(len(prospects), "other", dtype=object)
    rule_id = np.full(len(prospects), "", dtype=object)
    open_rows = np.ones(len(prospects), dtype=bool)
    for rule in load_json("page_types.json")["rules"]:
        text = fields[rule["in"][0]]
        for name in rule["in"][1:]:
            text = text + " | " + fields[name]
        pattern = re.sub(r"(?<!\\)\((?!\?)", "(?:", rule["pattern"])
        hit = text.str.contains(pattern, regex=True, case=False).to_numpy(dtype=bool) & open_rows
        page_type[hit] = rule["type"]
        rule_id[hit] = rule["id"]
        open_rows &= ~hit
    return pd.DataFrame({"page_type": page_type, "page_rule": rule_id}, index=prospects.index)
