"""Request authentication: Google ID tokens from Apps Script, or an HMAC signature with a shared secret."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import threading
import time
from dataclasses import dataclass

import requests
from google.auth import exceptions as google_exceptions
from google.auth import jwt

from sheets_bridge.exceptions import AuthenticationError, ForbiddenError
from sheets_bridge.web.config import Config

log = logging.getLogger("sheets_bridge")
ISSUERS = frozenset({"accounts.google.com", "https://accounts.google.com"})
SIGNATURE_HEADER = "X-Sheets-Bridge-Signature"
TIMESTAMP_HEADER = "X-Sheets-Bridge-Timestamp"
HEX_SIGNATURE = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Caller:
    """Who is calling: an email, or the shared-secret client."""

    email: str
    method: str
    signature: str | None = None  # canonical (lower-case hex) for signed requests


class CertificateCache:
    """Google's signing certificates by URL, refetched after five minutes or for an unknown key id.

    An unknown key id triggers at most one refetch a minute, and a key id still unknown after a refetch is
    remembered as unknown for five minutes: a flood of made-up key ids costs no fetches.
    """

    def __init__(self, ttl: float = 300.0, refetch_every: float = 60.0) -> None:
        self.ttl = ttl
        self.refetch_every = refetch_every
        self._certs: dict[str, tuple[float, dict[str, str]]] = {}
        self._unknown: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()
        self.fetches = 0

    def get(self, url: str, kid: str | None) -> dict[str, str]:
        now = time.monotonic()
        with self._lock:
            cached = self._certs.get(url)
            fresh = cached is not None and now - cached[0] < self.ttl
            if cached and fresh and (kid is None or kid in cached[1]):
                return cached[1]
            if cached and kid is not None and (now - self._unknown.get((url, kid), -1e9) < self.ttl
                                               or (fresh and now - cached[0] < self.refetch_every)):
                return cached[1]  # known-unknown, or fetched a moment ago: verification will fail on the kid
        try:
            self.fetches += 1
            response = requests.get(url, timeout=10)
            response.raise_for_status()
            certs = response.json()
        except (requests.RequestException, ValueError):
            raise AuthenticationError("Could not fetch Google's token certificates; try again shortly") from None
        with self._lock:
            self._certs[url] = (time.monotonic(), certs)
            if kid is not None and kid not in certs:
                if len(self._unknown) > 10_000:
                    self._unknown.clear()
                self._unknown[(url, kid)] = time.monotonic()
        return certs


class ReplayGuard:
    """Remembers accepted signatures for the signature window, so none is accepted twice."""

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_use(self, signature: str, window: float) -> bool:
        now = time.time()
        with self._lock:
            for key in [k for k, t in self._seen.items() if now - t > window]:
                del self._seen[key]
            if signature in self._seen:
                return False
            self._seen[signature] = now
            return True


def sign(secret: str, timestamp: str, method: str, path: str, body: bytes) -> str:
    """The hex HMAC-SHA256 a client sends: over timestamp, method, path and body."""
    message = f"{timestamp}\n{method.upper()}\n{path}\n".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class Authenticator:
    """Checks one request's credentials against the configuration."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.certs = CertificateCache()
        self.replays = ReplayGuard()

    def authenticate(self, headers: dict[str, str], method: str, path: str, body: bytes) -> Caller:
        """The caller, or AuthenticationError (401) / ForbiddenError (403)."""
        signature = headers.get(SIGNATURE_HEADER)
        if signature and self.config.shared_secret:
            return self._hmac(signature, headers.get(TIMESTAMP_HEADER, ""), method, path, body)
        auth = headers.get("Authorization", "")
        if auth.startswith("Bearer ") and auth[7:].strip():
            if not self.config.audiences:
                log.warning("an identity token was sent but SHEETS_BRIDGE_AUDIENCES is not set")
                raise AuthenticationError("This service is not set up for the Backlink gap menu yet: ask whoever "
                                          "set it up to finish its configuration")
            return self._id_token(auth[7:].strip())
        if self.config.insecure_dev and not self.config.has_auth:
            return Caller(email="insecure-dev", method="none")
        raise AuthenticationError("Missing credentials: send 'Authorization: Bearer <identity token>' or a "
                                  "signed request")

    def _hmac(self, signature: str, timestamp: str, method: str, path: str, body: bytes) -> Caller:
        if not timestamp.isdigit() or len(timestamp) > 12:
            raise AuthenticationError("Missing or malformed request timestamp")
        age = time.time() - int(timestamp)
        if age > self.config.signature_window_seconds:
            raise AuthenticationError(f"Request timestamp is more than {self.config.signature_window_seconds} "
                                      "seconds old; check the clock and sign again")
        if -age > self.config.clock_skew_seconds:
            raise AuthenticationError("Request timestamp is in the future; check the clock")
        canonical = signature.strip().lower()
        if not HEX_SIGNATURE.match(canonical):
            raise AuthenticationError("Invalid request signature")
        expected = sign(self.config.shared_secret, timestamp, method, path, body)
        if not hmac.compare_digest(expected, canonical):
            raise AuthenticationError("Invalid request signature")
        window = self.config.signature_window_seconds + self.config.clock_skew_seconds
        if not self.replays.first_use(canonical, window):
            raise AuthenticationError("This signed request was already used; sign each request afresh")
        return Caller(email="shared-secret", method="hmac", signature=canonical)

    def _id_token(self, token: str) -> Caller:
        try:
            header = jwt.decode_header(token)
        except (ValueError, google_exceptions.GoogleAuthError):
            raise AuthenticationError("Malformed identity token") from None
        certs = self.certs.get(self.config.certs_url, header.get("kid"))
        try:
            claims = jwt.decode(token, certs=certs, audience=list(self.config.audiences),
                                clock_skew_in_seconds=self.config.clock_skew_seconds)
        except (ValueError, google_exceptions.GoogleAuthError) as exc:
            raise AuthenticationError(f"Invalid identity token: {_reason(exc)}") from None
        if claims.get("iss") not in ISSUERS:
            raise AuthenticationError("Invalid identity token: wrong issuer")
        email = str(claims.get("email", "")).lower()
        if not email or claims.get("email_verified") not in (True, "true"):
            raise AuthenticationError("Invalid identity token: the email is missing or not verified")
        domain = email.rsplit("@", 1)[-1]
        allowed = self.config.allowed_emails or self.config.allowed_domains
        by_domain = email not in self.config.allowed_emails and domain in self.config.allowed_domains
        if by_domain and str(claims.get("hd", "")).lower() != domain:
            raise ForbiddenError(f"{email} is not an account of the {domain} Google Workspace organisation; sign "
                                 "in with your organisation's account")
        if allowed and email not in self.config.allowed_emails and not by_domain:
            log.warning("refused %s: not in SHEETS_BRIDGE_ALLOWED_EMAILS and its domain not in "
                        "SHEETS_BRIDGE_ALLOWED_DOMAINS", email)
            raise ForbiddenError(f"Your account ({email}) is not allowed to use this service: ask whoever set it "
                                 "up to add you")
        return Caller(email=email, method="id_token")


def _reason(exc: Exception) -> str:
    """A safe, short reason from google-auth's message (never the token)."""
    text = str(exc)
    for needle, reason in (("expired", "expired"), ("too early", "issued in the future"),
                           ("used too early", "issued in the future"), ("audience", "wrong audience"),
                           ("Certificate for key id", "unknown signing key"), ("signature", "bad signature"),
                           ("Could not verify", "bad signature")):
        if needle.lower() in text.lower():
            return reason
    return "could not be verified"
