"""Any export a person has, read by what its headers mean or, failing that, by what its cells hold.

The rows are real (a Semrush backlinks export from ``benchmarks/corpus``); only the header row is written the
way other tools, spreadsheets and languages write it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from sheets_bridge.cli import main
from sheets_bridge.exceptions import ExportFormatError, WrongReportError
from sheets_bridge.intake.ingest import recognise_file
from sheets_bridge.service.file_gap import read_export_file

CORPUS = Path(__file__).resolve().parents[1] / "benchmarks" / "corpus" / "files"
REAL = list(csv.reader((CORPUS / "ajblive.com-backlinks.csv").open(encoding="utf-8")))
HEADER = REAL[0]  # Page ascore,Source title,Source url,Target url,Anchor,External links,...
BODY = REAL[1:]


def as_csv(header: list[str], rows: list[list[str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("header", [
    [h.lower().replace(" ", "_") for h in HEADER],  # snake_case, as APIs and scripts write it
    [h.upper() for h in HEADER],
    [h.title().replace(" ", "") for h in HEADER],  # CamelCase: PageAscore, SourceUrl
    [f"  {h} " for h in HEADER],
])
def test_header_styles_are_read_by_meaning(header: list[str]) -> None:
    export = recognise_file(as_csv(header, BODY), "rival.csv", "ajblive.com")
    assert export.format == "Semrush backlinks"
    assert {"source_url", "title", "anchor", "target_url", "external_links"} <= set(export.understood)
    assert export.frame["source_url"].iloc[1] == BODY[1][2]
    assert export.frame["authority_scale"].iloc[1] == "page AS"  # Semrush's Page ascore is a page's figure


@pytest.mark.parametrize(("names", "language"), [
    (["Título", "URL de origen", "URL de destino", "Texto de anclaje"], "Spanish"),
    (["Titre", "URL source", "URL cible", "Texte d'ancrage"], "French"),
    (["Titel", "Quell-URL", "Ziel-URL", "Ankertext"], "German"),
    (["Título", "URL de origem", "Página de destino", "Texto âncora"], "Portuguese"),
])
def test_translated_headers_are_read(names: list[str], language: str) -> None:
    rows = [[r[1], r[2], r[3], r[4]] for r in BODY]
    export = recognise_file(as_csv(names, rows, ";"), f"{language}.csv", "ajblive.com")
    assert set(export.understood) >= {"title", "source_url", "target_url", "anchor"}, language
    assert list(export.frame["title"][:2]) == [BODY[0][1], BODY[1][1]]


def test_a_crawler_list_with_urls_in_a_backlink_column() -> None:
    rows = [[r[2], r[4], "200"] for r in BODY]
    export = recognise_file(as_csv(["backlink", "anchor_text", "status"], rows), "crawl.csv", "ajblive.com")
    assert export.understood["source_url"] == "backlink" and len(export.frame) == len(BODY)


def test_urls_found_by_their_values_when_no_header_names_them() -> None:
    rows = [[r[3], r[4], r[2]] for r in BODY]  # target page, anchor, linking page under headers nobody uses
    export = recognise_file(as_csv(["Ziel", "Spalte A", "Spalte B"], rows), "list.csv", "ajblive.com")
    assert export.understood["source_url"] == "Spalte B"  # the target column repeats one site: not the source
    assert any("read as page URLs" in w for w in export.warnings)
    assert export.frame["source_url"].iloc[0] == BODY[0][2]


def test_a_file_with_neither_is_still_refused_by_name() -> None:
    with pytest.raises(ExportFormatError, match="no column holds a domain or URL"):
        recognise_file(as_csv(["Foo", "Bar"], [["1", "2"], ["3", "4"]]), "bad.csv", "rival.com")


def test_gap_reads_an_xlsx_export_like_import_does(tmp_path: Path) -> None:
    path = tmp_path / "ajblive.com-backlinks.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in REAL:
        ws.append(row)
    wb.save(path)
    export = read_export_file(path)
    assert export.format == "Semrush backlinks" and export.sites == ["ajblive.com"] and len(export.frame) == 20
    out = tmp_path / "gap.csv"
    assert main(["gap", str(path), "--out", str(out)]) == 0
    assert "PK" not in out.read_text(encoding="utf-8")[:200]


def test_gap_reads_a_search_console_links_zip_from_its_link_list(tmp_path: Path) -> None:
    """Search Console's Links export is a zip of three tables; the site is in the zip's name."""
    import zipfile

    path = tmp_path / "https___rival.com_-Links-2026-05-18.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Top linking sites.csv", "Site,Linking pages,Target pages\nexample-dir.com,12,3\n")
        archive.writestr("Top linking text.csv", "Top linking text,Linking sites\nrival crm,40\n")
    export = read_export_file(path)
    assert export.format == "Search Console top linking sites" and export.sites == ["rival.com"]
    assert export.warnings[0] == ("read from the zip archive; left out 'Top linking text.csv' (a Search Console "
                                  "top linking text report)")
    out = tmp_path / "gap.csv"
    assert main(["gap", str(path), "--out", str(out)]) == 0
    assert "example-dir.com" in out.read_text(encoding="utf-8")


def test_gap_refuses_an_old_xls_workbook_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rival.com.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert main(["gap", str(path), "--out", str(tmp_path / "o.csv")]) == 2
    assert "old Excel (.xls)" in capsys.readouterr().err


def test_a_european_excel_export_is_read_as_written() -> None:
    text = ("Referring page URL;Referring page title;Domain rating;Domain traffic;External links;First seen\n"
            "https://a.com/ein-artikel;Über Vertrieb;45;1.307;12;21.06.2019\n"
            "https://b.com/zweiter-artikel;Größe;12,5;2.345.678;3;01.02.2020\n")
    export = recognise_file(text.encode("cp1252"), "konkurrent.com.csv", "konkurrent.com")
    assert export.frame["traffic"].tolist() == [1307.0, 2345678.0]  # counts: a dot groups thousands
    assert export.frame["authority"].tolist() == [45.0, 12.5]  # a decimal comma
    assert [str(d.date()) for d in export.frame["first_seen"]] == ["2019-06-21", "2020-02-01"]
    assert export.frame["title"].tolist() == ["Über Vertrieb", "Größe"]
    assert any("'1.307' were read as 1,307" in w for w in export.warnings)  # said, never silent
    assert any("Windows-1252" in w for w in export.warnings)


def test_a_list_of_links_with_no_header_row_loses_no_row() -> None:
    # as Search Console's links export and disavow tools write them: one URL a line, nothing else
    rows = "".join(f"{r[2]}\n" for r in BODY)
    export = recognise_file(rows.encode("utf-8"), "links.txt", "ajblive.com")
    assert export.frame["source_url"].tolist() == [r[2] for r in BODY]  # the first line too
    assert export.frame["row"].tolist()[:2] == [1, 2]
    assert any("no header row" in w for w in export.warnings)


def test_search_consoles_link_exports_are_read_by_their_own_headers() -> None:
    """Google Search Console's Links report: 'Top linking sites' (one row a site) and 'Latest links'."""
    sites = recognise_file(as_csv(["Top linking sites", "Linking pages", "Target pages"],
                                  [["hcai.ca.gov", "12", "5"], ["bbb.org", "3", "1"]]), "sites.csv", "rival.com")
    assert sites.understood["domain"] == "Top linking sites"
    assert sites.understood["links_to_target"] == "Linking pages"
    assert not any("read as" in w for w in sites.warnings)  # named by its header, not guessed from its cells
    latest = recognise_file(as_csv(["Linking page", "Last crawled"],
                                   [[BODY[0][2], "2026-09-20"], [BODY[1][2], "Sep 15, 2026"]]), "latest.csv",
                            "rival.com")
    assert latest.understood["source_url"] == "Linking page" and latest.understood["last_seen"] == "Last crawled"
    assert list(latest.frame["source_url"]) == [BODY[0][2], BODY[1][2]]


def test_bing_webmaster_tools_referring_domains_are_read_with_their_link_counts() -> None:
    """Bing Webmaster Tools' Backlinks export: a BOM, every cell quoted, CRLF, and each domain written as a URL
    ('https://msn.com') with its count of links to the site."""
    data = b'\xef\xbb\xbf"Domain","Backlinks Count"\r\n"https://msn.com","2"\r\n"https://www.bbc.co.uk","14"\r\n'
    export = recognise_file(data, "rival.com_ReferringDomains.csv", "rival.com")
    assert export.format == "Bing Webmaster Tools referring domains"
    assert export.understood["links_to_target"] == "Backlinks Count"
    assert list(export.frame["links_to_target"]) == [2, 14]
    assert any("no authority column" in w for w in export.warnings)


def test_rel_words_in_one_column_are_read_as_nofollow_ugc_and_sponsored() -> None:
    """Moz-style 'Link Type' cells and a 'Follow' column written in words, not true/false."""
    rows = [[BODY[i][2], BODY[i][4], rel] for i, rel in enumerate(
        ["nofollow", "follow", "nofollow, ugc", "sponsored", "image", "Dofollow"])]
    export = recognise_file(as_csv(["Source URL", "Anchor Text", "Link Type"], rows), "moz.csv", "rival.com")
    frame = export.frame
    assert export.understood["link_rel"] == "Link Type"
    assert list(frame["nofollow"].astype(object).where(frame["nofollow"].notna(), None)) == [
        True, False, True, True, None, False]  # 'image' says nothing about rel
    assert list(frame["ugc"].fillna(False)) == [False, False, True, False, False, False]
    assert list(frame["sponsored"].fillna(False)) == [False, False, False, True, False, False]
    worded = recognise_file(as_csv(["Source URL", "Follow"], [[BODY[0][2], "nofollow"], [BODY[1][2], "follow"]]),
                            "follow.csv", "rival.com")
    assert list(worded.frame["nofollow"]) == [True, False]


@pytest.mark.parametrize(("header", "row", "report", "instead"), [
    ("Keyword,Position,Previous position,Search Volume,Keyword Difficulty,CPC,URL,Traffic,Traffic (%)",
     "crm software,3,4,12000,78,12.5,https://rival.com/crm,900,12.1", "Semrush organic positions", "Backlinks"),
    ("Keyword\tCountry\tVolume\tKD\tCPC\tOrganic traffic\tCurrent position\tCurrent URL",
     "crm software\tus\t12000\t78\t12.5\t900\t3\thttps://rival.com/crm", "Ahrefs organic keywords", "Backlinks"),
    ("URL\tCurrent traffic\tCurrent # of keywords\tCurrent top keyword\tCurrent top keyword: Volume",
     "https://rival.com/crm\t900\t120\tcrm software\t12000", "Ahrefs top pages", "Backlinks"),
    ("Anchor\tReferring domains\tDofollow\tFirst seen\tLost", "rival\t120\t80\t2020-01-01\t", "Ahrefs anchors",
     "Referring domains"),
    ("Anchor,Domains,Backlinks,First seen,Last seen", "rival,120,400,2020-01-01,2026-11-01", "Semrush anchors",
     "Referring domains"),
    ("Domain\tDR\tLinked pages\tLinks from target\tDofollow links\tFirst seen", "example.com\t50\t3\t5\t5\t2020-01-01",
     "Ahrefs linked domains", "Referring domains"),
    ("Domain,Competitor Relevance,Common Keywords,Organic Keywords,Organic Traffic",
     "other.com,0.5,120,3400,12000", "Semrush organic competitors", "Referring domains"),
    ("Top target pages,Incoming links,Linking sites", "https://rival.com/,120,40", "Search Console top linked pages",
     "Top linking sites"),
    ("Top linking text,Linking sites", "rival crm,40", "Search Console top linking text", "Top linking sites"),
    ("Target page,Internal links", "https://rival.com/,481", "Search Console internal links", "Latest links"),
    ('"Anchor","Backlinks Count"', '"rival crm","2"', "Bing Webmaster Tools anchors", "referring domains"),
    ("Top pages,Clicks,Impressions,CTR,Position", "https://rival.com/crm,120,3400,3.5%,8.2",
     "Search Console performance", "Latest links"),
    ("Top queries,Clicks,Impressions,CTR,Position", "crm software,120,3400,3.5%,8.2", "Search Console performance",
     "Top linking sites"),
    ("URL,Last crawled", "https://rival.com/pricing,2026-01-03", "Search Console pages (indexing)", "Latest links"),
    ("Grund,URL,Zuletzt gecrawlt,Host", "Seite mit Weiterleitung,https://rival.com/alt,21.08.2026,rival.com",
     "Search Console pages (indexing)", "Latest links"),  # a German user's export
    ("URL,Último rastreo", "https://rival.com/post/foo,8 may 2026", "Search Console pages (indexing)", "Latest links"),
])
def test_keyword_page_anchor_and_outgoing_reports_are_refused_by_name(header: str, row: str, report: str,
                                                                     instead: str) -> None:
    """A rankings, top pages, anchors, outgoing or competitors report holds the site's own pages, keywords or
    the sites it links to: read as links, its rows would become false prospects. It is refused by name, with
    the export to use instead."""
    data = (header + "\n" + row + "\n" + row + "\n").encode("utf-8")
    with pytest.raises(WrongReportError) as caught:
        recognise_file(data, "rival.com.csv", "rival.com")
    assert caught.value.report == report
    article = "an" if report.startswith("Ahrefs") else "a"
    assert f"is {article} {report} report" in caught.value.message
    assert "instead" in caught.value.message and instead in caught.value.message
