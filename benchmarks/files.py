"""From export files to a gap list: `sheets-bridge gap` against the plain pandas + tldextract script a team
would write (benchmarks/peer_gap.py), on the same generated exports, as separate processes timed in turn.

Usage: python benchmarks/files.py [--rows 1000000] [--pairs 5] [--encodings utf8,utf16]
For each encoding (UTF-8 CSV, and Ahrefs-style UTF-16 LE with a BOM, tab-separated, every cell quoted) it
alternates the two commands, prints the median wall time and peak RSS of each (each command's own,
through ``measure.py``'s launcher), the ratios, and compares the two gap sets, explaining every domain
that only one of them lists.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import measure  # noqa: E402
from pipeline import SITES, synthetic_exports  # noqa: E402

from sheets_bridge.intake.domains import key_hosts  # noqa: E402
from sheets_bridge.intake.reference import load_json  # noqa: E402


def write_exports(folder: Path, rows: int, encoding: str) -> list[Path]:
    """The synthetic exports as files named by site, the own site's first."""
    paths = []
    for site, frame in synthetic_exports(rows).items():
        if encoding == "utf16":
            path = folder / f"{site}.tsv"
            frame.to_csv(path, index=False, sep="\t", quoting=csv.QUOTE_ALL, encoding="utf-16")
        else:
            path = folder / f"{site}.csv"
            frame.to_csv(path, index=False, encoding="utf-8")
        paths.append(path)
    return paths


def run_measured(command: list[str]) -> tuple[float, float]:
    """Run a command to completion; its wall seconds and its own peak RSS in MiB (``measure.run_measured``)."""
    done = measure.run_measured(command, {**os.environ, "PYTHONPATH": str(ROOT)})
    if done.code:
        raise SystemExit(f"{command[:3]} failed: {done.stderr}")
    return done.wall, done.peak_mib


def explain(product: set[str], peer: set[str], folder: Path, encoding: str) -> dict[str, int]:
    """Why each domain is listed by only one of the two: counts by reason ('unexplained' should be 0)."""
    frames = synthetic_exports(ARGS.rows)
    links = pd.concat([f.assign(site=s) for s, f in frames.items()], ignore_index=True)
    keyed = key_hosts(links["Referring page URL"])
    links["key"] = keyed["key"].to_numpy()
    links["platform"] = keyed["is_platform"].to_numpy()
    live = links[links["Lost"] == ""]
    abused = set(load_json("spam_signals.json")["abused_tlds"])
    poison = load_json("spam_signals.json")["poison_words"]
    reasons: dict[str, int] = {}

    def count(reason: str) -> None:
        reasons[reason] = reasons.get(reason, 0) + 1

    own_live = set(live.loc[live["site"] == SITES[0], "key"])
    competitor_live = set(live.loc[live["site"] != SITES[0], "key"])
    platform_keys = set(links.loc[links["platform"], "key"])
    for domain in sorted(peer - product):
        accounts = [k for k in platform_keys if k.endswith("." + domain)]
        if accounts:
            count("peer: a shared platform's root (the product keys each account on it as its own site)")
        elif domain.rsplit(".", 1)[-1] in abused:
            count("peer: an abused TLD (the product excludes it as spam)")
        elif any(word in domain.split(".")[0] for word in poison):
            count("peer: a spam word in the name (the product excludes it as spam)")
        elif domain not in competitor_live:
            count("peer: only lost links to competitors (the product drops lost links)")
        else:
            count("peer: unexplained")
    for domain in sorted(product - peer):
        if domain in platform_keys:
            count("product: an account on a shared platform (the peer merges it into the platform)")
        elif domain in own_live:
            count("product: unexplained (links to the own site)")
        else:
            count("product: unexplained")
    return reasons


def main() -> None:
    measure.compiled_like_installed()  # the package as installed: byte-compiled
    for encoding in ARGS.encodings.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            paths = write_exports(folder, ARGS.rows, encoding)
            own, competitors = paths[0], paths[1:]
            product_out, peer_out = folder / "product.csv", folder / "peer.csv"
            product = [sys.executable, "-m", "sheets_bridge.cli", "gap", *map(str, competitors), "--own", str(own),
                       "--out", str(product_out), "--today", "2026-11-26", "--quiet"]
            peer = [sys.executable, str(ROOT / "benchmarks" / "peer_gap.py"), *map(str, competitors),
                    "--own", str(own), "--out", str(peer_out)]
            times: dict[str, list[float]] = {"product": [], "peer": []}
            peaks: dict[str, list[float]] = {"product": [], "peer": []}
            for _ in range(ARGS.pairs):
                for name, command in (("product", product), ("peer", peer)):
                    seconds, peak = run_measured(command)
                    times[name].append(seconds)
                    peaks[name].append(peak)
            size = sum(p.stat().st_size for p in paths) / 2**20
            print(f"{encoding}: {ARGS.rows:,} rows over {len(paths)} files ({size:.0f} MiB), {ARGS.pairs} pairs")
            for name in ("product", "peer"):
                print(f"  {name:8s} median {statistics.median(times[name]):6.2f} s   peak RSS "
                      f"{max(peaks[name]):6.0f} MiB   (runs: {', '.join(f'{t:.2f}' for t in times[name])})")
            speed = statistics.median(times["peer"]) / statistics.median(times["product"])
            memory = max(peaks["product"]) / max(peaks["peer"])
            print(f"  speed-up vs peer: {speed:.2f}x (goal 4x)   memory vs peer: {memory:.2f}x (goal <= 1x)")
            product_set = set(pd.read_csv(product_out, usecols=["Domain"])["Domain"])
            peer_set = set(pd.read_csv(peer_out, usecols=["domain"])["domain"])
            both = len(product_set & peer_set)
            print(f"  gap sets: product {len(product_set):,}, peer {len(peer_set):,}, both {both:,}")
            for reason, n in sorted(explain(product_set, peer_set, folder, encoding).items()):
                print(f"    {n:>7,}  {reason}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--encodings", default="utf8,utf16")
    ARGS = parser.parse_args()
    main()
