"""Cleaning: drop lost links, key every host, flag spam and IP hosts; exclusions counted by reason."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import numpy as np
import pandas as pd

from sheets_bridge.pipeline.domains import key_hosts
from sheets_bridge.pipeline.reference import load_json

SPAM_FLAGS = ("vendor spam flag", "abused TLD", "poison word", "digit-heavy name", "hyphen-heavy name",
              "link farm ratio")


@cache
def _poison_re() -> re.Pattern[str]:
    words = load_json("spam_signals.json")["poison_words"]
    return re.compile("|".join(re.escape(w) for w in words))


def spam_flags(keys: pd.DataFrame) -> pd.Series:
    """Spam flags per keyed domain (frame with key and tld), as '; '-joined text ('' when clean)."""
    data = load_json("spam_signals.json")
    label = keys["key"].str.rsplit(".", n=1).str[0].fillna("")
    name = label.str.split(".").str[-1].fillna("")
    digits = name.str.count(r"\d")
    length = name.str.len().clip(lower=1)
    checks = {
        "abused TLD": keys["tld"].isin(data["abused_tlds"]),
        "poison word": label.str.contains(_poison_re(), regex=True),
        "digit-heavy name": (digits >= data["max_digits"]) | ((digits / length) > data["max_digit_share"]),
        "hyphen-heavy name": name.str.count("-") >= data["max_hyphens"],
    }
    return _join_flags(checks, keys.index)


def _join_flags(checks: dict[str, pd.Series], index: pd.Index) -> pd.Series:
    out = pd.Series(np.full(len(index), "", dtype=object), index=index)
    for flag, mask in checks.items():
        mask = mask.fillna(False).to_numpy(dtype=bool)
        out[mask] = np.where(out[mask] == "", flag, out[mask] + "; " + flag)
    return out


def clean_links(links: pd.DataFrame, keep_lost: bool = False) -> tuple[pd.DataFrame, Counter[str]]:
    """Key hosts and flag spam; returns the usable rows (with key, tld, country, flags) and exclusions."""
    excluded: Counter[str] = Counter()
    frame = links
    if not keep_lost:
        lost = frame["lost"].to_numpy(dtype=bool)
        if lost.any():
            excluded["lost link (rows)"] += int(lost.sum())
            frame = frame.loc[~lost]
    keyed = key_hosts(frame["host"])
    invalid = keyed["invalid"] != ""
    if invalid.any():
        excluded["invalid host (rows)"] += int(invalid.sum())
    frame = pd.concat([frame.loc[~invalid], keyed.loc[~invalid, ["key", "suffix", "tld", "country", "is_ip"]]],
                      axis=1)
    domains = frame[["key", "tld"]].drop_duplicates("key").set_index("key", drop=False)
    flags = spam_flags(domains)
    data = load_json("spam_signals.json")
    per_key = frame.groupby("key", sort=False).agg(
        vendor_spam=("vendor_spam", "max"), linked=("linked_domains", "max"), referring=("ref_domains", "max"))
    ratio = per_key["linked"] / per_key["referring"].clip(lower=1)
    row_flags = _join_flags({
        "vendor spam flag": per_key["vendor_spam"].astype(bool),
        "link farm ratio": (per_key["linked"] >= data["min_linked_domains_for_ratio"])
        & (ratio > data["max_linked_to_referring_ratio"]),
    }, per_key.index)
    flags = flags.reindex(per_key.index).fillna("")
    flags = flags.where(row_flags == "", np.where(flags == "", row_flags, flags + "; " + row_flags))
    frame = frame.assign(spam=frame["key"].map(flags).fillna(""))
    return frame, excluded


def first_flag(flags: pd.Series) -> pd.Series:
    """The first of several '; '-joined flags, used as the exclusion reason."""
    return flags.str.split("; ").str[0]
