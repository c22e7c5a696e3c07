"""Recognising exports by their header row, from sheet values and from raw file bytes."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from unittest.mock import patch

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_bridge.exceptions import ExportFormatError
from sheets_bridge.intake import decode
from sheets_bridge.intake.decode import read_rows
from sheets_bridge.intake.ingest import Columns, recognise_columns, recognise_file, recognise_values

AHREFS_RD = ['"Domain"', '"Is spam"', '"DR"', '"Dofollow ref. domains"', '"Dofollow linked domains"',
             '"Traffic "', '"Keywords "', '"Links to target"', '"Dofollow links"', '"First seen"', '"Lost"']
FORMATS = [
    ("Ahrefs referring domains",
     ["Domain", "Is spam", "DR", "Dofollow ref. domains", "Dofollow linked domains", "Traffic ", "Keywords ",
      "Links to target", "Dofollow links", "First seen", "Lost"],
     ["a.com", "false", "54", "1,234", "12", "256.5K", "10", "3", "2", "2024-01-05 10:00:00", ""]),
    ("Ahrefs referring domains",
     ["#", "Domain", "Is spam", "DR", "Dofollow ref. domains", "Dofollow linked domains", "Traffic ",
      "Keywords ", "Links to target", "New links", "Lost links", "Dofollow links", "First seen", "Lost"],
     ["1", "a.com", "false", "54", "1,234", "12", "256.5K", "10", "3", "0", "0", "2", "2024-01-05", ""]),
    ("Ahrefs referring domains (older)", ["Referring domain", "Domain Rating", "Traffic"], ["a.com", "54", "10"]),
    ("Ahrefs backlinks",
     ["Referring page title", "Referring page URL", "Language", "Platform", "Referring page HTTP code",
      "Domain rating", "Domain traffic", "Referring domains", "Linked domains", "External links", "Page traffic",
      "Keywords", "Target URL", "Left context", "Anchor", "Right context", "Type", "Content", "Nofollow", "UGC",
      "Sponsored", "Rendered", "Raw", "Lost status", "Drop reason", "Discovered status", "First seen",
      "Last seen", "Lost", "Links in group"],
     ["Best tools", "https://a.com/best", "en", "cms", "200", "54", "1000", "300", "40", "12", "5", "3",
      "https://rival.com/", "", "rival", "", "text", "", "false", "false", "false", "true", "true", "", "", "",
      "2024-01-05 10:00:00", "2026-01-01 00:00:00", "", "1"]),
    ("Ahrefs link intersect",
     ["Referring page title", "Referring page URL", "Language", "Platform", "Type", "Author", "Redirect Code",
      "Domain rating", "UR", "Domain traffic", "Referring domains", "Page traffic", "Intersect", "rival-a.com/",
      "rival-b.com/"],
     ["Best tools", "https://a.com/best", "en", "cms", "text", "", "", "54", "10", "1000", "300", "5", "2",
      "1", "1"]),
    ("Semrush backlinks",
     ["Page ascore", "Source title", "Source url", "Target url", "Anchor", "External links", "Internal links",
      "Nofollow", "Sponsored", "Ugc", "Text", "Frame", "Form", "Image", "Sitewide", "First seen", "Last seen",
      "New link", "Lost link"],
     ["30", "Best tools", "https://a.com/best", "https://rival.com/", "rival", "12", "30", "false", "false",
      "false", "true", "false", "false", "false", "false", "2024-06-01", "2026-11-20", "false", "false"]),
    ("Semrush referring domains", ["Domain ascore", "Domain", "Backlinks", "Country"], ["44", "a.com", "3", "US"]),
    ("Semrush backlink gap", ["Domain", "Authority Score", "Matches", "rival-a.com", "rival-b.com"],
     ["a.com", "44", "2", "3", "1"]),
    ("Majestic backlinks",
     ["Target URL", "Source URL", "Anchor Text", "Source Crawl Date", "Source First Found Date", "FlagNoFollow",
      "FlagImageLink", "FlagRedirect", "FlagFrame", "FlagOldCrawl", "FlagAltText", "FlagMention",
      "SourceCitationFlow", "SourceTrustFlow", "TargetCitationFlow", "TargetTrustFlow"],
     ["https://rival.com/", "https://a.com/best", "rival", "2026-10-30", "2023-02-14", "-", "-", "-", "-", "-",
      "-", "-", "30", "25", "31", "28"]),
    ("Majestic referring domains", ["Domain", "RefDomains", "ExtBackLinks", "CitationFlow", "TrustFlow"],
     ["a.com", "300", "12", "30", "25"]),
    ("Moz linking domains", ["Root Domain", "Domain Authority", "Spam Score"], ["a.com", "40", "1%"]),
    ("Moz links", ["Source Page", "Target Page", "Anchor Text", "First Seen", "Nofollow"],
     ["https://a.com/best", "https://rival.com/", "rival", "2024-01-01", "false"]),
    ("Generic link list", ["Website", "Notes"], ["a.com", "hello"]),
]


@pytest.mark.parametrize(("name", "header", "row"), FORMATS, ids=[f[0] + str(i) for i, f in enumerate(FORMATS)])
def test_every_format_is_recognised(name: str, header: list[str], row: list[str]) -> None:
    export = recognise_values([header, row], "Tab 'rival.com'", "rival.com")
    assert export.format == name
    frame = export.frame
    assert len(frame) >= 1
    assert (frame["host"].str.contains("a.com")).all()


def test_header_matching_ignores_case_spaces_and_quotes() -> None:
    export = recognise_values([["  DOMAIN ", '"dr"', "Traffic  "], ["a.com", "5", "1"]], "Tab 'r.com'", "r.com")
    assert export.understood == {"domain": "DOMAIN", "authority:DR": '"dr"', "traffic": "Traffic"}


def test_values_are_parsed() -> None:
    header, row = FORMATS[0][1], FORMATS[0][2]
    frame = recognise_values([header, row], "Tab 'r.com'", "r.com").frame
    record = frame.iloc[0]
    assert record["authority"] == 54 and record["authority_scale"] == "DR"
    assert record["ref_domains"] == 1234 and record["traffic"] == 256_500
    assert record["first_seen"] == pd.Timestamp("2024-01-05 10:00:00")
    assert not record["lost"] and not record["vendor_spam"]


def test_multi_site_export_expands_to_one_row_per_site() -> None:
    _name, header, row = FORMATS[4]
    export = recognise_values([header, row, [*row[:13], "1", ""]], "Tab 'intersect'")
    assert sorted(export.sites) == ["rival-a.com", "rival-b.com"]
    assert sorted(export.frame["site"]) == ["rival-a.com", "rival-a.com", "rival-b.com"]


@pytest.mark.parametrize(("lost_header", "value", "lost"), [
    ("Lost", "2026-01-01 00:00:00", True), ("Lost", "", False), ("Lost link", "true", True),
    ("Lost link", "false", False), ("Lost status", "removed", True), ("Lost status", "", False),
])
def test_lost_links_are_marked(lost_header: str, value: str, lost: bool) -> None:
    frame = recognise_values([["Domain", lost_header], ["a.com", value]], "Tab 'r.com'", "r.com").frame
    assert bool(frame["lost"].iloc[0]) is lost


def test_header_found_below_a_title_row() -> None:
    values = [["Backlink report for rival.com"], [], ["Domain", "DR"], ["a.com", "5"]]
    export = recognise_values(values, "Tab 'r.com'", "r.com")
    assert export.frame["row"].tolist() == [4]


@pytest.mark.parametrize(("values", "message"), [
    ([["Foo", "Bar"], ["1", "2"]], "Tab 'competitor-a.com': no column holds a domain or URL (found: Foo, Bar)"),
    ([], "Tab 'competitor-a.com' is empty"),
    ([["", ""], ["", ""]], "Tab 'competitor-a.com' is empty"),
])
def test_unusable_tabs_raise_named_errors(values: list[list[str]], message: str) -> None:
    with pytest.raises(ExportFormatError) as info:
        recognise_values(values, "Tab 'competitor-a.com'", "competitor-a.com")
    assert str(info.value).startswith(message)


def test_site_from_target_url_when_tab_is_not_a_domain() -> None:
    values = [["Source url", "Target url"], ["https://a.com/x", "https://www.rival.com/page"]]
    assert recognise_values(values, "Tab 'Sheet1'").sites == ["rival.com"]


def test_site_unknown_says_how_to_fix() -> None:
    with pytest.raises(ExportFormatError, match="name the tab after the site's domain"):
        recognise_values([["Domain"], ["a.com"]], "Tab 'Sheet1'")


def _tsv(rows: list[list[str]]) -> str:
    return "\r\n".join("\t".join(f'"{c}"' for c in r) for r in rows) + "\r\n"


@pytest.mark.parametrize("encode", [
    lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    lambda text: text.encode("utf-16-le"),
    lambda text: codecs.BOM_UTF8 + text.replace("\t", ",").encode("utf-8"),
    lambda text: text.replace("\t", ";").encode("utf-8"),
    lambda text: text.replace("\t", ",").encode("cp1252"),
], ids=["utf16-bom-tsv", "utf16-no-bom", "utf8-bom-csv", "utf8-semicolon", "cp1252"])
def test_file_encodings_and_delimiters(encode: object) -> None:
    rows = [[h.strip('"') for h in AHREFS_RD],
            ["café.fr", "false", "54", "1,234", "12", "256.5K", "10", "3", "2", "2024-01-05 10:00:00", ""]]
    export = recognise_file(encode(_tsv(rows)), "export.csv", "rival.com")  # type: ignore[operator]
    assert export.format == "Ahrefs referring domains"
    assert export.frame["host"].tolist() == ["café.fr"]
    assert export.frame["ref_domains"].tolist() == [1234.0]


_ENCODINGS = {
    "utf16-bom": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf16-be-bom": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "utf16-no-bom": lambda text: text.encode("utf-16-le"),
    "utf8": lambda text: text.encode("utf-8"),
    "utf8-bom": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "cp1252": lambda text: text.encode("cp1252", errors="replace"),
}


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(sorted(_ENCODINGS)), chunk=st.integers(1, 9),
       cells=st.lists(st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=6),
                      min_size=1, max_size=12))
def test_a_file_read_from_disk_is_the_export_its_bytes_are(tmp_path_factory: pytest.TempPathFactory, name: str,
                                                          chunk: int, cells: list[str]) -> None:
    """A UTF-16 file transcoded as it is read (a few bytes at a time here, so chunks split characters,
    surrogate pairs and the BOM) gives the text Python's codec gives, NULs dropped; any other file its bytes."""
    text = "Referring page URL\tAnchor\r\n" + "".join(f"https://a{i}.com/\t{c}\r\n" for i, c in enumerate(cells))
    raw = _ENCODINGS[name](text.replace("\x00", ""))
    path = tmp_path_factory.mktemp("export") / "rival.com.tsv"
    path.write_bytes(raw)
    with patch.object(decode, "_CHUNK", chunk):
        got = decode.file_bytes(path)
    if name.startswith("utf16"):
        assert bytes(got).decode("utf-8") == raw.decode("utf-16" if "bom" in name else "utf-16-le").lstrip("\ufeff")
    else:
        assert bytes(got) == raw
    assert recognise_file(got, path.name, "rival.com").frame.equals(recognise_file(raw, path.name, "rival.com").frame)


def test_a_file_longer_than_the_sniffed_head_is_read_whole(tmp_path: Path) -> None:
    raw = ("Referring page URL,Anchor\r\n" + "".join(f"https://a{i}.com/,é {i}\r\n" for i in range(2000))).encode()
    assert len(raw) > 3 * 4096
    path = tmp_path / "rival.com.csv"
    path.write_bytes(raw)
    assert bytes(decode.file_bytes(path)) == raw


def test_a_file_that_only_looks_utf16_is_read_as_it_is(tmp_path: Path) -> None:
    """NULs at every other byte, then bytes no UTF-16 decoder takes (a lone low surrogate): read as they are."""
    raw = "abcdefgh".encode("utf-16-le") + b"\x00\xdc" + b"x" * 6
    assert raw[1::2].count(0) > len(raw) // 4  # so it is taken for UTF-16 at first
    path = tmp_path / "odd.csv"
    path.write_bytes(raw)
    assert decode.file_bytes(path) == raw


def test_malformed_csv_rows_are_reported_not_fatal() -> None:
    data = b'Source URL,Anchor Text\nhttps://a.com/x,ok\n"https://b.com/y,broken\nhttps://c.com/z,ok,extra\n'
    export = recognise_file(data, "majestic.csv", "rival.com")
    assert "a.com" in export.frame["host"].iloc[0]
    assert any("different number of cells" in w for w in export.warnings)


def test_empty_file() -> None:
    with pytest.raises(ExportFormatError, match=r"File 'x\.csv' is empty"):
        recognise_file(b"\xff\xfe", "x.csv", "rival.com")


def test_formulas_and_long_cells_stay_text() -> None:
    values = [["Source url", "Anchor"], ["https://a.com/x", '=IMPORTXML("http://evil","//a")'],
              ["https://b.com/y", "x" * 50_000]]
    frame = recognise_values(values, "Tab 'r.com'", "r.com").frame
    assert frame["anchor"].iloc[0].startswith("=IMPORTXML")
    assert len(frame["anchor"].iloc[1]) == 50_000


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_give_an_export_or_the_named_error(data: bytes) -> None:
    try:
        export = recognise_file(data, "fuzz.csv", "rival.com")
    except ExportFormatError as exc:
        assert "fuzz.csv" in str(exc)
    else:
        assert next(iter(export.frame.columns)) == "site"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.one_of(st.text(max_size=15), st.none(), st.integers(), st.floats()), max_size=6),
                max_size=8))
def test_any_values_give_an_export_or_the_named_error(values: list[list[object]]) -> None:
    try:
        recognise_values(values, "Tab 'r.com'", "r.com")
    except ExportFormatError as exc:
        assert str(exc).startswith("Tab 'r.com'")


_CELL = st.one_of(st.sampled_from(["", " ", "12", "1,234", "true", "2024-01-05 10:00:00", "N/A", "256.5K"]),
                  st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                          max_size=8))
_HOSTS = st.sampled_from(["https://a.com/x", "b.co.uk", "http://www.c.org/p?q=1", "", "shop.blogspot.com",
                          "1.2.3.4", "café.fr", "not a host"])


def _csv_text(rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@settings(max_examples=120, deadline=None)
@given(st.lists(st.tuples(_HOSTS, _CELL, _CELL, _CELL), max_size=12), st.sampled_from([",", "\t", ";"]),
       st.sampled_from(["utf-8", "utf-16", "cp1252"]), st.integers(0, 2), st.booleans())
def test_columnar_reader_matches_the_row_reader(body: list[tuple[str, str, str, str]], delimiter: str,
                                                encoding: str, preamble: int, blank_lines: bool) -> None:
    """The Arrow path gives the frame the csv-module path gives, on any well-formed export."""
    rows = [["Report for rival.com"]] * preamble + [["Referring page URL", "Domain rating", "Anchor", "Lost"]]
    for cells in body:
        rows.append(list(cells))
        if blank_lines:
            rows.append([])
    text = _csv_text(rows, delimiter)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    try:
        row_rows, warnings = read_rows(data, "x.csv")
        expected = recognise_values(row_rows, "File 'x.csv'", "rival.com")
    except ExportFormatError as exc:
        with pytest.raises(ExportFormatError) as raised:
            recognise_file(data, "x.csv", "rival.com")
        assert str(raised.value) == str(exc)
        return
    got = recognise_file(data, "x.csv", "rival.com")
    assert got.format == expected.format and got.understood == expected.understood
    if not preamble:  # the row reader measures raggedness against the first row, a title row here
        assert got.warnings == warnings + expected.warnings
    pd.testing.assert_frame_equal(got.frame.astype(object), expected.frame.astype(object))


def test_ragged_rows_take_the_repairing_reader() -> None:
    data = b"Referring page URL,Anchor\nhttps://a.com/x,ok\nhttps://c.com/z,ok,extra\nhttps://d.com/\n"
    export = recognise_file(data, "x.csv", "rival.com")
    assert export.frame["host"].tolist() == ["https://a.com/x", "https://c.com/z", "https://d.com/"]
    assert export.frame["row"].tolist() == [2, 3, 4]


def test_rows_of_blank_cells_are_dropped_like_blank_lines() -> None:
    data = b"Referring page URL,Anchor\nhttps://a.com/x,ok\n,\n \t, \n\nhttps://b.com/y,\n"
    export = recognise_file(data, "x.csv", "rival.com")
    assert export.frame["source_url"].tolist() == ["https://a.com/x", "https://b.com/y"]
    assert export.rows_read == 2


_SHEET_CELL = st.one_of(st.none(), st.sampled_from(["", "12", "true", "N/A", "2024-01-05"]), st.integers(-5, 10**6),
                        st.sampled_from([0, 0.0, 1, 1.0, False, True, 10**20]),
                        st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.text(max_size=6))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.one_of(_HOSTS, _SHEET_CELL), max_size=6), max_size=10), st.integers(0, 2))
def test_columns_give_what_rows_give(body: list[list[object]], preamble: int) -> None:
    """A tab read column by column is recognised exactly as the same tab read row by row."""
    header = ["Referring page URL", "Domain rating", "Anchor", "Nofollow", "First seen"]
    rows: list[list[object]] = [["Report"]] * preamble + [header] + body
    rows = [_trim(r) for r in rows]
    width = max((len(r) for r in rows), default=0)
    columns = Columns([_trim([r[i] if i < len(r) else "" for r in rows]) for i in range(width)])
    try:
        expected = recognise_values(rows, "Tab 'r.com'", "r.com")
    except ExportFormatError as exc:
        with pytest.raises(ExportFormatError) as raised:
            recognise_columns(columns, "Tab 'r.com'", "r.com")
        assert str(raised.value) == str(exc)
        return
    got = recognise_columns(columns, "Tab 'r.com'", "r.com")
    assert (got.format, got.understood, got.ignored, got.warnings, got.rows_read) == (
        expected.format, expected.understood, expected.ignored, expected.warnings, expected.rows_read)
    pd.testing.assert_frame_equal(got.frame.astype(object), expected.frame.astype(object))


def _trim(cells: list[object]) -> list[object]:
    """Drop trailing empty cells, as the Sheets API does in both dimensions."""
    cells = list(cells)
    while cells and cells[-1] in ("", None):
        cells.pop()
    return cells


@given(st.text(alphabet=st.sampled_from(["a", "é", "😀", "\x00", ",", "\n", "中", "\t"]), max_size=60),
       st.sampled_from(["utf-16", "utf-16-le"]), st.integers(1, 9))
def test_utf16_is_transcoded_in_chunks_exactly_as_at_once(text: str, encoding: str, chunk: int) -> None:
    """Chunk edges may split a code unit or a surrogate pair: the result is the one-shot decode's."""
    data = text.encode(encoding)
    with patch.object(decode, "_CHUNK", chunk):
        assert decode._transcode(data, encoding) == data.decode(encoding).replace("\x00", "").encode("utf-8")


@given(st.one_of(st.binary(max_size=40), st.text(max_size=20).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_utf8_checked_in_place_as_python_decodes_it(data: bytes) -> None:
    try:
        data.decode("utf-8")
        valid = True
    except UnicodeDecodeError:
        valid = False
    assert decode._is_utf8(data) == valid


EUROPEAN = ("Referring page URL;Referring page title;Domain rating;Referring domains;First seen\r\n"
            "https://alpha.de/ressourcen;Ressourcen für CRM;45;1.307;21.06.2019\r\n"
            "https://beta.fr/liste;Liste;52,5;12;03.02.2020\r\n").encode("cp1252")


def test_a_european_excel_export_is_read_as_its_author_wrote_it_and_says_how() -> None:
    rows, warnings = read_rows(EUROPEAN, "rival-eu.com.csv")
    export = recognise_values(rows, "File 'rival-eu.com.csv'", "rival-eu.com")
    frame = export.frame
    assert list(frame["authority"]) == [45.0, 52.5]  # decimal comma
    assert list(frame["ref_domains"]) == [1307.0, 12.0]  # dot between thousands in a count
    assert [d.date().isoformat() for d in frame["first_seen"]] == ["2019-06-21", "2020-02-03"]  # day first
    assert frame.loc[0, "title"] == "Ressourcen für CRM"  # Windows-1252
    assert any("Windows-1252" in w for w in warnings)
    assert any("1.307" in w and "1,307" in w for w in export.warnings)


@pytest.mark.parametrize(("dates", "expected", "said"), [
    (["03/02/2020", "12/25/2020"], ["2020-03-02", "2020-12-25"], False),  # one date says month first: all are
    (["03/02/2020", "25/12/2020"], ["2020-02-03", "2020-12-25"], False),  # one says day first
    (["03/02/2020", "04/05/2021"], ["2020-02-03", "2021-05-04"], True),  # nothing says: day first, and told
])
def test_slash_dates_are_read_one_way_for_the_whole_column(dates: list[str], expected: list[str], said: bool) -> None:
    rows = [["Referring page URL", "First seen"]] + [[f"https://a{i}.com/x", d] for i, d in enumerate(dates)]
    export = recognise_values(rows, "File 'x.csv'", "rival.com")
    assert [d.date().isoformat() for d in export.frame["first_seen"]] == expected
    told = [w for w in export.warnings if "day or month first" in w]
    assert bool(told) == said
    if said:
        assert "03/02/2020" in told[0] and "03 February 2020" in told[0]


def test_majestic_matched_links_are_the_links_to_the_competitor_and_ext_backlinks_are_not() -> None:
    """In Majestic's Ref Domains export, MatchedLinks counts the links from that domain to the site looked up;
    ExtBackLinks and RefDomains describe the referring domain's own link profile."""
    export = recognise_values([["Domain", "RefDomains", "ExtBackLinks", "MatchedLinks", "CitationFlow", "TrustFlow"],
                               ["a.com", "300", "50000", "3", "30", "25"]], "Tab 'rival.com'", "rival.com")
    assert export.understood["links_to_target"] == "MatchedLinks"
    assert export.frame["links_to_target"].iloc[0] == 3
    assert export.frame["ref_domains"].iloc[0] == 300
    only_ext = recognise_values([["Domain", "RefDomains", "ExtBackLinks", "TrustFlow"],
                                 ["a.com", "300", "50000", "25"]], "Tab 'rival.com'", "rival.com")
    assert "links_to_target" not in only_ext.understood  # the domain's own backlinks are not links to the rival


def test_moz_linking_domains_to_root_domain_is_the_domains_own_popularity() -> None:
    export = recognise_values([["Root Domain", "Domain Authority", "Linking Domains to Root Domain", "Links to Target"],
                               ["a.com", "54", "1200", "3"]], "Tab 'rival.com'", "rival.com")
    assert export.frame["ref_domains"].iloc[0] == 1200 and export.frame["links_to_target"].iloc[0] == 3


def test_an_ahrefs_row_of_grouped_similar_links_counts_each_of_them() -> None:
    """Ahrefs groups similar links from one page into one row and says how many in 'Links in group'."""
    export = recognise_values([["Referring page URL", "Referring page title", "Anchor", "Links in group"],
                               ["https://a.com/blogroll", "Friends", "rival", "4"],
                               ["https://b.com/post", "A post", "rival", "1"]], "Tab 'rival.com'", "rival.com")
    assert export.understood["links_to_target"] == "Links in group"
    assert export.frame["links_to_target"].tolist() == [4, 1]


def test_an_ahrefs_referring_domain_with_no_dofollow_link_links_only_with_nofollow() -> None:
    """Ahrefs' Referring domains export says per domain how many of its links to the site are followed
    ('Dofollow links'): none of 3 is a nofollow-only domain, 2 of 3 is not, and a blank says nothing."""
    export = recognise_values([["Domain", "DR", "Dofollow ref. domains", "Links to target", "Dofollow links"],
                               ["a.com", "40", "10", "3", "0"], ["b.com", "40", "10", "3", "2"],
                               ["c.com", "40", "10", "3", ""]], "Tab 'rival.com'", "rival.com")
    assert export.understood["dofollow_links"] == "Dofollow links"
    assert export.frame["nofollow"].tolist()[:2] == [True, False]
    assert pd.isna(export.frame["nofollow"].iloc[2])
    assert export.frame["ref_domains"].tolist() == [10, 10, 10]  # 'Dofollow ref. domains' is another count


def test_a_title_row_and_a_quoted_line_break_do_not_hide_the_tab_delimiter() -> None:
    """Found by the columnar-vs-row property: a title row above the header splits into one cell whatever the
    delimiter, and a quoted cell holding a line break is one cell; the tab still splits the header and rows,
    so both readers read the same Ahrefs export."""
    data = (b"Report for rival.com\r\nReferring page URL\tDomain rating\tAnchor\tLost\r\n"
            b"https://a.com/x\t\t\t\r\nhttps://a.com/x\t\t\t\"\n\"\r\nhttps://b.com/y\t12\trival\t\r\n")
    rows, _ = read_rows(data, "x.csv")
    assert rows[1] == ["Referring page URL", "Domain rating", "Anchor", "Lost"]
    by_rows = recognise_values(rows, "File 'x.csv'", "rival.com")
    by_columns = recognise_file(data, "x.csv", "rival.com")
    assert by_rows.format == by_columns.format == "Ahrefs backlinks"
    assert by_columns.frame["host"].tolist() == ["https://a.com/x", "https://a.com/x", "https://b.com/y"]


def test_a_comma_in_a_title_row_does_not_outvote_the_tab_separated_table() -> None:
    data = b"Backlinks report, rival.com\nReferring page URL\tAnchor\tDomain rating\nhttps://a.com/x\tok\t5\n"
    assert recognise_file(data, "x.csv", "rival.com").frame["host"].tolist() == ["https://a.com/x"]
