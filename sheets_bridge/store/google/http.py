"""The one HTTP session that talks to Google: credentials, base-URL rewriting, bounded jittered retries."""

from __future__ import annotations

import functools
import os
import random
import time
from collections.abc import Callable
from typing import Any

import google.auth
import orjson
import requests
from google.auth.credentials import Credentials
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account

from sheets_bridge.exceptions import GoogleUnavailableError, TargetError

SCOPES = ("https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive.file",
          "https://www.googleapis.com/auth/drive.metadata.readonly",
          "https://www.googleapis.com/auth/webmasters.readonly")
GOOGLE_ROOTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")
EDIT_ROLES = frozenset({"owner", "organizer", "fileOrganizer", "writer"})  # Drive roles that may edit
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
REQUEST_TIMEOUT = 75.0  # seconds one request may take; under the lease's margin (store.lease.MARGIN)


def load_credentials() -> Credentials:
    """A service account from GOOGLE_APPLICATION_CREDENTIALS, else application default credentials."""
    path = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    try:
        if path:
            return service_account.Credentials.from_service_account_file(path, scopes=SCOPES)
        credentials, _ = google.auth.default(scopes=SCOPES)
        return credentials
    except (OSError, ValueError, google.auth.exceptions.DefaultCredentialsError) as exc:
        where = f"the file named by GOOGLE_APPLICATION_CREDENTIALS ({os.path.basename(path)})" if path else \
            "application default credentials"
        raise TargetError(f"Cannot load Google credentials from {where}: {type(exc).__name__}. Point "
                          "GOOGLE_APPLICATION_CREDENTIALS at a service-account key file (see "
                          "credentials.example.json)") from None


def service_account_email(credentials: Credentials) -> str:
    """The email a user must share their sheet with, when known."""
    return str(getattr(credentials, "service_account_email", "") or "")


def person_session(token_credentials: Credentials, email: str) -> GoogleSession:
    """A session whose every request acts as the person who clicked (their own access token)."""
    return GoogleSession(token_credentials, person=email)


def encode_json(body: Any) -> bytes:
    """A request body as compact UTF-8 JSON (values reach here converted: no NaN, no dates)."""
    return orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)


def encoded_now(value: Any) -> orjson.Fragment:
    """A value encoded once, now, to go into a later request body as it is (its Python objects can go)."""
    return orjson.Fragment(encode_json(value))


def _decode_json(content: bytes, **_: Any) -> Any:
    """A response body decoded by orjson (large values:batchGet answers decode several times faster)."""
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        raise requests.JSONDecodeError(str(exc), content.decode("utf-8", errors="replace"), 0) from None


class GoogleSession(AuthorizedSession):
    """requests session with Google auth that rewrites Google's base URLs and retries transient failures."""

    def __init__(self, credentials: Credentials, api_root: str | None = None, max_attempts: int = 6,
                 max_wait: float = 60.0, base_delay: float = 0.5, sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None, person: str = "") -> None:
        # a person's access token cannot be refreshed here: a 401 is answered, not retried with a refresh
        super().__init__(credentials, **({"refresh_status_codes": ()} if person else {}))
        self.person = person  # the email the requests act as, when they carry a person's own token
        self.api_root = (api_root or os.environ.get("SHEETS_BRIDGE_API_ROOT") or "").rstrip("/")
        self.max_attempts = max_attempts
        self.max_wait = max_wait
        self.base_delay = base_delay
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.requests_sent = 0
        self.retries = 0
        self.deadline: Callable[[], float] | None = None  # seconds a held run may still spend on requests

    def rewrite(self, url: str) -> str:
        """Point a Google API URL at the configured root (the local emulator in tests)."""
        if self.api_root:
            for root in GOOGLE_ROOTS:
                if url.startswith(root):
                    return self.api_root + url[len(root):]
        return url

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Send with bounded, jittered exponential backoff on 408/429/5xx and connection errors."""
        url = self.rewrite(url)
        if kwargs.get("json") is not None:  # encoded once, by orjson (several times faster on large writes)
            kwargs["data"] = encode_json(kwargs.pop("json"))
            kwargs["headers"] = {**(kwargs.get("headers") or {}), "Content-Type": "application/json"}
        waited = 0.0
        for attempt in range(1, self.max_attempts + 1):
            left = self.deadline() if self.deadline is not None else REQUEST_TIMEOUT
            if left <= 0:
                self._out_of_time()
            kwargs["timeout"] = min(float(kwargs.get("timeout") or REQUEST_TIMEOUT), REQUEST_TIMEOUT, left)
            self.requests_sent += 1
            try:
                response: requests.Response = super().request(method, url, *args, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as exc:
                delay = self._delay(attempt, None)
                if attempt < self.max_attempts and self._deadline_first(waited + delay, waited):
                    self._out_of_time()
                if attempt == self.max_attempts or waited + delay > self._wait_limit(waited):
                    raise GoogleUnavailableError(
                        f"Google Sheets could not be reached after {attempt} attempts ({type(exc).__name__}); "
                        "nothing was written. Try again in a minute") from None
            else:
                if response.status_code not in RETRY_STATUSES:
                    # bound to the bytes, not to the response: a response holding a partial that holds the
                    # response is a cycle, kept (with its body) until the cyclic collector runs, which a run pauses
                    response.json = functools.partial(_decode_json, response.content)  # type: ignore[method-assign]
                    return response
                delay = self._delay(attempt, response.headers.get("Retry-After"))
                if attempt < self.max_attempts and self._deadline_first(waited + delay, waited):
                    self._out_of_time()
                if attempt == self.max_attempts or waited + delay > self._wait_limit(waited):
                    return response
            self.retries += 1
            waited += delay
            self.sleep(delay)
        raise AssertionError("unreachable")

    def _deadline_first(self, total_wait: float, waited: float = 0.0) -> bool:
        """Whether the held run's deadline, not ``max_wait``, is what this wait would overrun."""
        return (self.deadline is not None and total_wait <= self.max_wait
                and total_wait - waited > self.deadline())

    @staticmethod
    def _out_of_time() -> None:
        from sheets_bridge.store.google.lease import LeaseExpiredError

        raise LeaseExpiredError("This run took longer than the time it may hold the spreadsheet; nothing more was "
                                "written. Run it again")

    def _wait_limit(self, waited: float = 0.0) -> float:
        """How long retries may wait in all: ``max_wait``, and never past a held run's deadline."""
        if self.deadline is None:
            return self.max_wait
        return min(self.max_wait, waited + self.deadline())

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        """Jittered exponential backoff, never shorter than the server's Retry-After (seconds)."""
        backoff = float(self.base_delay * 2 ** (attempt - 1) * (0.5 + self.rng.random()))
        if retry_after:
            try:
                return max(backoff, float(retry_after))
            except ValueError:
                pass
        return backoff
