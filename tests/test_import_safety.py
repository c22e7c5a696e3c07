"""`import` never loses rows: a file with no link rows changes nothing, parts are appended, another site's
export is refused unless forced. On both stores, through the service the CLI and the menu call."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sheets_bridge.exceptions import ExportFormatError
from sheets_bridge.intake.ingest import as_rows
from sheets_bridge.service.actions import import_export
from sheets_bridge.store.base import Store

CORPUS = Path(__file__).resolve().parents[1] / "benchmarks" / "corpus" / "files"
REAL = list(csv.reader((CORPUS / "ajblive.com-backlinks.csv").open(encoding="utf-8")))


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def tab(store: Store, name: str) -> list[list[Any]]:
    return [r for r in as_rows(store.read_named([name]).get(name) or []) if any(str(c).strip() for c in r)]


def test_a_header_only_export_changes_nothing(make_store: Callable[..., Store]) -> None:
    store = make_store({"Settings": [["Your domain", "mine.com"]]})
    import_export(store, as_csv(REAL), "ajblive.csv", "ajblive.com")
    before = tab(store, "ajblive.com")
    refused = re.escape("would replace 20 rows of tab 'ajblive.com' with 0, so nothing")
    with pytest.raises(ExportFormatError, match=refused):
        import_export(store, as_csv(REAL[:1]), "filtered.csv", "ajblive.com")
    assert tab(store, "ajblive.com") == before


def test_parts_are_appended_without_duplicates(make_store: Callable[..., Store]) -> None:
    store = make_store({"Settings": [["Your domain", "mine.com"]]})
    first = import_export(store, as_csv(REAL[:11]), "part1.csv", "ajblive.com")
    assert first["added"] == 10 and not first["appended"]
    second = import_export(store, as_csv([REAL[0], *REAL[8:21]]), "part2.csv", "ajblive.com", append=True)
    assert second["appended"] and second["added"] == 10 and second["total"] == 20
    assert any("3 rows were already in tab" in w for w in second["warnings"])
    rows = tab(store, "ajblive.com")
    assert len(rows) == 21 and [str(r[2]) for r in rows[1:]] == [r[2] for r in REAL[1:]]


def test_appending_another_exports_columns_is_refused(make_store: Callable[..., Store]) -> None:
    store = make_store({"Settings": [["Your domain", "mine.com"]]})
    import_export(store, as_csv(REAL), "a.csv", "ajblive.com")
    other = [["Referring page URL", "Anchor"], ["https://x.com/a-b", "x"]]
    with pytest.raises(ExportFormatError, match=re.escape("other columns than tab 'ajblive.com'")):
        import_export(store, as_csv(other), "b.csv", "ajblive.com", append=True)
    assert len(tab(store, "ajblive.com")) == 21


def test_another_sites_export_is_refused_unless_forced(make_store: Callable[..., Store]) -> None:
    store = make_store({"Settings": [["Your domain", "mine.com"]]})
    with pytest.raises(ExportFormatError, match=re.escape("target URLs are on ajblive.com, not rival.com")):
        import_export(store, as_csv(REAL), "wrong.csv", "rival.com")
    assert tab(store, "rival.com") == []
    forced = import_export(store, as_csv(REAL), "wrong.csv", "rival.com", force=True)
    assert forced["added"] == 20 and any("not rival.com" in w for w in forced["warnings"])


def test_an_old_xls_workbook_is_refused_in_one_line(make_store: Callable[..., Store]) -> None:
    store = make_store({"Settings": [["Your domain", "mine.com"]]})
    with pytest.raises(ExportFormatError, match=r"old Excel \(.xls\) workbook: open it and save it as .xlsx"):
        import_export(store, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "rival.xls", "rival.com")


def _zip(members: dict[str, bytes]) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def test_a_workbook_that_unpacks_like_a_bomb_is_refused_before_parsing(make_store: Callable[..., Store]) -> None:
    from sheets_bridge.exceptions import WorkbookError

    row = b'<row><c t="inlineStr"><is><t>https://a.com/x</t></is></c></row>'
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"<sheetData>" + row * 400_000})
    assert len(bomb) < 1_000_000
    store = make_store({"Settings": [["Your domain", "mine.com"]]})
    with pytest.raises(WorkbookError, match=r"unpacks .* times its size: that is not an export"):
        import_export(store, bomb, "big.xlsx", "rival.com")
    assert tab(store, "rival.com") == []


def test_a_broken_workbook_is_named_not_a_crash(make_store: Callable[..., Store]) -> None:
    from sheets_bridge.exceptions import WorkbookError

    broken = _zip({"[Content_Types].xml": b"<Types", "xl/workbook.xml": b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]><x>&a;</x>"})
    store = make_store({"Settings": [["Your domain", "mine.com"]]})
    with pytest.raises(WorkbookError, match=re.escape("File 'broken.xlsx' is not a readable Excel workbook")):
        import_export(store, broken, "broken.xlsx", "rival.com")


SEARCH_CONSOLE_LINKS = {  # what Search Console's "Export external links" zip holds (one file per table)
    "Top linking sites.csv": b"Site,Linking pages,Target pages\nexample-dir.com,12,3\nblog.example.org,3,1\n",
    "Top linked pages - externally.csv": b"Target page,Incoming links,Linking sites\nhttps://rival.com/,120,40\n",
    "Top linking text.csv": b"Top linking text,Linking sites\nrival crm,40\n",
}


def test_a_search_console_links_zip_is_imported_from_its_link_list(make_store: Callable[..., Store]) -> None:
    """The zip's one link export (Top linking sites) becomes the tab; the other tables are named as left out."""
    store = make_store({"Settings": [["Your domain", "mine.com"]]})
    result = import_export(store, _zip(SEARCH_CONSOLE_LINKS), "https___rival.com_-Links-2026-05-18.zip",
                           "rival.com")
    assert [[str(c) for c in row] for row in tab(store, "rival.com")] == [
        ["Site", "Linking pages", "Target pages"], ["example-dir.com", "12", "3"], ["blog.example.org", "3", "1"]]
    said = " ".join(result["warnings"])
    assert "read from the zip archive" in said
    assert "'Top linked pages - externally.csv' (a Search Console top linked pages report)" in said


@pytest.mark.parametrize(("members", "message"), [
    ({k: v for k, v in SEARCH_CONSOLE_LINKS.items() if k != "Top linking sites.csv"},
     "no link export in it: it holds 'Top linked pages - externally.csv' (a Search Console top linked pages"),
    ({**SEARCH_CONSOLE_LINKS, "Latest links.csv": b"Linking page,Last crawled\nhttps://a.example.org/x,2026-01-02\n"},
     "holds 2 link exports ('Top linking sites.csv', 'Latest links.csv'): unzip it"),
    ({"notes.md": b"# links\n"}, "is a zip archive with no CSV file in it (it holds notes.md)"),
    ({"Top linking sites.csv": b"Site,Linking pages\n" + b"a" * (12 * 2**20)}, "unpacks 1,"),
])
def test_a_zip_without_exactly_one_link_export_is_refused_and_changes_nothing(
        make_store: Callable[..., Store], members: dict[str, bytes], message: str) -> None:
    store = make_store({"Settings": [["Your domain", "mine.com"]]})
    with pytest.raises(ExportFormatError, match=re.escape(message)):
        import_export(store, _zip(members), "rival.com-links.zip", "rival.com")
    assert tab(store, "rival.com") == []


def test_a_zip_that_lies_about_a_members_size_is_refused_not_inflated(make_store: Callable[..., Store]) -> None:
    """A member declared at 100 bytes that inflates to 1.6 MB: read no further than declared, it fails its CRC and
    the file is refused in one sentence, never a crash, and the tab is untouched."""
    import struct

    data = bytearray(_zip({"Top linking sites.csv": b"Site,Linking pages\n" + b"a.example.org,1\n" * 100_000}))
    struct.pack_into("<I", data, data.rfind(b"PK\x01\x02") + 24, 100)  # the central directory's size
    struct.pack_into("<I", data, 22, 100)  # the local header's
    store = make_store({"Settings": [["Your domain", "mine.com"]]})
    with pytest.raises(ExportFormatError, match=re.escape("holds 'Top linking sites.csv', which cannot be unpacked")):
        import_export(store, bytes(data), "rival.com-links.zip", "rival.com")
    assert tab(store, "rival.com") == []
