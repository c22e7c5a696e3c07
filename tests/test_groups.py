"""Link groups: collapsing an export's rows per host must not change a single figure of the gap.

The oracle below walks the link rows one by one, as the gap is documented (``gap.gap``): per domain
the best example link (a dofollow link with a page first, then the higher authority, then the higher
traffic; the earlier row on a tie), the strongest authority (the preferred scale first, then the value;
the earlier row on a tie), the most traffic, the earliest first-seen date, the nofollow share of the
links that say, the number of links and which competitors they link to.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_bridge.exceptions import InvalidHostError
from sheets_bridge.gap.clean import clean_links
from sheets_bridge.gap.gap import build_gap
from sheets_bridge.gap.groups import combine_groups, group_export, group_links
from sheets_bridge.intake.domains import key_host
from sheets_bridge.intake.ingest import recognise_values
from sheets_bridge.intake.settings import Settings

HEADER = ["Referring page URL", "Referring page title", "Domain rating", "Domain authority", "Nofollow", "Lost",
          "Domain traffic", "First seen"]
SCALE_ORDER = ["DR", "DA"]  # formats.json's preference for these two columns: DR before DA
HOSTS = ["a.com", "www.a.com", "A.COM", "blog.a.com", "b.co.uk", "www.b.co.uk", "c.io", "bad host", "d.github.io"]


def row_strategy() -> st.SearchStrategy[list[object]]:
    return st.tuples(
        st.sampled_from(HOSTS), st.sampled_from(["", "/x", "/y?p=1", "/z#f"]),
        st.sampled_from(["http://", "https://", ""]), st.sampled_from(["T1", "T2", ""]),
        st.sampled_from(["", "10", "40", "40"]), st.sampled_from(["", "30", "55"]),
        st.sampled_from(["", "true", "false"]), st.sampled_from(["", "", "2026-01-02"]),
        st.sampled_from(["", "0", "100", "5000"]), st.sampled_from(["", "2025-01-01", "2024-06-30"]),
    ).map(lambda t: [f"{t[2]}{t[0]}{t[1]}" if t[1] or t[2] else t[0], t[3], t[4], t[5], t[6], t[7], t[8], t[9]])


def tabs_strategy() -> st.SearchStrategy[dict[str, list[list[object]]]]:
    return st.fixed_dictionaries({site: st.lists(row_strategy(), min_size=0, max_size=14)
                                  for site in ("mine.com", "rival-a.com", "rival-b.com")})


def number(text: object) -> float:
    return float(text) if str(text).strip() else math.nan


def oracle(tabs: dict[str, list[list[object]]], competitors: list[str], own: str) -> dict[str, dict[str, object]]:
    """Per domain, from the rows one at a time, what the gap documents."""
    best: dict[str, dict[str, object]] = {}
    seen_own: set[str] = set()
    own_lost: set[str] = set()
    own_count: dict[str, int] = defaultdict(int)
    own_flags: dict[str, list[float]] = defaultdict(list)
    per_site: dict[tuple[str, str], int] = defaultdict(int)
    sites_of: dict[str, set[str]] = defaultdict(set)
    for site, values in tabs.items():
        for cells in values[1:]:
            url, title, dr, da, nofollow, lost, traffic, first = cells
            try:
                key = key_host(url).key
            except InvalidHostError:
                continue
            if str(lost).strip():
                if site == own:
                    own_lost.add(key)
                continue
            if site == own:
                seen_own.add(key)
                own_count[key] += 1
                if str(nofollow) in ("true", "false"):
                    own_flags[key].append(1.0 if str(nofollow) == "true" else 0.0)
                continue
            if site not in competitors:
                continue
            sites_of[key].add(site)
            per_site[(key, site)] += 1
            scale, value = ("DR", number(dr)) if not math.isnan(number(dr)) else ("DA", number(da))
            norm = value / 100 if not math.isnan(value) else math.nan
            known = -0.01 if math.isnan(norm) else norm
            flag = {"true": 1.0, "false": 0.0}.get(str(nofollow), math.nan)
            has_page = bool(str(url).strip())
            evidence = (10.0 if flag != 1.0 and has_page else 0.0) + known * 2 + math.log10(
                1 + (0.0 if math.isnan(number(traffic)) else max(number(traffic), 0))) / 100
            strength = -100.0 if math.isnan(value) else known - SCALE_ORDER.index(scale) * 2.0
            when = pd.Timestamp(first) if str(first).strip() else pd.NaT
            entry = best.setdefault(key, {"evidence": -math.inf, "strength": -math.inf, "links": 0, "flags": [],
                                          "traffic": math.nan, "first_seen": pd.NaT})
            entry["links"] = int(entry["links"]) + 1  # type: ignore[call-overload]
            if not math.isnan(flag):
                entry["flags"].append(flag)  # type: ignore[union-attr]
            if evidence > entry["evidence"]:  # strictly greater: the earlier row wins a tie
                entry.update(evidence=evidence, title=title)
            if strength > entry["strength"]:
                entry.update(strength=strength, authority=value)
            if not math.isnan(number(traffic)) and not number(traffic) <= entry["traffic"]:  # type: ignore[operator]
                entry["traffic"] = number(traffic)
            if pd.notna(when) and (pd.isna(entry["first_seen"]) or when < entry["first_seen"]):
                entry["first_seen"] = when
    out = {}
    for key, entry in best.items():
        if key in competitors or key == own:
            continue
        best_competitor = max(n for (k, _), n in per_site.items() if k == key)
        nofollow_only = bool(own_flags[key]) and all(f == 1.0 for f in own_flags[key])
        weak = (nofollow_only or own_count[key] < best_competitor) if key in seen_own else key in own_lost
        if key in seen_own and not weak:
            continue
        value = entry.get("authority", math.nan)
        if not math.isnan(value) and value >= 40 and entry["traffic"] == 0:  # type: ignore[arg-type]
            continue  # a high authority with no search traffic: excluded as a link network
        entry["weak"] = weak
        flags = entry.pop("flags")
        entry["nofollow_share"] = float(np.mean(flags)) if flags else math.nan  # type: ignore[arg-type]
        entry["competitors_linking"] = len(sites_of[key])
        out[key] = entry
    return out


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if a is pd.NaT or b is pd.NaT:
        return pd.isna(a) and pd.isna(b)
    return bool(a == b)


@settings(max_examples=150, deadline=None)
@given(tabs_strategy())
def test_groups_give_what_the_rows_say(raw: dict[str, list[list[object]]]) -> None:
    tabs = {site: [HEADER, *rows] for site, rows in raw.items()}
    competitors, own = ["rival-a.com", "rival-b.com"], "mine.com"
    exports = [recognise_values(values, f"Tab '{site}'", site) for site, values in tabs.items()]
    groups = combine_groups([group_export(e).groups for e in exports])  # type: ignore[misc]
    clean, _ = clean_links(groups)
    prospects, _ = build_gap(clean, competitors, own, Settings(your_domain=own, min_authority=0, max_authority=100))
    expected = oracle(tabs, competitors, own)
    spam_free = prospects.set_index("key")
    assert set(spam_free.index) == set(expected)
    for key, want in expected.items():
        got = spam_free.loc[key]
        for column in ("title", "authority", "traffic", "first_seen", "nofollow_share", "competitors_linking",
                       "links"):
            assert same(got[column], want[column]), (key, column, got[column], want[column])
        assert str(got["segment"]).startswith("weak") == want["weak"], (key, got["segment"])


def test_a_tie_goes_to_the_earlier_row_across_hosts_and_exports() -> None:
    header = ["Referring page URL", "Referring page title", "Domain rating"]
    tabs = {"rival-a.com": [header, ["https://blog.x.com/1", "first", "50"], ["https://x.com/2", "second", "50"]],
            "rival-b.com": [header, ["https://www.x.com/3", "third", "50"]]}
    exports = [recognise_values(v, f"Tab '{s}'", s) for s, v in tabs.items()]
    clean, _ = clean_links(combine_groups([group_links(e.frame) for e in exports]))
    prospects, _ = build_gap(clean, list(tabs), "", Settings())
    assert prospects.set_index("key").loc["x.com", "title"] == "first"
    reversed_exports = combine_groups([group_links(e.frame) for e in reversed(exports)])
    prospects, _ = build_gap(clean_links(reversed_exports)[0], list(tabs), "", Settings())
    assert prospects.set_index("key").loc["x.com", "title"] == "third"


def test_grouping_frees_the_rows_and_keeps_counts() -> None:
    header = ["Referring page URL", "Domain rating", "First seen", "Lost"]
    values = [header, ["https://a.com/1", "5", "2026-01-01", ""], ["https://www.a.com/2", "9", "2026-03-01", ""],
              ["https://a.com/3", "9", "2025-01-01", "2026-02-02"], ["not a host", "1", "", ""]]
    export = group_export(recognise_values(values, "Tab 'rival-a.com'", "rival-a.com"))
    assert len(export.frame) == 0 and list(export.frame.columns)  # the rows are gone, the columns stay
    assert export.newest_link == pd.Timestamp("2026-03-01")
    groups = export.groups
    assert groups is not None
    assert groups["links"].tolist() == [2, 1, 1]  # a.com (www. is the same host), lost a.com, the bad host
    assert groups["row"].tolist() == [2, 4, 5]
    clean, excluded = clean_links(groups)
    assert excluded["lost link (rows)"] == 1 and excluded["invalid host (rows)"] == 1
    prospects, _ = build_gap(clean, ["rival-a.com"], "", Settings())
    a = prospects.set_index("key").loc["a.com"]
    assert (a["links"], a["authority"], a["first_seen"]) == (2, 9.0, pd.Timestamp("2026-01-01"))


def test_a_run_frees_each_exports_groups_once_combined_and_an_export_is_scored_once() -> None:
    import datetime as dt

    import pytest

    from sheets_bridge.gap.groups import GroupsFreedError
    from sheets_bridge.service.scoring import score_frames

    header = ["Referring page URL", "Domain rating", "First seen"]
    tabs = {"rival-a.com": [header, ["https://alpha.com/x", "40", "2026-01-01"], ["https://beta.com/", "30", ""]],
            "rival-b.com": [header, ["https://alpha.com/y", "41", "2026-02-01"]],
            "mine.com": [header, ["https://beta.com/z", "20", ""]]}
    exports = [group_export(recognise_values(v, f"Tab '{s}'", s)) for s, v in tabs.items()]
    log = pd.DataFrame(columns=["date", "key", "touch", "angle", "result", "link_url", "anchor", "row"])
    run = (Settings(your_domain="mine.com", min_authority=0), pd.DataFrame(columns=["url"]), log,
           pd.Series(dtype=object), dt.date(2026, 11, 26))
    result = score_frames(exports, *run)
    assert result.prospects["Domain"].tolist() == ["alpha.com"]  # beta.com already links to mine.com
    assert all(e.groups is None for e in result.exports)  # the combined frame was the run's only copy
    assert [e.sites for e in result.exports] == [["rival-a.com"], ["rival-b.com"], ["mine.com"]]
    assert [e.newest_link for e in result.exports][:2] == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01")]
    with pytest.raises(GroupsFreedError, match=r"Tab 'rival-a\.com' was scored already"):
        score_frames(exports, *run)
