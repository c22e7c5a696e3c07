"""Map each prospect to one URL of the team's own site, and say what to offer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from sheets_bridge.contract import NOT_READY
from sheets_bridge.exceptions import TargetsError
from sheets_bridge.pipeline.ingest import normalise_header
from sheets_bridge.pipeline.reference import load_json
from sheets_bridge.pipeline.score import keyword_hits

_URL = {"url", "target url", "page", "page url", "link"}
_KIND = {"page kind", "kind", "type", "page type"}
_TOPICS = {"topic keywords", "topics", "keywords", "topic"}
_READY = {"ready", "ready?", "asset ready", "ready to pitch"}


def parse_targets(values: Sequence[Sequence[Any]] | None) -> pd.DataFrame:
    """Parse the Targets tab into url, kind, keywords, is_home and ready columns.

    ``Ready`` is optional: "No" (or false, not yet, draft) marks a page not good enough to pitch yet;
    blank or anything else counts as ready, so adding the column changes nothing until a page is marked.
    """
    if not values:
        return pd.DataFrame(columns=["url", "kind", "keywords", "is_home", "ready"])
    header = [normalise_header(c) for c in values[0]]
    col = {name: next((i for i, h in enumerate(header) if h in names), None)
           for name, names in (("url", _URL), ("kind", _KIND), ("keywords", _TOPICS), ("ready", _READY))}
    if col["url"] is None:
        raise TargetsError(f"Tab 'Targets': no URL column (found: {', '.join(map(str, values[0]))}); "
                           "expected the columns URL, Page kind, Topic keywords")
    rows = []
    for number, row in enumerate(values[1:], start=2):
        def cell(name: str, r: Sequence[Any] = row) -> str:
            i = col[name]
            return str(r[i]).strip() if i is not None and i < len(r) and r[i] is not None else ""
        url = cell("url")
        if not url:
            continue
        try:
            path = urlsplit(url if "://" in url else "https://" + url).path
        except ValueError as exc:  # e.g. an unclosed '[' (urllib reads it as an IPv6 address)
            raise TargetsError(f"Tab 'Targets' row {number}: '{url[:80]}' is not a web address; correct or "
                               "remove it") from exc
        rows.append((url, cell("kind").lower(), cell("keywords").lower(), path in {"", "/"},
                     cell("ready").lower() not in NOT_READY))
    return pd.DataFrame(rows, columns=["url", "kind", "keywords", "is_home", "ready"])


def assign_targets(p: pd.DataFrame, text: pd.Series, targets: pd.DataFrame) -> pd.DataFrame:
    """Pick one target per prospect by page-type fit and topic overlap; write the outreach angle."""
    data = load_json("targeting.json")
    n = len(p)
    if targets.empty or n == 0:
        return pd.DataFrame({"target_url": np.full(n, "", dtype=object),
                             "angle": np.full(n, "Add pages to the Targets tab to get an angle", dtype=object),
                             "target_ready": np.ones(n, dtype=bool)}, index=p.index)
    types = list(data["kinds"])
    type_code = p["page_type"].map({t: i for i, t in enumerate(types)}).fillna(types.index("other"))
    fit = np.zeros((len(types), len(targets)))
    for ti, t in enumerate(types):
        prefs = data["kinds"][t]
        for j, kind in enumerate(targets["kind"]):
            fit[ti, j] = 1.0 - 0.2 * prefs.index(kind) if kind in prefs else 0.1
    scores = fit[type_code.to_numpy(dtype=int)]
    for j, row in enumerate(targets.itertuples()):
        words = tuple(k.strip() for k in str(row.keywords).split(",") if k.strip())
        if words:
            hits, _ = keyword_hits(text, words)
            scores[:, j] += 0.8 * (hits.to_numpy() / len(words)).clip(0, 1)
        if row.is_home:
            scores[:, j] -= data["home_page_penalty"]
    best = scores.argmax(axis=1)
    urls = targets["url"].to_numpy()[best]
    templates = p["page_type"].map(data["angles"]).fillna(data["angles"]["other"])
    angle = [tpl.format(target=url) for tpl, url in zip(templates, urls, strict=True)]
    ready = targets["ready"].to_numpy(dtype=bool)[best] if "ready" in targets.columns else np.ones(n, dtype=bool)
    return pd.DataFrame({"target_url": urls, "angle": angle, "target_ready": ready}, index=p.index)


IMPROVE_PREFIX = "Improve "


def hold_for_assets(cadence: pd.DataFrame, target_url: pd.Series, ready: pd.Series) -> pd.DataFrame:
    """Prospects not yet pitched whose target page is not ready wait for it (playbook section 11).

    Their Next action says which page to improve and they get no follow-up date; a prospect already in
    outreach keeps its sequence, and a recontact guard or an ended status keeps its own action.
    """
    waiting = (~ready.to_numpy(dtype=bool)) & (cadence["touches"].to_numpy() == 0) & \
        cadence["next_action"].astype(str).str.startswith("Send touch 1").to_numpy()
    if not waiting.any():
        return cadence
    out = cadence.copy()
    out.loc[waiting, "next_action"] = (IMPROVE_PREFIX + target_url[waiting].astype(str) + " before pitching").to_numpy()
    out.loc[waiting, "next_follow_up"] = pd.NaT
    return out
