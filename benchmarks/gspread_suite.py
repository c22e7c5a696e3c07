"""gspread's own test suite, live against the emulator.

Usage: python benchmarks/gspread_suite.py GSPREAD_CHECKOUT [--python SUITE_PYTHON] [pytest args...]
gspread's tests are not in its source distribution, so this takes a checkout of its repository (a git
directory or a working tree) and uses the tests of the tag matching the installed gspread. The suite runs
with ``GS_RECORD_MODE=all``: every request goes to the server (here the emulator, by rewriting Google's URLs)
instead of its recordings, authenticated with a service-account key the emulator issued. Prints the suite's
pytest summary and exits with its status. The suite marks fixtures, which pytest 9 refuses: run it with an
interpreter of its own (``--python``) that has gspread, pytest<9, vcrpy and pytest-vcr; the emulator runs
from this one.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from client_suites import REWRITE, start_emulator, suite_status

from sheets_emulator import control
from sheets_emulator.sheets.model import now_rfc3339

# client_test.test_access_private_spreadsheet opens this id and expects a permission error: on Google it is
# somebody else's private spreadsheet. The harness puts one there, owned by somebody else.
PRIVATE_ID = "1jIKzPs8LsiZZdLdeMEP-5ZIHw6RkjiOmj1LrJN706Yc"


def seed_private_spreadsheet(url: str) -> None:
    """A spreadsheet the suite's service account may not open, under the id the suite expects."""
    now = now_rfc3339()
    book = {"spreadsheetId": PRIVATE_ID, "properties": {"title": "Private", "locale": "en_US",
                                                        "timeZone": "Etc/GMT"},
            "sheets": [{"properties": {"sheetId": 0, "title": "Sheet1", "index": 0, "sheetType": "GRID",
                                       "gridProperties": {"rowCount": 1000, "columnCount": 26}},
                        "cells": []}],
            "created": now, "modified": now, "owner": "somebody.else@example.com"}
    answer = control.put(f"{url}/_emulator/spreadsheets/{PRIVATE_ID}", json=book)
    answer.raise_for_status()


def tests_of(checkout: Path, version: str, into: Path) -> Path:
    """The tests/ folder of gspread's tag ``v<version>``, copied into ``into``."""
    git_dir = checkout / ".git" if (checkout / ".git").exists() else checkout
    archive = subprocess.run(["git", f"--git-dir={git_dir}", "archive", f"v{version}", "tests"],
                             capture_output=True, check=False)
    if archive.returncode == 0:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(into, filter="data")
        return into / "tests"
    raise SystemExit(f"no tag v{version} in {checkout}: {archive.stderr.decode(errors='replace')[:200]}")


def main(argv: list[str]) -> int:
    if not argv:
        raise SystemExit(__doc__)
    suite_python = sys.executable
    if len(argv) > 2 and argv[1] == "--python":
        suite_python, argv = argv[2], [argv[0], *argv[3:]]
    version = subprocess.run([suite_python, "-c", "import importlib.metadata as m; print(m.version('gspread'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tests = tests_of(Path(argv[0]), version, folder / "suite")
        shim = folder / "shim"
        shim.mkdir()
        (shim / "sitecustomize.py").write_text(REWRITE)
        emulator, url, key = start_emulator(folder)
        try:
            seed_private_spreadsheet(url)
            env = {**os.environ, "GS_RECORD_MODE": "all", "GS_CREDS_FILENAME": str(key),
                   "PYTHONPATH": str(shim), "CLIENT_SUITE_EMULATOR": url}
            print(f"gspread {version}'s own suite (tag v{version}), live against the emulator")
            done = subprocess.run([suite_python, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests),
                                   *argv[1:]], cwd=tests.parent, env=env, capture_output=True, text=True)
            return suite_status(url, done)
        finally:
            emulator.terminate()
            emulator.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
