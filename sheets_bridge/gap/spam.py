"""What a linking page says about its site: pitch it, build it yourself, not a prospect, a link seller or spam.

Judged from the page an export shows (URL, title, anchor, external links on the page), by the ordered rules
in ``data/page_signals.json``; the domain name alone is never a verdict. Column-wise: each rule is one
vectorised regular-expression pass over the rows no earlier rule has decided.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sheets_bridge.gap.matching import check_pattern, contains, host_list_pattern, split_url, text_array
from sheets_bridge.intake.domains import extractor, staging_labelled
from sheets_bridge.intake.reference import load_json, load_list

PITCH, BUILD, NOT_PROSPECT, SELLER, SPAM = "pitch", "build", "not a prospect", "link seller", "spam"
VERDICTS = (PITCH, BUILD, NOT_PROSPECT, SELLER, SPAM)
EXCLUDED_VERDICTS = frozenset({NOT_PROSPECT, SELLER, SPAM})
_SCHEME = r"^[a-z][a-z0-9+.\-]*://"
LISTING_FACTOR = 5  # a page that says it is a links page or a directory may carry this many times the limit
MIN_BRAND = 6  # a shorter name ("crm", "leads") is a word, not a brand: it would match unrelated hosts


@dataclass(frozen=True)
class Rule:
    """One page rule: the fields it reads, a pattern to find, and one that, found too, clears the page."""

    id: str
    verdict: str
    reason: str
    fields: tuple[str, ...]
    pattern: str
    unless: str = ""


@cache
def _rules() -> tuple[list[Rule], float, dict[str, str]]:
    """The rules in order, the link-farm limit, and per field one pattern that finds every page any rule
    could match there (so the rules need only read the pages it finds)."""
    data = load_json("page_signals.json")
    rules = [Rule(r["id"], r["verdict"], r["reason"], tuple(r["in"]), rule_pattern(r),
                  non_capturing(r.get("unless", ""))) for r in data["rules"]]
    for rule in rules:
        for pattern in (rule.pattern, rule.unless):
            if pattern:
                check_pattern(pattern, f"page_signals.json rule '{rule.id}'")
    anywhere: dict[str, list[str]] = {}
    for rule in rules:
        if rule.fields != ("external_links",):
            for name in rule.fields:
                anywhere.setdefault(name, []).append(f"(?:{rule.pattern})")
    return rules, float(data["external_links_spam"]), {name: "|".join(patterns) for name, patterns in anywhere.items()}


def rule_pattern(rule: dict[str, Any]) -> str:
    """A rule's pattern: its own, or (``"hosts"``) one that finds the pages of the sites a data file lists."""
    if "hosts" in rule:
        return host_list_pattern(load_list(rule["hosts"]))
    return non_capturing(rule["pattern"])


def non_capturing(pattern: str) -> str:
    """The pattern with its capturing groups made non-capturing (pandas warns on groups it will not return)."""
    return re.sub(r"(?<!\\)\((?!\?)", "(?:", pattern)


def page_fields(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """Lower-cased url (no scheme, no www), host, path (with query), title and anchor of each row, and
    ``path_title``, ``host_title``, ``anchor_path`` and ``anchor_url`` (two fields joined by a tab) for a rule
    that needs both."""
    def text(name: str) -> pd.Series:
        if name not in frame.columns:
            return pd.Series("", index=frame.index, dtype=object)
        return frame[name].astype(object).where(frame[name].notna(), "").astype(str).str.lower().str.strip()

    url = text("source_url").str.replace(_SCHEME, "", regex=True).str.replace(r"^www\d{0,3}\.", "", regex=True)
    host, path = split_url(url)
    host = host.str.replace(r":[0-9]+$", "", regex=True)
    path = path.where((path != "") | (host == ""), "/")
    title, anchor = text("title"), text("anchor")
    return {"url": url, "host": host, "path": path, "title": title, "anchor": anchor,
            "path_title": path + "\t" + title, "host_title": host + "\t" + title,
            "anchor_path": anchor + "\t" + path, "anchor_url": anchor + "\t" + url}


def judge_pages(frame: pd.DataFrame, sites: Sequence[str] = ()) -> pd.DataFrame:
    """Return verdict, rule, reason and evidence (the text the rule read) for each page.

    A page is a row with source_url, title, anchor and external_links (any may be missing).

    ``sites`` are the sites whose exports were loaded (competitors and your own): a page on a host that
    carries one of their names (``accidentaltheologist.wordpress.com`` for ``accidentaltheologist.com``) is
    their own property. Rows without a page URL (referring-domain exports) are judged on what they have
    (``key`` stands in for the host); with nothing to read they stay 'pitch'.
    """
    rules, ext_limit, anywhere = _rules()
    n = len(frame)
    fields = page_fields(frame)
    written: dict[str, np.ndarray] = {}
    verdict = np.full(n, PITCH, dtype=object)
    rule_id = np.full(n, "", dtype=object)
    reasons = np.full(n, "", dtype=object)
    evidence = np.full(n, "", dtype=object)
    open_rows = np.ones(n, dtype=bool)
    findable = np.zeros(n, dtype=bool)  # pages some rule's pattern matches: the only ones the loop reads
    for name, pattern in anywhere.items():
        findable |= contains(fields[name], pattern)
    for rule in rules:
        if not open_rows.any():
            break
        if rule.fields == ("external_links",):
            ext = _external_links(frame)
            farm = _link_farm(ext, ext_limit) & open_rows
            if rule.unless:  # a links page or a directory carries many links by design, up to a point
                listing = farm & (ext < ext_limit * LISTING_FACTOR)
                farm[listing] = ~contains(fields["path_title"].iloc[np.flatnonzero(listing)], rule.unless)
            verdict[farm], rule_id[farm], reasons[farm] = rule.verdict, rule.id, rule.reason
            evidence[farm] = [f"{int(e):,} external links on the page" for e in ext[farm]]
            open_rows &= ~farm
            continue
        at = np.flatnonzero(open_rows & findable)
        if not len(at):
            continue
        hit = np.zeros(n, dtype=bool)
        shown = np.full(n, "", dtype=object)
        for name in rule.fields:
            values = fields[name].iloc[at]
            found = contains(values, rule.pattern)
            if rule.unless:
                found &= ~contains(values, rule.unless)
            new = at[found & ~hit[at]]
            if len(new):
                if name not in written:
                    written[name] = _as_written(frame, name, fields)
                shown[new] = [_show(name, v) for v in written[name][new]]
            hit[at[found]] = True
        hit &= open_rows
        verdict[hit], rule_id[hit], reasons[hit], evidence[hit] = rule.verdict, rule.id, rule.reason, shown[hit]
        open_rows &= ~hit
    host = fields["host"]
    if "key" in frame.columns:
        host = host.where(host != "", frame["key"].astype(str).str.lower())
    still = np.isin(verdict, (PITCH, BUILD))
    staging = still & staging_hosts(host)
    verdict[staging], rule_id[staging] = NOT_PROSPECT, "staging-host"
    reasons[staging] = "a staging, development or server copy"
    evidence[staging] = "host '" + host.to_numpy(dtype=object)[staging] + "'"
    still &= ~staging
    for site, hit in sister_hosts(host, sites).items():
        hit = hit & still
        verdict[hit], rule_id[hit], reasons[hit] = NOT_PROSPECT, "own-property", "a property of a site you loaded"
        evidence[hit] = "host '" + host.to_numpy(dtype=object)[hit] + f"' carries the name of {site}"
        still &= ~hit
    for site, hit in pages_about(fields["path"], sites).items():
        hit = hit & still
        verdict[hit], rule_id[hit] = NOT_PROSPECT, "page-about-a-site"
        reasons[hit] = "a profile or listing of a site you loaded"
        evidence[hit] = [f"{_show('url', u)} is {site}'s own page there, not an editor's choice"
                         for u in _as_written(frame, "url", fields)[hit]]
        still &= ~hit
    anchors = fields["anchor"]
    for site, hit in scraped_snippets(anchors, sites).items():
        hit = hit & still
        verdict[hit], rule_id[hit], reasons[hit] = SPAM, "scraped-snippet", "a copied search snippet"
        evidence[hit] = [f"anchor '{_show('anchor', a)[8:]}' ends with the name of {site}"
                         for a in _as_written(frame, "anchor", fields)[hit]]
        still &= ~hit
    titles = written["title"] if "title" in written else _as_written(frame, "title", fields)
    doorway = np.zeros(n, dtype=bool)
    at = np.flatnonzero(still)
    doorway[at] = keyword_doorways(titles[at], fields["path"].iloc[at])
    verdict[doorway], rule_id[doorway], reasons[doorway] = SPAM, "keyword-doorway", "a keyword page planted on a site"
    evidence[doorway] = [f"title '{t}' is its URL's words, all in lower case" for t in titles[doorway]]
    return pd.DataFrame({"verdict": verdict, "verdict_rule": rule_id, "verdict_reason": reasons,
                         "evidence": evidence}, index=frame.index)


DOORWAY_WORDS = 3  # a search query of this many words or more; a shorter lower-case title is often a name
EDITED_FOLDERS = r"/(blogs?|news|posts?|articles?|stories|category|categories|tags?|topics?|docs?|wiki)/|/(19|20)\d\d/"


def keyword_doorways(titles: np.ndarray, paths: pd.Series) -> np.ndarray:
    """Pages whose title is a search query typed in lower case and whose URL is that query's slug, outside
    any blog, news or tag folder (``/xgyyqmj/merit-pay-and-performance-appraisal``, titled ``merit pay and
    performance appraisal``): the doorway pages planted on hacked sites. An editor's post has a capital in
    its title, or lives in the site's blog; the site name after the title (``- Keski``) is not read."""
    title = pc.utf8_trim_whitespace(pa.array(titles, pa.string()))
    query = pc.utf8_trim_whitespace(pc.replace_substring_regex(title, r"\s+[|–—-]\s+[^|–—]*$", ""))
    lower_case = pc.match_substring_regex(query, rf"^[a-z0-9'’]+(?: [a-z0-9'’]+){{{DOORWAY_WORDS - 1},}}$")
    slug = pc.replace_substring_regex(pc.replace_substring_regex(query, r"['’]", ""), r"[^a-z0-9]+", "-")
    path = pc.replace_substring_regex(pc.fill_null(text_array(paths), ""), r"[?#].*$", "")
    last = pc.replace_substring_regex(path, r"^.*/([^/]+)/?$", r"\1")
    last = pc.replace_substring_regex(pc.replace_substring_regex(last, r"\.(html?|php|aspx?)$", ""), r"[-_]+", "-")
    same = pc.equal(slug, last)
    edited = pc.match_substring_regex(path, EDITED_FOLDERS)
    found = pc.and_(pc.and_(lower_case, same), pc.invert(edited))
    return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)


SNIPPET_CHARS = 45  # a search result's title and text run long; an editor's anchor rarely does


def scraped_snippets(anchors: pd.Series, sites: Sequence[str]) -> dict[str, np.ndarray]:
    """Per loaded site, the rows whose anchor is a copied search result: a sentence of the result's text, then
    its title ending with the site's own name (``Thin rib eye steak grill time. GRILLED RIB STEAKS |
    WizardRecipes``), as auto-generated pages paste search results. A title alone (``SEO ROI Analysis | SEO
    Takeaways``, as a link blog quotes it) is not enough: the sentence before it is the tell."""
    squeezed = anchors.str.replace(r"[^a-z0-9]", "", regex=True)
    long_enough = ((anchors.str.len() >= SNIPPET_CHARS) & anchors.str.contains(r"[a-z][.!?] +\S", regex=True)
                   ).to_numpy(dtype=bool)
    out: dict[str, np.ndarray] = {}
    if not long_enough.any():
        return out
    for site in sites:
        name = re.sub(r"[^a-z0-9]", "", str(site).lower().split(".")[0])
        if len(name) < 6:  # too short a name to be telling
            continue
        out[site] = long_enough & squeezed.str.endswith(name).to_numpy(dtype=bool)
    return out


def staging_hosts(hosts: pd.Series) -> np.ndarray:
    """Hosts whose subdomain starts with a staging label (``dev.brand.com``, ``stage-www.brand.com``)."""
    array = pc.fill_null(text_array(hosts), "")
    candidate = staging_labelled(array) & contains(array, r"\..*\.")
    out = np.zeros(len(hosts), dtype=bool)
    at = np.flatnonzero(candidate)
    for i, host in zip(at, array.take(pa.array(at, pa.int64())).to_pylist(), strict=True):
        out[i] = bool(extractor()(str(host)).subdomain)
    return out


NAME_PREFIXES = ("the", "its", "get", "try", "use", "join", "hey", "my")  # words put before a brand or a name
MIN_STRIPPED_BRAND = MIN_BRAND + 2  # what is left after such a word must say more: 'raddle' is in 'straddle'


def _brands(sites: Sequence[str]) -> list[tuple[str, str, str]]:
    """(site, name, suffix) of each loaded site whose name is long enough to tell (``MIN_BRAND``).

    A name that starts with a word sites put before a brand or a person's name ('the', 'get', 'its') is also
    given without it when what is left is long enough: thenicolerojas.com is Nicole Rojas's site, and her
    profiles say ``nicolerojasus``. A site may so have two entries."""
    out = []
    for site in dict.fromkeys(s for s in sites if s):
        parts = extractor()(site)
        name, suffix = parts.domain.lower(), parts.suffix.lower()
        if not suffix:
            continue
        if len(name) >= MIN_BRAND:
            out.append((site, name, suffix))
        out += [(site, name[len(word):], suffix) for word in NAME_PREFIXES
                if name.startswith(word) and len(name) - len(word) >= MIN_STRIPPED_BRAND]
    return out


def _merge(found: dict[str, np.ndarray], site: str, hit: np.ndarray) -> None:
    """Add one name's hits to its site's (a site may have two names)."""
    if hit.any():
        found[site] = found[site] | hit if site in found else hit


def sister_hosts(hosts: pd.Series, sites: Sequence[str]) -> dict[str, np.ndarray]:
    """Per loaded site: hosts that carry its name (6 characters or more) but are not the site itself."""
    out: dict[str, np.ndarray] = {}
    for site, brand, _ in _brands(sites):
        own = hosts.eq(site) | hosts.str.endswith("." + site)
        _merge(out, site, (hosts.str.contains(brand, regex=False) & ~own).to_numpy(dtype=bool))
    return out


PROFILE_PARENTS = (r"[a-z]{2}(?:-[a-z]{2})?|@|users?|u|profiles?|members?|questions|compan(?:y|ies)|podcasts?|"
                   r"channels?|c|brands?|sites?|domains?|websites?|stores?|shops?|products?|apps?|tools?|startups?|software|"
                   r"employers?|usuarios|organi[sz]ations|nft")
PROFILE_TABS = (r"photos|likes|friends|subscriptions|followers|following|about|posts|videos|mediapress|activity|"
                r"replies|jobs|reservations|gift-?certificates|booking")


def pages_about(paths: pd.Series, sites: Sequence[str]) -> dict[str, np.ndarray]:
    """Per loaded site: pages elsewhere whose path is the site's name under profile-like folders only
    (``podcast.ausha.co/lamicrobyflo``, ``/user/acme``), or ends in its whole domain under any folder
    (``reviewfoxy.com/reviews/eatnudge.com``): the site's profile or listing on a platform, which no editor
    chose. Under a profile-like folder the name may be hyphenated and run on (``/employer/acme-widgets-co-123``,
    ``/companies/acme-widgets/photos``), and at the top a name followed by a profile tab (``/AcmeWidgets/likes``)
    is one too, as is a handle at the top that runs on (``about.me/acmewidgetsus``) and anything under an
    ``@`` handle that starts with the name (``medium.com/@acmewidgetsus/our-story``: the site's own posts).
    Two folders deep or more, a last folder that is the name alone, hyphenated or not, with an id or none
    (``/sydney/service/acme-widgets``, ``/au/nsw/acme-widgets-795243558``), is the site's listing there,
    outside a blog's or news folders. A review of it (``/review/acme``) or an article with more words in its slug
    (``dreamyard.com/here-to-here``) is an editor's page and stays."""
    segments = pc.replace_substring_regex(pc.fill_null(text_array(paths), ""), r"[?#].*$", "")
    squashed = pc.replace_substring_regex(segments, r"[-_]", "")
    editorial = contains(segments, EDITED_FOLDERS)
    out: dict[str, np.ndarray] = {}
    for site, brand, suffix in _brands(sites):
        name, whole = re.escape(brand), re.escape(f"{brand}.{suffix}")
        pattern = rf"^(?:/(?:{PROFILE_PARENTS}))*/{name}(?:\.{re.escape(suffix)})?/?$|/{whole}/?$"
        run_on = (rf"^(?:/(?:{PROFILE_PARENTS}))+/{name}[a-z]{{0,24}}[0-9]{{0,9}}(?:/(?:{PROFILE_TABS}))?/?$"
                  rf"|^/{name}[a-z]{{0,8}}/(?:{PROFILE_TABS})/?$")
        handle = rf"^/{name}[a-z]{{0,8}}[0-9]{{0,4}}/?$|^/@{name}[a-z0-9._-]{{0,12}}(?:/.*)?$"
        entry = contains(squashed, rf"^(?:/[^/]+){{2,}}/{name}[0-9]{{0,12}}/?$") & ~editorial
        _merge(out, site, contains(segments, pattern) | contains(squashed, run_on) | contains(segments, handle) | entry)
    return out


def _as_written(frame: pd.DataFrame, name: str, fields: dict[str, pd.Series]) -> np.ndarray:
    """A field as the export wrote it (title, anchor, URL keep their case), for the evidence a person reads."""
    if name in JOINED:  # two fields joined by a tab, each as written
        first, second = name.split("_")
        parts = [pa.array(_as_written(frame, part, fields), pa.string()) for part in (first, second)]
        return pc.binary_join_element_wise(*parts, "\t").to_numpy(zero_copy_only=False).astype(object)
    column = {"title": "title", "anchor": "anchor", "url": "source_url"}.get(name)
    if column is None or column not in frame.columns:
        return fields[name].to_numpy(dtype=object)
    return frame[column].astype(object).where(frame[column].notna(), "").astype(str).str.strip().to_numpy(dtype=object)


def _external_links(frame: pd.DataFrame) -> np.ndarray:
    """The external links on each page, NaN where the export does not say."""
    if "external_links" not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame["external_links"], errors="coerce").to_numpy(dtype=float)


def _link_farm(ext: np.ndarray, limit: float) -> np.ndarray:
    """Pages carrying at least ``limit`` external links (no figure: not a link farm)."""
    return np.nan_to_num(ext, nan=0.0) >= limit


JOINED = {"path_title": "path and title", "host_title": "host and title", "anchor_path": "anchor and path",
          "anchor_url": "anchor and URL"}


def _show(field: str, value: str, width: int = 70) -> str:
    """The text a rule read, quoted and cut: what a person checks the verdict against."""
    value = value.replace("\t", " | ")
    value = value if len(value) <= width else value[: width - 1] + "…"
    return f"{JOINED.get(field, field)} '{value}'"
