"""May this caller edit this spreadsheet? Drive's permissions, read through the service account, cached briefly.

The service acts as its service account, which is Editor on every team's sheet; so before acting for a
person it checks that the person could edit the file themselves: a permission for their email, for their
Google Workspace domain, or for anyone with the link, with an editing role.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from sheets_bridge.exceptions import SheetsBridgeError
from sheets_bridge.store.google.http import EDIT_ROLES


class EditAccessError(SheetsBridgeError):
    """The caller cannot edit the spreadsheet named in the request (403)."""

    code = "no_edit_access"
    status = 403


def can_edit(permissions: Iterable[dict[str, Any]], email: str) -> bool:
    """Whether a Drive permission list gives ``email`` an editing role (groups cannot be resolved here)."""
    email = email.strip().lower()
    domain = email.rsplit("@", 1)[-1]
    for p in permissions:
        if p.get("role") not in EDIT_ROLES:
            continue
        kind = p.get("type")
        if kind == "user" and str(p.get("emailAddress", "")).strip().lower() == email:
            return True
        if kind == "domain" and str(p.get("domain", "")).strip().lower() == domain:
            return True
        if kind == "anyone":
            return True
    return False


class AccessChecker:
    """Answers per (spreadsheet, email), remembered for ``ttl`` seconds (both yes and no)."""

    def __init__(self, ttl: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[tuple[str, str], tuple[float, bool]] = {}
        self._lock = threading.Lock()

    def require_editor(self, spreadsheet_id: str, email: str,
                       permissions: Callable[[], list[dict[str, Any]]]) -> None:
        """Return if ``email`` may edit the spreadsheet, else raise EditAccessError."""
        key = (spreadsheet_id, email.lower())
        now = self.clock()
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None and now - cached[0] < self.ttl:
            allowed = cached[1]
        else:
            allowed = can_edit(permissions(), email)
            with self._lock:
                self._cache = {k: v for k, v in self._cache.items() if now - v[0] < self.ttl}
                self._cache[key] = (now, allowed)
        if not allowed:
            raise EditAccessError(f"{email} cannot edit this spreadsheet, so sheets_bridge will not change it for "
                                  "you. Ask its owner to share it with you as Editor (access through a Google "
                                  "group is not recognised: ask for direct access), then try again")
