"""Google's per-minute quota as a queue: a run that would overrun it waits its turn instead of failing.

Google counts Sheets requests per minute per identity (60 reads and 60 writes by default). This process
remembers, per identity it acts as (the person, or the service account), the requests its runs sent in the
last minute and reserves a run's worth for each run in progress. A run that would not fit is not started: the
caller is told how many runs are ahead and about how long to wait (the menu shows it and tries again by
itself), rather than the run meeting Google's 429 half-way and waiting out its back-off.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sheets_bridge.exceptions import SheetsBridgeError

PER_MINUTE = 60  # Google's default per-user limit (reads and writes are counted apart; this counts both)
PER_RUN = 6  # what one action sends at most in steady state (score: 5, plus one when the grid grows)


class QueuedError(SheetsBridgeError):
    """Starting now would overrun the identity's per-minute quota: try again after ``retry_after`` (503)."""

    code = "queued"
    status = 503

    def __init__(self, ahead: int, retry_after: int) -> None:
        behind = f"behind {ahead} run{'s' if ahead != 1 else ''}" if ahead else "for this minute's quota"
        super().__init__(f"Queued {behind}, about {retry_after} s: Google allows this account about ten runs a "
                         "minute; it starts by itself when it is its turn")
        self.ahead, self.retry_after = ahead, retry_after


class QuotaGauge:
    """Requests per identity over the last minute, and the runs in progress; admits a run or says how long."""

    def __init__(self, per_minute: int = PER_MINUTE, per_run: int = PER_RUN,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute, self.per_run, self.clock = per_minute, per_run, clock
        self._sent: dict[str, deque[tuple[float, int]]] = {}
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    @contextmanager
    def run(self, identity: str) -> Iterator[Callable[[int], None]]:
        """Admit one run of ``identity`` (or raise QueuedError); yields a function that records what it sent."""
        key = identity.lower()
        with self._lock:
            now = self.clock()
            sent = self._window(key, now)
            running = self._running.get(key, 0)
            used = sum(n for _, n in sent) + running * self.per_run
            if self.per_minute and used + self.per_run > self.per_minute:
                raise QueuedError(running, self._wait(sent, used, now))
            self._running[key] = running + 1
        recorded = [0]

        def record(requests: int) -> None:
            recorded[0] = requests

        try:
            yield record
        finally:
            with self._lock:
                self._running[key] -= 1
                if not self._running[key]:
                    del self._running[key]
                if recorded[0]:
                    self._sent.setdefault(key, deque()).append((self.clock(), recorded[0]))

    def _window(self, key: str, now: float) -> deque[tuple[float, int]]:
        sent = self._sent.get(key, deque())
        while sent and now - sent[0][0] >= 60:
            sent.popleft()
        if not sent:
            self._sent.pop(key, None)
        return sent

    def _wait(self, sent: deque[tuple[float, int]], used: int, now: float) -> int:
        """Seconds until enough of the last minute's requests leave the window for one more run."""
        excess = used + self.per_run - self.per_minute
        for when, n in sent:
            excess -= n
            if excess <= 0:
                return max(1, math.ceil(60 - (now - when)))
        return 60  # only runs in progress hold the quota: about a minute
