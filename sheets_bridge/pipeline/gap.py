"""The gap: domains linking to competitors but not to the own site, one row per domain."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from sheets_bridge.pipeline.clean import CleanLinks, first_flag
from sheets_bridge.pipeline.groups import EXAMPLE_TEXT, first_max
from sheets_bridge.settings import Settings

SEGMENT_ALL, SEGMENT_SEVERAL, SEGMENT_ONE = "all competitors", "several competitors", "one competitor"


def build_gap(clean: CleanLinks, competitors: list[str], own: str,
              settings: Settings) -> tuple[pd.DataFrame, Counter[str]]:
    """Union the competitors' usable link groups into one row per domain, minus the own site's profile.

    Evidence kept per domain: the strongest authority (by scale preference, then value), and an
    example page that is dofollow where one exists, then the highest authority and traffic.
    """
    links = clean.links
    comp_index = {c: i for i, c in enumerate(competitors)}
    codes, sites = pd.factorize(links["site"])
    site_code = np.array([comp_index.get(s, -1) for s in sites] + [-1], dtype=np.int64)[codes]
    own_code = list(sites).index(own) if own in set(sites) else -2
    own_domains = np.unique(clean.domain[clean.usable & (codes == own_code)])
    rows = np.flatnonzero(clean.usable & (site_code >= 0))
    d = clean.domain[rows]
    # each group holds its best link by each measure; a domain takes its groups' best, the earliest on a tie
    example = rows[first_max(d, links["evidence"].to_numpy(dtype=float)[rows],
                             links["example_order"].to_numpy(dtype=np.int64)[rows])]
    strongest = rows[first_max(d, links["strength"].to_numpy(dtype=float)[rows],
                               links["strength_order"].to_numpy(dtype=np.int64)[rows])]
    domain_ids = clean.domain[example]
    authority = links["authority"].to_numpy(dtype=float)
    scale = links["authority_scale"].to_numpy(dtype=object)[strongest]

    stats = pd.DataFrame({"d": d, "traffic": links["traffic"].to_numpy(dtype=float)[rows],
                          "ref_domains": links["ref_domains"].to_numpy(dtype=float)[rows],
                          "linked_domains": links["linked_domains"].to_numpy(dtype=float)[rows],
                          "nofollow_sum": links["nofollow_sum"].to_numpy(dtype=float)[rows],
                          "nofollow_n": links["nofollow_n"].to_numpy(dtype=np.int64)[rows],
                          "first_seen": links["first_seen"].to_numpy(dtype="datetime64[ns]")[rows],
                          "links": links["links"].to_numpy(dtype=np.int64)[rows]})
    agg = stats.groupby("d", sort=True).agg(
        traffic=("traffic", "max"), ref_domains=("ref_domains", "max"), linked_domains=("linked_domains", "max"),
        nofollow_sum=("nofollow_sum", "sum"), nofollow_n=("nofollow_n", "sum"), first_seen=("first_seen", "min"),
        links=("links", "sum"))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = agg["nofollow_sum"].to_numpy() / agg["nofollow_n"].to_numpy()
    agg = agg.drop(columns=["nofollow_sum", "nofollow_n"])
    agg.insert(3, "nofollow_share", share)
    pairs = np.unique(d.astype(np.int64) * 64 + site_code[rows])
    bits = np.bincount(pairs // 64, weights=np.left_shift(1, pairs % 64).astype(float),
                       minlength=len(clean.domains)).astype(np.int64)[domain_ids]

    dom = clean.domains.iloc[domain_ids].reset_index(drop=True)
    prospects = pd.DataFrame({
        "key": dom["key"].to_numpy(dtype=object), "suffix": dom["suffix"].to_numpy(dtype=object),
        "tld": dom["tld"].to_numpy(dtype=object), "country": dom["country"].to_numpy(dtype=object),
        "is_ip": dom["is_ip"].to_numpy(dtype=bool), "is_platform": dom["is_platform"].to_numpy(dtype=bool),
        "spam": dom["spam"].to_numpy(dtype=object),
    })
    texts = links[list(EXAMPLE_TEXT)].iloc[example]
    for column in EXAMPLE_TEXT:
        prospects[column] = texts[column].to_numpy(dtype=object)
    prospects["authority"] = authority[strongest]
    prospects["authority_scale"] = np.where(np.isnan(authority[strongest]), "", scale)
    prospects["authority_norm"] = links["authority_norm"].to_numpy(dtype=float)[strongest]
    for column in agg.columns:
        prospects[column] = agg[column].to_numpy()
    prospects["competitors_linking"] = _popcount(bits)
    names = {m: ", ".join(c for c, i in comp_index.items() if m & (1 << i)) for m in np.unique(bits)}
    prospects["linked_competitors"] = pd.Series(bits).map(names).to_numpy(dtype=object)
    n = len(competitors)
    prospects["segment"] = np.select(
        [prospects["competitors_linking"] >= n, prospects["competitors_linking"] > 1],
        [SEGMENT_ALL, SEGMENT_SEVERAL], SEGMENT_ONE)
    in_own = np.isin(domain_ids, own_domains)
    reasons = _exclusion_reasons(prospects, in_own, set(competitors) | {own}, settings)
    excluded: Counter[str] = Counter({str(k): int(v) for k, v in reasons[reasons != ""].value_counts().items()})
    return prospects[(reasons == "").to_numpy()].reset_index(drop=True), excluded


def _popcount(values: np.ndarray) -> np.ndarray:
    counts = np.zeros(len(values), dtype=np.int64)
    v = values.astype(np.int64).copy()
    while v.any():
        counts += v & 1
        v >>= 1
    return counts


def _exclusion_reasons(p: pd.DataFrame, in_own: np.ndarray, sites: set[str], s: Settings) -> pd.Series:
    """The first reason each domain is excluded, in a fixed order ('' when it stays)."""
    authority = p["authority"].fillna(0)
    country = p["country"].fillna("")
    tlds = set(s.excluded_tlds)
    conditions = [
        (p["key"].isin(sites), "a competitor or your own site"),
        (in_own, "already links to you"),
        (p["spam"] != "", "spam: " + first_flag(p["spam"].fillna("").astype(object))),
        (p["competitors_linking"] < s.min_competitors_linking, "links to too few competitors"),
        (authority < s.min_authority, "authority below minimum"),
        (authority > s.max_authority, "authority above maximum (giant publisher)"),
        ((country != "") & bool(s.allowed_countries) & ~country.isin(s.allowed_countries),
         "country not allowed"),
        (country.isin(s.excluded_countries), "country excluded"),
        (p["tld"].isin(tlds) | p["suffix"].isin(tlds), "TLD excluded"),
    ]
    reasons = np.full(len(p), "", dtype=object)
    for mask, reason in conditions:
        take = np.asarray(mask, dtype=bool) & (reasons == "")
        reasons[take] = reason[take] if isinstance(reason, pd.Series) else reason
    return pd.Series(reasons, index=p.index)
