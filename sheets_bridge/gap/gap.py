"""The gap: domains linking to competitors but not to the own site (or weakly), one row per domain.

Every domain left out gets one reason (``exclusion_reasons``), and the page that shows it, so a team can
see and reverse it; a domain the team marked to keep skips the judgements on its name and pages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sheets_bridge.gap.classify import classify_pages
from sheets_bridge.gap.clean import CleanLinks, first_flag
from sheets_bridge.gap.groups import EXAMPLE_TEXT, first_max
from sheets_bridge.gap.spam import BUILD, NOT_PROSPECT, PITCH, SELLER, SPAM, judge_pages
from sheets_bridge.intake.ingest import PAGE_LEVEL
from sheets_bridge.intake.settings import Settings

SEGMENT_ALL, SEGMENT_SEVERAL, SEGMENT_ONE = "all competitors", "several competitors", "one competitor"
SEGMENT_BUILD = "build yourself"
BUILD_TYPES = {"directory": "a listing or profile: add your own entry",
               "forum/UGC": "a forum or community: take part yourself"}
UGC_REASON = "its links to your competitors are marked user-generated (comments or posts): take part yourself"
WEAK_FEWER, WEAK_NOFOLLOW, WEAK_LOST = ("weak: fewer links to you", "weak: only nofollow to you",
                                        "weak: your link was lost")
EXCLUDED_COLUMNS = ("key", "reason", "evidence", "source_url", "linked_competitors", "authority",
                    "authority_scale")


@dataclass
class GapResult:
    """The prospects, the count of domains left out by reason, and those domains with their evidence."""

    prospects: pd.DataFrame
    excluded: Counter[str]
    dropped: pd.DataFrame


def build_gap(clean: CleanLinks, competitors: list[str], own: str,
              settings: Settings) -> tuple[pd.DataFrame, Counter[str]]:
    """The prospects and the count of domains left out by reason (``gap`` without the evidence)."""
    result = gap(clean, competitors, own, settings)
    return result.prospects, result.excluded


def gap(clean: CleanLinks, competitors: list[str], own: str, settings: Settings,
        keep: Collection[str] = (), own_counted: bool = True) -> GapResult:
    """Union the competitors' usable link groups into one row per domain, minus the own site's profile.

    Evidence kept per domain: the strongest authority (by scale preference, then value), and an
    example page that is dofollow where one exists, then the highest authority and traffic. A domain
    that links to your site less than to a competitor (fewer links, only nofollow, or a lost link) stays,
    in a 'weak' segment. ``keep``: domains a team kept by hand (the Excluded tab's Keep column).
    ``own_counted``: False when the own export is a sample of linking pages (Search Console's Latest links),
    whose rows say a domain links but not how often: then no domain is weak for fewer links.
    """
    links = clean.links
    comp_index = {c: i for i, c in enumerate(competitors)}
    codes, sites = pd.factorize(links["site"])
    site_code = np.array([comp_index.get(s, -1) for s in sites] + [-1], dtype=np.int64)[codes]
    own_code = list(sites).index(own) if own in set(sites) else -2
    own_rows = clean.usable & (codes == own_code)
    own_domains = np.unique(clean.domain[own_rows])
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
                          "ugc_sum": links["ugc_sum"].to_numpy(dtype=float)[rows],
                          "sponsored_sum": links["sponsored_sum"].to_numpy(dtype=float)[rows],
                          "first_seen": links["first_seen"].to_numpy(dtype="datetime64[ns]")[rows],
                          "links": links["links"].to_numpy(dtype=np.int64)[rows],
                          "export_rows": links["export_rows"].to_numpy(dtype=np.int64)[rows]})
    agg = stats.groupby("d", sort=True).agg(
        traffic=("traffic", "max"), ref_domains=("ref_domains", "max"), linked_domains=("linked_domains", "max"),
        nofollow_sum=("nofollow_sum", "sum"), nofollow_n=("nofollow_n", "sum"), first_seen=("first_seen", "min"),
        links=("links", "sum"), export_rows=("export_rows", "sum"), ugc_sum=("ugc_sum", "sum"),
        sponsored_sum=("sponsored_sum", "sum"))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = agg["nofollow_sum"].to_numpy() / agg["nofollow_n"].to_numpy()
    ugc_only, agg["sponsored_only"] = every_link(agg, "ugc_sum"), every_link(agg, "sponsored_sum")
    agg = agg.drop(columns=["nofollow_sum", "nofollow_n", "ugc_sum", "sponsored_sum", "export_rows"])
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
    shown_text = [c for c in EXAMPLE_TEXT if c != "target_url"]  # the competitor's page: competitor_pages below
    texts = links[shown_text].iloc[example]
    for column in shown_text:
        prospects[column] = texts[column].to_numpy(dtype=object)
    prospects["external_links"] = links["external_links"].to_numpy(dtype=float)[example]
    pages = competitor_pages(d, links["site"].to_numpy(dtype=object)[rows],
                             links["target_url"].to_numpy(dtype=object)[rows], links["links"].to_numpy()[rows])
    prospects["competitor_pages"] = pages["pages"].reindex(domain_ids).fillna("").to_numpy(dtype=object)
    prospects["competitor_page"] = pages["page"].reindex(domain_ids).fillna("").to_numpy(dtype=object)
    prospects["weak_spam"] = dom["weak_spam"].to_numpy(dtype=object) if "weak_spam" in dom else ""
    prospects["authority"] = authority[strongest]
    prospects["authority_scale"] = np.where(np.isnan(authority[strongest]), "", scale)
    prospects["authority_norm"] = links["authority_norm"].to_numpy(dtype=float)[strongest]
    for column in agg.columns:
        prospects[column] = agg[column].to_numpy()
    prospects["competitors_linking"] = _popcount(bits)
    names = {m: ", ".join(c for c, i in comp_index.items() if m & (1 << i)) for m in np.unique(bits)}
    prospects["linked_competitors"] = pd.Series(bits).map(names).to_numpy(dtype=object)
    n = len(competitors)
    prospects["segment"] = np.select(  # with one competitor loaded, linking to it is linking to one, not to all
        [(prospects["competitors_linking"] >= n) & (n > 1), prospects["competitors_linking"] > 1],
        [SEGMENT_ALL, SEGMENT_SEVERAL], SEGMENT_ONE)
    in_own = np.isin(domain_ids, own_domains)
    weak, prospects["weak_note"] = _weak_links(clean, rows, site_code, own_rows, codes == own_code, domain_ids,
                                               in_own, competitors, own_counted)
    prospects["segment"] = np.where(weak != "", weak, prospects["segment"].to_numpy(dtype=object))
    judged = pd.concat([judge_pages(prospects, [*competitors, own]), classify_pages(prospects)], axis=1)
    for column in judged.columns:
        prospects[column] = judged[column].to_numpy(dtype=object)
    by_type = build_by_type(prospects["verdict"].to_numpy(dtype=object), prospects["page_type"].to_numpy(dtype=object),
                            ugc_only)
    prospects.loc[by_type != "", "verdict_reason"] = by_type[by_type != ""]
    prospects.loc[by_type != "", "verdict"] = BUILD
    build = prospects["verdict"].to_numpy() == BUILD
    prospects.loc[build, "segment"] = SEGMENT_BUILD
    prospects["build_note"] = np.where(build, prospects["verdict_reason"].to_numpy(dtype=object), "")
    kept = prospects["key"].isin(set(keep)).to_numpy(dtype=bool)
    reasons, evidence = exclusion_reasons(prospects, in_own & (weak == ""), set(competitors) | {own}, settings,
                                          kept)
    excluded: Counter[str] = Counter({str(k): int(v) for k, v in reasons[reasons != ""].value_counts().items()})
    out = (reasons != "").to_numpy()
    listed, shown = out.copy(), reasons.to_numpy(dtype=object).copy()
    if kept.any():  # what a kept domain would be left out for: listed, so the mark is never lost
        would, would_evidence = exclusion_reasons(prospects, in_own & (weak == ""), set(competitors) | {own},
                                                  settings)
        saved = kept & ~out & (would != "").to_numpy()
        listed |= saved
        shown[saved] = "kept by your team; would be " + would.to_numpy(dtype=object)[saved]
        evidence = np.where(saved, would_evidence, evidence)
    dropped = prospects.loc[listed, [c for c in EXCLUDED_COLUMNS if c in prospects.columns]].assign(
        reason=shown[listed], evidence=evidence[listed]).reset_index(drop=True)
    return GapResult(prospects[~out].reset_index(drop=True), excluded, dropped)


MAX_PAGES_SHOWN = 5
NO_TRAFFIC_AUTHORITY = 40.0


def every_link(agg: pd.DataFrame, flagged: str) -> np.ndarray:
    """Per domain: whether the export flags every one of its links (``flagged`` counts the flagged rows,
    ``export_rows`` all its rows: a flag is the row's, however many links the row stands for)."""
    rows = agg["export_rows"].to_numpy()
    return (agg[flagged].to_numpy() >= rows) & (rows > 0)


def build_by_type(verdict: np.ndarray, page_type: np.ndarray, ugc_only: np.ndarray) -> np.ndarray:
    """Per prospect, why its page is work to do yourself when the page rules kept it to pitch but its page
    type is a listing, a profile or a forum (no editor picks who is listed there), or the export marks every
    link it gives your competitors user-generated (``rel="ugc"``: a comment or a forum post); '' for the others."""
    out = np.full(len(verdict), "", dtype=object)
    out[(verdict == PITCH) & ugc_only] = UGC_REASON
    for kind, reason in BUILD_TYPES.items():
        out[(verdict == PITCH) & (page_type == kind)] = reason
    return out


def competitor_pages(domain: np.ndarray, site: np.ndarray, target: np.ndarray, links: np.ndarray) -> pd.DataFrame:
    """Per domain: the competitor pages it links to with their link counts, most linked first ('pages'), and
    the most linked one ('page'). A group's target is its example link's; an export without target URLs
    counts the competitor's site."""
    if not len(domain):
        return pd.DataFrame({"pages": pd.Series(dtype=object), "page": pd.Series(dtype=object)})
    page = pc.replace_substring_regex(pc.fill_null(pa.array(target, pa.string()), ""), r"(?i)^[a-z]+://(www\.)?", "")
    page = pc.utf8_rtrim(pc.utf8_trim_whitespace(page), "/")
    page = pc.if_else(pc.equal(page, ""), pa.array(site, pa.string()), page)
    counted = pa.table({"d": pa.array(domain), "page": page, "n": pa.array(links, pa.int64())}).group_by(
        ["d", "page"], use_threads=False).aggregate([("n", "sum")])
    counted = counted.take(pc.sort_indices(counted, [("d", "ascending"), ("n_sum", "descending"),
                                                     ("page", "ascending")]))
    keys = counted.column("d").to_numpy()
    pages = counted.column("page").combine_chunks()
    text = np.asarray(pc.binary_join_element_wise(pages, " (", pc.cast(counted.column("n_sum"), pa.string()), ")",
                                                  "").to_numpy(zero_copy_only=False), dtype=object)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    rank = np.arange(len(keys)) - np.repeat(starts, sizes)
    kept = rank < MAX_PAGES_SHOWN  # each domain's pages are ranked already: its first few are shown
    offsets = np.r_[0, np.cumsum(np.minimum(sizes, MAX_PAGES_SHOWN))].astype(np.int64)
    listed = pa.LargeListArray.from_arrays(pa.array(offsets), pa.array(text[kept], pa.large_string()))
    shown = pc.binary_join(listed, pa.scalar("; ", pa.large_string()))
    more = sizes > MAX_PAGES_SHOWN
    tail = np.where(more, "; and " + (sizes - MAX_PAGES_SHOWN).astype(str).astype(object) + " more", "")
    joined = pc.binary_join_element_wise(shown, pa.array(tail.astype(object), pa.large_string()),
                                         pa.scalar("", pa.large_string()))
    index = pd.Index(keys[starts], name="d")
    return pd.DataFrame({"pages": pd.Series(np.asarray(joined.to_numpy(zero_copy_only=False), dtype=object),
                                            index=index, dtype=object),
                         "page": pd.Series(np.asarray(pages.take(pa.array(starts)).to_numpy(zero_copy_only=False),
                                                      dtype=object), index=index)})


def _weak_links(clean: CleanLinks, rows: np.ndarray, site_code: np.ndarray, own_rows: np.ndarray,
                is_own: np.ndarray, domain_ids: np.ndarray, in_own: np.ndarray,
                competitors: Sequence[str], counted: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Per prospect: the weak-link segment when it links to your site less than to a competitor, else '';
    and for 'fewer links', the counts that say so ('2 links to you, 39 to rival.com').

    Fewer links to you than to its best-linked competitor (only when ``counted``: the own export counts
    links), only nofollow links to you, or only a lost link to you (counted only when lost links are
    otherwise dropped).
    """
    links = clean.links
    n_domains = len(clean.domains)
    counts = links["links"].to_numpy(dtype=np.int64)
    own_count = np.bincount(clean.domain[own_rows], weights=counts[own_rows], minlength=n_domains)
    nofollow_sum = links["nofollow_sum"].to_numpy(dtype=float)
    nofollow_n = links["nofollow_n"].to_numpy(dtype=float)
    own_nofollow = np.bincount(clean.domain[own_rows], weights=nofollow_sum[own_rows], minlength=n_domains)
    own_known = np.bincount(clean.domain[own_rows], weights=nofollow_n[own_rows], minlength=n_domains)
    pair, which = np.unique(clean.domain[rows].astype(np.int64) * 64 + site_code[rows], return_inverse=True)
    sums = np.bincount(which, weights=counts[rows].astype(float))  # links per (domain, competitor)
    pair_domain, pair_site = pair // 64, pair % 64
    ranked = np.lexsort((pair_site, -sums, pair_domain))  # per domain its best-linked competitor, the first on a tie
    first = ranked[np.r_[True, pair_domain[ranked][1:] != pair_domain[ranked][:-1]]] if len(ranked) else ranked
    comp_best = np.zeros(n_domains)
    best_site = np.zeros(n_domains, dtype=np.int64)
    comp_best[pair_domain[first]] = sums[first]
    best_site[pair_domain[first]] = pair_site[first]
    lost_own = is_own & links["lost"].to_numpy(dtype=bool) & ~clean.usable
    has_lost = np.bincount(clean.domain[lost_own], minlength=n_domains) > 0 if lost_own.any() else np.zeros(
        n_domains, dtype=bool)
    d = domain_ids
    nofollow_only = (own_known[d] > 0) & (own_nofollow[d] >= own_known[d])
    fewer_links = in_own & counted & (own_count[d] < comp_best[d])
    segment = np.select([in_own & nofollow_only, fewer_links, ~in_own & has_lost[d]],
                        [WEAK_NOFOLLOW, WEAK_FEWER, WEAK_LOST], "").astype(object)
    note = np.full(len(d), "", dtype=object)
    fewer = np.flatnonzero(segment == WEAK_FEWER)
    note[fewer] = [f"{int(own_count[i])} link{'s' if own_count[i] != 1 else ''} to you, {int(comp_best[i])} to "
                   f"{competitors[best_site[i]]}" for i in d[fewer]]
    return segment, note


def _popcount(values: np.ndarray) -> np.ndarray:
    counts = np.zeros(len(values), dtype=np.int64)
    v = values.astype(np.int64).copy()
    while v.any():
        counts += v & 1
        v >>= 1
    return counts


def exclusion_reasons(p: pd.DataFrame, in_own: np.ndarray, sites: set[str], s: Settings,
                      kept: np.ndarray | None = None) -> tuple[pd.Series, np.ndarray]:
    """The first reason each domain is excluded, in a fixed order ('' when it stays), and its evidence.

    ``kept`` domains skip the judgements on their name and pages (a team's 'keep'), not the settings' filters.
    """
    n = len(p)
    kept = np.zeros(n, dtype=bool) if kept is None else np.asarray(kept, dtype=bool)
    authority = p["authority"].fillna(0)
    country = p["country"].fillna("")
    tlds = set(s.excluded_tlds)
    verdict = p["verdict"].to_numpy(dtype=object) if "verdict" in p else np.full(n, "", dtype=object)
    why = p["verdict_reason"].astype(object) if "verdict_reason" in p else pd.Series("", index=p.index)
    evidence = p["evidence"].to_numpy(dtype=object) if "evidence" in p else np.full(n, "", dtype=object)
    spam = p["spam"].fillna("").astype(object)
    weak = p["weak_spam"].fillna("").astype(object) if "weak_spam" in p else pd.Series("", index=p.index)
    two_weak = weak.str.count("; ").to_numpy() >= 1
    figure = (p["authority_scale"].fillna("").astype(str) + " " + authority.round().astype(int).astype(str)
              if "authority_scale" in p else authority.round().astype(int).astype(str)).str.strip()
    # a domain-level authority of 40+ with no search traffic at all: the fingerprint of a link network
    domain_level = ~p["authority_scale"].isin(PAGE_LEVEL) if "authority_scale" in p else pd.Series(True, index=p.index)
    traffic = pd.to_numeric(p["traffic"], errors="coerce") if "traffic" in p else pd.Series(np.nan, index=p.index)
    no_traffic = (domain_level & (authority >= NO_TRAFFIC_AUTHORITY) & (traffic == 0)).to_numpy(dtype=bool)
    judged = ~kept
    conditions = [
        (p["key"].isin(sites), "a competitor or your own site", ""),
        (in_own, "already links to you", ""),
        (judged & (verdict == SELLER), "link seller: " + why, evidence),
        (judged & (spam != "").to_numpy(), "spam: " + first_flag(spam), spam),
        (judged & (verdict == SPAM), "spam: " + why, evidence),
        (judged & no_traffic, "spam: high authority, no search traffic", figure + ", traffic 0"),
        (judged & (verdict == NOT_PROSPECT), "not a prospect: " + why, evidence),
        (judged & two_weak, "spam: " + weak.str.replace("; ", " and "), "the name " + p["key"].astype(str)),
        (p["competitors_linking"] < s.min_competitors_linking, "links to too few competitors", ""),
        (authority < s.min_authority, "authority below minimum", figure + f" (minimum {s.min_authority:g})"),
        (authority > s.max_authority, "authority above maximum (giant publisher)",
         figure + f" (maximum {s.max_authority:g})"),
        ((country != "") & bool(s.allowed_countries) & ~country.isin(s.allowed_countries),
         "country not allowed", ""),
        (country.isin(s.excluded_countries), "country excluded", ""),
        (p["tld"].isin(tlds) | p["suffix"].isin(tlds), "TLD excluded", ""),
    ]
    reasons = np.full(n, "", dtype=object)
    shown = np.full(n, "", dtype=object)
    for mask, reason, said in conditions:
        take = np.asarray(mask, dtype=bool) & (reasons == "")
        reasons[take] = reason[take] if isinstance(reason, pd.Series) else reason
        shown[take] = (said.to_numpy(dtype=object)[take] if isinstance(said, pd.Series)
                       else said[take] if isinstance(said, np.ndarray) else said)
    return pd.Series(reasons, index=p.index), shown
