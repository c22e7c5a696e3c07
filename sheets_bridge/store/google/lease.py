"""One run per spreadsheet across workers, processes and instances: a lease kept in the spreadsheet itself.

The protocol (two extra API requests a run, whatever its size):

1. *Create and read* in one ``spreadsheets.batchUpdate``: ``createDeveloperMetadata`` adds our lease (key
   ``sheets_bridge.lease``, value: lease id, who, what, since, expires), and ``includeSpreadsheetInResponse``
   returns, after it is applied, every lease and remembered signature with the tabs' properties (which the
   run then needs no request for). When the request was signed, the same batch records the signature under
   ``sheets_bridge.signature`` with its expiry.
2. Proceed only if no *other* unexpired lease exists (and no other record of the same signature); otherwise
   delete ours and answer 409 (or 401 for a replay).
3. *Re-check* with the last read before the write (score's re-read of the Prospects header and Domain column
   carries the developer metadata): if our lease is gone (deleted by hand) the run writes nothing.
4. At the end, *delete* our lease (and any expired or foreign entries seen): one ``batchUpdate``.

Why two runs can never both proceed: Google applies one spreadsheet's requests in a single order. Take runs
A and B and say A's create comes first in that order. B's read is part of B's create, so after A's create:
B sees A's lease unless A already deleted it, which A does only when it has finished or backed off. So if
both proceed, their runs did not overlap. The worst case is the opposite, both backing off when two clicks
land together; so a run that finds only a lease started within ``SIMULTANEOUS`` seconds of its own backs off
for a random moment and tries again (at most ``ATTEMPTS`` times, each a fresh create-and-read): one of the
two then finds the spreadsheet free, the other finds it held and answers 409. A retried create whose first
attempt was applied leaves two entries with *our* lease id; they are ours, ignored in step 2 and both
deleted in step 4.

No collaborator can jam it: the entries are created with ``PROJECT`` visibility, which Google shows only to
requests made through this deployment's own Cloud project (its OAuth client or service account), so an
editor's own script can neither see, forge nor delete them. Entries that are not well-formed leases of ours
(a ``DOCUMENT`` entry under our key, a value that is not a lease, an expiry more than ``MAX_HOLD`` after its
start) never block a run and are deleted at the end of the next one.

Expiry: a killed run never deletes its lease, so every lease carries an expiry (``ttl`` seconds, longer
than the longest run). Times are Google's: each instance reads the ``Date`` of Google's answer to its create
and judges every expiry, its own included, on that clock, so instances whose clocks disagree still agree on
when a lease ends. A run refuses to write once its lease is within ``MARGIN`` of its expiry
(``LeaseExpiredError``), and its requests stop retrying and waiting at that moment, so an expired lease never
belongs to a run that is still writing.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from sheets_bridge.exceptions import AuthenticationError, SheetsBridgeError

LEASE_KEY = "sheets_bridge.lease"
SIGNATURE_KEY = "sheets_bridge.signature"
DEFAULT_TTL = 900.0
MARGIN = 90.0  # longer than one request may take (GoogleSession's timeout) and its last retry
MAX_HOLD = 3600.0  # no lease of ours is longer; an entry claiming more is not ours
VISIBILITY = "PROJECT"
SIMULTANEOUS = 3.0
ATTEMPTS = 4
RESOLUTION = 1.0  # seconds: Google's Date header names whole seconds
LEASE_ID = re.compile(r"^[0-9a-f]{32}$")
BatchUpdate = Callable[[list[dict[str, Any]], bool], tuple[dict[str, Any], float | None]]


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


class LeaseLostError(SheetsBridgeError):
    """The run's lease disappeared while it worked (deleted by hand); it writes nothing (409)."""

    code = "run_lost"
    status = 409


@dataclass(frozen=True)
class Entry:
    """One developer metadata entry under our keys, decoded; ``valid`` only when it is well formed and ours."""

    metadata_id: int
    key: str
    value: dict[str, Any]
    valid: bool

    @property
    def expires(self) -> float:
        return float(self.value["expires"]) if self.valid else 0.0

    @property
    def since(self) -> float:
        return float(self.value["since"]) if self.valid else 0.0


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def well_formed(key: str, value: Any, visibility: str) -> bool:
    """Whether an entry is one this service wrote: project-visible, a lease id, finite times, a sane length."""
    if visibility != VISIBILITY or not isinstance(value, dict) or not LEASE_ID.match(str(value.get("id", ""))):
        return False
    expires = _number(value.get("expires"))
    if key == SIGNATURE_KEY:
        return expires is not None and isinstance(value.get("signature"), str)
    since = _number(value.get("since"))
    return since is not None and expires is not None and 0 < expires - since <= MAX_HOLD


def decode(items: list[dict[str, Any]]) -> list[Entry]:
    """Entries under our keys from developer metadata (as spreadsheets.get lists it, or a search's matches)."""
    out = []
    for item in items:
        meta = item.get("developerMetadata", item) if isinstance(item, dict) else {}
        key = str(meta.get("metadataKey", ""))
        if key not in (LEASE_KEY, SIGNATURE_KEY):
            continue
        try:
            value = json.loads(meta.get("metadataValue") or "{}")
        except (ValueError, RecursionError):
            value = None
        try:
            metadata_id = int(meta.get("metadataId", 0))
        except (TypeError, ValueError):
            continue
        ok = well_formed(key, value, str(meta.get("visibility", "")))
        out.append(Entry(metadata_id, key, value if isinstance(value, dict) else {}, ok))
    return out


def blocking(entries: list[Entry], lease_id: str, now: float) -> Entry | None:
    """Another unexpired lease of ours, the earliest started, if any."""
    others = [e for e in entries if e.valid and e.key == LEASE_KEY and e.value["id"] != lease_id and e.expires > now]
    return min(others, key=lambda e: e.since) if others else None


def replayed(entries: list[Entry], request_id: str, signature: str, now: float) -> bool:
    """Whether another request already recorded this signature and the record has not expired."""
    return any(e.valid and e.key == SIGNATURE_KEY and e.value["signature"] == signature
               and e.value["id"] != request_id and e.expires > now for e in entries)


def stale(entries: list[Entry], lease_id: str, now: float) -> list[int]:
    """Ids of entries to delete on release (never our lease): expired ones, and anything not ours."""
    return [e.metadata_id for e in entries
            if not e.valid or (e.value.get("id") != lease_id and e.expires <= now)]


def google_time(date_header: str | None) -> float | None:
    """Google's clock from an answer's ``Date`` header (whole seconds), or None without one."""
    if not date_header:
        return None
    try:
        return parsedate_to_datetime(date_header).timestamp() + 0.5  # the middle of the second it names
    except (TypeError, ValueError, IndexError):
        return None


def busy_message(entry: Entry) -> str:
    """What a second click is told."""
    since = dt.datetime.fromtimestamp(entry.since, dt.UTC)
    frees = dt.datetime.fromtimestamp(entry.expires, dt.UTC)
    who = entry.value.get("user") or "someone"
    return (f"{who} started '{entry.value.get('action', 'a run')}' on this spreadsheet at {since:%H:%M:%S} UTC and "
            f"it is still running; try again when it finishes (if that run was interrupted, the spreadsheet "
            f"frees itself at {frees:%H:%M} UTC)")


def _create(key: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"createDeveloperMetadata": {"developerMetadata": {
        "metadataKey": key, "metadataValue": json.dumps(value, separators=(",", ":")),
        "location": {"spreadsheet": True}, "visibility": VISIBILITY}}}


class Lease:
    """A held run on one spreadsheet; ``check`` before writing, ``confirm`` with a fresh read, ``release`` at the end.

    ``batch_update(requests, read)`` sends one spreadsheets.batchUpdate; with ``read`` it asks for the
    spreadsheet after the update (developer metadata and tab properties) and returns it with Google's time.
    """

    def __init__(self, batch_update: BatchUpdate, user: str, action: str, ttl: float = DEFAULT_TTL,
                 signature: str | None = None, signature_window: float = 600.0,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep) -> None:
        self._batch_update = batch_update
        self.clock, self.sleep = clock, sleep
        self.offset = 0.0  # Google's clock minus ours, learnt from the first answer
        self.ttl = ttl
        self.user, self.action = user, action
        self.signature, self.signature_window = signature, signature_window
        self._entries: list[Entry] = []
        self.spreadsheet: dict[str, Any] = {}
        self.held = False
        self.request_id = uuid.uuid4().hex  # names this request's signature record across attempts
        self._signed = False
        self._renew()

    def now(self) -> float:
        """Google's time, as far as this instance knows it."""
        return self.clock() + self.offset

    def _renew(self) -> None:
        """A fresh lease id and start time, for a first or a repeated attempt."""
        self.id = uuid.uuid4().hex
        self.since = self.now()
        self.expires = round(self.since + self.ttl, 3)
        self._value: dict[str, Any] = {"id": self.id, "user": self.user, "action": self.action,
                                       "since": round(self.since, 3), "expires": self.expires}

    @property
    def deadline(self) -> float:
        """Google's time after which this run must not write (the expiry others see, minus the margin)."""
        return self.expires - min(MARGIN, self.ttl / 10)

    def acquire(self) -> None:
        """Create and read, decide: hold the spreadsheet or raise RunInProgressError / ReplayedRequestError."""
        for attempt in range(1, ATTEMPTS + 1):
            other = self._attempt()
            if other is None:
                return
            if attempt == ATTEMPTS or other.since < self.since - SIMULTANEOUS:
                raise RunInProgressError(busy_message(other))
            self.sleep(random.uniform(0.05, 0.6))  # two clicks at once: the one who waits less goes first
            self._renew()

    def _attempt(self) -> Entry | None:
        """One create-and-read; the lease that blocks us (ours released), or None when we hold the sheet."""
        requests = [_create(LEASE_KEY, self._value)]
        if self.signature and not self._signed:
            requests.append(_create(SIGNATURE_KEY, {"id": self.request_id, "signature": self.signature,
                                                    "expires": round(self.since + self.signature_window, 3)}))
        self.held = True  # from here a failure still deletes ours (by value: it may have been applied)
        body, google_now = self._batch_update(requests, True)
        self._signed = True
        if google_now is not None:
            measured = google_now - self.clock()
            # Date has whole seconds: below that, the difference is the header's rounding, not skew
            self.offset = measured if abs(measured) > RESOLUTION else 0.0
        self.spreadsheet = dict(body.get("updatedSpreadsheet") or {})
        self._entries = decode(list(self.spreadsheet.get("developerMetadata") or []))
        now = self.now()
        if self.signature and replayed(self._entries, self.request_id, self.signature, now):
            self.release()
            raise ReplayedRequestError("This signed request was already used; sign each request afresh")
        other = blocking(self._entries, self.id, now)
        if other is not None:
            self.release()
        return other

    def check(self) -> None:
        """Refuse to write once the lease is about to expire (on Google's clock)."""
        if self.held and self.now() > self.deadline:
            raise LeaseExpiredError(f"This run took longer than {int(self.ttl)} seconds, the time it may hold the "
                                    "spreadsheet; nothing more was written. Run it again")

    def seconds_left(self) -> float:
        """How long requests of this run may still take before it must stop."""
        return self.deadline - self.now()

    def confirm(self, metadata: list[dict[str, Any]]) -> None:
        """Given the developer metadata of a fresh read: stop if our lease is gone, or expiring."""
        if self.held and not any(e.valid and e.key == LEASE_KEY and e.value["id"] == self.id
                                 for e in decode(metadata)):
            self.held = False  # nothing of ours to delete
            raise LeaseLostError("This run's hold on the spreadsheet was removed while it worked, so another run "
                                 "may be writing; nothing was written. Run it again")
        self.check()

    def release(self, first: list[dict[str, Any]] | None = None) -> None:
        """Delete our lease and every expired or foreign entry seen; a failure leaves the lease to expire.

        ``first``: requests the run wants applied in the same batch, before the lease goes (a sort of the rows it
        wrote): no request of its own, and still under the lease.
        """
        if not self.held:
            return
        self.held = False
        # ours by key and exact value: also the twin a retried create may have left
        mine = {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {
            "metadataKey": LEASE_KEY, "metadataValue": json.dumps(self._value, separators=(",", ":"))}}}}
        expired = [{"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataId": i}}}}
                   for i in stale(self._entries, self.id, self.now())]
        self._batch_update([*(first or []), mine, *expired], False)
