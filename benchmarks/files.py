"""From export files to a gap list: `sheets-bridge gap` against two scripts, on the same generated exports,
as separate processes timed in turn: the plain pandas + tldextract script a team would write
(benchmarks/peer_gap.py, "naive") and the one a strong data engineer would write (benchmarks/smart_gap.py:
polars, only the needed columns, tldextract once per distinct host, "smart").

Usage: python benchmarks/files.py [--rows 1000000] [--pairs 5] [--encodings utf8,utf16]
For each encoding (UTF-8 CSV, and Ahrefs-style UTF-16 LE with a BOM, tab-separated, every cell quoted) it
alternates the three commands, prints the median CPU time (user + system: the honest figure on a shared
machine), wall time and peak RSS of each (each command's own, through ``measure.py``'s launcher), the ratios,
and compares the gap sets, explaining every domain that only one of them lists.
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


def run_measured(command: list[str]) -> measure.Measured:
    """Run a command to completion; its own wall, CPU and peak RSS (``measure.run_measured``)."""
    done = measure.run_measured(command, {**os.environ, "PYTHONPATH": str(ROOT)})
    if done.code:
        raise SystemExit(f"{command[:3]} failed: {done.stderr}")
    return done


def _judged_out(pages: pd.DataFrame) -> str:
    """The page rule that excludes a domain's pages in the product (a data scraper, a link seller...), or ''."""
    from sheets_bridge.gap.spam import EXCLUDED_VERDICTS, judge_pages

    judged = judge_pages(pd.DataFrame({"source_url": pages["Referring page URL"].astype(str),
                                       "title": pages["Referring page title"].astype(str),
                                       "anchor": pages["Anchor"].astype(str)}), SITES)
    out = judged[judged["verdict"].isin(EXCLUDED_VERDICTS)]
    return str(out["verdict_rule"].iloc[0]) if len(out) == len(judged) and len(out) else ""


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
        elif (rule := _judged_out(live[live["key"] == domain])):
            count(f"peer: its page is judged out by the product ({rule})")
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
            outs = {name: folder / f"{name}.csv" for name in ("product", "naive", "smart")}
            commands = {
                "product": [sys.executable, "-m", "sheets_bridge.cli", "gap", *map(str, competitors), "--own",
                            str(own), "--out", str(outs["product"]), "--today", "2026-11-26", "--quiet"],
                "naive": [sys.executable, str(ROOT / "benchmarks" / "peer_gap.py"), *map(str, competitors),
                          "--own", str(own), "--out", str(outs["naive"])],
                "smart": [sys.executable, str(ROOT / "benchmarks" / "smart_gap.py"), *map(str, competitors),
                          "--own", str(own), "--out", str(outs["smart"])],
            }
            runs: dict[str, list[measure.Measured]] = {name: [] for name in commands}
            for _ in range(ARGS.pairs):
                for name, command in commands.items():
                    runs[name].append(run_measured(command))
            size = sum(p.stat().st_size for p in paths) / 2**20
            print(f"{encoding}: {ARGS.rows:,} rows over {len(paths)} files ({size:.0f} MiB), {ARGS.pairs} rounds, "
                  f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
            cpu = {name: statistics.median(r.cpu for r in done) for name, done in runs.items()}
            for name, done in runs.items():
                print(f"  {name:8s} CPU {cpu[name]:6.2f} s   wall {statistics.median(r.wall for r in done):6.2f} s   "
                      f"peak RSS {max(r.peak_mib for r in done):6.0f} MiB   "
                      f"(CPU runs: {', '.join(f'{r.cpu:.2f}' for r in done)})")
            peak = {name: max(r.peak_mib for r in done) for name, done in runs.items()}
            print(f"  product CPU vs smart: {cpu['product'] / cpu['smart']:.2f}x (goal <= 0.8x); naive vs product: "
                  f"{cpu['naive'] / cpu['product']:.2f}x (goal >= 4x); memory vs smart: "
                  f"{peak['product'] / peak['smart']:.2f}x (goal <= 1x)")
            product_set = set(pd.read_csv(outs["product"], usecols=["Domain"])["Domain"])
            for name in ("naive", "smart"):
                other = set(pd.read_csv(outs[name], usecols=["domain"])["domain"])
                print(f"  gap sets: product {len(product_set):,}, {name} {len(other):,}, "
                      f"both {len(product_set & other):,}")
                for reason, n in sorted(explain(product_set, other, folder, encoding).items()):
                    print(f"    {n:>7,}  {reason}")

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--encodings", default="utf8,utf16")
    ARGS = parser.parse_args()
    main()
