"""A team's morning: N people click Score prospects on N spreadsheets of their own within a few seconds.

Through the real service under gunicorn (``sheets-bridge serve --workers 2``) against the emulator enforcing
Google's default Sheets quotas (60 reads and 60 writes a minute per user, 300 of each per project). Each
person signs in with their own ID token and sends their own access token, as the menu does.

- ``person`` mode: each spreadsheet is owned by its person and never shared with the service account; the
  service acts as each person, so each counts against their own quota.
- ``service-account`` mode: the same spreadsheets shared with one service account, which does all the work
  and so meets the per-user limit alone.

Prints, per mode: how many scored, the median and slowest wait, requests per score and the 429s Google
answered. Run: ``python benchmarks/team_burst.py [--people 20] [--mode both]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from identity import AUDIENCE, access_token, key_and_cert, token  # noqa: E402

from sheets_emulator import control  # noqa: E402
from sheets_emulator.defaults import sheet_properties, spreadsheet_properties  # noqa: E402
from sheets_emulator.server import running_emulator  # noqa: E402
from sheets_emulator.sheets.cells import raw  # noqa: E402

SERVICE_ACCOUNT = "bridge@emulated.iam.gserviceaccount.com"
HEADER = ["Referring page URL", "Referring page title", "Domain rating", "Nofollow"]
TABS: dict[str, list[list[Any]]] = {
    "Settings": [["Your domain", "mine.com"], ["Topic keywords", "crm"]],
    "Targets": [["URL", "Page kind", "Topic keywords"], ["https://mine.com/guide", "guide", "crm"]],
    "rival-a.com": [HEADER, ["https://alpha.com/resources", "CRM resources", 40, "false"],
                    ["https://beta.co.uk/best-crm", "Best CRM tools", 55, "false"]],
    "rival-b.com": [HEADER, ["https://alpha.com/news/2026/crm", "CRM news", 41, "true"],
                    ["https://gamma.io/blog/crm-guide", "A CRM guide", 38, "false"]],
}


@dataclass
class Click:
    """One person's Score click: the answer and how long they waited for it."""

    person: str
    status: int
    seconds: float
    message: str
    api_requests: int
    queued: int = 0  # times the service said "queued" before the run started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def certificates(cert: str) -> Iterator[str]:
    """Google-style ID token certificates ({kid: PEM}) on loopback."""
    body = json.dumps({"k1": cert}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/certs"
    finally:
        server.shutdown()


def load_book(emulator: str, book_id: str, owner: str, editors: tuple[str, ...]) -> None:
    """A spreadsheet owned by ``owner``, shared with ``editors`` (Drive permissions), holding TABS."""
    sheets = []
    for index, (title, rows) in enumerate(TABS.items()):
        cells = [[r, c, raw(v)] for r, row in enumerate(rows) for c, v in enumerate(row) if raw(v)]
        sheets.append({"properties": sheet_properties(index * 7, title, index, 100, 26), "cells": cells})
    permissions = [{"kind": "drive#permission", "id": f"p{i}", "type": "user", "emailAddress": e, "role": "writer"}
                   for i, e in enumerate(editors)]
    book = {"spreadsheetId": book_id, "properties": spreadsheet_properties("Team book"), "sheets": sheets,
            "created": "2026-11-26T00:00:00.000Z", "modified": "2026-11-26T00:00:00.000Z", "owner": owner,
            "permissions": permissions}
    control.put(f"{emulator}/_emulator/spreadsheets/{book_id}", json=book, timeout=10).raise_for_status()


def service_account_key(emulator: str, folder: Path) -> Path:
    """A service-account key file whose token endpoint is the emulator's."""
    pem, _ = key_and_cert("service-account")
    path = folder / "service-account.json"
    path.write_text(json.dumps({"type": "service_account", "project_id": "emulated", "private_key_id": "k",
                                "private_key": pem, "client_email": SERVICE_ACCOUNT, "client_id": "1",
                                "token_uri": f"{emulator}/token"}), encoding="utf-8")
    return path


@contextlib.contextmanager
def gunicorn_service(env: dict[str, str]) -> Iterator[str]:
    """``sheets-bridge serve --workers 2`` (gunicorn) on a free port, ready to answer."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", "import sys; from sheets_bridge.cli import main; "
                                "sys.exit(main(sys.argv[1:]))", "serve", "--host", "127.0.0.1", "--port", str(port),
                                "--workers", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{url}/healthz", timeout=1).ok:
                    break
            time.sleep(0.05)
        else:
            raise RuntimeError("the service did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def burst(people: int = 20, mode: str = "person", spread: float = 5.0) -> tuple[list[Click], int]:
    """Run one burst; the clicks (in the order of the people) and the 429s the emulator answered."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    signing_key, cert = key_and_cert("google")
    keys = {"good": signing_key}
    with running_emulator() as (emulator, _), certificates(cert) as certs_url, \
            tempfile.TemporaryDirectory() as folder:
        control.post(f"{emulator}/_emulator/reset", timeout=5)
        emails = [f"person{n:02d}@example.com" for n in range(people)]
        books = [f"1team{n:02d}" + "x" * 38 for n in range(people)]
        for email, book in zip(emails, books, strict=True):
            load_book(emulator, book, email, () if mode == "person" else (SERVICE_ACCOUNT,))
        env = {**os.environ, "SHEETS_BRIDGE_AUDIENCES": AUDIENCE, "SHEETS_BRIDGE_ALLOWED_DOMAINS": "example.com",
               "SHEETS_BRIDGE_CERTS_URL": certs_url, "SHEETS_BRIDGE_TOKENINFO_URL": f"{emulator}/tokeninfo",
               "SHEETS_BRIDGE_API_ROOT": emulator, "SHEETS_BRIDGE_ACT_AS": mode,
               "GOOGLE_APPLICATION_CREDENTIALS": str(service_account_key(emulator, Path(folder)))}
        headers = [{"Authorization": f"Bearer {token(keys, email=email)}",
                    "X-User-Access-Token": access_token(emulator, email)} for email in emails]
        with gunicorn_service(env) as service:
            control.post(f"{emulator}/_emulator/quota", json={"google_defaults": True}, timeout=5)
            control.delete(f"{emulator}/_emulator/log", timeout=5)
            clicks: list[Click | None] = [None] * people
            queued = [0] * people
            start = time.monotonic() + 0.5

            def click(n: int) -> None:
                time.sleep(max(0.0, start + spread * n / max(people - 1, 1) - time.monotonic()))  # evenly spread
                began = time.monotonic()
                while True:  # as the menu does: a queued run waits the time it is told, then tries again
                    answer = requests.post(f"{service}/v1/spreadsheets/{books[n]}/score", headers=headers[n],
                                           json={"today": "2026-11-26"}, timeout=600)
                    body = answer.json()
                    error = body.get("error") or {}
                    if error.get("code") != "queued" or time.monotonic() - began > 240:
                        break
                    queued[n] += 1
                    time.sleep(float(error["retry_after"]))
                clicks[n] = Click(emails[n], answer.status_code, round(time.monotonic() - began, 2),
                                  str((body.get("error") or {}).get("message", "")), int(body.get("api_requests", 0)),
                                  queued[n])

            threads = [threading.Thread(target=click, args=(n,)) for n in range(people)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            log = requests.get(f"{emulator}/_emulator/log", timeout=5).json()
        refused = sum(1 for e in log["requests"] if e.get("status") == 429)
    return [c for c in clicks if c is not None], refused


def report(mode: str, clicks: list[Click], refused: int) -> None:
    waits = [c.seconds for c in clicks]
    scored = [c for c in clicks if c.status == 200]
    print(f"{mode:>16}: {len(scored)}/{len(clicks)} scored; wait median {statistics.median(waits):.1f} s, slowest "
          f"{max(waits):.1f} s; {statistics.mean([c.api_requests for c in scored] or [0]):.1f} requests a score; "
          f"{refused} answered 429 by Google; {sum(1 for c in clicks if c.queued)} queued first")
    for c in clicks:
        if c.status != 200:
            print(f"{'':>18}{c.person}: {c.status} {c.message[:110]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--mode", choices=["person", "service-account", "both"], default="both")
    args = parser.parse_args()
    for mode in ["person", "service-account"] if args.mode == "both" else [args.mode]:
        clicks, refused = burst(args.people, mode)
        report(mode, clicks, refused)


if __name__ == "__main__":
    main()
