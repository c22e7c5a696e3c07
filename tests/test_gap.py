"""Cleaning and the gap: one row per domain, own profile subtracted, filters and exclusions counted."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_bridge.gap.clean import clean_links, name_flags
from sheets_bridge.gap.gap import build_gap
from sheets_bridge.intake.ingest import recognise_values
from sheets_bridge.intake.settings import Settings

RIVALS = ["rival-a.com", "rival-b.com", "rival-c.com"]


def links(tabs: dict[str, list[list[object]]]) -> pd.DataFrame:
    return pd.concat([recognise_values(v, f"Tab '{s}'", s).frame for s, v in tabs.items()], ignore_index=True)


def gap(tabs: dict[str, list[list[object]]], settings: Settings | None = None) -> tuple[pd.DataFrame, dict]:
    settings = settings or Settings(your_domain="mine.com")
    clean, excluded = clean_links(links(tabs))
    prospects, more = build_gap(clean, [s for s in tabs if s != settings.your_domain], settings.your_domain,
                                settings)
    excluded.update(more)
    return prospects.set_index("key"), {k: v for k, v in excluded.items() if v}


HEADER = ["Referring page URL", "Referring page title", "Domain rating", "Nofollow", "Lost", "Country"]


def test_union_minus_own_profile() -> None:
    tabs = {
        "rival-a.com": [HEADER, ["https://www.shared.com/resources", "Resources", 40, "false", "", ""],
                        ["https://only-a.co.uk/x", "News", 30, "true", "", ""],
                        ["https://mine-too.com/", "", 20, "false", "", ""]],
        "rival-b.com": [HEADER, ["https://blog.shared.com/best-crm", "Best CRM", 45, "true", "", ""],
                        ["https://SHARED.com/other", "", 50, "true", "", ""]],
        "rival-c.com": [HEADER, ["https://shared.com/a", "", 10, "false", "", ""]],
        "mine.com": [HEADER, ["https://mine-too.com/x", "", 20, "false", "", ""]],
    }
    prospects, excluded = gap(tabs)
    assert sorted(prospects.index) == ["only-a.co.uk", "shared.com"]
    shared = prospects.loc["shared.com"]
    assert shared["competitors_linking"] == 3
    assert shared["linked_competitors"] == "rival-a.com, rival-b.com, rival-c.com"
    assert shared["segment"] == "all competitors"
    assert shared["authority"] == 50  # strongest figure
    assert shared["source_url"] == "https://www.shared.com/resources"  # dofollow example beats stronger nofollow
    assert prospects.loc["only-a.co.uk", "segment"] == "one competitor"
    assert prospects.loc["only-a.co.uk", "country"] == "GB"
    assert excluded == {"already links to you": 1}


def test_lost_and_invalid_rows_are_counted() -> None:
    tabs = {"rival-a.com": [HEADER, ["https://a.com/x", "", 10, "", "2026-01-01", ""],
                            ["not a host", "", 10, "", "", ""], ["https://b.com/", "", 10, "", "", ""]]}
    prospects, excluded = gap(tabs)
    assert list(prospects.index) == ["b.com"]
    assert excluded == {"lost link (rows)": 1, "invalid host (rows)": 1}
    clean, _ = clean_links(links(tabs))
    assert clean.problems == ["1 rows skipped for an unusable host (rival-a.com row 3: 'not a host' is not a valid "
                              "host name)"]


@pytest.mark.parametrize(("settings", "reason"), [
    (Settings(min_competitors_linking=2), "links to too few competitors"),
    (Settings(min_authority=60), "authority below minimum"),
    (Settings(max_authority=20), "authority above maximum (giant publisher)"),
    (Settings(allowed_countries=("US",)), "country not allowed"),
    (Settings(excluded_countries=("DE",)), "country excluded"),
    (Settings(excluded_tlds=("de",)), "TLD excluded"),
])
def test_settings_filters(settings: Settings, reason: str) -> None:
    tabs = {"rival-a.com": [HEADER, ["https://example.de/x", "", 50, "", "", ""]]}
    prospects, excluded = gap(tabs, settings)
    assert prospects.empty
    assert excluded == {reason: 1}


def test_generic_cctld_passes_country_allow_list() -> None:
    tabs = {"rival-a.com": [HEADER, ["https://tool.io/x", "", 50, "", "", ""]]}
    prospects, _ = gap(tabs, Settings(allowed_countries=("US",)))
    assert list(prospects.index) == ["tool.io"]


@pytest.mark.parametrize(("domain", "flag"), [
    ("cheap-stuff.xyz", "abused TLD"), ("best-casino-bonus.com", "poison word"), ("abc12345.com", "digit-heavy name"),
    ("a-b-c-d.com", "hyphen-heavy name"), ("clean-site.com", ""),
])
def test_name_spam_flags(domain: str, flag: str) -> None:
    frame = pd.DataFrame({"key": [domain], "suffix": [domain.split(".", 1)[1]], "tld": [domain.rsplit(".", 1)[1]]})
    assert name_flags(frame)[0].split("; ")[0] == flag


def test_vendor_spam_and_link_farm_exclude() -> None:
    header = ["Domain", "Is spam", "DR", "Dofollow ref. domains", "Dofollow linked domains"]
    tabs = {"rival-a.com": [header, ["spammy.com", "true", 5, 10, 5], ["farm.com", "false", 5, 10, 5000],
                            ["fine.com", "false", 5, 100, 50]]}
    prospects, excluded = gap(tabs)
    assert list(prospects.index) == ["fine.com"]
    assert excluded == {"spam: vendor spam flag": 1, "spam: link farm ratio": 1}


def test_ip_hosts_are_kept_and_flagged() -> None:
    tabs = {"rival-a.com": [HEADER, ["http://192.0.2.7/page", "", 10, "", "", ""]]}
    prospects, _ = gap(tabs)
    assert bool(prospects.loc["192.0.2.7", "is_ip"])


def test_inputs_are_not_mutated() -> None:
    frame = links({"rival-a.com": [HEADER, ["https://a.com/x", "", 10, "", "", ""]]})
    before = frame.copy()
    clean, _ = clean_links(frame)
    build_gap(clean, ["rival-a.com"], "", Settings())
    pd.testing.assert_frame_equal(frame, before)


def _flags_by_the_rules(key: str, suffix: str, tld: str, is_ip: bool) -> str:
    """The documented name rules, one domain at a time (spam_signals.json's thresholds)."""
    import json
    from importlib import resources

    data = json.loads(resources.files("sheets_bridge").joinpath("data", "spam_signals.json").read_text("utf-8"))
    label = key[: len(key) - len(suffix) - 1] if suffix else key
    name = label.split(".")[-1]
    digits = sum(c.isdecimal() for c in name)
    flags = []
    if tld in data["abused_tlds"]:
        flags.append("abused TLD")
    if not is_ip and any(w in label.replace(".", "-").split("-") or f"-{w}-" in f"-{label.replace('.', '-')}-"
                         for w in data["poison_words"]):
        flags.append("poison word")
    if not is_ip and (digits >= data["max_digits"] or digits / max(len(name), 1) > data["max_digit_share"]):
        flags.append("digit-heavy name")
    if not is_ip and name.count("-") >= data["max_hyphens"]:
        flags.append("hyphen-heavy name")
    return "; ".join(flags)


_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-é٣", min_size=1, max_size=14)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.lists(_NAME, min_size=1, max_size=3),
                          st.sampled_from([("com", "com"), ("co.uk", "uk"), ("blogspot.com", "com"), ("xyz", "xyz"),
                                           ("", "")]), st.booleans()), max_size=12))
def test_name_flags_follow_the_rules_for_any_name(rows: list[tuple[list[str], tuple[str, str], bool]]) -> None:
    keys = [".".join([*labels, suffix]) if suffix else ".".join(labels) for labels, (suffix, _), _ in rows]
    frame = pd.DataFrame({"key": keys, "suffix": [s for _, (s, _), _ in rows], "tld": [t for _, (_, t), _ in rows],
                          "is_ip": [ip for _, _, ip in rows]})
    expected = [_flags_by_the_rules(k, s, t, ip) for k, (_, (s, t), ip) in zip(keys, rows, strict=True)]
    assert list(name_flags(frame)) == expected


def test_competitor_pages_show_the_most_linked_five_and_count_the_rest() -> None:
    """Per domain its competitor pages, most linked first (a tie by name), five shown, the rest counted; a
    target written with a scheme, 'www.' or a trailing slash is the same page."""
    import numpy as np

    from sheets_bridge.gap.gap import competitor_pages

    domain = np.array([0] * 7 + [1] * 3)
    site = np.array(["r.com"] * 10, dtype=object)
    target = np.array([f"https://r.com/p{i}" for i in range(7)] + ["https://r.com/a", "http://www.r.com/a/", ""],
                      dtype=object)
    links = np.array([1, 1, 1, 1, 1, 1, 3, 1, 1, 1])
    pages = competitor_pages(domain, site, target, links)
    assert pages.loc[0, "pages"] == ("r.com/p6 (3); r.com/p0 (1); r.com/p1 (1); r.com/p2 (1); r.com/p3 (1); "
                                     "and 2 more")
    assert pages.loc[0, "page"] == "r.com/p6"
    assert pages.loc[1, "pages"] == "r.com/a (2); r.com (1)"
