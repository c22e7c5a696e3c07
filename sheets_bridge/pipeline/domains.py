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
import tldextract

from sheets_bridge.exceptions import InvalidHostError
from sheets_bridge.pipeline.reference import load_json, load_list

_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://")
_LABEL = re.compile(r"^(?!-)[a-z0-9\-_]{1,63}(?<!-)$")
_WWW = re.compile(r"^www\d{0,3}\.")


@cache
def extractor() -> tldextract.TLDExtract:
    """The project's one TLDExtract: bundled snapshot, private suffixes on, no network, no disk cache."""
    return tldextract.TLDExtract(suffix_list_urls=(), include_psl_private_domains=True, cache_dir=None)


@dataclass(frozen=True)
class HostKey:
    """The keyed form of one host."""

    key: str
    suffix: str
    is_ip: bool
    is_platform: bool


def clean_host(raw: object) -> str:
    """Reduce a URL or host spelling to a bare lower-case host (no scheme, user, port, path, www, dot)."""
    text = str(raw).strip().lower()
    text = _SCHEME.sub("", text)
    if text.startswith("//"):
        text = text[2:]
    text = re.split(r"[/?#\\]", text, maxsplit=1)[0]
    text = text.rsplit("@", 1)[-1]
    if text.startswith("["):
        return text.split("]", 1)[0] + "]"
    text = re.sub(r":\d*$", "", text).strip().rstrip(".")
    return _WWW.sub("", text)


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
    host = clean_host(raw)
    if not host:
        raise InvalidHostError("empty host")
    bare = host.strip("[]")
    try:
        ip = ipaddress.ip_address(bare)
    except ValueError:
        ip = None
    if ip is not None:
        return HostKey(key=str(ip), suffix="", is_ip=True, is_platform=False)
    if " " in host or len(host) > 253:
        raise InvalidHostError(f"'{host}' is not a host name")
    ascii_host = _to_ascii(host)
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise InvalidHostError(f"'{host}' is not a valid host name")
    parts = extractor()(ascii_host)
    if not parts.suffix:
        raise InvalidHostError(f"'{host}' has no public suffix")
    if not parts.domain:
        raise InvalidHostError(f"'{host}' is a public suffix, not a site")
    registrable = f"{parts.domain}.{parts.suffix}"
    platform = bool(parts.is_private)
    if registrable in shared_platforms() and parts.subdomain:
        sub = _WWW.sub("", parts.subdomain + ".").rstrip(".")
        if sub:
            registrable = f"{sub.split('.')[-1]}.{registrable}"
            platform = True
    return HostKey(key=_to_unicode(registrable), suffix=_to_unicode(parts.suffix), is_ip=False,
                   is_platform=platform)


@cache
def shared_platforms() -> frozenset[str]:
    """Platforms outside the PSL private section whose accounts are separate publishers."""
    return frozenset(load_list("shared_platforms.txt"))


def country_of_suffix(suffix: str) -> str:
    """ISO country code implied by a public suffix, or '' for generic and generic-ccTLD suffixes."""
    if not suffix:
        return ""
    tld = suffix.rsplit(".", 1)[-1]
    data = load_json("countries.json")
    if len(tld) != 2 or not tld.isalpha() or tld in set(data["generic_cctlds"]):
        return ""
    exceptions: dict[str, str] = data["exceptions"]
    return exceptions.get(tld, tld.upper())


def key_hosts(hosts: pd.Series) -> pd.DataFrame:
    """Key a column of hosts or URLs: returns key, suffix, tld, country, is_ip, is_platform, invalid.

    ``invalid`` holds the reason a host was rejected ('' when it was keyed); work is per unique value.
    """
    codes, uniques = pd.factorize(hosts.astype("object").where(hosts.notna(), ""), use_na_sentinel=False)
    rows: list[tuple[str, str, str, str, bool, bool, str]] = []
    for raw in uniques:
        try:
            hk = key_host(raw)
        except InvalidHostError as exc:
            rows.append(("", "", "", "", False, False, exc.message))
            continue
        tld = hk.suffix.rsplit(".", 1)[-1] if hk.suffix else ""
        rows.append((hk.key, hk.suffix, tld, country_of_suffix(hk.suffix), hk.is_ip, hk.is_platform, ""))
    table = pd.DataFrame(rows, columns=["key", "suffix", "tld", "country", "is_ip", "is_platform", "invalid"])
    out = table.iloc[np.asarray(codes)].reset_index(drop=True)
    out.index = hosts.index
    return out
