"""Reliability: fixed-seed chaos and crash trials, and fuzzing of the service's request parsing."""

from __future__ import annotations

import json

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.chaos import EDIT_KINDS, run_chaos
from harness.crash import run_crashes
from sheets_bridge.web.app import create_app
from sheets_bridge.web.config import Config


def test_chaos_fixed_seed_has_no_violations() -> None:
    report = run_chaos(runs=12, seed=7)
    assert report.runs == 12
    assert sum(report.faults.values()) >= 12 and set(report.edits) == set(EDIT_KINDS)
    assert report.two_process_runs == 2 and report.waits_checked >= 3
    assert report.violations == []


def test_crash_trials_never_leave_a_mixed_state() -> None:
    report = run_crashes(trials=4, seed=11)
    assert report.trials == 4 and report.recovered == 4
    assert report.killed_in_write >= 1 and report.killed_before_write >= 1 and report.lease_held >= 1
    assert report.violations == []


ROUTES = st.sampled_from(["score", "followups", "dashboard", "imports", "setup", "nope", ""])
IDS = st.one_of(st.text(min_size=0, max_size=60), st.from_regex(r"[A-Za-z0-9_-]{20,60}", fullmatch=True))
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
BODIES = st.one_of(st.binary(max_size=300), JSON_VALUES.map(lambda v: json.dumps(v).encode()),
                   st.fixed_dictionaries({"today": st.text(max_size=12), "domain": st.text(max_size=20),
                                          "content_base64": st.text(max_size=40)})
                   .map(lambda v: json.dumps(v).encode()))


def _client(google_env: str) -> FlaskClient:
    return create_app(Config(insecure_dev=True), service_account=lambda: "x").test_client()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=ROUTES, book=IDS, body=BODIES, content_type=st.sampled_from(
    ["application/json", "text/plain", "multipart/form-data; boundary=x", ""]))
def test_service_never_answers_500_to_what_a_client_sends(google_env: str, route: str, book: str, body: bytes,
                                                          content_type: str) -> None:
    client = _client(google_env)
    response = client.post(f"/v1/spreadsheets/{book}/{route}", data=body, content_type=content_type or None)
    assert response.status_code < 500 or response.status_code in {502, 503}, response.get_data(as_text=True)
    payload = response.get_json(silent=True)
    assert payload is not None and set(payload["error"]) == {"code", "message"}
