"""Other Sheets clients' own integration suites, run live against the emulator.

Usage: python benchmarks/client_suites.py [--package gspread-dataframe]   (default: every client)
Downloads the installed version's source distribution from the package registry (the suites ship in it),
starts the emulator with a service-account key for it, creates the spreadsheet the suite's config names,
and runs the suite with every Google URL sent to the emulator. The suites authenticate through oauth2client,
which is not installed: a two-function stand-in hands them google-auth credentials from the same key file.
The emulator checks every answer against Google's schema meanwhile. Prints each suite's pytest summary and
exits non-zero if a test fails or an answer breaks the schema. ``make test`` runs it (the registry is the one
network it needs).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
SUITES = {"gspread-dataframe": "tests/gspread_dataframe_integration.py", "gspread-formatting": "test.py"}
SHIM = '''
from google.oauth2 import service_account


class ServiceAccountCredentials:
    @staticmethod
    def from_json_keyfile_name(filename, scopes):
        return service_account.Credentials.from_service_account_file(filename, scopes=list(scopes))
'''
REWRITE = '''
import os
import requests

_EMULATOR = os.environ["CLIENT_SUITE_EMULATOR"]
_original = requests.Session.request


def _to_emulator(self, method, url, *args, **kwargs):
    for root in ("https://sheets.googleapis.com", "https://www.googleapis.com"):
        if isinstance(url, str) and url.startswith(root):
            url = _EMULATOR + url[len(root):]
    return _original(self, method, url, *args, **kwargs)


requests.Session.request = _to_emulator
'''


def start_emulator(folder: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    """An emulator process on a free port that checks every answer against Google's schema, and its key."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    key = folder / "key.json"
    process = subprocess.Popen([sys.executable, "-m", "sheets_emulator.cli", "--port", str(port), "--write-key",
                                str(key)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "SHEETS_EMULATOR_CHECK_ANSWERS": "1"})
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if requests.get(f"{url}/_emulator/health", timeout=1).ok and key.exists():
                return process, url, key
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    raise SystemExit("the emulator did not start")


def suite_status(url: str, done: subprocess.CompletedProcess[str]) -> int:
    """Print a suite's summary and the answer check's findings; non-zero on a failed test or a violation."""
    print(done.stdout[-6000:], done.stderr[-2000:])
    checked = requests.get(f"{url}/_emulator/answer-violations", timeout=10).json()
    found = checked["violations"]
    print(f"schema check of every answer ({'on' if checked['checking'] else 'OFF'}): "
          f"{len(found)} violation(s)" + "".join(f"\n  {v}" for v in found[:20]))
    return done.returncode or (1 if found or not checked["checking"] else 0)


def run_suite(package: str) -> int:
    """One client's suite, live: its pytest status, or 1 when the emulator answered outside Google's schema."""
    version = importlib.metadata.version(package)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for wanted in (f"{package}=={version}", f"{package}<={version}"):  # a wheel-only release: the newest
            if subprocess.run([sys.executable, "-m", "pip", "download", wanted, "--no-binary", ":all:",  # sdist
                               "--no-deps", "-q", "-d", str(folder)], capture_output=True).returncode == 0:
                break
        archive = next(folder.glob("*.tar.gz"), None)
        if archive is None:
            print(f"{package}: its source distribution could not be downloaded from the package registry")
            return 1
        print(f"{archive.name}'s suite, live against the emulator ({package} {version} installed)")
        with tarfile.open(archive) as sdist:
            sdist.extractall(folder, filter="data")
        source = next(p for p in folder.iterdir() if p.is_dir())
        shim = folder / "shim"
        (shim / "oauth2client").mkdir(parents=True)
        (shim / "oauth2client" / "__init__.py").write_text("")
        (shim / "oauth2client" / "service_account.py").write_text(SHIM)
        (shim / "sitecustomize.py").write_text(REWRITE)
        emulator, url, key = start_emulator(folder)
        try:
            env = {**os.environ, "GOOGLE_APPLICATION_CREDENTIALS": str(key), "SHEETS_BRIDGE_API_ROOT": url,
                   "PYTHONPATH": f"{shim}{os.pathsep}{source}{os.pathsep}{ROOT}", "CLIENT_SUITE_EMULATOR": url}
            book = subprocess.run([sys.executable, "-m", "sheets_bridge.cli", "new-sheet", "client suite"], env=env,
                                  capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
            suite = source / SUITES[package]
            (suite.parent / "tests.config").write_text(f"[Spreadsheet]\nid: {book}\n")
            (suite.parent / "creds.json").write_bytes(key.read_bytes())
            done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(suite)],
                                  cwd=source, env=env, capture_output=True, text=True)
            return suite_status(url, done)
        finally:
            emulator.terminate()
            emulator.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--package", choices=sorted(SUITES), help="one client (default: every one)")
    args = parser.parse_args()
    codes = [run_suite(package) for package in ([args.package] if args.package else sorted(SUITES))]
    return max(codes)

if __name__ == "__main__":
    sys.exit(main())
