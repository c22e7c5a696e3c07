"""The emulator's whole state: spreadsheets, tokens, request log, faults, quotas, collaborator edits."""

from __future__ import annotations

import json
import os
import random
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sheets_emulator.sheets.model import Spreadsheet


@dataclass
class Fault:
    """An injected failure: a status (with Retry-After), a delay before or after applying, a dropped connection."""

    status: int = 0
    retry_after: float | None = None
    delay: float = 0.0
    drop: bool = False
    drop_after: bool = False
    delay_after: float = 0.0  # applied, then the answer waits: a client killed meanwhile never hears back
    rate: float = 0.0
    nth: list[int] = field(default_factory=list)
    path: str = ""
    method: str = ""
    remaining: int | None = None


@dataclass
class Edit:
    """A collaborator's edit applied right after the Nth API request, or after the first successful request
    whose path and query match ``after_path`` (a regular expression), so it lands between two given steps."""

    after: int
    action: dict[str, Any]
    after_path: str = ""


@dataclass
class Quota:
    """Per-minute read and write limits per user and per project (0 = unlimited), as Google counts them.

    Google's defaults for the Sheets API are 60 reads and 60 writes a minute per user per project, and 300
    of each a minute per project (``GOOGLE_DEFAULTS``).
    """

    reads_per_minute: int = 0
    writes_per_minute: int = 0
    project_reads_per_minute: int = 0
    project_writes_per_minute: int = 0


GOOGLE_DEFAULTS = Quota(60, 60, 300, 300)
MARK = "_sheets_bridge_emulator"  # in every file the emulator saves: the only files it loads or deletes
PROJECT = "(project)"


@dataclass(frozen=True)
class IssuedToken:
    """An access token the token endpoint issued: whose, to which OAuth client, which scopes, until when."""

    email: str
    client: str
    scopes: str
    expires: float
    project: str = "emulated"  # the Cloud project the token's client belongs to


class EmulatorState:
    """Everything the emulator keeps; one lock serialises requests like Google's per-file ordering."""

    def __init__(self, data_dir: str | os.PathLike[str] | None = None, seed: int | None = None,
                 default_user: str = "emulator-user@example.iam.gserviceaccount.com") -> None:
        self.lock = threading.RLock()
        self.search_console: dict[str, list[dict[str, Any]]] = {}  # property -> rows (searchAnalytics data)
        self.rng = random.Random(seed)
        self.data_dir = Path(data_dir) if data_dir else None
        self.default_user = default_user
        self.books: dict[str, Spreadsheet] = {}
        self.tokens: dict[str, str] = {}
        self.issued: dict[str, IssuedToken] = {}
        self.owned: set[str] = set()  # file names in the data folder this emulator wrote (nothing else is touched)
        self.search_console_users: dict[str, set[str]] = {}  # property -> who may read it (absent: anyone)
        self.log: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.edits: list[Edit] = []
        self.applied_edits: list[dict[str, Any]] = []
        self.quota = Quota()
        self.usage: dict[tuple[str, str], deque[float]] = {}
        self.counter = 0
        # answers checked against Google's schema (the test suite turns this on); what did not conform
        self.check_answers = os.environ.get("SHEETS_EMULATOR_CHECK_ANSWERS") == "1"
        self.answer_violations: list[str] = []
        self.load()

    def reset(self) -> None:
        with self.lock:
            self.books.clear()
            self.log.clear()
            self.faults.clear()
            self.edits.clear()
            self.applied_edits.clear()
            self.usage.clear()
            self.quota = Quota()
            self.search_console_users.clear()
            self.counter = 0
            self.save()

    def user_of(self, token: str) -> str:
        return self.tokens.get(token, self.default_user)

    def over_quota(self, user: str, kind: str) -> str:
        """Count one request; the limit it exceeds ("user" or "project"), or "" when it is within both.

        A refused request is not counted, as with Google: only served requests use quota.
        """
        read = kind == "read"
        limits = ((user, self.quota.reads_per_minute if read else self.quota.writes_per_minute, "user"),
                  (PROJECT, self.quota.project_reads_per_minute if read else self.quota.project_writes_per_minute,
                   "project"))
        now = time.monotonic()
        windows = []
        for who, limit, name in limits:
            if not limit:
                continue
            window = self.usage.setdefault((who, kind), deque())
            while window and now - window[0] > 60:
                window.popleft()
            if len(window) >= limit:
                return name
            windows.append(window)
        for window in windows:
            window.append(now)
        return ""

    def retry_after(self, user: str, kind: str) -> float:
        """Seconds until the oldest counted request of a full window leaves it (what a client should wait)."""
        now = time.monotonic()
        ages = [now - w[0] for key in ((user, kind), (PROJECT, kind)) if (w := self.usage.get(key))]
        return round(max(0.0, 60 - max(ages)), 1) if ages else 0.0

    def load(self) -> None:
        """Spreadsheets saved in the data folder; any other file there is left alone (and never deleted)."""
        if not self.data_dir or not self.data_dir.is_dir():
            return
        for path in self.data_dir.glob("*.json"):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(data, dict) or data.get(MARK) is not True or data.get("spreadsheetId") != path.stem:
                    continue
                book = Spreadsheet.from_dict(data)
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                continue
            self.books[book.spreadsheet_id] = book
            self.owned.add(path.name)

    def save(self, only: str | None = None) -> None:
        """Persist spreadsheets as JSON files (atomically) when a data directory is set."""
        if not self.data_dir:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        wanted = [only] if only else list(self.books)
        for book_id in wanted:
            target = self.data_dir / f"{book_id}.json"
            book = self.books.get(book_id)
            if book is None:
                if target.name in self.owned:
                    target.unlink(missing_ok=True)
                    self.owned.discard(target.name)
                continue
            fd, tmp = tempfile.mkstemp(dir=self.data_dir, suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump({**book.to_dict(), MARK: True}, handle)
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
            self.owned.add(target.name)
        if not only:  # only the files this emulator wrote or loaded as its own
            for name in sorted(self.owned):
                if Path(name).stem not in self.books:
                    (self.data_dir / name).unlink(missing_ok=True)
                    self.owned.discard(name)
