"""Map each prospect to one URL of the team's own site, and say what to offer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from sheets_bridge.contract import NOT_READY
from sheets_bridge.exceptions import TargetsError
from sheets_bridge.gap.score import keyword_hits
from sheets_bridge.intake.ingest import normalise_header
from sheets_bridge.intake.reference import load_json

_URL = {"url", "target url", "page", "page url", "link"}
_KIND = {"page kind", "kind", "type", "page type"}
_TOPICS = {"topic keywords", "topics", "keywords", "topic"}
_READY = {"ready", "ready?", "asset ready", "ready to pitch"}


def parse_targets(values: Sequence[Sequence[Any]] | None) -> pd.DataFrame:
    """Parse the Targets tab into url, kind (the playbook's word for its Page kind), kind_said (as written),
    keywords, is_home and ready columns.

    ``Ready`` is optional: "No" (or false, not yet, draft) marks a page not good enough to pitch yet;
    blank or anything else counts as ready, so adding the column changes nothing until a page is marked.
    """
    if not values:
        return pd.DataFrame(columns=["url", "kind", "kind_said", "keywords", "is_home", "ready"])
    header = [normalise_header(c) for c in values[0]]
    col = {name: next((i for i, h in enumerate(header) if h in names), None)
           for name, names in (("url", _URL), ("kind", _KIND), ("keywords", _TOPICS), ("ready", _READY))}
    if col["url"] is None:
        raise TargetsError(f"Tab 'Targets': no URL column (found: {', '.join(map(str, values[0]))}); "
                           "expected the columns URL, Page kind, Topic keywords")
    rows = []
    for number, row in enumerate(values[1:], start=2):
        def cell(name: str, r: Sequence[Any] = row) -> str:
            i = col[name]
            return str(r[i]).strip() if i is not None and i < len(r) and r[i] is not None else ""
        url = cell("url")
        if not url:
            continue
        try:
            path = urlsplit(url if "://" in url else "https://" + url).path
        except ValueError as exc:  # e.g. an unclosed '[' (urllib reads it as an IPv6 address)
            raise TargetsError(f"Tab 'Targets' row {number}: '{url[:80]}' is not a web address; correct or "
                               "remove it") from exc
        said = " ".join(cell("kind").lower().split())
        rows.append((url, kind_of(said), said, cell("keywords").lower(), path in {"", "/"},
                     cell("ready").lower() not in NOT_READY))
    return pd.DataFrame(rows, columns=["url", "kind", "kind_said", "keywords", "is_home", "ready"])


def kind_of(said: str) -> str:
    """The playbook's kind for a Page kind as a team writes it: 'Calculator' is a tool, 'Original research' data,
    'Case study' a study; the words of ``targeting.json``'s kind_words, the whole cell first, then word by word."""
    words: dict[str, list[str]] = load_json("targeting.json")["kind_words"]
    for kind, names in words.items():
        if said in names:
            return kind
    for kind, names in words.items():
        if any(re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", said) for name in names):
            return kind
    return said


_STOP = frozenset({"www", "com", "org", "net", "html", "htm", "php", "asp", "aspx", "the", "and", "for", "with",
                   "from", "your", "you", "our", "blog", "blogs", "news", "page", "pages", "index", "http", "https",
                   "post", "posts", "article", "articles", "category", "tag", "amp", "utm"})
SIMILARITY_WEIGHT = 2.0  # a target whose words the competitor's linked page shares beats the type rule


def page_words(url: pd.Series) -> pd.Series:
    """The words of each URL's path, host and query dropped: 'rival.com/guides/lead-scoring' → 'guides lead scoring'."""
    path = url.fillna("").astype(str).str.lower().str.replace(r"^([a-z]+://)?[^/]*", "", regex=True)
    path = path.str.replace(r"[?#].*$", "", regex=True).str.replace(r"\.(html?|php|aspx?)$", "", regex=True)
    words = path.str.replace(r"[^a-z0-9]+", " ", regex=True).str.split()
    return words.map(lambda ws: " ".join(w for w in ws if len(w) > 2 and w not in _STOP and not w.isdigit()))


def _target_words(row: Any) -> list[str]:
    words = page_words(pd.Series([row.url])).iloc[0].split()
    words += [w for k in str(row.keywords).split(",") for w in k.replace("-", " ").split() if len(w) > 2]
    return list(dict.fromkeys(w for w in words if w not in _STOP))


def assign_targets(p: pd.DataFrame, text: pd.Series, targets: pd.DataFrame) -> pd.DataFrame:
    """Pick one target per prospect and write the outreach angle.

    A target scores for the playbook's page-type fit, for its topic keywords in the prospect's page, and
    above all for sharing words with the competitor page the prospect links to (``competitor_page``): the
    page a pitch offers an equivalent of. Directories and listings take the home page when Targets has one.
    When the competitor's page shares no word with any target and no target's keywords are on the page, the
    angle says which page to create (the type rule's target stays, so follow-ups still have one). The angle
    offers the target as what its Page kind says it is (a free tool, original data), else as what the
    prospect's type usually wants.
    """
    data = load_json("targeting.json")
    n = len(p)
    if targets.empty or n == 0:
        return pd.DataFrame({"target_url": np.full(n, "", dtype=object),
                             "angle": np.full(n, "Add pages to the Targets tab to get an angle", dtype=object),
                             "target_ready": np.ones(n, dtype=bool)}, index=p.index)
    types = list(data["kinds"])
    type_code = p["page_type"].map({t: i for i, t in enumerate(types)}).fillna(types.index("other"))
    fit = np.zeros((len(types), len(targets)))
    for ti, t in enumerate(types):
        prefs = data["kinds"][t]
        for j, kind in enumerate(targets["kind"]):
            fit[ti, j] = 1.0 - 0.2 * prefs.index(kind) if kind in prefs else 0.1
    scores = fit[type_code.to_numpy(dtype=int)]
    linked = page_words(p["competitor_page"]) if "competitor_page" in p else pd.Series("", index=p.index)
    linked_count = np.where(linked != "", linked.str.count(" ").to_numpy(dtype=float) + 1, 0.0)
    padded = " " + linked + " "
    topical = np.zeros(n, dtype=bool)
    similar = np.zeros(n, dtype=bool)
    for j, row in enumerate(targets.itertuples()):
        words = tuple(k.strip() for k in str(row.keywords).split(",") if k.strip())
        if words:
            hits, _ = keyword_hits(text, words)
            share = (hits.to_numpy() / len(words)).clip(0, 1)
            scores[:, j] += 0.8 * share
            topical |= share > 0
        shared = np.zeros(n)
        for word in _target_words(row):
            shared += padded.str.contains(f" {word} ", regex=False).to_numpy(dtype=bool)
        similarity = np.where(linked_count > 0, shared / np.maximum(linked_count, 1), 0.0).clip(0, 1)
        scores[:, j] += SIMILARITY_WEIGHT * similarity
        similar |= similarity > 0
        if row.is_home:
            scores[:, j] -= data["home_page_penalty"]
    listing = np.array(p["page_type"] == "directory", dtype=bool)
    homes = np.flatnonzero(targets["is_home"].to_numpy(dtype=bool))
    if len(homes):
        scores[np.ix_(listing, homes[:1])] += 10.0  # a listing links to the site, not to an article
    best = scores.argmax(axis=1)
    urls = targets["url"].to_numpy()[best]
    templates = p["page_type"].map(data["angles"]).fillna(data["angles"]["other"])
    said_asset = pd.Series(targets["kind_said"].to_numpy()[best], index=p.index).map(data["assets"])
    assets = said_asset.fillna(pd.Series(targets["kind"].to_numpy()[best], index=p.index).map(data["assets"]))
    assets = assets.fillna(p["page_type"].map(data["default_assets"])).fillna("")
    angle = np.array([tpl.format(target=url, asset=asset) for tpl, url, asset in zip(templates, urls, assets,
                                                                                    strict=True)], dtype=object)
    create = (linked_count >= 2) & ~similar & ~topical & ~listing
    if create.any():
        page = p["competitor_page"].astype(str).to_numpy(dtype=object)
        angle[create] = [f"They link to {c}: no page in Targets covers it. Create an equivalent page and add it "
                         f"to Targets (meanwhile: {u})" for c, u in zip(page[create], urls[create], strict=True)]
    ready = targets["ready"].to_numpy(dtype=bool)[best] if "ready" in targets.columns else np.ones(n, dtype=bool)
    return pd.DataFrame({"target_url": urls, "angle": angle, "target_ready": ready}, index=p.index)


IMPROVE_PREFIX = "Improve "


def hold_for_assets(cadence: pd.DataFrame, target_url: pd.Series, ready: pd.Series) -> pd.DataFrame:
    """Prospects not yet pitched whose target page is not ready wait for it (playbook section 11).

    Their Next action says which page to improve and they get no follow-up date; a prospect already in
    outreach keeps its sequence, and a recontact guard or an ended status keeps its own action.
    """
    waiting = (~ready.to_numpy(dtype=bool)) & (cadence["touches"].to_numpy() == 0) & \
        cadence["next_action"].astype(str).str.startswith("Send touch 1").to_numpy()
    if not waiting.any():
        return cadence
    out = cadence.copy()
    out.loc[waiting, "next_action"] = (IMPROVE_PREFIX + target_url[waiting].astype(str) + " before pitching").to_numpy()
    out.loc[waiting, "next_follow_up"] = pd.NaT
    return out
