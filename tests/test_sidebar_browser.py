"""The sidebar in a real browser: headless Chromium (Debian's package) driven by Playwright, no browser download.

The page is the real Sidebar.html. Its ``google.script.run`` is a shim that posts each call to this test's
server, which runs the real Code.js function in node (Apps Script globals stubbed, UrlFetchApp doing real
HTTP); Code.js calls the real service on loopback with a real signed identity token, and the service writes
the emulator. A failing test leaves a screenshot of the page beside its temporary files.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import SERVICE_ACCOUNT, inspector_store, load_spreadsheet
from identity import AUDIENCE, access_token, token
from werkzeug.serving import make_server

from sheets_bridge import __version__
from sheets_bridge.intake.ingest import as_rows
from sheets_bridge.web.app import create_app
from sheets_bridge.web.config import Config

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(CHROMIUM is None or shutil.which("node") is None,
                                reason="needs Debian's chromium package and node (make test installs chromium)")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHIM = """<script>
// google.script.run as Apps Script offers it, carried to the test server (and from there to Code.js).
var google = { script: { run: (function () {
  function runner(ok, fail) {
    return new Proxy({}, { get: function (_, name) {
      if (name === 'withSuccessHandler') { return function (f) { return runner(f, fail); }; }
      if (name === 'withFailureHandler') { return function (f) { return runner(ok, f); }; }
      return function () {
        var args = Array.prototype.slice.call(arguments);
        fetch('/run/' + name, { method: 'POST', body: JSON.stringify(args) })
          .then(function (r) { return r.json(); })
          .then(function (a) { if ('error' in a) { if (fail) { fail(new Error(a.error)); } }
                               else if (ok) { ok(a.ok); } });
      };
    } });
  }
  return runner(null, null);
})() } };
</script>
"""


class Bridge:
    """The page server and google.script.run endpoint, with a delay to make the busy state visible."""

    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        self.env = env
        self.delay = 0.0
        self.calls: list[str] = []
        html = (ROOT / "apps_script" / "Sidebar.html").read_text(encoding="utf-8")
        self.page = html.replace("<script>", SHIM + "<script>", 1)
        bridge = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                panel = self.path.partition("panel=")[2] or "settings"
                body = (bridge.page + f"<script>openPanel({json.dumps(panel)});</script>").encode()
                self._send(200, "text/html; charset=utf-8", body)

            def do_POST(self) -> None:
                name = self.path.rsplit("/", 1)[-1]
                args = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"[]")
                bridge.calls.append(name)
                time.sleep(bridge.delay)
                done = subprocess.run(["node", "tests/gas_runner.js"], cwd=ROOT / "apps_script", env=bridge.env,
                                      input=json.dumps({"fn": name, "args": args}), capture_output=True,
                                      text=True, timeout=60, check=False)
                self._send(200, "application/json", done.stdout.encode() or json.dumps(
                    {"error": done.stderr[-300:]}).encode())

            def _send(self, status: int, kind: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/"


@pytest.fixture
def mode() -> str:
    """How the service acts: as the person who clicked (the default), or as its service account."""
    return "person"


@pytest.fixture
def stack(google_env: str, certs_url: str, keys: dict[str, str], tmp_path: Path, mode: str
          ) -> Iterator[dict[str, Any]]:
    """Emulator, service and page server, a spreadsheet owned by the signed-in user."""
    book = load_spreadsheet(google_env, {"Settings": [["Your domain", "mine.com"]]}, owner="ana@example.com",
                            editors=() if mode == "person" else (SERVICE_ACCOUNT,))
    app = create_app(Config(audiences=(AUDIENCE,), allowed_domains=("example.com",), certs_url=certs_url,
                            tokeninfo_url=f"{google_env}/tokeninfo", act_as=mode),
                     service_account=lambda: SERVICE_ACCOUNT)
    service = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=service.serve_forever, daemon=True).start()
    env = {**os.environ, "GAS_PROPERTIES_FILE": str(tmp_path / "properties.json"),
           "GAS_IDENTITY_TOKEN": token(keys), "GAS_ACCESS_TOKEN": access_token(google_env, "ana@example.com"),
           "GAS_SPREADSHEET_ID": book}
    bridge = Bridge(tmp_path, env)
    try:
        yield {"book": book, "service": f"http://127.0.0.1:{service.server_port}", "bridge": bridge,
               "tmp": tmp_path}
    finally:
        bridge.server.shutdown()
        service.shutdown()


@pytest.fixture
def page(stack: dict[str, Any], request: pytest.FixtureRequest) -> Iterator[Any]:
    """A Chromium page the size of a sidebar; a screenshot is written if the test fails."""
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 300, "height": 900})
        with_clipboard = getattr(request, "param", False)
        if with_clipboard:
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack["bridge"].url[:-1])
        tab = context.new_page()
        try:
            yield tab
        finally:
            report = getattr(request.node, "rep_call", None)
            keep = os.environ.get("SHEETS_BRIDGE_SCREENSHOTS")  # a folder: keep every final state to look at
            if keep:
                tab.screenshot(path=str(Path(keep) / f"{request.node.name}.png"), full_page=True)
            if report is None or report.failed:
                shot = stack["tmp"] / f"{request.node.name}.png"
                tab.screenshot(path=str(shot), full_page=True)
                print(f"screenshot of the failing sidebar: {shot}")
            browser.close()


def _save_url(page: Any, stack: dict[str, Any]) -> None:
    page.goto(stack["bridge"].url)
    page.fill("#url", stack["service"])
    page.click("#save")
    page.wait_for_selector("#status.ok", timeout=30_000)


def test_acting_as_the_person_the_sidebar_asks_for_no_sharing(page: Any, stack: dict[str, Any]) -> None:
    _save_url(page, stack)
    assert page.is_visible("#as-you") and "nothing to share" in page.text_content("#as-you")
    assert not page.is_visible("#share-block") and not page.is_visible("#step-share")


@pytest.mark.parametrize("mode", ["service-account"])
def test_saving_the_url_shows_the_service_account(page: Any, stack: dict[str, Any]) -> None:
    page.goto(stack["bridge"].url)
    page.wait_for_function("document.getElementById('status').textContent.includes('Paste the service URL')")
    assert page.text_content("#account") == "(save the service URL first)" and page.is_disabled("#copy")
    _save_url(page, stack)
    assert page.text_content("#status") == f"Connected to sheets_bridge {__version__}."
    assert page.text_content("#account") == SERVICE_ACCOUNT and not page.is_disabled("#copy")
    assert page.is_visible("#share-block") and not page.is_visible("#as-you")
    page.reload()
    page.wait_for_selector("#status.ok", timeout=30_000)
    assert page.input_value("#url") == stack["service"]  # kept in the document properties
    assert page.is_visible("#panel-settings") and not page.is_visible("#panel-import")
    assert page.eval_on_selector("#save", "b => getComputedStyle(b).backgroundColor") == "rgb(26, 115, 232)"


@pytest.mark.parametrize("mode", ["service-account"])
@pytest.mark.parametrize("page", [True], indirect=True)
def test_the_service_account_is_copied(page: Any, stack: dict[str, Any]) -> None:
    _save_url(page, stack)
    page.click("#copy")
    page.wait_for_function("document.getElementById('status').textContent.startsWith('Copied')")
    assert page.evaluate("navigator.clipboard.readText()") == SERVICE_ACCOUNT


def test_an_import_lands_in_the_spreadsheet_and_clears_the_form(page: Any, stack: dict[str, Any]) -> None:
    _save_url(page, stack)
    export = stack["tmp"] / "rival-z.csv"
    export.write_text("Referring page URL,Domain rating\nhttps://alpha.com/resources,40\n"
                      "https://beta.co.uk/best-crm,55\n", encoding="utf-8")
    page.goto(stack["bridge"].url + "?panel=import")
    assert page.is_visible("#panel-import") and not page.is_visible("#panel-settings")
    page.fill("#domain", "https://www.Rival-Z.com/")
    page.set_input_files("#file", str(export))
    page.click("#send")
    page.wait_for_selector("#result.ok", timeout=60_000)
    assert page.text_content("#result").startswith("Imported 2 rows into tab rival-z.com (recognised: ")
    assert "Score prospects" in page.text_content("#result")
    assert page.input_value("#domain") == "" and page.eval_on_selector("#file", "f => f.files.length") == 0
    tabs = inspector_store(stack["book"]).read_tabs()
    assert as_rows(tabs["rival-z.com"])[1:] == [["https://alpha.com/resources", 40],
                                                ["https://beta.co.uk/best-crm", 55]]


def test_search_consoles_links_zip_is_imported_from_the_sidebar(page: Any, stack: dict[str, Any]) -> None:
    """The zip Search Console downloads is chosen as it is; its Top linking sites table becomes the tab."""
    import zipfile

    _save_url(page, stack)
    export = stack["tmp"] / "https___rival-v.com_-Links-2026-05-18.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Top linking sites.csv", "Site,Linking pages,Target pages\nalpha.com,12,3\nbeta.co.uk,3,1\n")
        archive.writestr("Top linking text.csv", "Top linking text,Linking sites\nrival crm,40\n")
    page.goto(stack["bridge"].url + "?panel=import")
    page.fill("#domain", "rival-v.com")
    page.set_input_files("#file", str(export))
    page.click("#send")
    page.wait_for_selector("#result.ok", timeout=60_000)
    assert page.text_content("#result").startswith("Imported 2 rows into tab rival-v.com (recognised: Search Console")
    rows = as_rows(inspector_store(stack["book"]).read_tabs()["rival-v.com"])
    assert rows == [["Site", "Linking pages", "Target pages"], ["alpha.com", 12, 3], ["beta.co.uk", 3, 1]]


def test_a_second_part_is_added_to_the_tab_when_append_is_ticked(page: Any, stack: dict[str, Any]) -> None:
    _save_url(page, stack)
    header = "Referring page URL,Domain rating\n"
    parts = [("part1.csv", "https://alpha.com/resources,40\nhttps://beta.co.uk/best-crm,55\n"),
             ("part2.csv", "https://beta.co.uk/best-crm,55\nhttps://gamma.io/list,30\n")]
    for number, (name, rows) in enumerate(parts):
        export = stack["tmp"] / name
        export.write_text(header + rows, encoding="utf-8")
        page.goto(stack["bridge"].url + "?panel=import")
        page.fill("#domain", "rival-w.com")
        page.set_input_files("#file", str(export))
        if number:
            page.check("#append")
        page.click("#send")
        page.wait_for_selector("#result.ok", timeout=60_000)
    assert page.text_content("#result").startswith("Added 1 rows to tab rival-w.com (3 in all; recognised: ")
    assert not page.is_checked("#append")  # the form is cleared for the next file
    rows = as_rows(inspector_store(stack["book"]).read_tabs()["rival-w.com"])
    assert rows[1:] == [["https://alpha.com/resources", 40], ["https://beta.co.uk/best-crm", 55],
                        ["https://gamma.io/list", 30]]


def test_a_service_error_is_shown_in_plain_words(page: Any, stack: dict[str, Any]) -> None:
    _save_url(page, stack)
    export = stack["tmp"] / "notes.csv"
    export.write_text("Foo,Bar\n1,2\n", encoding="utf-8")
    page.goto(stack["bridge"].url + "?panel=import")
    page.fill("#domain", "rival-y.com")
    page.set_input_files("#file", str(export))
    page.click("#send")
    page.wait_for_selector("#result.error", timeout=60_000)
    assert page.text_content("#result") == ("File 'notes.csv': no column holds a domain or URL (found: Foo, Bar)")
    assert not page.is_disabled("#send")
    assert "rival-y.com" not in inspector_store(stack["book"]).read_tabs()


def test_the_form_is_checked_before_anything_is_sent(page: Any, stack: dict[str, Any]) -> None:
    page.goto(stack["bridge"].url + "?panel=import")
    before = list(stack["bridge"].calls)
    page.fill("#domain", "not a site")
    page.click("#send")
    assert "is not a site name" in page.text_content("#result")
    page.fill("#domain", "rival-x.com")
    page.click("#send")
    assert page.text_content("#result") == "Choose the export file."
    pdf = stack["tmp"] / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    page.set_input_files("#file", str(pdf))
    page.click("#send")
    assert "is not a CSV, TSV, TXT, XLSX or ZIP file" in page.text_content("#result")
    def sent(calls: list[str]) -> list[str]:  # the page asks for its info on load, whenever that lands
        return [c for c in calls if c != "getSidebarInfo"]

    assert sent(stack["bridge"].calls) == sent(before)  # nothing was sent to the service


def test_buttons_are_disabled_and_busy_while_a_call_runs(page: Any, stack: dict[str, Any]) -> None:
    _save_url(page, stack)
    stack["bridge"].delay = 1.5
    page.fill("#url", stack["service"])
    page.click("#save")
    assert page.is_disabled("#save") and page.is_disabled("#copy")
    assert "busy" in (page.get_attribute("#status", "class") or "")
    assert page.text_content("#status") == "Saving…"
    page.wait_for_selector("#status.ok", timeout=30_000)
    assert not page.is_disabled("#save")
