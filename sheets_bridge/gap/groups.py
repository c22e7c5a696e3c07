"""Link groups: an export's link rows collapsed to one row per (site, cleaned host, lost), nothing lost.

Cleaning and the gap only ever read per-domain figures: maxima, minima, counts, the best example link and
the strongest authority. Each group keeps them for its rows, so combining the groups of a domain gives
exactly what its rows would: the max of maxima, the min of minima, the sum of counts, and for the example
and the authority the row with the highest value, the earliest on a tie (``*_order``: the row's position,
made global across exports by ``combine_groups``). A 200,000-row export of 49,000 hosts becomes 49,000
rows as soon as it is read, and the rows are freed before the next export is.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from sheets_bridge.intake.domains import clean_host_codes
from sheets_bridge.intake.ingest import Export
from sheets_bridge.intake.reference import load_json

EXAMPLE_TEXT = ("source_url", "title", "anchor", "contact", "vendor_page_type", "target_url")
GROUP_COLUMNS = (
    "site", "clean_host", "lost", "links", "export_rows", "row", "vendor_spam", "linked_domains", "ref_domains",
    "traffic", "first_seen", "last_seen", "nofollow_sum", "nofollow_n", "ugc_sum", "sponsored_sum",
    "evidence", "example_order", *EXAMPLE_TEXT,
    "external_links", "strength", "strength_order", "authority", "authority_scale", "authority_norm",
)
ORDER_SHIFT = 40  # positions within one export stay below 2**40; the export's index goes above


def link_evidence(links: pd.DataFrame) -> np.ndarray:
    """One comparable number per link for the example page: dofollow with a page first, then authority, then traffic."""
    nofollow = links["nofollow"].to_numpy(dtype=float, na_value=np.nan)
    has_url = (links["source_url"] != "").to_numpy(dtype=bool)
    known_auth = np.nan_to_num(links["authority_norm"].to_numpy(dtype=float), nan=-0.01)
    traffic = links["traffic"].to_numpy(dtype=float)
    return (((nofollow != 1.0) & has_url) * 10.0 + known_auth * 2.0
            + np.log10(1 + np.nan_to_num(traffic, nan=0.0).clip(0)) / 100)


def authority_strength(links: pd.DataFrame) -> np.ndarray:
    """One comparable number per link for its authority: by scale preference, then normalised value."""
    authority = links["authority"].to_numpy(dtype=float)
    known_auth = np.nan_to_num(links["authority_norm"].to_numpy(dtype=float), nan=-0.01)
    scale_codes, scales = pd.factorize(links["authority_scale"])
    preference = load_json("formats.json")["authority_preference"]
    rank = np.array([preference.index(s) if s in preference else len(preference) for s in scales]
                    + [len(preference)])[scale_codes]
    return np.where(np.isnan(authority), -100.0, known_auth - rank * 2.0)


def link_counts(links: pd.DataFrame) -> np.ndarray:
    """Links each row stands for: one per row of a backlinks export; a referring-domains row counts the links
    its export says that domain has to the site (Links to target, Backlinks, MatchedLinks), at least one."""
    if "links_to_target" not in links.columns:
        return np.ones(len(links), dtype=np.int64)
    said = np.nan_to_num(links["links_to_target"].to_numpy(dtype=float, na_value=np.nan), nan=1.0)
    return np.maximum(np.rint(said), 1).astype(np.int64)


def group_links(links: pd.DataFrame) -> pd.DataFrame:
    """Collapse canonical link rows (``ingest.CANONICAL``) to link groups, in order of each group's first row."""
    host_code, hosts = clean_host_codes(links["host"])
    site_code, _ = pd.factorize(links["site"])
    lost = links["lost"].to_numpy(dtype=bool)
    group, _ = pd.factorize((site_code.astype(np.int64) * (len(hosts) + 1) + host_code) * 2 + lost)
    nofollow = links["nofollow"].to_numpy(dtype=float, na_value=np.nan)
    evidence = link_evidence(links)
    strength = authority_strength(links)
    per_row = pd.DataFrame({
        "links": link_counts(links), "export_rows": np.ones(len(links), dtype=np.int64),
        "row": links["row"].to_numpy(dtype=np.int64),
        "vendor_spam": links["vendor_spam"].to_numpy(dtype=bool),
        "linked_domains": links["linked_domains"].to_numpy(dtype=float),
        "ref_domains": links["ref_domains"].to_numpy(dtype=float),
        "traffic": links["traffic"].to_numpy(dtype=float),
        "first_seen": links["first_seen"].to_numpy(dtype="datetime64[ns]"),
        "nofollow_sum": np.nan_to_num(nofollow, nan=0.0), "nofollow_n": (~np.isnan(nofollow)).astype(np.int64),
        "ugc_sum": links["ugc"].to_numpy(dtype=float, na_value=0.0),
        "sponsored_sum": links["sponsored"].to_numpy(dtype=float, na_value=0.0),
        "evidence": evidence, "strength": strength,
    })
    by = per_row.groupby(group, sort=True)
    agg = by.agg(links=("links", "sum"), export_rows=("export_rows", "sum"), row=("row", "min"),
                 vendor_spam=("vendor_spam", "max"), linked_domains=("linked_domains", "max"),
                 ref_domains=("ref_domains", "max"),
                 traffic=("traffic", "max"), first_seen=("first_seen", "min"), last_seen=("first_seen", "max"),
                 nofollow_sum=("nofollow_sum", "sum"), nofollow_n=("nofollow_n", "sum"), ugc_sum=("ugc_sum", "sum"),
                 sponsored_sum=("sponsored_sum", "sum"))
    example = by["evidence"].idxmax().to_numpy()  # the first row holding the group's best evidence
    strongest = by["strength"].idxmax().to_numpy()
    first = np.unique(group, return_index=True)[1]  # each group's first row: its site and host are the group's
    out = pd.DataFrame({
        "site": links["site"].iloc[first].to_numpy(dtype=object),
        "clean_host": pd.array(hosts.take(pa.array(host_code[first])), dtype=pd.StringDtype("pyarrow")),
        "lost": lost[first],
    })
    for column in agg.columns:
        out[column] = agg[column].to_numpy()
    out["evidence"] = evidence[example]
    out["example_order"] = example.astype(np.int64)
    texts = links[list(EXAMPLE_TEXT)].iloc[example].reset_index(drop=True)
    for column in EXAMPLE_TEXT:
        out[column] = texts[column]  # Arrow-backed text stays Arrow: no Python string per row
    out["external_links"] = links["external_links"].to_numpy(dtype=float)[example]  # on the example page
    out["strength"] = strength[strongest]
    out["strength_order"] = strongest.astype(np.int64)
    out["authority"] = links["authority"].to_numpy(dtype=float)[strongest]
    out["authority_scale"] = links["authority_scale"].take(strongest).reset_index(drop=True)
    out["authority_norm"] = links["authority_norm"].to_numpy(dtype=float)[strongest]
    return out[list(GROUP_COLUMNS)]


class GroupsFreedError(RuntimeError):
    """An export asked for its link groups after a run had combined and freed them."""


def group_export(export: Export) -> Export:
    """Group an export's rows in place and free them (its ``frame`` keeps the columns, no rows)."""
    if export.scored:
        raise GroupsFreedError(f"{export.source} was scored already: its link groups were freed")
    if export.groups is None:
        frame = export.frame
        export.newest_link = frame["first_seen"].max() if len(frame) else pd.NaT
        export.groups = group_links(frame)
        # an empty frame of its own: a zero-row slice would keep every column's buffers alive
        export.frame = pd.DataFrame({c: pd.Series([], dtype=frame[c].dtype) for c in frame.columns})
    return export


def is_grouped(frame: pd.DataFrame) -> bool:
    """Whether a frame already holds link groups rather than link rows."""
    return "clean_host" in frame.columns


def combine_groups(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The groups of several exports as one frame, their orders made global (export index, then position)."""
    shifted = []
    for index, part in enumerate(parts):
        offset = np.int64(index) << ORDER_SHIFT
        shifted.append(part.assign(example_order=part["example_order"].to_numpy(dtype=np.int64) + offset,
                                   strength_order=part["strength_order"].to_numpy(dtype=np.int64) + offset))
    if not shifted:
        return pd.DataFrame(columns=list(GROUP_COLUMNS))
    return pd.concat(shifted, ignore_index=True)


def first_max(keys: np.ndarray, values: np.ndarray, order: np.ndarray) -> np.ndarray:
    """For each distinct key (ascending): the position of its highest value, the lowest ``order`` on a tie."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    ranked = np.lexsort((order, -values, keys))
    sorted_keys = keys[ranked]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    return ranked[starts]
