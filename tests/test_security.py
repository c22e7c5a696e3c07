"""Signatures, replays across processes, edit access, certificate fetches and absurd input."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests
from conftest import SERVICE_ACCOUNT, load_spreadsheet
from flask.testing import FlaskClient
from identity import AUDIENCE, token
from test_service import SECRET, TABS, bearer, signed

from sheets_bridge.web.app import create_app
from sheets_bridge.web.config import Config


def _app(certs_url: str, **overrides: Any) -> FlaskClient:
    config = Config(**{"audiences": (AUDIENCE,), "allowed_domains": ("example.com",), "certs_url": certs_url,
                       "shared_secret": SECRET, "act_as": "service-account", **overrides})
    return create_app(config, service_account=lambda: SERVICE_ACCOUNT).test_client()


@pytest.fixture
def two_processes(google_env: str, certs_url: str) -> tuple[FlaskClient, FlaskClient]:
    """Two service instances: nothing shared between them but the spreadsheet."""
    return _app(certs_url), _app(certs_url)


def test_a_signature_is_one_value_whatever_its_case(two_processes: tuple[FlaskClient, FlaskClient]) -> None:
    client, _ = two_processes
    headers = signed("/v1/info", method="GET")
    assert client.get("/v1/info", headers=headers).status_code == 200
    for variant in (headers["X-Sheets-Bridge-Signature"].upper(),
                    headers["X-Sheets-Bridge-Signature"][:10].upper() + headers["X-Sheets-Bridge-Signature"][10:],
                    " " + headers["X-Sheets-Bridge-Signature"] + " "):
        again = dict(headers, **{"X-Sheets-Bridge-Signature": variant})
        response = client.get("/v1/info", headers=again)
        assert response.status_code == 401 and "already used" in response.get_json()["error"]["message"]


def test_a_replay_is_refused_by_another_process(two_processes: tuple[FlaskClient, FlaskClient],
                                                google_env: str) -> None:
    first, second = two_processes
    book = load_spreadsheet(google_env, {"Sheet1": [["hello"]]})
    path = f"/v1/spreadsheets/{book}/setup"
    headers = signed(path, b"{}")
    assert first.post(path, data=b"{}", headers=headers).status_code == 200
    replay = second.post(path, data=b"{}", headers=dict(headers, **{
        "X-Sheets-Bridge-Signature": headers["X-Sheets-Bridge-Signature"].upper()}))
    assert replay.status_code == 401 and "already used" in replay.get_json()["error"]["message"]


def test_signed_message_covers_method_path_body_and_time(two_processes: tuple[FlaskClient, FlaskClient]) -> None:
    client, _ = two_processes
    book = "1" + "q" * 43
    other_path = signed(f"/v1/spreadsheets/{book}/setup", b"{}")
    assert client.post(f"/v1/spreadsheets/{book}/score", data=b"{}", headers=other_path).status_code == 401
    other_method = signed("/v1/info", method="POST")
    assert client.get("/v1/info", headers=other_method).status_code == 401
    wrong_secret = signed("/v1/info", method="GET", secret="not-the-secret")
    assert client.get("/v1/info", headers=wrong_secret).status_code == 401
    future = signed("/v1/info", method="GET", stamp=int(time.time()) + 120)
    answer = client.get("/v1/info", headers=future)
    assert answer.status_code == 401 and "in the future" in answer.get_json()["error"]["message"]
    near_future = signed("/v1/info", method="GET", stamp=int(time.time()) + 20)  # within the 60 s skew
    assert client.get("/v1/info", headers=near_future).status_code == 200
    not_hex = dict(signed("/v1/info", method="GET"), **{"X-Sheets-Bridge-Signature": "z" * 64})
    assert client.get("/v1/info", headers=not_hex).status_code == 401


@pytest.mark.parametrize(("claims", "status", "message"), [
    ({"email": "a@evilexample.com", "hd": "evilexample.com"}, 403, "not allowed"),
    ({"email": "a@example.com.evil.org", "hd": "example.com.evil.org"}, 403, "not allowed"),
    ({"email": "mallory@example.com", "hd": None}, 403, "Google Workspace"),
    ({"email": "mallory@example.com", "hd": "other.com"}, 403, "Google Workspace"),
    ({"email": "ana@example.com", "hd": "example.com"}, 200, ""),
])
def test_allowed_domains_are_exact_and_checked_against_hd(certs_url: str, keys: dict[str, str],
                                                          claims: dict[str, Any], status: int, message: str) -> None:
    response = _app(certs_url).get("/v1/info", headers=bearer(token(keys, **claims)))
    assert response.status_code == status
    if message:
        assert message in response.get_json()["error"]["message"]


def test_unknown_key_ids_do_not_refetch_certificates(certs_url: str, keys: dict[str, str]) -> None:
    app = create_app(Config(audiences=(AUDIENCE,), allowed_domains=("example.com",), certs_url=certs_url),
                     service_account=lambda: SERVICE_ACCOUNT)
    client = app.test_client()
    assert client.get("/v1/info", headers=bearer(token(keys))).status_code == 200
    for n in range(40):
        response = client.get("/v1/info", headers=bearer(token(keys, kid=f"made-up-{n}")))
        assert response.status_code == 401
    assert app.extensions["sheets_bridge.auth"].certs.fetches == 1


def test_caller_must_be_able_to_edit_the_spreadsheet(google_env: str, certs_url: str, keys: dict[str, str]) -> None:
    client = _app(certs_url)
    book = load_spreadsheet(google_env, TABS, owner="owner@example.com", editors=(SERVICE_ACCOUNT, "ed@example.com"),
                            viewers=("vi@example.com",))
    for email, status in (("stranger@example.com", 403), ("vi@example.com", 403), ("ed@example.com", 200),
                          ("owner@example.com", 200)):
        response = client.post(f"/v1/spreadsheets/{book}/score", json={"today": "2026-11-26"},
                               headers=bearer(token(keys, email=email)))
        assert response.status_code == status, (email, response.get_json())
        if status == 403:
            message = response.get_json()["error"]["message"]
            assert f"{email} cannot edit this spreadsheet" in message and "Editor" in message
    before = requests.get(f"{google_env}/_emulator/spreadsheets/{book}", timeout=5).json()
    assert client.post(f"/v1/spreadsheets/{book}/imports", headers=bearer(token(keys, email="vi@example.com")),
                       json={"domain": "rival-a.com", "content_base64": "RG9tYWluCmEuY29tCg=="}).status_code == 403
    after = requests.get(f"{google_env}/_emulator/spreadsheets/{book}", timeout=5).json()
    assert before["sheets"] == after["sheets"]


def test_domain_and_anyone_permissions_give_edit_access(google_env: str, certs_url: str,
                                                        keys: dict[str, str]) -> None:
    book = load_spreadsheet(google_env, TABS, owner="owner@example.com", editors=(SERVICE_ACCOUNT,))
    client = _app(certs_url)
    assert client.post(f"/v1/spreadsheets/{book}/setup", headers=bearer(token(keys, email="zed@example.com"))
                       ).status_code == 403
    share = requests.post(f"{google_env}/drive/v3/files/{book}/permissions", headers={"Authorization": "Bearer t"},
                          json={"type": "domain", "domain": "example.com", "role": "writer"}, timeout=5)
    assert share.status_code == 200
    fresh = _app(certs_url)  # the first instance remembers its "no" for a minute
    assert fresh.post(f"/v1/spreadsheets/{book}/setup", headers=bearer(token(keys, email="zed@example.com"))
                      ).status_code == 200


def test_emulator_refuses_a_spreadsheet_not_shared_with_the_service_account(google_env: str) -> None:
    from sheets_bridge.exceptions import SheetAccessError
    from sheets_bridge.store.google.sheets import GoogleStore

    book = load_spreadsheet(google_env, TABS, owner="owner@example.com", editors=())
    with pytest.raises(SheetAccessError, match=r"share it with bridge@emulated\.iam\.gserviceaccount\.com"):
        GoogleStore(book).read_tabs()


@pytest.mark.parametrize("body", [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    json.dumps({"today": "9999-12-31"}).encode(),
    json.dumps({"today": "0001-01-01"}).encode(),
])
def test_absurd_bodies_are_400(certs_url: str, keys: dict[str, str], google_env: str, body: bytes) -> None:
    book = load_spreadsheet(google_env, TABS)
    for route in ("score", "dashboard", "followups"):
        response = _app(certs_url).post(f"/v1/spreadsheets/{book}/{route}", data=body,
                                        headers=bearer(token(keys)), content_type="application/json")
        assert response.status_code == 400, response.get_json()


def test_insecure_dev_listens_on_loopback_only(capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from sheets_bridge.web import server

    started: list[dict[str, Any]] = []

    class NoServer:
        def __init__(self, app: Any, options: dict[str, Any]) -> None:
            started.append(options)

        def run(self) -> None:
            pass

    monkeypatch.setattr(server, "_Gunicorn", NoServer)
    assert server.run_server("0.0.0.0", 0, 1, insecure_dev=True) == 2
    assert "loopback only" in capsys.readouterr().err and started == []
    assert server.run_server(None, 0, 1, insecure_dev=True) == 0
    assert started[0]["bind"] == "127.0.0.1:0"


def test_a_signed_multipart_import_as_the_example_client_sends_it(google_env: str, certs_url: str) -> None:
    from signed_request import multipart, signed_headers

    book = load_spreadsheet(google_env, {"Sheet1": [["x"]]})
    path = f"/v1/spreadsheets/{book}/imports"
    body, kind = multipart({"domain": "rival-m.com"}, "file", "m.csv", b"Domain,DR\nalpha.com,40\n")
    headers = {**signed_headers(SECRET, "POST", path, body), "Content-Type": kind}
    answer = _app(certs_url).post(path, data=body, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["tab"] == "rival-m.com" and answer.get_json()["rows"] == 1
    again = _app(certs_url).post(path + "?x=1", data=body, headers=headers)  # another process, same signature
    assert again.status_code == 401 and "already used" in again.get_json()["error"]["message"]
    fresh = {**signed_headers(SECRET, "POST", path, body, int(time.time()) + 1), "Content-Type": kind}
    assert _app(certs_url).post(path, data=body, headers=fresh).status_code == 200  # a re-import of the same file
