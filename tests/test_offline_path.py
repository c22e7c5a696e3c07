"""The README's offline path, step by step through the command line: emulator key, new sheet, setup, imports, score."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
import requests

from sheets_bridge.cli import main
from sheets_bridge.store.google.sheets import GoogleStore, spreadsheet_id_of
from sheets_bridge.store.xlsx import XlsxStore
from sheets_emulator.keyfile import LOCAL_ACCOUNT, write_key

SAMPLES = Path(__file__).resolve().parents[1] / "sheets_bridge" / "data" / "samples"


def test_a_newcomer_scores_an_emulated_sheet_from_the_command_line(
        emulator: tuple[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    url = emulator[0]
    key = write_key(tmp_path / "key.json", url)
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    info = json.loads(key.read_text())
    assert info["client_email"] == LOCAL_ACCOUNT and info["token_uri"] == f"{url}/token"
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    monkeypatch.setenv("SHEETS_BRIDGE_API_ROOT", url)
    assert main(["new-sheet", "Backlink gap"]) == 0
    book = capsys.readouterr().out.strip()
    assert spreadsheet_id_of(book) == book
    assert main(["setup", f"https://docs.google.com/spreadsheets/u/1/d/{book}/edit#gid=0"]) == 0
    assert "Created tabs: Settings, Targets, Prospects" in capsys.readouterr().out
    assert main(["setup", book]) == 0 and "already set up" in capsys.readouterr().out
    for sample in sorted(SAMPLES.glob("*.csv")):
        site = sample.name.split(".ahrefs")[0].split(".semrush")[0].split(".majestic")[0]
        assert main(["import", book, str(sample), "--domain", site]) == 0, capsys.readouterr().err
    imported = capsys.readouterr().out
    assert imported.count("Tab '") == len(list(SAMPLES.glob("*.csv")))
    # the placeholder Your domain is empty: the newcomer types theirs, as the note beside it says
    requests.put(f"{url}/v4/spreadsheets/{book}/values/Settings!B2", params={"valueInputOption": "RAW"},
                 headers={"Authorization": "Bearer inspector"}, json={"values": [["crmpilot.io"]]}, timeout=5)
    assert main(["score", f"https://drive.google.com/open?id={book}", "--today", "2026-11-26"]) == 0
    out = capsys.readouterr().out
    assert "prospects" in out.lower()
    prospects = GoogleStore(book).read_tabs()["Prospects"]
    assert len(prospects) > 500 and prospects[0][:2] == ["Domain", "Status"]


def test_the_command_line_refuses_what_would_hurt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "rival.csv"
    export.write_text("Domain\nalpha.com\n", encoding="utf-8")
    assert main(["score", str(export)]) == 2
    assert "is an export file, not a workbook: add it to one with 'sheets-bridge import" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "book.xlsx"), str(export), "--domain", "rival.com"]) == 0
    mismatch = tmp_path / "mismatch.csv"
    mismatch.write_text("Source url,Target url\nhttps://a.com/x,https://rival.com/y\n", encoding="utf-8")
    assert main(["import", str(tmp_path / "book.xlsx"), str(mismatch), "--domain", "other.com"]) == 2
    assert "target URLs are on rival.com, not other.com" in capsys.readouterr().err
    assert "other.com" not in XlsxStore(tmp_path / "book.xlsx").tab_titles()  # nothing was changed
    assert main(["import", str(tmp_path / "book.xlsx"), str(mismatch), "--domain", "other.com", "--force"]) == 0
    assert "target URLs are on rival.com, not other.com" in capsys.readouterr().out


@pytest.mark.parametrize("text", [
    "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit#gid=42",
    "https://docs.google.com/spreadsheets/u/2/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit?usp=sharing",
    "https://drive.google.com/open?id=1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "  1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 ",
])
def test_spreadsheet_urls_as_people_paste_them(text: str) -> None:
    assert spreadsheet_id_of(text) == "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"


def test_a_workbook_that_cannot_be_written_gets_one_plain_line(demo_copy: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    before = demo_copy.read_bytes()
    lock = demo_copy.with_name(f".~lock.{demo_copy.name}#")
    lock.write_text("someone,host,2026", encoding="utf-8")
    assert main(["score", str(demo_copy), "--today", "2026-11-26"]) == 2
    err = capsys.readouterr().err
    assert "is open in Excel or LibreOffice" in err and "Traceback" not in err and err.count("\n") == 1
    lock.unlink()
    office = demo_copy.with_name(f"~${demo_copy.name}")
    office.write_text("x", encoding="utf-8")
    assert main(["score", str(demo_copy)]) == 2 and "is open in Excel" in capsys.readouterr().err
    office.unlink()
    demo_copy.chmod(0o444)
    assert main(["score", str(demo_copy)]) == 2 and "is read-only" in capsys.readouterr().err
    assert demo_copy.read_bytes() == before
    demo_copy.chmod(0o640)
    assert main(["score", str(demo_copy), "--today", "2026-11-26"]) == 0
    assert stat.S_IMODE(os.stat(demo_copy).st_mode) == 0o640  # the saved file keeps its permissions
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    export = tmp_path / "e.csv"
    export.write_text("Domain\nalpha.com\n", encoding="utf-8")
    assert main(["import", str(blocker / "book.xlsx"), str(export), "--domain", "rival.com"]) == 2
    err = capsys.readouterr().err
    assert "Cannot write in the folder" in err and "Traceback" not in err


def test_a_new_workbook_gets_the_usual_permissions(tmp_path: Path) -> None:
    export = tmp_path / "e.csv"
    export.write_text("Domain\nalpha.com\n", encoding="utf-8")
    old = os.umask(0o022)
    try:
        assert main(["import", str(tmp_path / "fresh.xlsx"), str(export), "--domain", "rival.com"]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "fresh.xlsx").st_mode) == 0o644
