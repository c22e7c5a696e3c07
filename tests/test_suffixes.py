"""The vectorised suffix keying agrees with tldextract (through the scalar key_clean_host) on every rule."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_bridge.exceptions import InvalidHostError
from sheets_bridge.intake.domains import extractor, key_clean_host, key_distinct_hosts, shared_platforms
from sheets_bridge.intake.suffixes import fast_hosts, suffix_rules


def _scalar(host: str) -> tuple[str, str, bool, bool, bool]:
    """The scalar path's answer: key, suffix, is_ip, is_platform, invalid."""
    try:
        hk = key_clean_host(host)
    except InvalidHostError:
        return "", "", False, False, True
    return hk.key, hk.suffix, hk.is_ip, hk.is_platform, False


def _vectorised(hosts: list[str]) -> list[tuple[str, str, bool, bool, bool]]:
    table = key_distinct_hosts(pa.array(hosts, pa.string()))
    return [(k, s, bool(ip), bool(p), bool(inv)) for k, s, ip, p, inv in zip(
        table["key"], table["suffix"], table["is_ip"], table["is_platform"], table["invalid"] != "", strict=True)]


def _hosts_around(rule: str) -> list[str]:
    base = rule.lstrip("!").replace("*", "w1ld")
    return [base, f"shop.{base}", f"blog.shop.{base}", f"www.shop.{base}", f"a.b.c.{base}", f"www.{base}"]


def test_every_suffix_rule_keys_as_tldextract_does() -> None:
    lists = extractor()._get_tld_extractor()
    rules = [r for r in lists.public_tlds + lists.private_tlds if r.isascii()]
    hosts = sorted({h for r in rules for h in _hosts_around(r.lower())})
    assert len(hosts) > 40_000
    assert fast_hosts(pa.array(hosts)).mean() > 0.95  # nearly all take the vectorised path
    expected = [_scalar(h) for h in hosts]
    got = _vectorised(hosts)
    wrong = [(h, e, g) for h, e, g in zip(hosts, expected, got, strict=True) if e != g]
    assert wrong == [], wrong[:5]


@pytest.mark.parametrize(("host", "key", "platform"), [
    ("shop.blogspot.com", "shop.blogspot.com", True),
    ("www.ck", "www.ck", False),  # the exception rule !www.ck
    ("shop.foo.ck", "shop.foo.ck", False),  # the wildcard rule *.ck
    ("news.bbc.co.uk", "bbc.co.uk", False),
    ("alice.medium.com", "alice.medium.com", True),  # a listed shared platform outside the PSL
    ("www.medium.com", "medium.com", False),
])
def test_known_keys(host: str, key: str, platform: bool) -> None:
    assert _vectorised([host])[0][:1] == (key,)
    assert _vectorised([host])[0][3] is platform
    assert _vectorised([host]) == [_scalar(host)]


def test_shared_platform_list_is_used() -> None:
    assert "medium.com" in shared_platforms()
    assert suffix_rules().depth >= 3


_LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=12)
_TAILS = st.sampled_from(["com", "co.uk", "blogspot.com", "ck", "www.ck", "github.io", "kawasaki.jp",
                          "city.kawasaki.jp", "notatld", "1", "medium.com", "s3.amazonaws.com", "au"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_LABEL, min_size=0, max_size=4), _TAILS)
def test_random_hosts_agree(labels: list[str], tail: str) -> None:
    host = ".".join([*labels, tail])
    assert _vectorised([host]) == [_scalar(host)]
