"""Identity tokens for tests: a fresh RSA key, its self-signed certificate, tokens signed like Google's."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt, jwt

AUDIENCE = "client-123.apps.googleusercontent.com"


def key_and_cert(common_name: str) -> tuple[str, str]:
    """A PEM private key and a PEM self-signed certificate for it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return pem, cert.public_bytes(serialization.Encoding.PEM).decode()


def token(keys: dict[str, str], *, key: str = "good", kid: str = "k1", **claims: Any) -> str:
    """An ID token like ScriptApp.getIdentityToken() returns; claims override the defaults, None removes."""
    now = int(time.time())
    payload = {"iss": "https://accounts.google.com", "aud": AUDIENCE, "iat": now, "exp": now + 3600,
               "email": "ana@example.com", "email_verified": True, "sub": "1", "hd": "example.com"}
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not None}
    signer = crypt.RSASigner.from_string(keys[key], key_id=kid)
    return jwt.encode(signer, payload).decode()


SHEETS = "https://www.googleapis.com/auth/spreadsheets"
WEBMASTERS = "https://www.googleapis.com/auth/webmasters.readonly"
_ASSERTION_KEY: list[str] = []


def access_token(emulator: str, email: str, client: str = AUDIENCE, scopes: tuple[str, ...] = (SHEETS, WEBMASTERS)
                 ) -> str:
    """A person's OAuth access token from the emulator's token endpoint, as Google's JWT bearer grant issues
    one: the assertion names the person (``sub``) and the OAuth client (``client_id``) it is issued to."""
    import requests

    if not _ASSERTION_KEY:
        _ASSERTION_KEY.append(key_and_cert("assertion")[0])
    now = int(time.time())
    claims = {"iss": email, "sub": email, "client_id": client, "scope": " ".join(scopes),
              "aud": f"{emulator}/token", "iat": now, "exp": now + 3600}
    assertion = jwt.encode(crypt.RSASigner.from_string(_ASSERTION_KEY[0], key_id="a1"), claims).decode()
    answer = requests.post(f"{emulator}/token", timeout=5, data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion})
    answer.raise_for_status()
    return str(answer.json()["access_token"])
