"""The gap: domains linking to competitors but not to the own site, one row per domain."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from sheets_bridge.pipeline.clean import CleanLinks, first_flag
from sheets_bridge.pipeline.reference import load_json
from sheets_bridge.settings import Settings

SEGMENT_ALL, SEGMENT_SEVERAL, SEGMENT_ONE = "all competitors", "several competitors", "one competitor"
EXAMPLE_TEXT = ("source_url", "title", "anchor", "contact")


def build_gap(clean: CleanLinks, competitors: list[str], own: str,
              settings: Settings) -> tuple[pd.DataFrame, Counter[str]]:
    """Union the competitors' usable links into one row per domain, minus the own site's profile.

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
    nofollow = links["nofollow"].to_numpy(dtype=float, na_value=np.nan)[rows]
    has_url = (links["source_url"] != "").to_numpy(dtype=bool)[rows]
    auth_norm = links["authority_norm"].to_numpy(dtype=float)[rows]
    traffic = links["traffic"].to_numpy(dtype=float)[rows]
    known_auth = np.nan_to_num(auth_norm, nan=-0.01)
    # one comparable number per link: dofollow with a page first, then authority, then traffic
    evidence = (((nofollow != 1.0) & has_url) * 10.0 + known_auth * 2.0
                + np.log10(1 + np.nan_to_num(traffic, nan=0.0).clip(0)) / 100)
    example_pos = pd.Series(evidence).groupby(d, sort=True).idxmax().to_numpy()
    example = rows[example_pos]
    domain_ids = d[example_pos]

    authority = links["authority"].to_numpy(dtype=float)[rows]
    scale_codes, scales = pd.factorize(links["authority_scale"].iloc[rows])
    preference = load_json("formats.json")["authority_preference"]
    rank = np.array([preference.index(s) if s in preference else len(preference) for s in scales]
                    + [len(preference)])[scale_codes]
    strength = np.where(np.isnan(authority), -100.0, known_auth - rank * 2.0)
    strongest = pd.Series(strength).groupby(d, sort=True).idxmax().to_numpy()
    scale = np.asarray(scales, dtype=object)[scale_codes[strongest]]

    stats = pd.DataFrame({"d": d, "traffic": traffic,
                          "ref_domains": links["ref_domains"].to_numpy(dtype=float)[rows],
                          "linked_domains": links["linked_domains"].to_numpy(dtype=float)[rows],
                          "nofollow_share": nofollow,
                          "first_seen": links["first_seen"].to_numpy(dtype="datetime64[ns]")[rows]})
    agg = stats.groupby("d", sort=True).agg(
        traffic=("traffic", "max"), ref_domains=("ref_domains", "max"), linked_domains=("linked_domains", "max"),
        nofollow_share=("nofollow_share", "mean"), first_seen=("first_seen", "min"), links=("d", "size"))
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
    prospects["authority_norm"] = auth_norm[strongest]
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
