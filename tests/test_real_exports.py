"""Real exports people published (``benchmarks/corpus``): read or refused by name, and a small fixed subset
of the quality benchmark, so a rule that lets link sellers into tier A fails here, not only in a printout."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from sheets_bridge.cli import main
from sheets_bridge.exceptions import WrongReportError
from sheets_bridge.intake.ingest import recognise_file
from sheets_bridge.service.file_gap import read_export_file

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "benchmarks" / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
LINK_REPORTS = {"Semrush backlinks", "Ahrefs backlinks", "Ahrefs broken backlinks", "Search Console latest links",
                "Search Console sample links", "Search Console top linking sites"}
OTHER_REPORTS = [m for m in MANIFEST if m["report"] not in LINK_REPORTS]
SUBSET = ["ajblive.com-backlinks.csv", "centeredlogic.com-backlinks.csv", "heretohere.org-backlinks.csv",
          "wizardrecipes.com-backlinks.csv", "bigedscitymarket.com-backlinks.csv", "mechcrunch.com-backlinks.csv"]


def quality_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("quality", ROOT / "benchmarks" / "quality.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["quality"] = module
    spec.loader.exec_module(module)
    return module


def test_the_corpus_is_real_sourced_and_split() -> None:
    assert len(MANIFEST) >= 30
    for entry in MANIFEST:
        source = entry["source"]
        assert source["repo"] and len(source["commit"]) == 40 and source["path"], entry["file"]
        assert (CORPUS / "files" / entry["file"]).stat().st_size < 40_000, entry["file"]
    assert {m["split"] for m in MANIFEST} == {"tune", "holdout"}


@pytest.mark.parametrize("entry", OTHER_REPORTS, ids=[str(m["file"]) for m in OTHER_REPORTS])
def test_reports_that_are_not_link_exports_are_refused_by_name(entry: dict[str, str]) -> None:
    path = CORPUS / "files" / entry["file"]
    with pytest.raises(WrongReportError) as caught:
        recognise_file(path.read_bytes(), path.name, "rival.com")  # even when the site is named
    assert caught.value.report == entry["report"]
    assert f"is a {entry['report']} report" in caught.value.message and "instead" in caught.value.message


def test_the_gap_command_refuses_an_outgoing_domains_report(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = CORPUS / "files" / "bitterpoison.com-backlinks_outgoing_domains.csv"
    assert main(["gap", str(path), "--out", str(tmp_path / "out.csv")]) == 2
    err = capsys.readouterr().err
    assert "Semrush outgoing domains" in err and "Referring domains" in err
    assert not (tmp_path / "out.csv").exists()


def test_a_real_semrush_export_is_read_with_its_site() -> None:
    path = CORPUS / "files" / "capiston.com-backlinks.csv"
    export = recognise_file(path.read_bytes(), path.name, "capiston.com")
    assert export.format == "Semrush backlinks" and export.sites == ["capiston.com"] and len(export.frame) == 20


@pytest.mark.parametrize(("name", "report", "rows"), [
    ("oztimberfloor.com.au-latest-links.csv", "Search Console latest links", 25),
    ("oztimberfloor.com.au-sample-links.csv", "Search Console sample links", 10),
    ("adambuice.com-top-linking-sites.csv", "Search Console top linking sites", 4),
    ("thebenhirsch.com-latest-links.csv", "Search Console latest links", 9),
])
def test_real_search_console_exports_are_read_with_their_report(tmp_path: Path, name: str, report: str,
                                                                 rows: int) -> None:
    """Search Console's own file names ('https___site_-Latest links-<date>.csv', 'site-Top linking sites-<date>.csv')
    say the site; a Yandex search URL with a line break inside its quotes stays one row."""
    site = name.split("-")[0]
    gsc_name = {"latest": "Latest links", "sample": "More sample links", "top": "Top linking sites"}[
        name.removeprefix(site + "-").split("-")[0]]
    path = tmp_path / f"https___{site}_-{gsc_name}-2026-05-18.csv"
    path.write_bytes((CORPUS / "files" / name).read_bytes())
    export = read_export_file(path)
    assert export.format == report and export.sites == [site] and len(export.frame) == rows
    assert any("no authority column" in w and "Referring domains" in w for w in export.warnings)


@pytest.mark.parametrize(("name", "site", "report", "rows"), [
    ("lamicrobyflo.fr-backlinks-subdomains.csv", "lamicrobyflo.fr", "Ahrefs backlinks", 38),
    ("mdsupplies.com-backlinks-subdomains.csv", "mdsupplies.com", "Ahrefs backlinks", 15),
    ("mdsupplies.com-broken-backlinks-subdomains.csv", "mdsupplies.com", "Ahrefs broken backlinks", 14),
])
def test_real_ahrefs_exports_are_read_with_their_report(name: str, site: str, report: str, rows: int) -> None:
    """A Google Sheets copy of a French site's export ('#' column first), and a newer export with Ahrefs' own
    'Is spam' and 'Page type' columns; the broken-backlinks report is named as such."""
    path = CORPUS / "files" / name
    export = recognise_file(path.read_bytes(), path.name, site)
    assert export.format == report and export.sites == [site] and len(export.frame) == rows


def test_a_real_ahrefs_export_whose_links_are_all_lost_lists_nothing(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Every row of this real export has a date in Ahrefs' 'Lost' column: no page links any more, so the list
    is empty and the summary says why, row by row."""
    path = CORPUS / "files" / "mdsupplies.com-backlinks-subdomains.csv"
    out = tmp_path / "out.csv"
    assert main(["gap", str(path), "--out", str(out), "--today", "2026-12-01"]) == 0
    assert "15  lost link" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8").count("\n") == 1  # the header alone


def test_quality_on_a_fixed_subset_of_real_exports() -> None:
    quality = quality_module()
    corpus = quality.load_corpus()
    judged = quality.judge_corpus(corpus.pages)
    pages = judged[judged["file"].isin(SUBSET)]
    bad = pages["verdict_label"].isin(["link seller", "spam"])
    said = pages["verdict"].isin(["link seller", "spam"])
    assert (bad & said).sum() / said.sum() >= 0.95  # what is called spam is spam
    assert (bad & said).sum() / bad.sum() >= 0.6
    assert not (pages["verdict_label"].eq("pitch") & pages["verdict"].isin(["link seller", "spam"])).any()
    lists = quality.list_quality(SUBSET, pages)
    assert lists.tier_a["link seller"] == 0 and lists.top10["link seller"] == 0
    assert sum(lists.top10.values()) >= 30  # six files' top 10s: the check above is not vacuous
    assert lists.top30["pitch"] / sum(lists.top30.values()) >= 0.5  # 56% today: spun and scraped pages remain
    types = quality.report_types([m for m in MANIFEST if m["file"] in SUBSET or m in OTHER_REPORTS])
    assert all(want == got for _, want, got in types), types
