"""The gap: domains linking to competitors but not to the own site, one row per domain."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from sheets_bridge.pipeline.clean import first_flag
from sheets_bridge.pipeline.reference import load_json
from sheets_bridge.settings import Settings

SEGMENT_ALL, SEGMENT_SEVERAL, SEGMENT_ONE = "all competitors", "several competitors", "one competitor"


def _count(excluded: Counter[str], reasons: pd.Series) -> None:
    for reason, n in reasons.value_counts().items():
        excluded[str(reason)] += int(n)


def build_gap(links: pd.DataFrame, competitors: list[str], own: str,
              settings: Settings) -> tuple[pd.DataFrame, Counter[str]]:
    """Union the competitors' cleaned links into one row per domain, minus the own site's profile."""
    excluded: Counter[str] = Counter()
    comp = links[links["site"].isin(competitors)]
    own_keys = set(links.loc[links["site"] == own, "key"].unique()) if own else set()
    comp_index = {site: i for i, site in enumerate(competitors)}
    ranked = comp.assign(
        _dofollow=(~comp["nofollow"].fillna(False).astype(bool)) & (comp["source_url"] != ""),
        _bit=np.left_shift(1, comp["site"].map(comp_index).to_numpy(dtype=np.int64)),
        _nofollow=comp["nofollow"].astype("float64"),
    ).sort_values(["key", "_dofollow", "authority_norm", "traffic"], ascending=[True, False, False, False],
                  na_position="last", kind="stable")
    grouped = ranked.groupby("key", sort=False)
    example = grouped[["source_url", "title", "anchor", "authority", "authority_scale", "authority_norm",
                       "country", "tld", "suffix", "is_ip", "spam", "contact"]].first()
    best = grouped.agg(traffic=("traffic", "max"), ref_domains=("ref_domains", "max"),
                       linked_domains=("linked_domains", "max"), nofollow_share=("_nofollow", "mean"),
                       first_seen=("first_seen", "min"), links=("site", "size"))
    bits = ranked.drop_duplicates(["key", "site"]).groupby("key", sort=False)["_bit"].sum()
    prospects = example.join(best)
    scale_rank = {s: i for i, s in enumerate(load_json("formats.json")["authority_preference"])}
    strongest = comp.loc[comp["authority"].notna(), ["key", "authority", "authority_scale", "authority_norm"]]
    strongest = strongest.assign(_rank=strongest["authority_scale"].map(scale_rank)).sort_values(
        ["key", "_rank", "authority_norm"], ascending=[True, True, False], kind="stable").drop_duplicates("key")
    strongest = strongest.set_index("key")
    for column in ("authority", "authority_scale", "authority_norm"):
        prospects[column] = strongest[column].reindex(prospects.index).where(
            lambda s: s.notna(), prospects[column])
    prospects["mask"] = bits
    prospects["competitors_linking"] = _popcount(bits.to_numpy())
    names = {m: ", ".join(c for c, i in comp_index.items() if m & (1 << i)) for m in np.unique(bits.to_numpy())}
    prospects["linked_competitors"] = bits.map(names)
    prospects.index.name = "key"
    prospects = prospects.reset_index()
    n = len(competitors)
    prospects["segment"] = np.select(
        [prospects["competitors_linking"] >= n, prospects["competitors_linking"] > 1],
        [SEGMENT_ALL, SEGMENT_SEVERAL], SEGMENT_ONE)
    reasons = _exclusion_reasons(prospects, own_keys, set(competitors) | {own}, settings)
    _count(excluded, reasons[reasons != ""])
    return prospects[reasons == ""].reset_index(drop=True), excluded


def _popcount(values: np.ndarray) -> np.ndarray:
    counts = np.zeros(len(values), dtype=np.int64)
    v = values.astype(np.int64).copy()
    while v.any():
        counts += v & 1
        v >>= 1
    return counts


def _exclusion_reasons(p: pd.DataFrame, own_keys: set[str], sites: set[str], s: Settings) -> pd.Series:
    """The first reason each domain is excluded, in a fixed order ('' when it stays)."""
    authority = p["authority"]
    country = p["country"].fillna("")
    tlds = set(s.excluded_tlds)
    conditions = [
        (p["key"].isin(sites), "a competitor or your own site"),
        (p["key"].isin(own_keys), "already links to you"),
        (p["spam"] != "", "spam: " + first_flag(p["spam"].fillna(""))),
        (p["competitors_linking"] < s.min_competitors_linking, "links to too few competitors"),
        (authority.fillna(0) < s.min_authority, "authority below minimum"),
        (authority.fillna(0) > s.max_authority, "authority above maximum (giant publisher)"),
        ((country != "") & bool(s.allowed_countries) & ~country.isin(s.allowed_countries),
         "country not allowed"),
        (country.isin(s.excluded_countries), "country excluded"),
        (p["tld"].isin(tlds) | p["suffix"].isin(tlds), "TLD excluded"),
    ]
    reasons = pd.Series(np.full(len(p), "", dtype=object), index=p.index)
    for mask, reason in conditions:
        take = mask.to_numpy(dtype=bool) & (reasons == "").to_numpy()
        if isinstance(reason, pd.Series):
            reasons[take] = reason[take]
        else:
            reasons[take] = reason
    return reasons
