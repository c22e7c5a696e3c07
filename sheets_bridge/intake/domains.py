"""Domain keying: one registrable-domain key per site, however the export spelled it.

tldextract runs once per unique host, on the suffix-list snapshot bundled with it (never the network).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sheets_bridge.exceptions import InvalidHostError
from sheets_bridge.intake.reference import load_json, load_list
from sheets_bridge.intake.suffixes import extractor, fast_hosts, key_plain_hosts
from sheets_bridge.intake.values import text_values

_WWW = re.compile(r"^www[0-9]{0,3}\.")
_HOST = re.compile(r"^(?=.{1,253}$)((?!-)[a-z0-9\-_]{1,63}(?<!-)\.)+(?!-)[a-z0-9\-_]{1,63}(?<!-)$")
# clean_host as regular expressions shared by the scalar (re) and vectorised (Arrow RE2) versions
# (pattern, replacement, a substring without which the step changes nothing)
# (ASCII classes only, and no '$' before a path cut: Python's re and RE2 read '\d' and '$' differently)
_SCHEME = r"^(?:[a-z][a-z0-9+.\-]*:)?//"
_CLEAN_STEPS = (
    (_SCHEME, "", "//"),  # scheme
    (r"(?s)[/?#\\].*$", "", ""),  # path, query, fragment
    (r"^.*@", "", "@"),  # user info
    (r"^(\[[^\]]*\]).*$", r"\1", "["),  # bracketed IPv6 with a port
)
_PORT = r":[0-9]*$"  # RE2: '$' is the very end; the scalar version uses \Z for the same
_WWW_PREFIX = r"^www[0-9]{0,3}\.(.+\..+)$"  # a www label is dropped when a site name is left (www.com stays)


@dataclass(frozen=True)
class HostKey:
    """The keyed form of one host."""

    key: str
    suffix: str
    is_ip: bool
    is_platform: bool


def clean_host(raw: object) -> str:
    """Reduce a URL or host spelling to a bare lower-case host (no scheme, user, port, path, www, dot)."""
    if raw is None or (isinstance(raw, float) and np.isnan(raw)):
        return ""
    text = str(raw).strip().lower()
    for pattern, replacement, _needle in _CLEAN_STEPS:
        text = re.sub(pattern, replacement, text, count=1)
    if text.count(":") <= 1:
        text = re.sub(_PORT.replace("$", r"\Z"), "", text)
    return re.sub(_WWW_PREFIX, r"\1", text.strip().rstrip("."), count=1)


def _to_ascii(host: str) -> str:
    """Punycode a Unicode host label by label; raise InvalidHostError when that is impossible."""
    if host.isascii():
        return host
    try:
        return ".".join(label.encode("idna").decode("ascii") for label in host.split("."))
    except UnicodeError as exc:
        raise InvalidHostError(f"'{host}' is not a valid international domain name") from exc


def _to_unicode(host: str) -> str:
    """Decode punycode labels for display; labels that do not decode stay as they are."""
    if "xn--" not in host:
        return host
    labels = []
    for label in host.split("."):
        try:
            labels.append(label.encode("ascii").decode("idna") if label.startswith("xn--") else label)
        except UnicodeError:
            labels.append(label)
    return ".".join(labels)


def key_host(raw: object) -> HostKey:
    """Key one host or URL to its site; raise InvalidHostError with the reason when it has none."""
    return key_clean_host(clean_host(raw))


def key_clean_host(host: str) -> HostKey:
    """Key a host already reduced by ``clean_host``."""
    if not host:
        raise InvalidHostError("empty host")
    if host[0].isdigit() or host[0] == "[" or ":" in host:
        try:
            ip = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            ip = None
        if ip is not None:
            return HostKey(key=str(ip), suffix="", is_ip=True, is_platform=False)
    if len(host) > 253:
        raise InvalidHostError(f"'{host[:60]}...' is longer than a host name can be")
    ascii_host = _to_ascii(host)
    if not _HOST.match(ascii_host):
        raise InvalidHostError(f"'{host}' is not a valid host name")
    parts = extractor()(ascii_host)
    if not parts.suffix:
        raise InvalidHostError(f"'{host}' has no public suffix")
    if not parts.domain:
        raise InvalidHostError(f"'{host}' is a public suffix, not a site")
    registrable = f"{parts.domain}.{parts.suffix}"
    platform = bool(parts.is_private)
    if parts.subdomain and registrable in shared_platforms():
        sub = _WWW.sub("", parts.subdomain + ".").rstrip(".")
        if sub:
            registrable = f"{sub.split('.')[-1]}.{registrable}"
            platform = True
    key, suffix, platform, _ = _rekey_one(ascii_host, _to_unicode(registrable), _to_unicode(parts.suffix), platform)
    return HostKey(key=key, suffix=suffix, is_ip=False, is_platform=platform)


def clean_hosts(values: pd.Series | np.ndarray) -> np.ndarray:
    """Vectorised ``clean_host`` for a column of URLs or hosts (Arrow string kernels, RE2)."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype):
        array = pa.array(values.array).cast(pa.string())
    else:
        array = pa.array(np.asarray(values, dtype=object), type=pa.string(), from_pandas=True)
    return np.asarray(_clean_arrow(array).to_numpy(zero_copy_only=False), dtype=object)


def _clean_arrow(array: pa.Array) -> pa.Array:
    """``clean_host`` as Arrow kernels on a string array (nulls become '')."""
    text = pc.utf8_lower(pc.utf8_trim_whitespace(pc.fill_null(array, "")))
    text = _strip_scheme(text)
    for pattern, replacement, needle in _CLEAN_STEPS[1:]:
        if not needle:  # the path step: literal splits are much faster than a regex replace
            for separator in ("/", "?", "#", "\\"):
                if _may_contain(text, separator):
                    text = pc.list_element(pc.split_pattern(text, separator, max_splits=1), 0)
        elif _may_contain(text, needle):
            text = pc.replace_substring_regex(text, pattern, replacement, max_replacements=1)
    if _may_contain(text, ":"):
        unported = pc.replace_substring_regex(text, _PORT, "")
        text = pc.if_else(pc.greater(pc.count_substring(text, ":"), 1), text, unported)
    text = pc.utf8_rtrim(pc.utf8_trim_whitespace(text), ".")
    if _may_contain(text, "www"):
        text = pc.replace_substring_regex(text, _WWW_PREFIX, r"\1", max_replacements=1)
    return text


def _strip_scheme(text: pa.Array) -> pa.Array:
    """The scheme step, once per cell as the scalar version does: http(s):// by slicing, any other by regex."""
    secure, plain = pc.starts_with(text, "https://"), pc.starts_with(text, "http://")
    if pc.any(secure).as_py() or pc.any(plain).as_py():
        stripped = pc.if_else(secure, pc.utf8_slice_codeunits(text, 8),
                              pc.if_else(plain, pc.utf8_slice_codeunits(text, 7), text))
    else:
        stripped = text
    rest = pc.invert(pc.or_(secure, plain))
    if _may_contain(pc.filter(text, rest), "//"):
        stripped = pc.if_else(rest, pc.replace_substring_regex(text, _SCHEME, "", max_replacements=1), stripped)
    return stripped


def _may_contain(array: pa.Array | pa.ChunkedArray, needle: str) -> bool:
    """Whether some string may hold ``needle``: one memchr-speed scan of the values buffer.

    The scan runs over the strings' bytes end to end, so a needle spanning two strings reads as present:
    use it only to skip a step that would change nothing, never to decide a result.
    """
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    wanted = needle.encode("utf-8")
    for chunk in chunks:
        if len(chunk) == 0:
            continue
        buffers = chunk.buffers()
        if buffers[2] is None:
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(buffers[1], dtype=width)
        start, stop = int(offsets[chunk.offset]), int(offsets[chunk.offset + len(chunk)])
        if memoryview(buffers[2])[start:stop].tobytes().find(wanted) >= 0:
            return True
    return False


@cache
def shared_platforms() -> frozenset[str]:
    """Platforms outside the PSL private section whose accounts are separate publishers."""
    return frozenset(load_list("shared_platforms.txt"))


@cache
def country_of_suffix(suffix: str) -> str:
    """ISO country code implied by a public suffix, or '' for generic and generic-ccTLD suffixes."""
    if not suffix:
        return ""
    tld = suffix.rsplit(".", 1)[-1]
    data = load_json("countries.json")
    if len(tld) != 2 or not tld.isalpha() or tld in data["generic_cctlds"]:
        return ""
    exceptions: dict[str, str] = data["exceptions"]
    return exceptions.get(tld, tld.upper())


def _encode(array: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Dictionary-encode a string array: (code per row, distinct values)."""
    encoded = pc.dictionary_encode(array)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks() if encoded.num_chunks else pa.array([], pa.dictionary(pa.int32(),
                                                                                               pa.string()))
    return np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64), encoded.dictionary


def clean_host_codes(hosts: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """Clean a column of hosts or URLs without expanding: (row → position in the distinct cleaned hosts, them).

    Cleaning runs once per distinct cell. Cleaning is not idempotent ('www.www.a.com'), so what comes out
    is keyed with ``key_clean_host_codes``, never cleaned again.
    """
    if isinstance(hosts.dtype, pd.StringDtype):
        array = pa.array(hosts.array).cast(pa.string())
    else:
        array = pa.array(text_values(hosts).array).cast(pa.string())
    raw_codes, raw_values = _encode(pc.fill_null(array, ""))
    host_codes, distinct = _encode(_clean_arrow(raw_values))
    return np.asarray(host_codes[raw_codes], dtype=np.int64), distinct


def key_clean_host_codes(hosts: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, pd.DataFrame]:
    """Key a column of hosts already cleaned: (row → table position, one table row per distinct host)."""
    codes, distinct = _encode(pc.fill_null(hosts, ""))
    return codes, key_distinct_hosts(distinct)


def key_host_codes(hosts: pd.Series) -> tuple[np.ndarray, pd.DataFrame]:
    """Key a column of hosts or URLs without expanding: (row → table position, one table row per host).

    The table has key, suffix, tld, country, is_ip, is_platform and invalid (the reason a host was
    rejected, '' when keyed). Cleaning runs once per distinct cell, keying once per distinct host.
    """
    codes, distinct = clean_host_codes(hosts)
    return codes, key_distinct_hosts(distinct)


def key_distinct_hosts(hosts: pa.Array) -> pd.DataFrame:
    """One table row per cleaned host: plain names keyed together (``suffixes``), the rest one by one."""
    n = len(hosts)
    key = np.full(n, "", dtype=object)
    suffix = np.full(n, "", dtype=object)
    is_ip = np.zeros(n, dtype=bool)
    is_platform = np.zeros(n, dtype=bool)
    invalid = np.full(n, "", dtype=object)
    plain = np.flatnonzero(fast_hosts(hosts)) if n else np.zeros(0, dtype=np.int64)
    done = np.zeros(n, dtype=bool)
    if len(plain):
        keyed = key_plain_hosts(hosts.take(pa.array(plain)), shared_platforms())
        at = plain[keyed.keyed]
        key[at] = keyed.key[keyed.keyed]
        suffix[at] = keyed.suffix[keyed.keyed]
        is_platform[at] = (keyed.is_private | keyed.on_platform)[keyed.keyed]
        done[at] = True
    rest = np.flatnonzero(~done)
    if len(rest):
        for i, host in zip(rest, hosts.take(pa.array(rest)).to_pylist(), strict=True):
            try:
                hk = key_clean_host(str(host))
            except InvalidHostError as exc:
                invalid[i] = exc.message
                continue
            key[i], suffix[i], is_ip[i], is_platform[i] = hk.key, hk.suffix, hk.is_ip, hk.is_platform
    staging = _rekey_copies(pc.fill_null(hosts, ""), key, suffix, is_platform)
    distinct = pd.Series(suffix).astype(object)
    country = {s: country_of_suffix(s) for s in pd.unique(distinct)}
    tld = {s: s.rsplit(".", 1)[-1] if s else "" for s in country}
    return pd.DataFrame({"key": key, "suffix": suffix, "tld": distinct.map(tld).to_numpy(dtype=object),
                         "country": distinct.map(country).to_numpy(dtype=object), "is_ip": is_ip,
                         "is_platform": is_platform, "staging": staging, "invalid": invalid}).astype(
        {c: object for c in ("key", "suffix", "tld", "country", "invalid")})


_BLOGGER_MIRROR = re.compile(r"^(?P<blog>[a-z0-9-]+)\.blogspot\.(?!com$)[a-z]{2,3}(?:\.[a-z]{2})?$")


@cache
def staging_pattern() -> re.Pattern[str]:
    """A subdomain's first label that marks a staging, development or server copy (``dev.``, ``webmail.``)."""
    return re.compile(load_json("page_signals.json")["staging_labels"])


def staging_labelled(hosts: pa.Array) -> np.ndarray:
    """Which hosts' first label is a staging, development or server word (``staging_pattern``), column-wise."""
    first = pc.list_element(pc.split_pattern(pc.fill_null(hosts, ""), ".", max_splits=1), 0)
    found = pc.fill_null(pc.match_substring_regex(first, staging_pattern().pattern), False)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def _rekey_one(host: str, key: str, suffix: str, platform: bool) -> tuple[str, str, bool, bool]:
    """One host's key after ``_rekey_copies``' two corrections: (key, suffix, is_platform, is_staging)."""
    if not key:
        return key, suffix, platform, False
    found = _BLOGGER_MIRROR.match(host)
    if found:
        return f"{found['blog']}.blogspot.com", "blogspot.com", True, False
    if host.endswith("." + key) and staging_pattern().match(host[: -len(key) - 1].split(".")[0]):
        return _to_unicode(host), suffix, platform, True
    return key, suffix, platform, False


def _rekey_copies(hosts: pa.Array, key: np.ndarray, suffix: np.ndarray, is_platform: np.ndarray) -> np.ndarray:
    """Re-key, in place, the hosts the suffix list keys wrongly; return which are staging copies.

    A Blogger country mirror (``x.blogspot.in``) is the blog ``x.blogspot.com``, not all of ``blogspot.in``.
    A staging or development host (``dev.brand.com``) is keyed on its own: a parasite page there is not the
    brand's, and a copy of the brand's site is not a second prospect. The candidates are found column-wise
    (Arrow); only they, a few in any export, are walked one by one.
    """
    staging = np.zeros(len(hosts), dtype=bool)
    if not len(hosts):
        return staging
    mirror = np.asarray(pc.match_substring(hosts, ".blogspot.").to_numpy(zero_copy_only=False), dtype=bool)
    flagged = np.flatnonzero(mirror | staging_labelled(hosts))
    if not len(flagged):
        return staging
    for i, host in zip(flagged, hosts.take(pa.array(flagged)).to_pylist(), strict=True):
        key[i], suffix[i], is_platform[i], staging[i] = _rekey_one(str(host), str(key[i]), str(suffix[i]),
                                                                   bool(is_platform[i]))
    return staging


def key_hosts(hosts: pd.Series) -> pd.DataFrame:
    """Key a column of hosts or URLs, one result row per input row (see ``key_host_codes``)."""
    codes, table = key_host_codes(hosts)
    out = table.iloc[codes].reset_index(drop=True)
    out.index = hosts.index
    return out
