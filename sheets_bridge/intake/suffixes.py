"""Public-suffix keying of many hosts at once: the lookup tldextract does per host, as Arrow set lookups per depth.

The rules are tldextract's own (its bundled Public Suffix List snapshot, private section included), and the
walk is the one its trie does: from the last label leftwards, follow labels while a rule continues them,
remember the deepest rule that ends; where no rule continues a label but a wildcard rule (``*.ck``) sits at
that node, the label belongs to the suffix unless an exception rule (``!www.ck``) names it. Each depth is a
few vectorised set lookups over all hosts, so 100,000 distinct hosts cost milliseconds instead of seconds.

Only plain ASCII host names take this path (``fast_hosts``); IP addresses, punycode and Unicode names,
hosts without a known suffix and hosts that are themselves a suffix are left to the scalar ``key_clean_host``,
which also words the errors. ``tests/test_suffixes.py`` checks every rule of the list against tldextract.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import tldextract

_PLAIN_HOST = r"^([a-z0-9_]([a-z0-9_\-]{0,61}[a-z0-9_])?\.)+[a-z0-9_]([a-z0-9_\-]{0,61}[a-z0-9_])?$"
_ALL_DIGITS = r"^[0-9.]+$"
_WWW_LABEL = r"^www[0-9]{0,3}$"


@dataclass(frozen=True)
class SuffixRules:
    """The suffix list as sets of dotted strings (Arrow arrays used as lookup sets)."""

    nodes: pa.Array  # every label path of every rule ('ck', '*.ck', '!www.ck', 'uk', 'co.uk', ...)
    ends: pa.Array  # the rules themselves
    private_ends: pa.Array  # rules whose node tldextract marks private
    wildcards: pa.Array  # 'ck' for the rule '*.ck'
    private_wildcards: pa.Array
    exceptions: pa.Array  # 'www.ck' for the rule '!www.ck'
    depth: int  # the most labels a rule has


@cache
def extractor() -> tldextract.TLDExtract:
    """The project's one TLDExtract: bundled snapshot, private suffixes on, no network, no disk cache."""
    return tldextract.TLDExtract(suffix_list_urls=(), include_psl_private_domains=True, cache_dir=None)


@cache
def suffix_rules() -> SuffixRules:
    """Build the lookup sets once from the extractor's bundled list."""
    lists = extractor()._get_tld_extractor()
    public = [r.lower() for r in lists.public_tlds]
    private = [r.lower() for r in lists.private_tlds]
    private_set = set(private)
    rules = set(public) | private_set
    nodes = {".".join(rule.split(".")[-k:]) for rule in rules for k in range(1, rule.count(".") + 2)}
    wildcards = {r[2:] for r in rules if r.startswith("*.")}

    def array(values: set[str]) -> pa.Array:
        return pa.array(sorted(values), pa.string())

    return SuffixRules(nodes=array(nodes), ends=array(rules), private_ends=array(private_set),
                       wildcards=array(wildcards), private_wildcards=array({w for w in wildcards
                                                                            if f"*.{w}" in private_set}),
                       exceptions=array({r[1:] for r in rules if r.startswith("!")}),
                       depth=max(r.count(".") + 1 for r in rules))


def fast_hosts(hosts: pa.Array) -> np.ndarray:
    """Which hosts (already cleaned) the vectorised path may key: plain ASCII names, not IPs or punycode."""
    plain = pc.and_(pc.match_substring_regex(hosts, _PLAIN_HOST),
                    pc.and_(pc.invert(pc.match_substring_regex(hosts, _ALL_DIGITS)),
                            pc.invert(pc.match_substring(hosts, "xn--"))))
    plain = pc.and_(plain, pc.less_equal(pc.utf8_length(hosts), 253))
    return np.asarray(pc.fill_null(plain, False).to_numpy(zero_copy_only=False), dtype=bool)


@dataclass(frozen=True)
class Keyed:
    """Per host: suffix length in labels (0 = no suffix or the host is a suffix: leave it to the scalar path)."""

    suffix: np.ndarray  # object: the public suffix
    key: np.ndarray  # object: the site key (registrable domain, or account on a shared platform)
    is_private: np.ndarray  # bool: the suffix is a private-section rule
    on_platform: np.ndarray  # bool: keyed one label below a listed shared platform
    keyed: np.ndarray  # bool: False where the scalar path must decide


def _in(values: pa.Array, rules: pa.Array) -> np.ndarray:
    return np.asarray(pc.is_in(values, value_set=rules).to_numpy(zero_copy_only=False), dtype=bool)


def key_plain_hosts(hosts: pa.Array, shared_platforms: frozenset[str]) -> Keyed:
    """Key plain ASCII hosts (see ``fast_hosts``) by the suffix list, all at once."""
    rules = suffix_rules()
    n = len(hosts)
    depth = rules.depth + 2
    labels = np.asarray(pc.add(pc.count_substring(hosts, "."), 1).to_numpy(zero_copy_only=False), dtype=np.int64)
    reversed_parts = pc.split_pattern(pc.utf8_reverse(hosts), ".", max_splits=depth)
    # candidates[d]: the last d labels of each host (the whole host when it has fewer)
    candidates: list[pa.Array] = [pa.array([""] * n, pa.string())]
    for d in range(1, depth + 1):
        candidates.append(pc.utf8_reverse(pc.binary_join(pc.list_slice(reversed_parts, 0, d), ".")))
    suffix_len = np.zeros(n, dtype=np.int64)
    private = np.zeros(n, dtype=bool)
    alive = np.ones(n, dtype=bool)
    for d in range(1, depth + 1):
        has = labels >= d
        walking = alive & has
        if not walking.any():
            break
        cand = candidates[d]
        matched = walking & _in(cand, rules.nodes)
        ends = matched & _in(cand, rules.ends)
        suffix_len[ends] = d
        private[ends] = _in(cand, rules.private_ends)[ends]
        stopped = walking & ~matched
        if d > 1 and stopped.any():
            parent = candidates[d - 1]
            wild = stopped & _in(parent, rules.wildcards)
            exception = wild & _in(cand, rules.exceptions)
            suffix_len[wild] = d
            suffix_len[exception] = d - 1
            private[wild] = _in(parent, rules.private_wildcards)[wild]
        alive = matched
    table = np.empty((depth + 1, n), dtype=object)
    for d, cand in enumerate(candidates):
        table[d] = np.asarray(cand.to_numpy(zero_copy_only=False), dtype=object)
    rows = np.arange(n)
    keyed = (suffix_len > 0) & (labels > suffix_len) & (suffix_len + 2 <= depth)
    s = np.where(keyed, suffix_len, 0)
    suffix = table[s, rows]
    registrable = table[np.minimum(s + 1, depth), rows]
    platform = keyed & np.isin(registrable, list(shared_platforms)) & (labels > s + 1)
    next_label = table[np.minimum(s + 2, depth), rows]
    lone_www = np.zeros(n, dtype=bool)
    if platform.any():
        left = pa.array(next_label[platform].tolist(), pa.string())
        one_label_sub = labels[platform] == s[platform] + 2
        first = pc.list_element(pc.split_pattern(left, ".", max_splits=1), 0)
        lone_www[platform] = one_label_sub & np.asarray(
            pc.match_substring_regex(first, _WWW_LABEL).to_numpy(zero_copy_only=False), dtype=bool)
    on_platform = platform & ~lone_www
    key = np.where(on_platform, next_label, registrable)
    return Keyed(suffix=suffix, key=key, is_private=private & keyed, on_platform=on_platform, keyed=keyed)
