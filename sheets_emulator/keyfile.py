"""A service-account key file for the emulator: a fresh RSA key whose token endpoint is the emulator's."""

from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

LOCAL_ACCOUNT = "local-dev@sheets-bridge-emulator.iam.gserviceaccount.com"


def write_key(path: str | os.PathLike[str], emulator_url: str, email: str = LOCAL_ACCOUNT) -> Path:
    """Write a key file shaped like Google's (see credentials.example.json), readable by its owner only."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    info = {"type": "service_account", "project_id": "sheets-bridge-emulator", "private_key_id": "emulator",
            "private_key": pem, "client_email": email, "client_id": "1",
            "token_uri": f"{emulator_url.rstrip('/')}/token"}
    target = Path(path)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(info, handle, indent=2)
    return target
