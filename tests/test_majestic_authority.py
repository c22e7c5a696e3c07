"""Majestic's two flows: Source Trust Flow is the linking page's, Domain Trust Flow (or a Ref Domains export's
Trust Flow) is the site's. The list says which one it ranked on, and a page-level file says so once."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sheets_bridge.cli import main

# Majestic Site Explorer's backlinks download (the header as written in ../shared/export_formats.md)
UI_HEADER = ["Target URL", "Source URL", "Anchor Text", "Source Crawl Date", "Source First Found Date", "FlagNoFollow",
             "FlagImageLink", "FlagRedirect", "FlagFrame", "FlagOldCrawl", "FlagAltText", "FlagMention",
             "SourceCitationFlow", "SourceTrustFlow", "TargetCitationFlow", "TargetTrustFlow"]
# Majestic's API backlink data with domain information, as a public repository's importer documents it
API_HEADER = ["SourceURL", "AnchorText", "SourceTrustFlow", "SourceCitationFlow", "Domain", "DomainTrustFlow",
              "DomainCitationFlow", "FirstIndexedDate", "LinkType", "LinkSubType", "TargetURL", "TargetTrustFlow",
              "TargetCitationFlow"]
PAGES = {"gardenweekly.com": "https://gardenweekly.com/resources/best-garden-tools",
         "allotment-club.org": "https://allotment-club.org/links/useful-sites"}


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def _listed(out: Path) -> dict[str, dict[str, str]]:
    with out.open(encoding="utf-8", newline="") as handle:
        return {row["Domain"]: row for row in csv.DictReader(handle)}


def _ui_rows() -> list[list[str]]:
    return [["https://rival.com/", PAGES["gardenweekly.com"], "rival tools", "2026-10-30", "2024-02-14",
             "-", "-", "-", "-", "-", "-", "-", "48", "45", "31", "28"],
            ["https://rival.com/shed", PAGES["allotment-club.org"], "Rival", "2026-10-30", "2024-03-01",
             "-", "-", "-", "-", "-", "-", "-", "22", "12", "31", "28"]]


def test_a_backlinks_download_ranks_on_the_pages_flow_and_says_so(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    export = _write(tmp_path / "rival.com.csv", UI_HEADER, _ui_rows())
    out = tmp_path / "gap.csv"
    assert main(["gap", str(export), "--out", str(out), "--today", "2026-12-01"]) == 0
    printed = capsys.readouterr().out
    listed = _listed(out)
    assert listed["gardenweekly.com"]["Why"].startswith("page TF 45,")
    assert listed["allotment-club.org"]["Why"].startswith("page TF 12,")
    assert printed.count("page-level") == 1
    assert "'SourceTrustFlow', shown as page TF" in printed and "Majestic Site Explorer → Ref Domains" in printed


def test_a_page_flow_of_zero_is_not_a_score(tmp_path: Path) -> None:
    rows = _ui_rows()
    rows[1][12:14] = ["0", "0"]  # Majestic has not scored the page
    export = _write(tmp_path / "rival.com.csv", UI_HEADER, rows)
    out = tmp_path / "gap.csv"
    assert main(["gap", str(export), "--out", str(out), "--quiet", "--today", "2026-12-01"]) == 0
    assert "page TF" not in _listed(out)["allotment-club.org"]["Why"]


def test_an_export_with_the_domains_flow_ranks_on_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [[PAGES["gardenweekly.com"], "rival tools", "45", "48", "gardenweekly.com", "61", "58", "2024-02-14",
             "TextLink", "", "https://rival.com/", "28", "31"],
            [PAGES["allotment-club.org"], "Rival", "12", "22", "allotment-club.org", "19", "25", "2024-03-01",
             "TextLink", "", "https://rival.com/shed", "28", "31"]]
    export = _write(tmp_path / "rival.com.csv", API_HEADER, rows)
    out = tmp_path / "gap.csv"
    assert main(["gap", str(export), "--out", str(out), "--today", "2026-12-01"]) == 0
    listed = _listed(out)
    assert listed["gardenweekly.com"]["Why"].startswith("TF 61,")
    assert listed["allotment-club.org"]["Why"].startswith("TF 19,")
    assert "page-level" not in capsys.readouterr().out


def test_a_high_page_flow_without_traffic_is_not_called_a_link_network(tmp_path: Path) -> None:
    """'High authority, no search traffic' reads a site's figure: a page's flow says nothing of the site's traffic."""
    header = [*UI_HEADER, "Traffic"]
    rows = [[*r, "0"] for r in _ui_rows()]
    export = _write(tmp_path / "rival.com.csv", header, rows)
    out = tmp_path / "gap.csv"
    assert main(["gap", str(export), "--out", str(out), "--quiet", "--today", "2026-12-01"]) == 0
    assert "gardenweekly.com" in _listed(out)
