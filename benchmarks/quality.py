"""Prospect quality on real exports: the hand-labelled corpus in ``benchmarks/corpus``, tuning and hold-out.

Every figure compares the product's output with labels written by reading each linking page's URL, title
and anchor (``corpus/labels.txt``; the sources of the files are in ``corpus/manifest.json``). Files are
split once, by a hash of their name, into a tuning split (the rules were written looking at it) and a
hold-out split (never used to write or adjust a rule).

Printed per split:
- page type: precision and recall per class and macro accuracy (the mean of per-class recall), over the
  pages a team could work (labelled pitch or build);
- spam: precision and recall of 'link seller' or 'spam' against the labels, and of 'excluded' (seller,
  spam or not a prospect) against the same;
- the outreach list a person sees (``sheets-bridge gap`` on each file): the share of link sellers, spam and
  non-prospects in tier A, the top 10 and the top 30, and the share of the top 30 an expert would pitch;
- report type: the report the product names (or refuses by name) against the labelled one, every file.

    python benchmarks/quality.py [--split tune|holdout|all] [--files N] [--vendor NAME | --vendor not:NAME]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sheets_bridge.exceptions import ExportFormatError, WrongReportError
from sheets_bridge.gap.classify import classify_pages
from sheets_bridge.gap.spam import judge_pages
from sheets_bridge.intake.domains import key_host, key_hosts
from sheets_bridge.intake.ingest import recognise_file
from sheets_bridge.service.file_gap import gap_from_files

CORPUS = Path(__file__).parent / "corpus"
PAGE_TYPES = {"R": "resource page", "L": "roundup/list", "C": "comparison", "V": "review", "E": "editorial/news",
              "D": "directory", "F": "forum/UGC", "G": "guest post", "O": "other"}
VERDICTS = {"P": "pitch", "B": "build", "N": "not a prospect", "S": "link seller", "X": "spam"}
BAD = {"link seller", "spam"}
EXCLUDED = {"link seller", "spam", "not a prospect"}
TODAY = dt.date(2026, 12, 1)
SOURCE_URL = ("Source url", "Referring page URL", "Linking page")
TITLE = ("Source title", "Referring page title")
# after the site in the name of a Search Console file of the corpus: its report
SEARCH_CONSOLE_SUFFIX = re.compile(r"-(latest-links|sample-links|internal-links|top-linking-sites)\.csv$")


def _cell(row: dict[str, str], names: tuple[str, ...]) -> str:
    """The first of the vendor's names for one column that the row has (Semrush, Ahrefs, then Search Console);
    blank when the export has no such column (Search Console gives no titles)."""
    return next((row[name] for name in names if name in row), "")


@dataclass
class Corpus:
    """The manifest (one entry per file) and the labelled pages (one row per link row of a labelled file)."""

    manifest: list[dict[str, object]]
    pages: pd.DataFrame


def load_corpus(root: Path = CORPUS) -> Corpus:
    """Read the manifest and the labels; every labelled file must have exactly one label per data row."""
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    split = {str(m["file"]): str(m["split"]) for m in manifest}
    rows: list[dict[str, object]] = []
    for line in (root / "labels.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, codes = line.split("|")
        with (root / "files" / name).open(encoding="utf-8", newline="") as handle:
            data = list(csv.DictReader(handle))
        tokens = codes.split()
        if len(tokens) != len(data):
            raise ValueError(f"{name}: {len(tokens)} labels for {len(data)} rows")
        for row, token in zip(data, tokens, strict=True):
            rows.append({"file": name, "split": split[name], "source_url": _cell(row, SOURCE_URL),
                         "title": _cell(row, TITLE), "anchor": row.get("Anchor", ""),
                         "external_links": row.get("External links", ""),
                         "page_type_label": PAGE_TYPES.get(token[0], ""), "verdict_label": VERDICTS[token[1]]})
    return Corpus(manifest, pd.DataFrame(rows))


def site_of(name: str) -> str:
    """The competitor a corpus file describes (its name before the report: '-backlinks', '-latest-links'...)."""
    return SEARCH_CONSOLE_SUFFIX.sub("", name).split("-backlinks")[0].removesuffix("-broken")


def of_vendor(corpus: Corpus, vendor: str) -> Corpus:
    """The corpus restricted to one vendor's files ('Semrush') or to all others ('not:Semrush'); all when blank."""
    if not vendor:
        return corpus
    name = vendor.removeprefix("not:")
    manifest = [m for m in corpus.manifest if (m["vendor"] == name) != vendor.startswith("not:")]
    names = {str(m["file"]) for m in manifest}
    return Corpus(manifest, corpus.pages[corpus.pages["file"].isin(names)])


def judge_corpus(pages: pd.DataFrame) -> pd.DataFrame:
    """The product's page verdict and page type for every labelled page, file by file (its site loaded)."""
    parts = []
    for name, group in pages.groupby("file", sort=False):
        site = site_of(str(name))
        judged = judge_pages(group, [site])
        own = (key_hosts(group["source_url"])["key"] == key_host(site).key).to_numpy()  # as the gap keys and drops
        judged.loc[own, ["verdict", "verdict_rule", "verdict_reason"]] = [
            "not a prospect", "own-site", "a competitor or your own site"]
        typed = classify_pages(group.assign(key=""))
        parts.append(pd.concat([group, judged, typed], axis=1))
    return pd.concat(parts) if parts else pages


def precision_recall(predicted: pd.Series, actual: pd.Series) -> tuple[float, float, int, int]:
    """Precision and recall of boolean predictions, with the counts they come from."""
    hits = int((predicted & actual).sum())
    said, real = int(predicted.sum()), int(actual.sum())
    return (hits / said if said else float("nan")), (hits / real if real else float("nan")), said, real


@dataclass
class ListQuality:
    """What the outreach list holds, over the files of a split."""

    tier_a: Counter[str] = field(default_factory=Counter)
    top10: Counter[str] = field(default_factory=Counter)
    top30: Counter[str] = field(default_factory=Counter)
    worst_top30_pitch: tuple[float, str] = (1.0, "")
    per_file: dict[str, float] = field(default_factory=dict)


def list_quality(files: list[str], pages: pd.DataFrame, root: Path = CORPUS) -> ListQuality:
    """Run the product's gap on each file alone and read its outreach list against the labels.

    The outreach list is the prospects outside the 'build yourself' segment, by priority; each prospect is
    judged by the label of its example page (a row of the file, so always labelled).
    """
    out = ListQuality()
    label_of = dict(zip(pages["source_url"], pages["verdict_label"], strict=False))
    for name in files:
        result = gap_from_files([root / "files" / name], None, None, TODAY)
        shown = result.prospects
        shown = shown[shown["Segment"].astype(str) != "build yourself"].sort_values("Priority", ascending=False)
        labels = shown["Example page"].map(label_of).fillna("unlabelled")
        out.tier_a.update(labels[shown["Tier"] == "A"])
        top = labels.head(30)
        out.top10.update(labels.head(10))
        out.top30.update(top)
        if len(top):
            share = float((top == "pitch").mean())
            out.per_file[name] = share
            if share <= out.worst_top30_pitch[0]:
                out.worst_top30_pitch = (share, name)
    return out


def report_types(manifest: list[dict[str, object]], root: Path = CORPUS) -> list[tuple[str, str, str]]:
    """(file, labelled report, the report the product named or refused) for every file."""
    found = []
    for entry in manifest:
        name = str(entry["file"])
        try:
            named = recognise_file((root / "files" / name).read_bytes(), name, site_of(name)).format
        except WrongReportError as exc:
            named = exc.report
        except ExportFormatError as exc:
            named = f"refused: {exc}"
        found.append((name, str(entry["report"]), named))
    return found


def report(split: str, corpus: Corpus, judged: pd.DataFrame, files: int | None) -> dict[str, float]:
    """Print the figures of one split and return the headline ones."""
    manifest = [m for m in corpus.manifest if split == "all" or m["split"] == split]
    names = {str(m["file"]) for m in manifest}
    pages = judged[judged["file"].isin(names)]
    print(f"\n== {split}: {len(manifest)} files, {len(pages)} labelled pages")
    workable = pages[pages["verdict_label"].isin(["pitch", "build"]) & (pages["page_type_label"] != "")]
    print(f"page type ({len(workable)} pages a team could work):")
    recalls = []
    for kind in PAGE_TYPES.values():
        p, r, said, real = precision_recall(workable["page_type"] == kind, workable["page_type_label"] == kind)
        if real or said:
            print(f"  {kind:15} precision {p:5.0%} recall {r:5.0%}  ({said} said, {real} labelled)")
        if real:
            recalls.append(r)
    macro = sum(recalls) / len(recalls) if recalls else float("nan")
    accuracy = float((workable["page_type"] == workable["page_type_label"]).mean()) if len(workable) else float("nan")
    print(f"  macro accuracy {macro:.0%}, accuracy {accuracy:.0%}")
    confusion = pd.crosstab(workable["page_type_label"], workable["page_type"])
    if len(confusion):
        print("  labelled (rows) against said (columns):")
        print("\n".join("    " + line for line in confusion.to_string().splitlines()))
    p, r, said, real = precision_recall(pages["verdict"].isin(BAD), pages["verdict_label"].isin(BAD))
    print(f"spam or link seller: precision {p:.0%} recall {r:.0%} ({said} said, {real} labelled)")
    ep, er, said, real = precision_recall(pages["verdict"].isin(EXCLUDED), pages["verdict_label"].isin(EXCLUDED))
    print(f"excluded (seller, spam or not a prospect): precision {ep:.0%} recall {er:.0%} "
          f"({said} said, {real} labelled)")
    pitched = pages["verdict"] == "pitch"
    print(f"pitch pages kept: {int((pitched & (pages['verdict_label'] == 'pitch')).sum())} of "
          f"{int((pages['verdict_label'] == 'pitch').sum())}")
    backlinks = sorted(set(pages["file"]))[:files]
    quality = list_quality(backlinks, pages)
    for what, counts in (("tier A", quality.tier_a), ("top 10", quality.top10), ("top 30", quality.top30)):
        total = sum(counts.values())
        bad = counts["link seller"] + counts["spam"]
        print(f"{what}: {total} prospects; link sellers {counts['link seller']}, spam {counts['spam']}, "
              f"not a prospect {counts['not a prospect']}, build {counts['build']}, pitch {counts['pitch']} "
              f"({(counts['pitch'] / total if total else float('nan')):.0%} pitch, "
              f"{(bad / total if total else 0):.0%} seller or spam)")
    worst, where = quality.worst_top30_pitch
    print(f"top 30 share an expert would pitch, worst file: {worst:.0%} ({where})")
    short = {n: v for n, v in quality.per_file.items() if v < 0.8}
    print(f"files whose top 30 is under 80% pitch: {len(short)} of {len(quality.per_file)}"
          + "".join(f"\n  {n}: {v:.0%}" for n, v in sorted(short.items(), key=lambda kv: kv[1])))
    types = report_types(manifest)
    right = [t for t in types if t[1] == t[2]]
    print(f"report type right: {len(right)} of {len(types)}")
    for name, want, got in types:
        if want != got:
            print(f"  {name}: labelled {want}, product said {got}")
    top = sum(quality.top30.values())
    return {"macro": macro, "spam_precision": p, "spam_recall": r,
            "sellers_or_spam_in_tier_a": quality.tier_a["link seller"] + quality.tier_a["spam"],
            "sellers_in_top10": quality.top10["link seller"],
            "top30_pitch": quality.top30["pitch"] / top if top else float("nan"),
            "worst_top30_pitch": worst, "report_types_right": len(right) / len(types) if types else float("nan")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=["tune", "holdout", "all", "both"], default="both")
    parser.add_argument("--files", type=int, default=None, help="backlinks files per split for the list figures")
    parser.add_argument("--vendor", default="",
                        help="only one vendor's files ('Semrush'), or all but one ('not:Semrush')")
    args = parser.parse_args(argv)
    corpus = of_vendor(load_corpus(), args.vendor)
    judged = judge_corpus(corpus.pages)
    splits = ["tune", "holdout"] if args.split == "both" else [args.split]
    for split in splits:
        report(split, corpus, judged, args.files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
