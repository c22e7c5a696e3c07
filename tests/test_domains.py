"""Domain keying: every spelling of a site gives one key; shared platforms and IPs handled."""

from __future__ import annotations

import pandas as pd
import pytest
import tldextract
from hypothesis import assume, example, given
from hypothesis import strategies as st

from sheets_bridge.exceptions import InvalidHostError
from sheets_bridge.intake.domains import clean_host, clean_hosts, country_of_suffix, key_host, key_hosts


@pytest.mark.parametrize(("raw", "key"), [
    ("example.com", "example.com"),
    ("WWW.Example.COM", "example.com"),
    ("https://user:pw@www.example.com:8080/path?q=1#frag", "example.com"),
    ("example.com.", "example.com"),
    ("//cdn.example.com/x", "example.com"),
    ("blog.news.example.co.uk", "example.co.uk"),
    ("www2.example.de", "example.de"),
    ("bücher.de", "bücher.de"),
    ("xn--bcher-kva.de", "bücher.de"),
    ("https://BÜCHER.de/", "bücher.de"),
    ("alice.blogspot.com", "alice.blogspot.com"),
    ("www.alice.blogspot.com", "alice.blogspot.com"),
    ("project.github.io", "project.github.io"),
    ("jane.substack.com", "jane.substack.com"),
    ("news.jane.wordpress.com", "jane.wordpress.com"),
    ("192.0.2.10", "192.0.2.10"),
    ("http://192.0.2.10:8080/x", "192.0.2.10"),
    ("[2001:db8::1]", "2001:db8::1"),
])
def test_key_host(raw: str, key: str) -> None:
    assert key_host(raw).key == key


@pytest.mark.parametrize(("raw", "reason"), [
    ("", "empty host"),
    ("co.uk", "public suffix"),
    ("localhost", "not a valid host name"),
    ("not a host", "not a valid host name"),
    ("-bad-.com", "not a valid host name"),
    ("example.invalidtld", "no public suffix"),
])
def test_invalid_hosts_say_why(raw: str, reason: str) -> None:
    with pytest.raises(InvalidHostError, match=reason):
        key_host(raw)


def test_ip_and_platform_flags() -> None:
    assert key_host("192.0.2.1").is_ip
    assert key_host("alice.blogspot.com").is_platform
    assert not key_host("example.com").is_platform


@pytest.mark.parametrize(("suffix", "country"), [
    ("co.uk", "GB"), ("de", "DE"), ("com.au", "AU"), ("io", ""), ("co", ""), ("me", ""), ("tv", ""),
    ("com", ""), ("org", ""), ("blogspot.com", ""), ("", ""),
])
def test_country_from_cctld(suffix: str, country: str) -> None:
    assert country_of_suffix(suffix) == country


def test_key_hosts_column() -> None:
    keyed = key_hosts(pd.Series(["www.a.com", "https://a.com/x", "bad host", None, "b.co.uk"]))
    assert keyed["key"].tolist() == ["a.com", "a.com", "", "", "b.co.uk"]
    assert keyed["invalid"].tolist()[2].startswith("'bad host'")
    assert keyed["country"].tolist()[4] == "GB"


_PSL = tldextract.TLDExtract(suffix_list_urls=(), include_psl_private_domains=True, cache_dir=None)
labels = st.from_regex(r"[a-z][a-z0-9]{0,10}", fullmatch=True)
suffixes = st.sampled_from(["com", "org", "co.uk", "de", "com.au", "io", "blogspot.com", "github.io"])


@st.composite
def spellings(draw: st.DrawFn) -> tuple[str, str]:
    """A site and one of its real-world spellings."""
    site = f"{draw(labels)}.{draw(suffixes)}"
    assume(_PSL(site).suffix != site)  # 'it.com', 'co.com'...: a private suffix of its own, not a site
    host = site
    if draw(st.booleans()):
        host = draw(st.sampled_from(["www.", "www2."])) + host
    if draw(st.booleans()):
        host = host.upper()
    if draw(st.booleans()):
        host += "."
    if draw(st.booleans()):
        host = f"{host}:{draw(st.integers(1, 65535))}"
    if draw(st.booleans()):
        host = draw(st.sampled_from(["http://", "https://", "//", "https://user@"])) + host
    if draw(st.booleans()):
        host += draw(st.sampled_from(["/", "/a/b?c=1", "#x", "?q=https://other.com"]))
    return site, host


@given(spellings())
def test_every_spelling_keys_to_the_site(pair: tuple[str, str]) -> None:
    site, spelling = pair
    assert key_host(spelling).key == key_host(site).key


@given(spellings())
def test_keying_is_idempotent(pair: tuple[str, str]) -> None:
    key = key_host(pair[1]).key
    assert key_host(key).key == key


FRAGMENTS = ["https://", "http://", "HTTP://", "//", "www.", "www2.", "WWW.", "a.com", "x", ".", ":", ":80", "@",
             "/", "?", "#", "\\", "[", "]", " ", "\u00a0", "\t", "\n", "1", "\u0663", "-"]


@given(st.lists(st.one_of(spellings().map(lambda p: p[1]),
                          st.text(alphabet="abc.:/@[]-_ 1xn#?\\", max_size=20),
                          st.lists(st.sampled_from(FRAGMENTS), max_size=8).map("".join)), max_size=20))
@example(["https://https://a.com", "https://http://a.com", "xhttps://a.com", "https://https://", "http://"])
def test_vectorised_cleaning_matches_scalar(hosts: list[str]) -> None:
    assert list(clean_hosts(pd.Series(hosts, dtype=object))) == [clean_host(h) for h in hosts]


@pytest.mark.parametrize(("spelling", "key"), [("www.com", "www.com"), ("https://WWW.COM./x", "www.com"),
                                               ("www.a.com", "a.com"), ("www2.b.co.uk", "b.co.uk")])
def test_a_www_label_goes_only_when_a_site_name_is_left(spelling: str, key: str) -> None:
    assert key_host(spelling).key == key
    assert clean_hosts(pd.Series([spelling])).tolist() == [key]
