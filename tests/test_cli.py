"""The command line, end to end on the demo workbook, with a golden result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sheets_bridge import contract
from sheets_bridge.cli import main
from sheets_bridge.store.xlsx import XlsxStore

GOLDEN = Path(__file__).parent / "golden" / "demo.json"
PLANTED = ["salesgrowthhub.com", "smallbizresources.org", "thecrmreview.net", "startupstack.io",
           "revenuejournal.co.uk", "leadgenweekly.com"]


ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sheets_bridge.cli", *args], capture_output=True, text=True,
                          check=False, cwd=cwd, env=ENV)


def golden_view(path: Path) -> dict[str, object]:
    rows = XlsxStore(path).read_tabs()[contract.PROSPECTS]
    header = rows[0]
    records = [dict(zip(header, r, strict=False)) for r in rows[1:]]
    keep = ("Domain", "Priority", "Tier", "Page type", "Target URL", "Why", "Flags")
    by_domain = {r["Domain"]: r for r in records}
    return {
        "prospects": len(records),
        "tiers": {t: sum(1 for r in records if r["Tier"] == t) for t in "ABC"},
        "top10": [{k: r[k] for k in keep} for r in records[:10]],
        "planted": {d: {k: str(by_domain[d][k]) for k in ("Touches", "Last touch", "Next follow-up", "Next action")}
                    for d in PLANTED},
    }


def test_demo_matches_golden(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo.xlsx"
    assert main(["demo", "--out", str(out), "--today", "2026-11-26"]) == 0
    printed = capsys.readouterr().out
    assert "Top 10 prospects:" in printed and "Excluded" in printed and "already links to you" in printed
    view = golden_view(out)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(view, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert view == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_score_twice_is_stable(demo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(demo_copy), "--today", "2026-11-26"]) == 0
    first = golden_view(demo_copy)
    assert main(["score", str(demo_copy), "--today", "2026-11-26", "--top", "0"]) == 0
    assert "0 new" in capsys.readouterr().out
    assert golden_view(demo_copy) == first


def test_import_adds_a_tab(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "rival.csv"
    export.write_bytes(b"\xef\xbb\xbfPage ascore,Source url,Anchor\n12,https://a.com/x,=HYPERLINK(\"x\")\n")
    book = tmp_path / "book.xlsx"
    assert main(["import", str(book), str(export), "--domain", "https://www.Rival.com/"]) == 0
    assert "Tab 'rival.com': 1 rows, Semrush backlinks" in capsys.readouterr().out
    tabs = XlsxStore(book).read_tabs()
    assert tabs["rival.com"] == [["Page ascore", "Source url", "Anchor"], [12, "https://a.com/x", '=HYPERLINK("x")']]


def test_import_takes_the_site_from_the_file_name_when_no_domain_is_given(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A Search Console download keeps its own name, which says the property."""
    export = tmp_path / "https___rival.com_-Latest links-2026-05-18.csv"
    export.write_text("Linking page,Last crawled\nhttps://blog.example.org/a-post,2026-05-01\n", encoding="utf-8")
    book = tmp_path / "book.xlsx"
    assert main(["import", str(book), str(export)]) == 0
    assert "Tab 'rival.com': 1 rows, Search Console latest links" in capsys.readouterr().out
    assert XlsxStore(book).read_tabs()["rival.com"][1][0] == "https://blog.example.org/a-post"


@pytest.mark.parametrize(("args", "message"), [
    (["score", "missing.xlsx"], "No workbook at 'missing.xlsx'"),
    (["import", "book.xlsx", "missing.csv", "--domain", "r.com"], "no file at 'missing.csv'"),
    (["import", "book.xlsx", "bad.csv", "--domain", "r.com"], "File 'bad.csv': no column holds a domain or URL"),
    (["import", "book.xlsx", "bad.csv", "--domain", "not a domain"], "'not a domain' is not a valid host name"),
    (["import", "book.xlsx", "bad.csv"], "the name 'bad.csv' does not say which site the export describes"),
])
def test_user_errors_exit_2_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "bad.csv").write_text("Foo,Bar\n1,2\n", encoding="utf-8")
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_unusable_workbook_exits_2(tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    XlsxStore(book, create=True).replace_tabs({"Settings": [["Your domain", "mine.com"]],
                                               "competitor-a.com": [["Foo", "Bar"], [1, 2]]})
    result = run("score", str(book))
    assert result.returncode == 2
    assert result.stderr.strip() == ("sheets-bridge: Tab 'competitor-a.com': no column holds a domain or URL "
                                     "(found: Foo, Bar)")


@pytest.mark.parametrize("settings", [[["Your domain", ""]], [["Your domain", "example.com"]], []])
def test_scoring_without_your_domain_is_refused_and_writes_nothing(tmp_path: Path,
                                                                  settings: list[list[str]]) -> None:
    book = tmp_path / "book.xlsx"
    tabs = {"Settings": settings, "mine.com": [["Referring page URL"], ["https://a.com/x-y-z"]],
            "rival.com": [["Referring page URL"], ["https://b.com/x-y-z"], ["https://a.com/x-y-z"]]}
    XlsxStore(book, create=True).replace_tabs({k: v for k, v in tabs.items() if v})
    result = run("score", str(book))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Your domain" in result.stderr and result.stderr.count("\n") == 1
    assert "Prospects" not in XlsxStore(book).tab_titles()


def test_bad_date_argument() -> None:
    result = run("score", "x.xlsx", "--today", "26/11/2026")
    assert result.returncode == 2 and "expected a date as YYYY-MM-DD" in result.stderr


def test_a_one_off_command_leaves_the_collector_as_it_found_it(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """The cyclic collector is paused for a one-off command only: on, it is on again after a run and after
    a user error; off (a caller's choice), it stays off."""
    import gc

    assert gc.isenabled()
    assert main(["demo", "--out", str(tmp_path / "demo.xlsx")]) == 0
    assert gc.isenabled()
    assert main(["score", str(tmp_path / "missing.xlsx")]) == 2
    assert gc.isenabled()
    gc.disable()
    try:
        assert main(["score", str(tmp_path / "missing.xlsx")]) == 2
        assert not gc.isenabled()
    finally:
        gc.enable()
    capsys.readouterr()


@pytest.mark.parametrize("command", [["serve"], ["emulator"]])
def test_a_serving_command_keeps_the_collector(command: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """serve and emulator run until stopped: they run with the cyclic collector on."""
    import gc

    import sheets_bridge.web.server
    import sheets_emulator.server

    seen: list[bool] = []
    monkeypatch.setattr(sheets_bridge.web.server, "run_server", lambda *a, **k: seen.append(gc.isenabled()) or 0)
    monkeypatch.setattr(sheets_emulator.server, "serve", lambda *a, **k: seen.append(gc.isenabled()))
    assert main(command) == 0
    assert seen == [True]


def test_output_cut_short_by_a_pipe_ends_quietly(tmp_path: Path) -> None:
    command = (f"{sys.executable} -m sheets_bridge.cli demo --out {tmp_path / 'd.xlsx'} --today 2026-11-26 "
               "| head -1")
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=300)
    assert result.stdout.startswith("Built ") and result.stdout.count("\n") == 1
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
    assert result.returncode == 0


def test_an_empty_sheet1_is_not_warned_about(tmp_path: Path) -> None:
    import datetime as dt

    from sheets_bridge.service.scoring import score_workbook

    header = ["Referring page URL"]
    tabs = {"Settings": [["Your domain", "mine.com"]], "Sheet1": [], "Notes": [["", ""], ["", ""]],
            "rival.com": [header, ["https://a.com/x-y-z"]], "Scratch": [["todo"], ["call Jo"]]}
    result = score_workbook(tabs, dt.date(2026, 11, 26))
    assert not any("Sheet1" in w or "'Notes'" in w for w in result.warnings)
    assert any("Tab 'Scratch' was skipped" in w for w in result.warnings)  # a tab with something in it is named


def test_the_emulator_on_a_taken_port_says_so_and_writes_no_key(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        key = tmp_path / "key.json"
        assert main(["emulator", "--port", str(port), "--write-key", str(key)]) == 2
    assert not key.exists()
    assert f"port {port} on 127.0.0.1 is in use" in capsys.readouterr().err
