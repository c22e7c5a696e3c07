"""Acting as the person who clicked: their access token checked with tokeninfo, then every Google request as them.

The tokeninfo answers here are written from Google's documented contract (``oauth2.googleapis.com/tokeninfo``:
``email``, ``email_verified``, ``azp``/``aud``, ``scope``, ``exp`` as strings; 400 ``invalid_token``), not from
the product's parser.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
import requests
from conftest import inspector_store, load_spreadsheet
from flask.testing import FlaskClient
from identity import AUDIENCE, SHEETS, access_token, token
from test_service import TABS

from sheets_bridge.exceptions import AuthenticationError
from sheets_bridge.intake.ingest import as_rows
from sheets_bridge.web.app import create_app
from sheets_bridge.web.config import Config, ConfigError
from sheets_bridge.web.person import PersonTokens, ScopeMissingError
from sheets_emulator import control

SERVICE_ACCOUNT = "bridge@emulated.iam.gserviceaccount.com"


class Answer:
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status_code, self._body = status, body

    def json(self) -> dict[str, Any]:
        return self._body


def tokeninfo(**fields: Any) -> dict[str, Any]:
    now = int(time.time())
    body = {"azp": AUDIENCE, "aud": AUDIENCE, "sub": "1", "scope": f"openid {SHEETS}", "exp": str(now + 3000),
            "expires_in": "3000", "email": "ana@example.com", "email_verified": "true", "access_type": "online"}
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


def checker(answer: Answer, clock: float | None = None) -> tuple[PersonTokens, list[str]]:
    asked: list[str] = []

    def fetch(url: str, data: dict[str, str], timeout: float) -> Answer:
        asked.append(data["access_token"])
        return answer
    return PersonTokens("https://tokeninfo.test", (AUDIENCE,), fetch=fetch,
                        clock=(lambda: clock) if clock is not None else time.time), asked


def test_a_token_of_the_same_person_and_client_with_the_scope_acts_as_them() -> None:
    tokens, asked = checker(Answer(200, tokeninfo()))
    person = tokens.check("ya29.a", "Ana@Example.com", (SHEETS,))
    assert person.email == "ana@example.com" and person.credentials.token == "ya29.a"
    tokens.check("ya29.a", "ana@example.com", (SHEETS,))
    assert asked == ["ya29.a"]  # cached until it expires: one tokeninfo request
    assert "ya29.a" not in repr(person) and "ya29.a" not in str(tokens._facts)


@pytest.mark.parametrize(("fields", "status", "words"), [
    ({"email": "bo@example.com"}, 401, "another Google account"),
    ({"email_verified": "false"}, 401, "verified account"),
    ({"azp": "other-client.apps.googleusercontent.com", "aud": "other-client.apps.googleusercontent.com"}, 401,
     "another application"),
    ({"exp": "1000", "expires_in": "0"}, 401, "expired"),
    ({"scope": "openid email"}, 403, "authorise it again"),
])
def test_tokens_that_are_not_the_callers_own_are_refused(fields: dict[str, Any], status: int, words: str) -> None:
    tokens, _ = checker(Answer(200, tokeninfo(**fields)))
    with pytest.raises((AuthenticationError, ScopeMissingError)) as caught:
        tokens.check("ya29.b", "ana@example.com", (SHEETS,))
    assert caught.value.status == status and words in caught.value.message
    assert "ya29.b" not in caught.value.message


def test_a_token_google_does_not_know_is_refused_and_not_asked_about_again_at_once() -> None:
    tokens, asked = checker(Answer(400, {"error": "invalid_token", "error_description": "Invalid Value"}))
    for _ in range(3):
        with pytest.raises(AuthenticationError, match="not valid"):
            tokens.check("ya29.c", "ana@example.com", (SHEETS,))
    assert asked == ["ya29.c"]


def test_a_cached_token_is_asked_about_again_once_it_expires() -> None:
    now = [time.time()]
    tokens = PersonTokens("u", (AUDIENCE,), clock=lambda: now[0],
                          fetch=lambda url, data, timeout: Answer(200, tokeninfo(exp=str(int(now[0]) + 60))))
    tokens.check("ya29.d", "ana@example.com", (SHEETS,))
    now[0] += 120
    tokens.check("ya29.d", "ana@example.com", (SHEETS,))
    assert tokens.lookups == 2


def test_the_mode_is_person_or_service_account_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETS_BRIDGE_ACT_AS", "robot")
    with pytest.raises(ConfigError, match="person"):
        Config.from_env()
    monkeypatch.setenv("SHEETS_BRIDGE_ACT_AS", "Service-Account")
    assert Config.from_env().act_as == "service-account"
    monkeypatch.delenv("SHEETS_BRIDGE_ACT_AS")
    assert Config.from_env().act_as == "person"


# ---- through the service, against the emulator's token endpoint, tokeninfo and sharing ----

@pytest.fixture
def person_client(google_env: str, certs_url: str) -> FlaskClient:
    config = Config(audiences=(AUDIENCE,), allowed_domains=("example.com",), certs_url=certs_url,
                    tokeninfo_url=f"{google_env}/tokeninfo")
    return create_app(config, service_account=lambda: SERVICE_ACCOUNT).test_client()


def as_person(keys: dict[str, str], emulator: str, email: str, access: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(keys, email=email)}",
            "X-User-Access-Token": access if access is not None else access_token(emulator, email)}


def test_a_person_scores_a_spreadsheet_never_shared_with_the_service_account(
        person_client: FlaskClient, google_env: str, keys: dict[str, str]) -> None:
    book = load_spreadsheet(google_env, TABS, owner="ana@example.com", editors=())
    answer = person_client.post(f"/v1/spreadsheets/{book}/score", json={"today": "2026-11-26"},
                                headers=as_person(keys, google_env, "ana@example.com"))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["new"] == 2 and answer.get_json()["api_requests"] <= 6
    rows = as_rows(inspector_store(book).read_tabs()["Prospects"])
    priorities = [float(r[rows[0].index("Priority")]) for r in rows[1:]]
    assert priorities == sorted(priorities, reverse=True)  # sorted with the lease's release, no request of its own
    # the service account could not even have read it: Google's own check, per person
    blocked = requests.get(f"{google_env}/v4/spreadsheets/{book}", timeout=5,
                           headers={"Authorization": f"Bearer {access_token(google_env, SERVICE_ACCOUNT)}"})
    assert blocked.status_code == 403


def test_google_refuses_a_person_without_edit_access_in_plain_words(
        person_client: FlaskClient, google_env: str, keys: dict[str, str]) -> None:
    book = load_spreadsheet(google_env, TABS, owner="owner@example.com", editors=("ed@example.com",),
                            viewers=("vi@example.com",))
    before = requests.get(f"{google_env}/_emulator/spreadsheets/{book}", timeout=5).json()
    for email, status, words in (("vi@example.com", 403, "can view spreadsheet"),
                                 ("zed@example.com", 403, "cannot open spreadsheet"),
                                 ("ed@example.com", 200, "")):
        answer = person_client.post(f"/v1/spreadsheets/{book}/score", json={"today": "2026-11-26"},
                                    headers=as_person(keys, google_env, email))
        assert answer.status_code == status, (email, answer.get_json())
        if words:
            message = answer.get_json()["error"]["message"]
            assert words in message and "share it with you as Editor" in message and email in message
            assert SERVICE_ACCOUNT not in message
            after = requests.get(f"{google_env}/_emulator/spreadsheets/{book}", timeout=5).json()
            assert after["sheets"] == before["sheets"]


def test_another_persons_access_token_with_your_identity_token_is_refused(
        person_client: FlaskClient, google_env: str, keys: dict[str, str]) -> None:
    book = load_spreadsheet(google_env, TABS, owner="ana@example.com", editors=("bo@example.com",))
    stolen = access_token(google_env, "ana@example.com")
    answer = person_client.post(f"/v1/spreadsheets/{book}/score", json={"today": "2026-11-26"},
                                headers=as_person(keys, google_env, "bo@example.com", access=stolen))
    assert answer.status_code == 401
    assert "another Google account" in answer.get_json()["error"]["message"]
    other_app = access_token(google_env, "bo@example.com", client="someone-else.apps.googleusercontent.com")
    answer = person_client.post(f"/v1/spreadsheets/{book}/score", json={"today": "2026-11-26"},
                                headers=as_person(keys, google_env, "bo@example.com", access=other_app))
    assert answer.status_code == 401 and "another application" in answer.get_json()["error"]["message"]
    missing = person_client.post(f"/v1/spreadsheets/{book}/score", json={"today": "2026-11-26"},
                                 headers={"Authorization": f"Bearer {token(keys, email='bo@example.com')}"})
    assert missing.status_code == 401 and "X-User-Access-Token" in missing.get_json()["error"]["message"]
    control.post(f"{google_env}/_emulator/tokens/expire", json={"email": "bo@example.com"}, timeout=5)
    expired = person_client.post(f"/v1/spreadsheets/{book}/score", json={"today": "2026-11-26"},
                                 headers=as_person(keys, google_env, "bo@example.com",
                                                   access=access_token(google_env, "bo@example.com")))
    assert expired.status_code == 200  # a fresh token works; the expired one below does not
    old = access_token(google_env, "bo@example.com")
    control.post(f"{google_env}/_emulator/tokens/expire", json={"email": "bo@example.com"}, timeout=5)
    answer = person_client.post(f"/v1/spreadsheets/{book}/score", json={"today": "2026-11-26"},
                                headers=as_person(keys, google_env, "bo@example.com", access=old))
    assert answer.status_code == 401


def test_search_console_answers_only_for_properties_the_person_can_read(
        person_client: FlaskClient, google_env: str, keys: dict[str, str]) -> None:
    tabs = {"Settings": [["Your domain", "mine.com"], ["Search console property", "sc-domain:mine.com"]],
            "Targets": [["URL", "Topic"], ["https://mine.com/guide", "guide"]]}
    book = load_spreadsheet(google_env, tabs, owner="ana@example.com", editors=("bo@example.com",))
    rows = [{"date": "2026-11-01", "page": "https://mine.com/guide", "query": "q", "clicks": 3, "impressions": 40,
             "position": 4.0}]
    control.put(f"{google_env}/_emulator/searchconsole/sc-domain:mine.com", timeout=5,
                 json={"rows": rows, "users": ["ana@example.com"]})
    control.put(f"{google_env}/_emulator/searchconsole/sc-domain:other-team.com", timeout=5,
                 json={"rows": rows, "users": [SERVICE_ACCOUNT, "cy@example.com"]})
    ok = person_client.post(f"/v1/spreadsheets/{book}/rankings", json={"today": "2026-11-26"},
                            headers=as_person(keys, google_env, "ana@example.com"))
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["rows"] == 1
    for email, site in (("bo@example.com", ""), ("ana@example.com", "sc-domain:other-team.com")):
        refused = person_client.post(f"/v1/spreadsheets/{book}/rankings", json={"today": "2026-11-26", "site": site},
                                     headers=as_person(keys, google_env, email))
        assert refused.status_code == 403, refused.get_json()
        assert "you cannot read this property" in refused.get_json()["error"]["message"]
    no_scope = person_client.post(f"/v1/spreadsheets/{book}/rankings", json={"today": "2026-11-26"},
                                  headers=as_person(keys, google_env, "ana@example.com",
                                                    access=access_token(google_env, "ana@example.com",
                                                                        scopes=(SHEETS,))))
    assert no_scope.status_code == 403 and "webmasters.readonly" in no_scope.get_json()["error"]["message"]


def test_one_robot_mode_keeps_menu_users_out_of_search_console(google_env: str, certs_url: str,
                                                               keys: dict[str, str]) -> None:
    config = Config(audiences=(AUDIENCE,), allowed_domains=("example.com",), certs_url=certs_url,
                    act_as="service-account")
    client = create_app(config, service_account=lambda: SERVICE_ACCOUNT).test_client()
    book = load_spreadsheet(google_env, {"Settings": [["Your domain", "mine.com"]]})
    answer = client.post(f"/v1/spreadsheets/{book}/rankings", headers={"Authorization": f"Bearer {token(keys)}"},
                         json={"today": "2026-11-26", "site": "sc-domain:other-team.com"})
    assert answer.status_code == 403 and "SHEETS_BRIDGE_ACT_AS=person" in answer.get_json()["error"]["message"]


def test_the_access_token_never_reaches_logs_or_responses(person_client: FlaskClient, google_env: str,
                                                          keys: dict[str, str], caplog: pytest.LogCaptureFixture
                                                          ) -> None:
    book = load_spreadsheet(google_env, TABS, owner="ana@example.com", editors=())
    access = access_token(google_env, "ana@example.com")
    caplog.set_level(logging.DEBUG)
    answers = [person_client.post(f"/v1/spreadsheets/{book}/score", json={"today": "2026-11-26"},
                                  headers=as_person(keys, google_env, "ana@example.com", access=access)),
               person_client.get("/v1/info", headers=as_person(keys, google_env, "ana@example.com", access=access)),
               person_client.post(f"/v1/spreadsheets/{book}/score", json={"today": "2026-11-26"},
                                  headers=as_person(keys, google_env, "bo@example.com", access=access))]
    assert [a.status_code for a in answers] == [200, 200, 401]
    assert answers[1].get_json()["acting_as"] == "person"
    assert all(access not in a.get_data(as_text=True) for a in answers)
    assert access not in caplog.text


def test_a_run_that_would_overrun_the_quota_is_queued_with_who_is_ahead_and_how_long() -> None:
    from sheets_bridge.web.quota import QueuedError, QuotaGauge

    now = [1000.0]
    gauge = QuotaGauge(per_minute=20, per_run=6, clock=lambda: now[0])
    with gauge.run("Ana@example.com") as sent:
        sent(6)
    now[0] += 10
    with gauge.run("ana@example.com") as sent, gauge.run("ana@example.com"):  # 6 sent + 2 running = 18
        with pytest.raises(QueuedError) as caught, gauge.run("ana@example.com"):
            pass
        assert caught.value.ahead == 2 and caught.value.retry_after == 50  # the first run's 6 leave at 60 s
        assert "Queued behind 2 runs, about 50 s" in caught.value.message
        with gauge.run("bo@example.com"):  # another person's quota is theirs
            pass
        sent(5)
    now[0] += 51
    with gauge.run("ana@example.com"):
        pass
    off = QuotaGauge(per_minute=0)
    for _ in range(50):
        with off.run("x"):
            pass


def test_the_service_queues_a_burst_from_one_account_instead_of_meeting_googles_429(
        google_env: str, certs_url: str, keys: dict[str, str]) -> None:
    config = Config(audiences=(AUDIENCE,), allowed_domains=("example.com",), certs_url=certs_url,
                    tokeninfo_url=f"{google_env}/tokeninfo", quota_per_minute=12)  # room for two runs
    client = create_app(config, service_account=lambda: SERVICE_ACCOUNT).test_client()
    books = [load_spreadsheet(google_env, TABS, book_id=f"1queue{n}" + "x" * 39, owner="ana@example.com",
                              editors=()) for n in range(3)]
    headers = as_person(keys, google_env, "ana@example.com")
    answers = [client.post(f"/v1/spreadsheets/{b}/score", json={"today": "2026-11-26"}, headers=headers)
               for b in books]
    assert [a.status_code for a in answers] == [200, 200, 503]
    error = answers[2].get_json()["error"]
    assert error["code"] == "queued" and error["retry_after"] >= 1 and answers[2].headers["Retry-After"]
    assert error["message"].startswith("Queued for this minute's quota, about")
