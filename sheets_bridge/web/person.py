"""Acting as the person who clicked: their OAuth access token, checked with Google's tokeninfo endpoint.

The menu sends, next to its ID token, the person's access token (``ScriptApp.getOAuthToken()``) in
``X-User-Access-Token``. Before any Google call goes out with it, the service asks tokeninfo what it is and
accepts it only when it is the same person as the ID token, was issued to one of the deployment's OAuth
clients, has not expired and carries the scopes the action needs. Every Sheets, Drive and Search Console
request of that request then goes out as the person, so Google itself decides what they may read and edit
(and counts the quota against them, not against one shared robot).

The token is never logged, never stored and never returned: the cache keeps a SHA-256 of it with what
tokeninfo said (email, client, scopes, expiry), until the token expires.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from google.oauth2.credentials import Credentials

from sheets_bridge.exceptions import AuthenticationError, ForbiddenError

log = logging.getLogger("sheets_bridge")
ACCESS_TOKEN_HEADER = "X-User-Access-Token"
SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
SEARCH_CONSOLE_SCOPE = "https://www.googleapis.com/auth/webmasters.readonly"
MAX_CACHED = 10_000
REFUSED_FOR = 60.0  # a token tokeninfo refused is not asked about again for a minute


class ScopeMissingError(ForbiddenError):
    """The person's token lacks a scope the action needs (403): the add-on must be authorised again."""

    code = "scope_missing"


@dataclass(frozen=True)
class Person:
    """The person a request acts as: their email and credentials carrying their own access token."""

    email: str
    credentials: Credentials = field(repr=False)


@dataclass(frozen=True)
class TokenFacts:
    """What tokeninfo said about one access token (never the token itself)."""

    email: str
    client: str
    scopes: frozenset[str]
    expires: float


def token_hash(token: str) -> str:
    """The cache key of a token: its SHA-256, so the token itself is never kept."""
    return hashlib.sha256(token.encode()).hexdigest()


def facts_from_tokeninfo(body: dict[str, object]) -> TokenFacts:
    """TokenFacts from a tokeninfo answer (``exp`` is a string of epoch seconds there)."""
    try:
        expires = float(str(body.get("exp", "0")))
    except ValueError:
        expires = 0.0
    verified = str(body.get("email_verified", "")).lower() == "true"
    return TokenFacts(email=str(body.get("email", "")).strip().lower() if verified else "",
                      client=str(body.get("azp") or body.get("aud") or ""),
                      scopes=frozenset(str(body.get("scope", "")).split()), expires=expires)


class PersonTokens:
    """Checks access tokens against tokeninfo, each token's facts cached until it expires."""

    def __init__(self, url: str, audiences: tuple[str, ...], clock: Callable[[], float] = time.time,
                 fetch: Callable[..., requests.Response] = requests.post) -> None:
        self.url = url
        self.audiences = frozenset(audiences)
        self.clock = clock
        self.fetch = fetch
        self._facts: dict[str, TokenFacts] = {}
        self._refused: dict[str, float] = {}
        self._lock = threading.Lock()
        self.lookups = 0

    def check(self, token: str, email: str, scopes: tuple[str, ...]) -> Person:
        """The person ``email`` acting with ``token``, or AuthenticationError / ScopeMissingError."""
        facts = self._facts_of(token)
        now = self.clock()
        if not facts.email:
            raise AuthenticationError("Your Google access token does not name a verified account; reopen the "
                                      "spreadsheet and try again")
        if facts.email != email.strip().lower():
            log.warning("refused an access token of another account than the identity token's")
            raise AuthenticationError("The access token sent belongs to another Google account than the one "
                                      "signed in; reopen the spreadsheet and try again")
        if facts.client not in self.audiences:
            raise AuthenticationError("The access token sent was issued to another application")
        if facts.expires <= now:
            raise AuthenticationError("Your Google access token has expired; reopen the spreadsheet and try again")
        missing = [s for s in scopes if s not in facts.scopes]
        if missing:
            raise ScopeMissingError("Backlink gap is not allowed to do this for you yet (missing permission: "
                                    + ", ".join(s.rsplit("/", 1)[-1] for s in missing)
                                    + "). Open Extensions → Backlink gap and authorise it again")
        return Person(email=facts.email, credentials=Credentials(token=token))

    def _facts_of(self, token: str) -> TokenFacts:
        key = token_hash(token)
        now = self.clock()
        with self._lock:
            facts = self._facts.get(key)
            refused = self._refused.get(key)
        if facts is not None and facts.expires > now:
            return facts
        if refused is not None and now - refused < REFUSED_FOR:
            raise AuthenticationError("Your Google access token is not valid; reopen the spreadsheet and try again")
        self.lookups += 1
        try:
            # POSTed, as tokeninfo allows: in a query string the token would reach HTTP libraries' debug logs
            response = self.fetch(self.url, data={"access_token": token}, timeout=10)
        except requests.RequestException:
            raise AuthenticationError("Could not check your Google access token with Google; try again "
                                      "shortly") from None
        if response.status_code == 400:
            with self._lock:
                self._trim(now)
                self._refused[key] = now
            raise AuthenticationError("Your Google access token is not valid; reopen the spreadsheet and try again")
        if response.status_code != 200:
            raise AuthenticationError("Could not check your Google access token with Google "
                                      f"({response.status_code}); try again shortly")
        try:
            body = response.json()
        except ValueError:
            raise AuthenticationError("Google's token check answered something unreadable; try again shortly") \
                from None
        facts = facts_from_tokeninfo(body if isinstance(body, dict) else {})
        with self._lock:
            self._trim(now)
            self._facts[key] = facts
        return facts

    def _trim(self, now: float) -> None:
        """Forget expired facts and old refusals; never hold more than MAX_CACHED of each."""
        if len(self._facts) >= MAX_CACHED:
            self._facts = {k: f for k, f in self._facts.items() if f.expires > now}
            if len(self._facts) >= MAX_CACHED:
                self._facts.clear()
        if len(self._refused) >= MAX_CACHED:
            self._refused = {k: t for k, t in self._refused.items() if now - t < REFUSED_FOR}
            if len(self._refused) >= MAX_CACHED:
                self._refused.clear()
