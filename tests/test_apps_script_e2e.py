"""End to end: the Apps Script menu handler (in node) → the real service on loopback → the emulator."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import inspector_store, load_spreadsheet
from identity import AUDIENCE, access_token, token
from test_service import TABS
from werkzeug.serving import make_server

from sheets_bridge.service.demo import SETTINGS_ROWS, TARGET_ROWS
from sheets_bridge.web.app import create_app
from sheets_bridge.web.config import Config

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def test_menu_score_prospects_writes_the_emulated_sheet(google_env: str, certs_url: str,
                                                        keys: dict[str, str]) -> None:
    tabs = {"Settings": SETTINGS_ROWS, "Targets": TARGET_ROWS, **{k: v for k, v in TABS.items() if k != "Settings"}}
    # owned by the person who clicks, never shared with the service account: the service acts as them
    book = load_spreadsheet(google_env, tabs, owner="ana@example.com", editors=())
    app = create_app(Config(audiences=(AUDIENCE,), allowed_domains=("example.com",), certs_url=certs_url,
                            tokeninfo_url=f"{google_env}/tokeninfo"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        env = {**os.environ, "SHEETS_BRIDGE_E2E_SERVICE": f"http://127.0.0.1:{server.server_port}",
               "SHEETS_BRIDGE_E2E_SPREADSHEET": book, "SHEETS_BRIDGE_E2E_TOKEN": token(keys),
               "SHEETS_BRIDGE_E2E_ACCESS_TOKEN": access_token(google_env, "ana@example.com")}
        result = subprocess.run(["node", "--test", "tests/e2e.test.js"], cwd=ROOT / "apps_script", env=env,
                                capture_output=True, text=True, timeout=120, check=False)
    finally:
        server.shutdown()
        thread.join(timeout=5)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# pass 1" in result.stdout
    prospects = inspector_store(book).read_tabs()["Prospects"]
    assert prospects[0][:2] == ["Domain", "Status"]
    assert {row[0] for row in prospects[1:]} == {"alpha.com", "beta.co.uk"}
