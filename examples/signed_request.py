"""Call the sheets_bridge service with a signed request (the shared-secret mode), standard library only.

    SHEETS_BRIDGE_SHARED_SECRET=... python examples/signed_request.py https://SERVICE/v1/spreadsheets/ID/score
    SHEETS_BRIDGE_SHARED_SECRET=... python examples/signed_request.py URL --file export.csv --domain rival.com

The contract (README, "The service and the menu"): headers ``X-Sheets-Bridge-Timestamp`` (Unix seconds) and
``X-Sheets-Bridge-Signature``, the lower-case hex HMAC-SHA256 keyed with the shared secret over
``timestamp + "\\n" + METHOD + "\\n" + path + "\\n"`` followed by the exact body bytes sent. The path is the URL's
path without its query string. A multipart body is signed as encoded, boundary and all: build it first, then
sign those bytes. Each signature is accepted once, up to 300 seconds old and 60 seconds ahead.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit


def signed_headers(secret: str, method: str, path: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The two headers that authenticate one request."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    message = stamp.encode() + b"\n" + method.upper().encode() + b"\n" + path.encode() + b"\n" + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return {"X-Sheets-Bridge-Timestamp": stamp, "X-Sheets-Bridge-Signature": digest}


def multipart(fields: dict[str, str], file_field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type (the body is what gets signed)."""
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
                 "Content-Type: text/csv\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def call(url: str, secret: str, body: bytes = b"{}", content_type: str = "application/json") -> tuple[int, object]:
    """POST a signed request; returns the status and the decoded JSON answer."""
    headers = {"Content-Type": content_type, **signed_headers(secret, "POST", urlsplit(url).path, body)}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="e.g. https://SERVICE/v1/spreadsheets/ID/score")
    parser.add_argument("--today", help="YYYY-MM-DD, for score, followups and dashboard")
    parser.add_argument("--file", type=Path, help="an export file, for .../imports")
    parser.add_argument("--domain", help="the site the export describes, for .../imports")
    args = parser.parse_args()
    secret = os.environ.get("SHEETS_BRIDGE_SHARED_SECRET", "")
    if not secret:
        print("Set SHEETS_BRIDGE_SHARED_SECRET to the service's shared secret", file=sys.stderr)
        return 2
    if args.file:
        body, kind = multipart({"domain": args.domain or ""}, "file", args.file.name, args.file.read_bytes())
        status, answer = call(args.url, secret, body, kind)
    else:
        status, answer = call(args.url, secret, json.dumps({"today": args.today} if args.today else {}).encode())
    print(json.dumps(answer, indent=2))
    return 0 if status < 400 else 1


if __name__ == "__main__":
    sys.exit(main())
