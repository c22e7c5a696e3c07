"""The Flask service: authentication matrix, routes end to end against the emulator, errors, logs."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import threading
import time
from typing import Any

import pytest
import requests
from conftest import load_spreadsheet
from flask.testing import FlaskClient
from identity import AUDIENCE, token
from signed_request import signed_headers

from sheets_bridge import contract
from sheets_bridge.intake.ingest import as_rows
from sheets_bridge.service.demo import SETTINGS_ROWS, TARGET_ROWS, outreach_log_rows
from sheets_bridge.store.google.sheets import GoogleStore
from sheets_bridge.web.app import create_app
from sheets_bridge.web.config import Config
from sheets_emulator import control

SECRET = "s3cret-for-tests-only"
HEADER = ["Referring page URL", "Referring page title", "Domain rating", "Nofollow"]
TABS: dict[str, list[list[Any]]] = {
    "Settings": [["Your domain", "mine.com"], ["Topic keywords", "crm"]],
    "rival-a.com": [HEADER, ["https://alpha.com/resources", "CRM resources", 40, "false"],
                    ["https://beta.co.uk/best-crm", "Best CRM tools", 55, "false"]],
    "rival-b.com": [HEADER, ["https://alpha.com/news/2026/crm", "CRM news", 41, "true"]],
}


@pytest.fixture
def client(google_env: str, certs_url: str) -> FlaskClient:
    config = Config(audiences=(AUDIENCE,), allowed_domains=("example.com",), allowed_emails=("bo@partner.org",),
                    certs_url=certs_url, shared_secret=SECRET, act_as="service-account")
    app = create_app(config, service_account=lambda: "bridge@emulated.iam.gserviceaccount.com")
    return app.test_client()


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def signed(path: str, body: bytes = b"", method: str = "POST", stamp: int | None = None,
           secret: str = SECRET) -> dict[str, str]:
    """Headers signed by the repository's client example (standard library only, written from the README's
    contract, independent of the product's own helper)."""
    return {**signed_headers(secret, method, path, body, stamp), "Content-Type": "application/json"}


def test_health_needs_no_auth(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"ok": True}


def test_info_names_the_service_account(client: FlaskClient, keys: dict[str, str]) -> None:
    body = client.get("/v1/info", headers=bearer(token(keys))).get_json()
    assert body["service_account"] == "bridge@emulated.iam.gserviceaccount.com"
    assert body["user"] == "ana@example.com"


@pytest.mark.parametrize(("make", "status", "message"), [
    (lambda k: {}, 401, "Missing credentials"),
    (lambda k: bearer("not-a-jwt"), 401, "Malformed identity token"),
    (lambda k: bearer(token(k, key="rogue")), 401, "bad signature"),
    (lambda k: bearer(token(k, kid="unknown")), 401, "unknown signing key"),
    (lambda k: bearer(token(k, exp=int(time.time()) - 3600, iat=int(time.time()) - 7200)), 401, "expired"),
    (lambda k: bearer(token(k, iat=int(time.time()) + 3600, exp=int(time.time()) + 7200)), 401,
     "issued in the future"),
    (lambda k: bearer(token(k, aud="someone-else")), 401, "wrong audience"),
    (lambda k: bearer(token(k, iss="https://evil.example")), 401, "wrong issuer"),
    (lambda k: bearer(token(k, email_verified=False)), 401, "not verified"),
    (lambda k: bearer(token(k, email="eve@other.com")), 403, "Your account (eve@other.com) is not allowed"),
    (lambda k: bearer(token(k, email="bo@partner.org")), 200, ""),
    (lambda k: bearer(token(k, email="cy@example.com")), 200, ""),
])
def test_authentication_matrix(client: FlaskClient, keys: dict[str, str], make: Any, status: int,
                               message: str, caplog: pytest.LogCaptureFixture) -> None:
    headers = make(keys)
    with caplog.at_level(logging.INFO, logger="sheets_bridge.access"):
        response = client.get("/v1/info", headers=headers)
    assert response.status_code == status
    if message:
        assert message in response.get_json()["error"]["message"]
    secret = headers.get("Authorization", "Bearer x")[7:]
    assert secret not in caplog.text and secret not in response.get_data(as_text=True)


def test_hmac_signatures(client: FlaskClient) -> None:
    path = "/v1/info"
    good = signed(path, method="GET")
    assert client.get(path, headers=good).status_code == 200
    assert client.get(path, headers=good).status_code == 401  # replayed
    stale = signed(path, method="GET", stamp=int(time.time()) - 301)
    assert "more than 300 seconds old" in client.get(path, headers=stale).get_json()["error"]["message"]
    book = "1" + "s" * 43
    tampered = signed(f"/v1/spreadsheets/{book}/setup", b'{"a": 1}')
    response = client.post(f"/v1/spreadsheets/{book}/setup", data=b'{"a": 2}', headers=tampered)
    assert response.status_code == 401 and "Invalid request signature" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(("path", "status"), [
    ("/v1/spreadsheets/short/score", 400), ("/v1/spreadsheets/" + "x" * 30 + "%20drop/score", 400),
    ("/v1/spreadsheets/../../etc/score", 404),
])
def test_bad_spreadsheet_ids(client: FlaskClient, keys: dict[str, str], path: str, status: int) -> None:
    response = client.post(path, headers=bearer(token(keys)))
    assert response.status_code == status and "error" in response.get_json()


def test_bad_json_and_oversized_bodies(client: FlaskClient, keys: dict[str, str]) -> None:
    book = "1" + "b" * 43
    bad = client.post(f"/v1/spreadsheets/{book}/score", data=b"{not json", headers=bearer(token(keys)),
                      content_type="application/json")
    assert bad.status_code == 400 and bad.get_json()["error"]["message"] == "The request body must be a JSON object"
    huge = client.post(f"/v1/spreadsheets/{book}/score", data=b"x" * (21 * 1024 * 1024),
                       headers=bearer(token(keys)), content_type="application/json")
    assert huge.status_code == 413 and "larger than 20 MB" in huge.get_json()["error"]["message"]
    date = client.post(f"/v1/spreadsheets/{book}/score", json={"today": "26/11/2026"}, headers=bearer(token(keys)))
    assert date.status_code == 400 and "YYYY-MM-DD" in date.get_json()["error"]["message"]


def test_score_followups_end_to_end(client: FlaskClient, keys: dict[str, str], google_env: str) -> None:
    tabs = {"Settings": SETTINGS_ROWS, "Targets": TARGET_ROWS, **{k: v for k, v in TABS.items() if k != "Settings"},
            "Outreach log": [[str(c) if isinstance(c, dt.date) else c for c in r] for r in outreach_log_rows()]}
    book = load_spreadsheet(google_env, tabs)
    scored = client.post(f"/v1/spreadsheets/{book}/score", json={"today": "2026-11-26"}, headers=bearer(token(keys)))
    assert scored.status_code == 200, scored.get_json()
    body = scored.get_json()
    # the work (at most 6) + the lease (create, read, delete) + the edit-access check (cached a minute)
    assert body["new"] == 2 and body["api_requests"] <= 6 + 3 + 1 and body["seconds"] >= 0
    follow = client.post(f"/v1/spreadsheets/{book}/followups", json={"today": "2026-11-26"},
                         headers=bearer(token(keys)))
    assert follow.status_code == 200, follow.get_json()
    assert follow.get_json()["api_requests"] <= 3 + 3 and follow.get_json()["prospects"] == 2


def test_missing_spreadsheet_is_404_with_the_id(client: FlaskClient, keys: dict[str, str]) -> None:
    book = "1" + "n" * 43
    response = client.post(f"/v1/spreadsheets/{book}/score", headers=bearer(token(keys)))
    assert response.status_code == 404 and book in response.get_json()["error"]["message"]


def test_setup_twice_changes_nothing(client: FlaskClient, keys: dict[str, str], google_env: str) -> None:
    book = load_spreadsheet(google_env, {"Sheet1": [["hello"]]})
    first = client.post(f"/v1/spreadsheets/{book}/setup", headers=bearer(token(keys))).get_json()
    assert set(first["created_tabs"]) == set(contract.RESERVED_TABS)
    dump = requests.get(f"{google_env}/_emulator/spreadsheets/{book}", timeout=5).json()
    second = client.post(f"/v1/spreadsheets/{book}/setup", headers=bearer(token(keys))).get_json()
    assert second["changed"] is False and second["created_tabs"] == []
    again = requests.get(f"{google_env}/_emulator/spreadsheets/{book}", timeout=5).json()
    dump.pop("modified"), again.pop("modified")
    assert dump == again
    prospects = next(s for s in again["sheets"] if s["properties"]["title"] == "Prospects")
    assert prospects["properties"]["gridProperties"]["frozenRowCount"] == 1
    assert len(prospects["extras"]["conditionalFormats"]) == 3
    protected = [p for p in again["protectedRanges"] if p.get("warningOnly")]
    assert len(protected) == len(contract.OWNED_COLUMNS)


def test_imports_multipart_and_base64(client: FlaskClient, keys: dict[str, str], google_env: str) -> None:
    book = load_spreadsheet(google_env, {"Sheet1": [["x"]]})
    export = "\ufeffDomain\tDR\r\nalpha.com\t40\r\n".encode("utf-16-le")
    multipart = client.post(f"/v1/spreadsheets/{book}/imports", headers=bearer(token(keys)),
                            data={"domain": "rival-a.com", "file": (__import__("io").BytesIO(export), "a.csv")},
                            content_type="multipart/form-data")
    assert multipart.status_code == 200, multipart.get_json()
    assert multipart.get_json()["tab"] == "rival-a.com" and multipart.get_json()["rows"] == 1
    unknown = client.post(f"/v1/spreadsheets/{book}/imports", headers=bearer(token(keys)), json={
        "domain": "rival-b.com", "filename": "b.csv", "content_base64": base64.b64encode(b"Foo,Bar\n1,2\n").decode()})
    assert unknown.status_code == 422
    assert "no column holds a domain or URL (found: Foo, Bar)" in unknown.get_json()["error"]["message"]
    tabs = GoogleStore(book).read_tabs()
    assert as_rows(tabs["rival-a.com"]) == [["Domain", "DR"], ["alpha.com", 40]]


def test_second_run_on_same_spreadsheet_gets_409(client: FlaskClient, keys: dict[str, str],
                                                 google_env: str) -> None:
    book = load_spreadsheet(google_env, TABS)
    control.post(f"{google_env}/_emulator/faults", json={"faults": [{"delay": 1.0, "rate": 1.0, "times": 1}]},
                  timeout=5)
    results: list[Any] = []
    app_client = client

    def first() -> None:
        results.append(app_client.post(f"/v1/spreadsheets/{book}/score", headers=bearer(token(keys))))

    thread = threading.Thread(target=first)
    thread.start()
    time.sleep(0.3)
    second = client.post(f"/v1/spreadsheets/{book}/score", headers=bearer(token(keys, email="cy@example.com")))
    thread.join()
    assert second.status_code == 409
    assert "ana@example.com started 'Score prospects'" in second.get_json()["error"]["message"]
    assert results[0].status_code == 200


def test_serve_refuses_to_start_without_authentication(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from sheets_bridge.web.server import run_server

    for name in ("SHEETS_BRIDGE_AUDIENCES", "SHEETS_BRIDGE_SHARED_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert run_server("127.0.0.1", 0, 1, insecure_dev=False) == 2
    assert "no authentication configured" in capsys.readouterr().err


def test_drafts_route_returns_filled_emails_and_writes_nothing(client: FlaskClient, keys: dict[str, str],
                                                               google_env: str) -> None:
    from sheets_bridge.outreach.starting_templates import starter_templates

    prospects = [["Domain", "Status", "Contact", "Touches", "Page type", "Example page", "Target URL", "Owner",
                  "Next action"],
                 ["alpha.com", "Queued", "Al <al@alpha.com>", 0, "resource page", "https://alpha.com/res",
                  "https://mine.com/guide", "Ana", "Send touch 1 of 4"],
                 ["beta.com", "Queued", "", 0, "other", "https://beta.com/x", "https://mine.com/guide", "Ana",
                  "Send touch 1 of 4"]]
    book = load_spreadsheet(google_env, {"Prospects": prospects, "Templates": starter_templates(),
                                         "Do not contact": [["Domain or email"]]})
    before = requests.get(f"{google_env}/_emulator/spreadsheets/{book}", timeout=5).json()["sheets"]
    answer = client.post(f"/v1/spreadsheets/{book}/drafts", headers=bearer(token(keys)), json={})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert [(d["domain"], d["to"], d["touch"]) for d in body["drafts"]] == [("alpha.com", "al@alpha.com", 1)]
    assert body["skipped"] == [{"domain": "beta.com", "reason": "no email address in Contact"}]
    assert requests.get(f"{google_env}/_emulator/spreadsheets/{book}", timeout=5).json()["sheets"] == before
    bad = client.post(f"/v1/spreadsheets/{book}/drafts", headers=bearer(token(keys)), json={"domains": "x.com"})
    assert bad.status_code == 400


def test_gmail_sync_logs_each_message_once_and_flags_replies(client: FlaskClient, keys: dict[str, str],
                                                             google_env: str) -> None:
    prospects = [["Domain", "Status", "Contact", "Page type"],
                 ["alpha.com", "Queued", "Al <AL@alpha.com>", "resource page"],
                 ["beta.com", "Contacted", "bo@beta.com", "comparison"]]
    log = [["Date", "Domain", "Touch", "Angle", "Result", "Link URL", "Anchor", "Notes", "Campaign"],
           ["2026-11-01", "beta.com", 1, "comparison", "Sent", "", "", "typed by hand", ""]]
    book = load_spreadsheet(google_env, {"Prospects": prospects, "Outreach log": log})
    events = [{"id": "m2", "date": "2026-11-20T09:00:00Z", "direction": "sent", "email": "bo@beta.com",
               "subject": "Re: a side-by-side"},
              {"id": "m1", "date": "2026-11-18T09:00:00Z", "direction": "sent", "email": "al@alpha.com",
               "subject": "A resource =IMPORTXML(1)"},
              {"id": "m3", "date": "2026-11-21T10:00:00Z", "direction": "received", "email": "al@alpha.com",
               "subject": "Re: A resource"},
              {"id": "m4", "date": "2026-11-21T10:00:00Z", "direction": "received", "email": "x@elsewhere.com"}]
    first = client.post(f"/v1/spreadsheets/{book}/gmail-sync", headers=bearer(token(keys)), json={"events": events})
    assert first.status_code == 200, first.get_json()
    counts = {k: first.get_json()[k] for k in ("logged_sent", "logged_replies", "already_logged", "not_prospects")}
    assert counts == {"logged_sent": 2, "logged_replies": 1, "already_logged": 0, "not_prospects": 1}
    again = client.post(f"/v1/spreadsheets/{book}/gmail-sync", headers=bearer(token(keys)), json={"events": events})
    assert again.get_json()["already_logged"] == 3 and again.get_json()["logged_sent"] == 0
    rows = as_rows(GoogleStore(book).read_tabs()["Outreach log"])
    assert rows[1][7] == "typed by hand"  # the hand-typed row stays where it was
    assert [(r[1], r[2], r[4]) for r in rows[2:]] == [("alpha.com", 1, "Sent"), ("beta.com", 2, "Sent"),
                                                       ("alpha.com", "", "Replied")]
    assert rows[2][7] == "Gmail m1: A resource =IMPORTXML(1)"  # stored as text (RAW)
    followups = client.post(f"/v1/spreadsheets/{book}/followups", headers=bearer(token(keys)),
                            json={"today": "2026-11-26"})
    assert followups.status_code == 200
    prospects_now = as_rows(GoogleStore(book).read_tabs()["Prospects"])
    action = prospects_now[0].index("Next action")
    assert prospects_now[1][action] == "Read the reply and set Replied positive or negative"


def test_digest_updates_followups_and_groups_due_prospects_by_owner(client: FlaskClient, keys: dict[str, str],
                                                                     google_env: str) -> None:
    prospects = [["Domain", "Status", "Owner", "Touches", "Next action"],
                 ["a.com", "Contacted", "ana@team.com", "", ""], [""], ["b.com", "Contacted", "Bo", "", ""],
                 ["c.com", "Queued", "ana@team.com", "", ""], ["d.com", "Contacted", "eve@outside.net", "", ""]]
    log = [["Date", "Domain", "Touch", "Angle", "Result"], ["2026-11-20", "a.com", 1, "list", "Sent"],
           ["2026-11-22", "b.com", 1, "list", "Sent"], ["2026-11-20", "d.com", 1, "list", "Sent"]]
    # ana@team.com can edit the spreadsheet (Drive's permissions); eve@outside.net, typed in Owner, cannot
    book = load_spreadsheet(google_env, {"Settings": [["Follow-up days", "1, 4, 9, 14"]], "Prospects": prospects,
                                         "Outreach log": log, "Do not contact": [["Domain or email"]]},
                            editors=("bridge@emulated.iam.gserviceaccount.com", "ana@team.com"))
    answer = client.post(f"/v1/spreadsheets/{book}/digest", headers=bearer(token(keys)),
                         json={"today": "2026-11-26"})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    # a.com: first touch 11-20, touch 2 due 3 days later (11-23): overdue on 11-26, row 2 of the sheet
    # c.com is Queued: its first touch is due now (drafts are made for it), so the digest lists it
    assert body["owners"] == [{"owner": "ana@team.com", "due": [
        {"domain": "c.com", "next_action": "Send touch 1 of 4", "row": 5}], "overdue": [
        {"domain": "a.com", "next_action": "Overdue since 2026-11-23: send touch 2 of 4", "row": 2}]}]
    assert any("Owner is not an email address" in w and "Bo" in w for w in body["warnings"])
    assert any("cannot edit this spreadsheet: eve@outside.net" in w for w in body["warnings"])
    # the editors the digest's script sends decide when given: here only eve, so ana is left out
    again = client.post(f"/v1/spreadsheets/{book}/digest", headers=bearer(token(keys)),
                        json={"today": "2026-11-26", "editors": ["eve@outside.net"]}).get_json()
    assert [o["owner"] for o in again["owners"]] == ["eve@outside.net"]
