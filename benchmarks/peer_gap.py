"""The gap as a team would script it by hand: pandas + tldextract, one registered domain per row.

Usage: python benchmarks/peer_gap.py --own OWN.csv --out gap.csv COMPETITOR.csv ...
Each file's site is its name without the extension. A domain is in the gap when it links to at least one
competitor and not to the own site. Delimiter and encoding are sniffed by pandas (UTF-16 by its BOM).
"""

from __future__ import annotations

import argparse
import codecs
from pathlib import Path

import pandas as pd
import tldextract

# the bundled suffix list, never the network
EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def read_export(path: Path) -> pd.DataFrame:
    """One export file as a frame (UTF-16 tab-separated or UTF-8 comma-separated)."""
    with path.open("rb") as handle:
        utf16 = handle.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    if utf16:
        return pd.read_csv(path, sep="\t", encoding="utf-16", dtype=str)
    return pd.read_csv(path, dtype=str)


def domains_of(frame: pd.DataFrame) -> pd.Series:
    """The registered domain of each row's referring page (or Domain column)."""
    column = "Referring page URL" if "Referring page URL" in frame.columns else "Domain"
    return frame[column].fillna("").map(lambda url: EXTRACT(url).top_domain_under_public_suffix.lower())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--own", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    own = set(domains_of(read_export(args.own)))
    parts = []
    for path in args.files:
        frame = read_export(path)
        parts.append(pd.DataFrame({"domain": domains_of(frame), "competitor": path.name.split(".csv")[0]
                                   .split(".tsv")[0].removeprefix("u16_")}))
    links = pd.concat(parts, ignore_index=True)
    links = links[(links["domain"] != "") & ~links["domain"].isin(own)]
    gap = (links.groupby("domain")["competitor"].agg(["nunique", lambda s: ", ".join(sorted(set(s)))])
           .set_axis(["competitors_linking", "linked_competitors"], axis=1)
           .sort_values("competitors_linking", ascending=False))
    gap.to_csv(args.out)
    print(f"{len(gap)} domains in the gap")


if __name__ == "__main__":
    main()
