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

from sheets_bridge.emulator.model import Spreadsheet


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
    """Per-minute read and write limits per user (0 = unlimited)."""

    reads_per_minute: int = 0
    writes_per_minute: int = 0


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
        self.log: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.edits: list[Edit] = []
        self.applied_edits: list[dict[str, Any]] = []
        self.quota = Quota()
        self.usage: dict[tuple[str, str], deque[float]] = {}
        self.counter = 0
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
            self.counter = 0
            self.save()

    def user_of(self, token: str) -> str:
        return self.tokens.get(token, self.default_user)

    def over_quota(self, user: str, kind: str) -> bool:
        """Count one request; True when it exceeds the per-minute limit for its kind."""
        limit = self.quota.reads_per_minute if kind == "read" else self.quota.writes_per_minute
        if not limit:
            return False
        now = time.monotonic()
        window = self.usage.setdefault((user, kind), deque())
        while window and now - window[0] > 60:
            window.popleft()
        if len(window) >= limit:
            return True
        window.append(now)
        return False

    def load(self) -> None:
        if not self.data_dir or not self.data_dir.is_dir():
            return
        for path in self.data_dir.glob("*.json"):
            book = Spreadsheet.from_dict(json.loads(path.read_text(encoding="utf-8")))
            self.books[book.spreadsheet_id] = book

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
                target.unlink(missing_ok=True)
                continue
            fd, tmp = tempfile.mkstemp(dir=self.data_dir, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(book.to_dict(), handle)
            os.replace(tmp, target)
        if not only:
            for path in self.data_dir.glob("*.json"):
                if path.stem not in self.books:
                    path.unlink()
