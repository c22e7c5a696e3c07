"""Authority, relevance and feasibility in 0..1, the weighted priority, tier and a plain 'why'."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sheets_bridge.gap.matching import text_array
from sheets_bridge.intake.ingest import PAGE_LEVEL
from sheets_bridge.intake.reference import load_json
from sheets_bridge.intake.settings import Settings

TRAFFIC_CEILING_LOG10 = 7.0  # 10M monthly visits counts as full visibility
PAGE_LEVEL_WEIGHT = 0.7  # a page's authority (UR, Semrush page AS, Moz PA) says less about the site than DR/AS/DA


def prospect_text(p: pd.DataFrame) -> pd.Series:
    """Lower-case text describing a prospect: title, URL, anchor and domain (joined in Arrow, not per row)."""
    parts = [pc.fill_null(text_array(p[name].astype(object)), "") for name in ("title", "source_url", "anchor", "key")]
    joined = pc.binary_join_element_wise(*parts, pa.scalar(" ", parts[0].type))
    text = pc.replace_substring_regex(pc.utf8_lower(joined), r"[-_/.+]", " ")
    return pd.Series(pd.array(text, dtype="str"), index=p.index)


def keyword_hits(text: pd.Series, keywords: tuple[str, ...]) -> tuple[pd.Series, pd.Series]:
    """Per row: keyword score (phrase 1, all words 0.75, some words share/2) and the first keyword found."""
    total = np.zeros(len(text))
    first = np.full(len(text), "", dtype=object)
    for keyword in keywords:
        words = keyword.replace("-", " ").split()
        phrase = text.str.contains(" ".join(words), regex=False).to_numpy(dtype=bool)
        share = np.mean([text.str.contains(w, regex=False).to_numpy(dtype=bool) for w in words], axis=0) \
            if words else np.zeros(len(text))
        score = np.where(phrase, 1.0, np.where(share >= 1.0, 0.75, share / 2))
        total += score
        first[(first == "") & (score >= 0.75)] = keyword
    return pd.Series(total, index=text.index), pd.Series(first, index=text.index)


NEUTRAL_RELEVANCE = 0.5  # no topic keywords and one competitor: nothing says whether a domain is on topic


def relevance_of(p: pd.DataFrame, keywords: tuple[str, ...], n_competitors: int,
                 text: pd.Series | None = None) -> pd.Series:
    """Relevance in 0..1 from the evidence a run has, so a tier means the same whatever was loaded.

    Two pieces of evidence, each used only when the run has it: the topic keywords found in the page
    (weight 0.6; needs Topic keywords) and links to other competitors beyond the first (weight 0.4; needs
    two competitors or more: linking to 1 of 1 says nothing). Their weighted mean; 0.5 when there is neither.
    ``text``: the prospects' ``prospect_text`` when the caller has it already.
    """
    parts: list[tuple[float, pd.Series]] = []
    if keywords:
        hits, _ = keyword_hits(prospect_text(p) if text is None else text, keywords)
        parts.append((0.6, (hits / min(3, len(keywords))).clip(upper=1)))
    if n_competitors >= 2:
        parts.append((0.4, (p["competitors_linking"] - 1).clip(lower=0) / (n_competitors - 1)))
    if not parts:
        return pd.Series(NEUTRAL_RELEVANCE, index=p.index, dtype=float)
    total = pd.Series(0.0, index=p.index)
    for weight, part in parts:
        total = total + weight * part
    return total / sum(w for w, _ in parts)


def score_prospects(p: pd.DataFrame, settings: Settings, n_competitors: int) -> pd.DataFrame:
    """Return authority, relevance, feasibility, priority, tier, topic and why columns for each prospect."""
    auth = p["authority_norm"].astype("float64")
    auth = auth.where(~p["authority_scale"].isin(PAGE_LEVEL).to_numpy(dtype=bool), auth * PAGE_LEVEL_WEIGHT)
    traffic = pd.Series(np.log10(1 + p["traffic"].astype("float64").clip(lower=0)) / TRAFFIC_CEILING_LOG10,
                        index=p.index).clip(0, 1)
    authority = np.where(auth.notna() & traffic.notna(), 0.75 * auth + 0.25 * traffic,
                         auth.fillna(traffic).fillna(0.0))
    text = prospect_text(p) if settings.topic_keywords else None  # built once, only when it is read
    relevance = relevance_of(p, settings.topic_keywords, n_competitors, text)
    topic = (keyword_hits(text, settings.topic_keywords)[1] if text is not None
             else pd.Series("", index=p.index, dtype=object))
    base = p["page_type"].astype(object).map(load_json("page_types.json")["feasibility"]).astype("float64").fillna(0.4)
    outbound = (p["linked_domains"] / p["ref_domains"].clip(lower=1)).fillna(0)
    feasibility = (base + np.where(outbound >= 1, 0.1, 0.0) - 0.25 * p["nofollow_share"].fillna(0)
                   + np.where(p["contact"].fillna("") != "", 0.1, 0.0)
                   - np.where(auth.fillna(0) > 0.85, 0.15, 0.0)).clip(0, 1)
    wa, wr, wf = settings.weights
    priority = wa * authority + wr * relevance + wf * feasibility
    tiers = load_json("targeting.json")["tiers"]
    tier = np.select([priority >= tiers["A"], priority >= tiers["B"]], ["A", "B"], "C")
    out = pd.DataFrame({
        "authority_score": np.round(authority, 3), "relevance": np.round(relevance.astype(float), 3),
        "feasibility": np.round(feasibility.astype(float), 3), "priority": np.round(priority.astype(float), 3),
        "tier": tier, "topic": topic,
    }, index=p.index)
    out["why"] = explain(p.assign(topic=topic), n_competitors)
    return out


def explain(p: pd.DataFrame, n_competitors: int) -> pd.Series:
    """A short sentence a person can check: 'DR 54, links to 3 of 4 competitors, resource page about crm'."""
    has_auth = p["authority"].notna()
    auth = (p["authority_scale"].fillna("") + " " + p["authority"].fillna(0).round().astype(int).astype(str))
    auth = auth.where(has_auth, "no authority figure")
    links = "links to " + p["competitors_linking"].astype(str) + f" of {n_competitors} competitors"
    page = p["page_type"].astype(str)
    page = page.where(page != "other", "page")
    topic = p["topic"].fillna("")
    page = page + np.where(topic != "", " about " + topic, "")
    return auth + ", " + links + ", " + page
