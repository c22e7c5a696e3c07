"""Cleaning: drop lost links, key every host, flag spam and IP hosts; exclusions counted by reason.

The result keeps the link rows untouched and adds per-row integer codes into a table of domains,
so later steps move integers, not strings.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from sheets_bridge.pipeline.domains import key_host_codes
from sheets_bridge.pipeline.reference import load_json


@dataclass
class CleanLinks:
    """Link rows with, per row, whether it is usable and which domain (row of ``domains``) it keys to."""

    links: pd.DataFrame
    usable: np.ndarray
    domain: np.ndarray
    domains: pd.DataFrame
    problems: list[str]


@cache
def _poison_re() -> re.Pattern[str]:
    words = load_json("spam_signals.json")["poison_words"]
    return re.compile("|".join(re.escape(w) for w in words))


def join_flags(checks: dict[str, np.ndarray], n: int) -> np.ndarray:
    """Combine named boolean masks into '; '-joined flag text per row ('' when none is set)."""
    out = np.full(n, "", dtype=object)
    for flag, mask in checks.items():
        mask = np.asarray(mask, dtype=bool)
        out[mask] = np.where(out[mask] == "", flag, out[mask] + "; " + flag)
    return out


def name_flags(domains: pd.DataFrame) -> np.ndarray:
    """Spam flags from the domain name alone: abused TLD, poison words, digit and hyphen density."""
    data = load_json("spam_signals.json")
    poison = _poison_re()
    n = len(domains)
    abused = domains["tld"].isin(data["abused_tlds"]).to_numpy(dtype=bool)
    has_poison = np.zeros(n, dtype=bool)
    many_digits = np.zeros(n, dtype=bool)
    many_hyphens = np.zeros(n, dtype=bool)
    keys = domains["key"].to_numpy(dtype=object)
    suffixes = domains["suffix"].to_numpy(dtype=object)
    is_ip = domains["is_ip"].to_numpy(dtype=bool) if "is_ip" in domains else np.zeros(n, dtype=bool)
    for i, (key, suffix) in enumerate(zip(keys, suffixes, strict=True)):
        if is_ip[i]:
            continue  # an IP address is flagged as such, not judged as a name
        label = key[: len(key) - len(suffix) - 1] if suffix else key
        name = label.rsplit(".", 1)[-1]
        digits = sum(c.isdigit() for c in name)
        has_poison[i] = poison.search(label) is not None
        many_digits[i] = digits >= data["max_digits"] or digits / max(len(name), 1) > data["max_digit_share"]
        many_hyphens[i] = name.count("-") >= data["max_hyphens"]
    return join_flags({"abused TLD": abused, "poison word": has_poison, "digit-heavy name": many_digits,
                       "hyphen-heavy name": many_hyphens}, n)


def clean_links(links: pd.DataFrame, keep_lost: bool = False) -> tuple[CleanLinks, Counter[str]]:
    """Key hosts, mark unusable rows (lost, invalid host) and flag spam per domain."""
    excluded: Counter[str] = Counter()
    usable = np.ones(len(links), dtype=bool)
    if not keep_lost:
        lost = links["lost"].to_numpy(dtype=bool)
        excluded["lost link (rows)"] += int(lost.sum())
        usable &= ~lost
    host_code, hosts = key_host_codes(links["host"])
    key_of_host, keys = pd.factorize(hosts["key"].to_numpy(dtype=object), use_na_sentinel=False)
    domain = np.asarray(key_of_host)[host_code]
    invalid = (hosts["invalid"].to_numpy(dtype=object) != "")[host_code]
    excluded["invalid host (rows)"] += int((invalid & usable).sum())
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
    flags = name_flags(domains)
    both = (flags != "") & (row_flags != "")
    flags = np.where(flags == "", row_flags, np.where(both, flags + "; " + row_flags, flags))
    domains["spam"] = flags
    return CleanLinks(links, usable, domain, domains, problems), excluded


def _invalid_examples(links: pd.DataFrame, hosts: pd.DataFrame, host_code: np.ndarray, mask: np.ndarray,
                      limit: int = 3) -> list[str]:
    """Plain sentences for the first few rejected hosts: which site's export, which row, why."""
    rows = np.flatnonzero(mask)
    if not len(rows):
        return []
    reasons = hosts["invalid"].to_numpy(dtype=object)[host_code[rows[:limit]]]
    sites = links["site"].iloc[rows[:limit]].to_numpy(dtype=object)
    numbers = links["row"].iloc[rows[:limit]].to_numpy()
    examples = "; ".join(f"{site} row {row}: {reason}" for site, row, reason in zip(sites, numbers, reasons,
                                                                                   strict=True))
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return [f"{len(rows)} rows skipped for an unusable host ({examples}{more})"]


def first_flag(flags: pd.Series) -> pd.Series:
    """The first of several '; '-joined flags, used as the exclusion reason."""
    return flags.str.split("; ").str[0]
