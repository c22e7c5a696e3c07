"""Would a model trained on the labels read page types better than the rules? Measured, not assumed.

A multinomial naive Bayes over the page's host words, path words and title words (the signals the rules
read), trained on the tuning split's labelled pages and scored leave-one-file-out, so every page is judged
by a model that never saw its file. Printed: macro accuracy of the rules, of the model alone, and of the
rules with the model standing in where no rule matched (where the rules say "other"). The hold-out is not
read.

    python benchmarks/page_type_model.py
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from quality import judge_corpus, load_corpus

Model = tuple[Counter[str], dict[str, Counter[str]], int]


def tokens(url: str, title: str) -> set[str]:
    """Host words, path words (numbers dropped), title words, path depth and a long-number flag."""
    url = re.sub(r"^[a-z]+://(www\.)?", "", url.lower())
    host, _, path = url.partition("/")
    out = {"h:" + w for w in re.split(r"[^a-z0-9]+", host) if w}
    out |= {"p:" + w for w in re.split(r"[^a-z0-9]+", path) if w and not w.isdigit()}
    out |= {"t:" + w for w in re.findall(r"\w+", title.lower())}
    depth = path.strip("/").count("/") + (1 if path.strip("/") else 0)
    out.add(f"depth:{min(depth, 4)}")
    out.add("long-number" if re.search(r"\d{4,}", path) else "no-long-number")
    return out


def train(pages: pd.DataFrame) -> Model:
    classes = Counter(pages["page_type_label"])
    counts: dict[str, Counter[str]] = {k: Counter() for k in classes}
    for label, toks in zip(pages["page_type_label"], pages["tokens"], strict=True):
        counts[label].update(toks)
    return classes, counts, len(set().union(*counts.values()))


def predict(model: Model, toks: set[str]) -> str:
    classes, counts, vocabulary = model
    total = sum(classes.values())
    scores = {}
    for label, n in classes.items():
        words = sum(counts[label].values())
        scores[label] = math.log(n / total) + sum(
            math.log((counts[label][t] + 0.5) / (words + 0.5 * vocabulary)) for t in toks)
    return max(scores, key=scores.__getitem__)


def macro(said: pd.Series, labels: pd.Series) -> float:
    recalls = [float((said[labels == k] == k).mean()) for k in labels.unique()]
    return sum(recalls) / len(recalls)


def main() -> int:
    corpus = load_corpus()
    pages = judge_corpus(corpus.pages[corpus.pages["split"] == "tune"])
    pages = pages[pages["verdict_label"].isin(["pitch", "build"]) & (pages["page_type_label"] != "")].copy()
    pages["tokens"] = [tokens(u, t) for u, t in zip(pages["source_url"], pages["title"], strict=True)]
    said = pd.Series("", index=pages.index)
    for name in pages["file"].unique():
        held = pages["file"] == name
        model = train(pages[~held])
        said[held] = [predict(model, t) for t in pages.loc[held, "tokens"]]
    unmatched = pages["page_rule"] == ""
    combined = pages["page_type"].where(~unmatched, said)
    labels = pages["page_type_label"]
    print(f"tuning split, {len(pages)} workable pages in {pages['file'].nunique()} files, leave-one-file-out")
    print(f"  rules alone:                       macro {macro(pages['page_type'], labels):.0%}")
    print(f"  model alone:                       macro {macro(said, labels):.0%}")
    print(f"  rules, model where no rule matched: macro {macro(combined, labels):.0%}")
    print(f"  pages no rule matched: {int(unmatched.sum())}; right as 'other': "
          f"{int((labels[unmatched] == 'other').sum())}, right by the model: "
          f"{int((said[unmatched] == labels[unmatched]).sum())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
