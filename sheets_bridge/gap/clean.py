"""Cleaning: drop lost links, key every host, flag spam and IP hosts; exclusions counted by reason.

Works on link groups (``groups``): the result keeps them untouched and adds per-group integer codes into a
table of domains, so later steps move integers, not strings.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sheets_bridge.gap.groups import group_links, is_grouped
from sheets_bridge.gap.matching import text_array
from sheets_bridge.intake.domains import key_clean_host_codes
from sheets_bridge.intake.reference import load_json


@dataclass
class CleanLinks:
    """Link groups with, per group, whether it is usable and which domain (row of ``domains``) it keys to."""

    links: pd.DataFrame
    usable: np.ndarray
    domain: np.ndarray
    domains: pd.DataFrame
    problems: list[str]


def join_flags(checks: dict[str, np.ndarray], n: int) -> np.ndarray:
    """Combine named boolean masks into '; '-joined flag text per row ('' when none is set)."""
    out = np.full(n, "", dtype=object)
    for flag, mask in checks.items():
        mask = np.asarray(mask, dtype=bool)
        out[mask] = np.where(out[mask] == "", flag, out[mask] + "; " + flag)
    return out


WEAK_NAME_FLAGS = frozenset({"abused TLD", "digit-heavy name", "hyphen-heavy name"})  # never a verdict alone


def split_flags(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """'; '-joined flags split into (strong, weak): weak ones are the name signals in ``WEAK_NAME_FLAGS``."""
    strong = np.full(len(flags), "", dtype=object)
    weak = np.full(len(flags), "", dtype=object)
    for i in np.flatnonzero(np.asarray(flags, dtype=object) != ""):
        parts = str(flags[i]).split("; ")
        strong[i] = "; ".join(f for f in parts if f not in WEAK_NAME_FLAGS)
        weak[i] = "; ".join(f for f in parts if f in WEAK_NAME_FLAGS)
    return strong, weak


def name_flags(domains: pd.DataFrame) -> np.ndarray:
    """Flags from the domain name alone: abused TLD, poison words (whole words), digit and hyphen density.

    Only a poison word is strong evidence; the others (``WEAK_NAME_FLAGS``) count against a domain only
    when two of them meet, or when its pages say the same (``verdict``): ``abc13.com`` is a TV station.

    The label is the key without its public suffix; the name is the label's last part. Column-wise: one
    slice per distinct suffix, then Arrow string kernels (RE2) over all names at once.
    """
    data = load_json("spam_signals.json")
    n = len(domains)
    abused = domains["tld"].isin(data["abused_tlds"]).to_numpy(dtype=bool)
    keys = pa.array(domains["key"].astype(str).tolist(), pa.string()) if n else pa.array([], pa.string())
    suffixes = domains["suffix"].astype(str).to_numpy(dtype=object)
    is_ip = domains["is_ip"].to_numpy(dtype=bool) if "is_ip" in domains else np.zeros(n, dtype=bool)
    labels = np.asarray(keys.to_numpy(zero_copy_only=False), dtype=object).copy()
    for suffix in pd.unique(suffixes):
        if not suffix:
            continue
        at = np.flatnonzero(suffixes == suffix)
        cut = pc.utf8_slice_codeunits(keys.take(pa.array(at)), 0, -(len(suffix) + 1))
        labels[at] = np.asarray(cut.to_numpy(zero_copy_only=False), dtype=object)
    label = pa.array(labels.tolist(), pa.string())
    name = pc.replace_substring_regex(label, r"^.*\.", "")
    length = np.maximum(np.asarray(pc.utf8_length(name).to_numpy(zero_copy_only=False), dtype=float), 1.0)
    digits = np.asarray(pc.count_substring_regex(name, r"\p{Nd}").to_numpy(zero_copy_only=False), dtype=float)
    hyphens = np.asarray(pc.count_substring(name, "-").to_numpy(zero_copy_only=False), dtype=int)
    words = "(^|[.-])(" + "|".join(re.escape(w) for w in data["poison_words"]) + ")([.-]|$)"  # words, not substrings
    has_poison = np.asarray(pc.match_substring_regex(label, words).to_numpy(zero_copy_only=False), dtype=bool)
    judged = ~is_ip  # an IP address is flagged as such, not judged as a name
    many_digits = judged & ((digits >= data["max_digits"]) | (digits / length > data["max_digit_share"]))
    return join_flags({"abused TLD": abused, "poison word": has_poison & judged, "digit-heavy name": many_digits,
                       "hyphen-heavy name": judged & (hyphens >= data["max_hyphens"])}, n)


def clean_links(links: pd.DataFrame, keep_lost: bool = False) -> tuple[CleanLinks, Counter[str]]:
    """Key hosts, mark unusable groups (lost, invalid host) and flag spam per domain.

    ``links`` holds link groups (``groups.group_links``) or link rows, which are grouped first; counts of
    excluded rows are counts of link rows either way.
    """
    if not is_grouped(links):
        links = group_links(links)
    excluded: Counter[str] = Counter()
    counts = links["export_rows"].to_numpy(dtype=np.int64)  # excluded rows are counted as the export's rows
    usable = np.ones(len(links), dtype=bool)
    if not keep_lost:
        lost = links["lost"].to_numpy(dtype=bool)
        excluded["lost link (rows)"] += int(counts[lost].sum())
        usable &= ~lost
    host_code, hosts = key_clean_host_codes(pa.array(links["clean_host"].array).cast(pa.string()))
    key_of_host, keys = pd.factorize(hosts["key"].to_numpy(dtype=object), use_na_sentinel=False)
    domain = np.asarray(key_of_host)[host_code]
    invalid = (hosts["invalid"].to_numpy(dtype=object) != "")[host_code]
    excluded["invalid host (rows)"] += int(counts[invalid & usable].sum())
    problems = _invalid_examples(links, hosts, host_code, invalid & usable)
    usable &= ~invalid
    domains = hosts.drop_duplicates("key").set_index("key", drop=False).reindex(keys).reset_index(drop=True)
    rows = np.flatnonzero(usable)
    per = pd.DataFrame({
        "domain": domain[rows], "vendor_spam": links["vendor_spam"].to_numpy(dtype=bool)[rows],
        "linked": links["linked_domains"].to_numpy(dtype=float)[rows],
        "referring": links["ref_domains"].to_numpy(dtype=float)[rows],
    }).groupby("domain").max().reindex(range(len(domains)))
    data = load_json("spam_signals.json")
    ratio = per["linked"] / per["referring"].clip(lower=1)
    row_flags = join_flags({
        "vendor spam flag": per["vendor_spam"].fillna(False).to_numpy(dtype=bool),
        "link farm ratio": ((per["linked"] >= data["min_linked_domains_for_ratio"])
                            & (ratio > data["max_linked_to_referring_ratio"])).to_numpy(dtype=bool),
    }, len(domains))
    flags, weak = split_flags(name_flags(domains))
    both = (flags != "") & (row_flags != "")
    flags = np.where(flags == "", row_flags, np.where(both, flags + "; " + row_flags, flags))
    domains["spam"] = flags
    domains["weak_spam"] = weak
    return CleanLinks(links, usable, domain, domains, problems), excluded


def _invalid_examples(links: pd.DataFrame, hosts: pd.DataFrame, host_code: np.ndarray, mask: np.ndarray,
                      limit: int = 3) -> list[str]:
    """Plain sentences for the first few rejected hosts: which site's export, which row, why."""
    groups = np.flatnonzero(mask)
    if not len(groups):
        return []
    total = int(links["export_rows"].to_numpy(dtype=np.int64)[groups].sum())
    shown = groups[:limit]
    reasons = hosts["invalid"].to_numpy(dtype=object)[host_code[shown]]
    sites = links["site"].iloc[shown].to_numpy(dtype=object)
    numbers = links["row"].iloc[shown].to_numpy()
    examples = "; ".join(f"{site} row {row}: {reason}" for site, row, reason in zip(sites, numbers, reasons,
                                                                                   strict=True))
    more = f" and {total - len(shown)} more" if total > len(shown) else ""
    return [f"{total} rows skipped for an unusable host ({examples}{more})"]


def first_flag(flags: pd.Series) -> pd.Series:
    """The first of several '; '-joined flags, used as the exclusion reason (missing stays missing)."""
    first = pc.list_element(pc.split_pattern(text_array(flags.astype(object)), "; ", max_splits=1), 0)
    return pd.Series(np.asarray(first.to_numpy(zero_copy_only=False), dtype=object), index=flags.index)
