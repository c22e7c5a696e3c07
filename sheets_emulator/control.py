"""The emulator's control routes as its own clients call them: JSON, with the control header (see ``app``)."""

from __future__ import annotations

from typing import Any

import requests

HEADERS = {"X-Emulator-Control": "1"}


def _send(method: str, url: str, **kwargs: Any) -> requests.Response:
    kwargs["headers"] = {**HEADERS, **(kwargs.get("headers") or {})}
    if "json" not in kwargs and "data" not in kwargs:
        kwargs["json"] = {}
    if "data" in kwargs:
        kwargs["headers"].setdefault("Content-Type", "application/json")
    kwargs.setdefault("timeout", 10)
    return requests.request(method, url, **kwargs)


def post(url: str, **kwargs: Any) -> requests.Response:
    """POST to a control route."""
    return _send("POST", url, **kwargs)


def put(url: str, **kwargs: Any) -> requests.Response:
    """PUT to a control route."""
    return _send("PUT", url, **kwargs)


def delete(url: str, **kwargs: Any) -> requests.Response:
    """DELETE on a control route."""
    return _send("DELETE", url, **kwargs)
