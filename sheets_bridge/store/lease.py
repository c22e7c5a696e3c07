"""One run per spreadsheet across workers, processes and instances: a lease kept in the spreadsheet itself.

The protocol (three extra API requests a run, whatever its size):

1. *Create* our lease: one ``spreadsheets.batchUpdate`` with ``createDeveloperMetadata`` (key
   ``sheets_bridge.lease``, value: lease id, who, what, since, expires). When the request was signed, the same
   batch records the signature under ``sheets_bridge.signature`` with its expiry.
2. *Read* every lease and remembered signature: one ``developerMetadata:search``.
3. Proceed only if no *other* unexpired lease exists (and no other record of the same signature); otherwise
   delete ours and answer 409 (or 401 for a replay).
4. At the end, *delete* our lease (and any expired leases and signatures seen): one ``batchUpdate``.

Why two runs can never both proceed: Google applies one spreadsheet's requests in a single order. Take runs
A and B and say A's create comes first in that order. B's read comes after B's create, so after A's create:
B sees A's lease unless A already deleted it, which A does only when it has finished or backed off. So if
both proceed, their runs did not overlap. The worst case is the opposite, both backing off when two clicks
land together; so a run that finds only a lease started within ``SIMULTANEOUS`` seconds of its own backs off
for a random moment and tries again (at most ``ATTEMPTS`` times, each a fresh create-then-read): one of the
two then finds the spreadsheet free, the other finds it held and answers 409.
A retried create whose first attempt was applied leaves
two entries with *our* lease id; they are ours, ignored in step 3 and both deleted in step 4.

Expiry: a killed run never deletes its lease, so every lease carries an expiry (``ttl`` seconds, longer
than the longest run; the service's request timeout is shorter). A run also refuses to write once its own
lease is older than ``ttl`` minus a margin (``LeaseExpiredError``), so an expired lease never belongs to a
run that is still writing. Expiry compares the writer's clock with the reader's: instances keep NTP time,
and the margin covers the skew.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sheets_bridge.auth import AuthenticationError
from sheets_bridge.exceptions import SheetsBridgeError

LEASE_KEY = "sheets_bridge.lease"
SIGNATURE_KEY = "sheets_bridge.signature"
DEFAULT_TTL = 900.0
MARGIN = 30.0
SIMULTANEOUS = 3.0
ATTEMPTS = 4


class RunInProgressError(SheetsBridgeError):
    """A second run on a spreadsheet while one is in progress (409)."""

    code = "run_in_progress"
    status = 409


class ReplayedRequestError(AuthenticationError):
    """A signed request that another process already used (401, like any other refused credential)."""


class LeaseExpiredError(SheetsBridgeError):
    """The run outlived its lease; writing now could overlap another run (409)."""

    code = "run_expired"
    status = 409


@dataclass(frozen=True)
class Entry:
    """One developer metadata entry of ours, decoded."""

    metadata_id: int
    key: str
    value: dict[str, Any]

    @property
    def expires(self) -> float:
        return float(self.value.get("expires", 0))


def decode(matches: list[dict[str, Any]]) -> list[Entry]:
    """Entries from a developerMetadata:search answer; unreadable values count as expired."""
    out = []
    for match in matches:
        meta = match.get("developerMetadata") or {}
        try:
            value = json.loads(meta.get("metadataValue") or "{}")
        except ValueError:
            value = {}
        out.append(Entry(int(meta.get("metadataId", 0)), str(meta.get("metadataKey", "")),
                         value if isinstance(value, dict) else {}))
    return out


def blocking(entries: list[Entry], lease_id: str, now: float) -> Entry | None:
    """Another unexpired lease, the earliest started, if any."""
    others = [e for e in entries if e.key == LEASE_KEY and e.value.get("id") != lease_id and e.expires > now]
    return min(others, key=lambda e: float(e.value.get("since", 0))) if others else None


def replayed(entries: list[Entry], request_id: str, signature: str, now: float) -> bool:
    """Whether another request already recorded this signature and the record has not expired."""
    return any(e.key == SIGNATURE_KEY and e.value.get("signature") == signature and e.value.get("id") != request_id
               and e.expires > now for e in entries)


def stale(entries: list[Entry], lease_id: str, now: float) -> list[int]:
    """Ids of expired entries (never our lease), deleted on release so the metadata never piles up."""
    return [e.metadata_id for e in entries if e.value.get("id") != lease_id and e.expires <= now]


def busy_message(entry: Entry) -> str:
    """What a second click is told."""
    since = dt.datetime.fromtimestamp(float(entry.value.get("since", 0)), dt.UTC)
    frees = dt.datetime.fromtimestamp(entry.expires, dt.UTC)
    who = entry.value.get("user") or "someone"
    return (f"{who} started '{entry.value.get('action', 'a run')}' on this spreadsheet at {since:%H:%M:%S} UTC and "
            f"it is still running; try again when it finishes (if that run was interrupted, the spreadsheet "
            f"frees itself at {frees:%H:%M} UTC)")


def _create(key: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"createDeveloperMetadata": {"developerMetadata": {
        "metadataKey": key, "metadataValue": json.dumps(value, separators=(",", ":")),
        "location": {"spreadsheet": True}, "visibility": "DOCUMENT"}}}


class Lease:
    """A held run on one spreadsheet; ``check`` before writing, ``release`` at the end."""

    def __init__(self, batch_update: Callable[[list[dict[str, Any]]], Any],
                 search: Callable[[list[str]], list[dict[str, Any]]], user: str, action: str,
                 ttl: float = DEFAULT_TTL, signature: str | None = None, signature_window: float = 600.0,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep) -> None:
        self._batch_update = batch_update
        self._search = search
        self.clock, self.sleep = clock, sleep
        self.ttl = ttl
        self.user, self.action = user, action
        self.signature, self.signature_window = signature, signature_window
        self._entries: list[Entry] = []
        self.held = False
        self.request_id = uuid.uuid4().hex  # names this request's signature record across attempts
        self._signed = False
        self._renew()

    def _renew(self) -> None:
        """A fresh lease id and start time, for a first or a repeated attempt."""
        self.id = uuid.uuid4().hex
        self.since = self.clock()
        self._value = {"id": self.id, "user": self.user, "action": self.action, "since": round(self.since, 3),
                       "expires": round(self.since + self.ttl, 3)}

    def acquire(self) -> None:
        """Create, read, decide: hold the spreadsheet or raise RunInProgressError / ReplayedRequestError."""
        for attempt in range(1, ATTEMPTS + 1):
            other = self._attempt()
            if other is None:
                return
            if attempt == ATTEMPTS or float(other.value.get("since", 0)) < self.since - SIMULTANEOUS:
                raise RunInProgressError(busy_message(other))
            self.sleep(random.uniform(0.05, 0.6))  # two clicks at once: the one who waits less goes first
            self._renew()

    def _attempt(self) -> Entry | None:
        """One create-then-read; the lease that blocks us (ours released), or None when we hold the sheet."""
        requests = [_create(LEASE_KEY, self._value)]
        if self.signature and not self._signed:
            requests.append(_create(SIGNATURE_KEY, {"id": self.request_id, "signature": self.signature,
                                                    "expires": round(self.since + self.signature_window, 3)}))
        self._batch_update(requests)
        self.held = self._signed = True
        self._entries = decode(self._search([LEASE_KEY, SIGNATURE_KEY]))
        now = self.clock()
        if self.signature and replayed(self._entries, self.request_id, self.signature, now):
            self.release()
            raise ReplayedRequestError("This signed request was already used; sign each request afresh")
        other = blocking(self._entries, self.id, now)
        if other is not None:
            self.release()
        return other

    def check(self) -> None:
        """Refuse to write once the lease is about to expire."""
        if self.held and self.clock() - self.since > self.ttl - min(MARGIN, self.ttl / 10):
            raise LeaseExpiredError(f"This run took longer than {int(self.ttl)} seconds, the time it may hold the "
                                    "spreadsheet; nothing more was written. Run it again")

    def release(self) -> None:
        """Delete our lease and every expired entry seen; a failure leaves the lease to expire."""
        if not self.held:
            return
        self.held = False
        # ours by key and exact value: also the twin a retried create may have left
        mine = {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {
            "metadataKey": LEASE_KEY, "metadataValue": json.dumps(self._value, separators=(",", ":"))}}}}
        expired = [{"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataId": i}}}}
                   for i in stale(self._entries, self.id, self.clock())]
        self._batch_update([mine, *expired])
