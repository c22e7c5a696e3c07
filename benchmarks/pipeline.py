"""Pipeline throughput: synthetic exports of N rows over 5 sites, against a naive row-wise reference.

Usage: python benchmarks/pipeline.py --rows 1000000 [--repeat 3] [--reference-rows 100000]
Prints median wall time, peak RSS, rows per second, and the ratio against the reference timed in the
same run (the reference runs on --reference-rows rows and is scaled linearly, since it is row-wise).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import re
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sheets_bridge.exceptions import InvalidHostError
from sheets_bridge.gap.spam import rule_pattern
from sheets_bridge.gap.targets import parse_targets
from sheets_bridge.intake.domains import extractor, key_host
from sheets_bridge.intake.ingest import recognise_frame
from sheets_bridge.intake.reference import load_json
from sheets_bridge.intake.settings import Settings
from sheets_bridge.intake.values import parse_bool_text, parse_flag_text, parse_number_text
from sheets_bridge.service.scoring import score_frames

SITES = ["own-site.com", "rival-one.com", "rival-two.co.uk", "rival-three.io", "rival-four.de"]
TLDS = np.array(["com", "org", "net", "co.uk", "io", "de", "com.au", "blogspot.com", "fr", "xyz"])
PATHS = np.array(["/resources/crm", "/best-crm-tools", "/hubspot-vs-pipedrive", "/news/2026/crm-report",
                  "/about", "/directory/sales", "/write-for-us", "/reviews/crm"])


def synthetic_exports(rows: int, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Ahrefs-backlinks-shaped text frames, N rows in all over 5 sites, with shared referring domains."""
    rng = np.random.default_rng(seed)
    n_domains = max(50, rows // 20)  # about 4 links per referring domain per site
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    ids = np.arange(n_domains)
    stems = np.char.add(np.char.add(letters[ids % 26], letters[(ids // 26) % 26]),
                        np.char.add(letters[(ids // 676) % 26], letters[(ids // 17576) % 26]))
    names = np.char.add(np.char.add("site", stems), ".")
    domains = np.char.add(names, TLDS[rng.integers(0, len(TLDS), n_domains)])
    hosts = np.where(rng.random(n_domains) < 0.2, np.char.add("www.", domains), domains)
    frames = {}
    per_site = rows // len(SITES)
    for site in SITES:
        # the own site is linked from a tenth of the pool; competitors from all of it
        pick = rng.integers(0, n_domains // 10 if site == SITES[0] else n_domains, per_site)
        url = np.char.add(np.char.add("https://", hosts[pick]), PATHS[rng.integers(0, len(PATHS), per_site)])
        frames[site] = pd.DataFrame({
            "Referring page title": np.where(rng.random(per_site) < 0.5, "Best CRM tools", "Sales news"),
            "Referring page URL": url,
            "Domain rating": rng.integers(0, 100, per_site).astype(str),
            "Domain traffic": rng.integers(0, 1_000_000, per_site).astype(str),
            "Referring domains": rng.integers(1, 10_000, per_site).astype(str),
            "Linked domains": rng.integers(1, 5_000, per_site).astype(str),
            "Anchor": np.where(rng.random(per_site) < 0.5, "crm software", "click here"),
            "Nofollow": np.where(rng.random(per_site) < 0.2, "true", "false"),
            "First seen": "2025-03-04 10:11:12",
            "Lost": np.where(rng.random(per_site) < 0.03, "2026-01-01 00:00:00", ""),
        }).astype("str")
    return frames


def run_pipeline(frames: dict[str, pd.DataFrame]) -> int:
    """The product's pipeline on text frames; returns the prospect count."""
    exports = [recognise_frame(frame, f"Tab '{site}'", site) for site, frame in frames.items()]
    settings = Settings(your_domain=SITES[0], topic_keywords=("crm", "sales"))
    targets = parse_targets([["URL", "Page kind", "Topic keywords"], ["https://own-site.com/guide", "guide", "crm"],
                             ["https://own-site.com/list", "list", "sales tools"]])
    log = pd.DataFrame(columns=["date", "key", "touch", "angle", "result", "link_url", "anchor", "row"])
    result = score_frames(exports, settings, targets, log, pd.Series(dtype=object), dt.date(2026, 11, 26))
    return len(result.prospects)


def run_reference(frames: dict[str, pd.DataFrame]) -> int:
    """The same job done naively, row by row: tldextract per row, scalar parsers, Python dicts."""
    poison = load_json("spam_signals.json")["poison_words"]
    abused = set(load_json("spam_signals.json")["abused_tlds"])
    rules = [(r["type"], re.compile(rule_pattern(r), re.I)) for r in load_json("page_types.json")["rules"]]
    own: set[str] = set()
    best: dict[str, dict[str, Any]] = {}
    for site, frame in frames.items():
        for row in frame.to_dict("records"):
            if parse_flag_text(row["Lost"]):
                continue
            try:
                hk = key_host(row["Referring page URL"])
            except InvalidHostError:
                continue
            key = hk.key
            if site == SITES[0]:
                own.add(key)
                continue
            rating = parse_number_text(row["Domain rating"])
            entry = best.setdefault(key, {"sites": set(), "dr": -1.0, "url": "", "title": "", "traffic": 0.0,
                                          "nofollow": [], "first": None, "suffix": hk.suffix})
            entry["sites"].add(site)
            entry["traffic"] = max(entry["traffic"], parse_number_text(row["Domain traffic"]))
            entry["nofollow"].append(bool(parse_bool_text(row["Nofollow"])))
            parse_number_text(row["Referring domains"])
            parse_number_text(row["Linked domains"])
            seen = dt.datetime.fromisoformat(row["First seen"])
            entry["first"] = seen if entry["first"] is None else min(entry["first"], seen)
            if rating > entry["dr"]:
                entry["dr"], entry["url"] = rating, row["Referring page URL"]
                entry["title"] = row["Referring page title"]
    scored = []
    for key, entry in best.items():
        name = key.split(".")[0]
        if key in own or entry["suffix"].rsplit(".", 1)[-1] in abused or any(w in name for w in poison):
            continue
        text = f"{entry['url']} {entry['title']}".lower()
        page_type = next((t for t, rule in rules if rule.search(text)), "other")
        relevance = sum(k in text for k in ("crm", "sales")) / 2
        scored.append((0.35 * entry["dr"] / 100 + 0.4 * relevance + 0.25 * len(entry["sites"]) / 4, key, page_type))
    scored.sort(reverse=True)
    return len(scored)


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reference-rows", type=int, default=100_000)
    args = parser.parse_args()
    frames = synthetic_exports(args.rows)
    extractor()("warm.example.com")
    before = peak_rss_mb()
    times = []
    for _ in range(args.repeat):
        gc.collect()
        start = time.perf_counter()
        prospects = run_pipeline(frames)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    ref_rows = min(args.reference_rows, args.rows)
    ref_frames = synthetic_exports(ref_rows) if ref_rows < args.rows else frames
    start = time.perf_counter()
    run_reference(ref_frames)
    ref_time = (time.perf_counter() - start) * (args.rows / ref_rows)
    print(f"rows: {args.rows:,} over {len(SITES)} sites -> {prospects:,} prospects")
    print(f"pipeline median: {median:.2f} s over {args.repeat} runs ({', '.join(f'{t:.2f}' for t in times)})")
    print(f"rows per second: {args.rows / median:,.0f}")
    print(f"peak RSS: {peak_rss_mb():,.0f} MB (after building inputs: {before:,.0f} MB)")
    print(f"naive row-wise reference: {ref_time:.2f} s (timed on {ref_rows:,} rows, scaled)")
    print(f"speed-up vs reference: {ref_time / median:.1f}x")


if __name__ == "__main__":
    main()
