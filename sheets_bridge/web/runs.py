"""One run per spreadsheet within this process, before the spreadsheet's own lease (``store.lease``) is asked."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sheets_bridge.store.google.lease import RunInProgressError

__all__ = ["RunInProgressError", "RunRegistry"]


class RunRegistry:
    """Who is running what on which spreadsheet, since when."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, tuple[str, str, dt.datetime]] = {}

    @contextmanager
    def hold(self, spreadsheet_id: str, user: str, action: str) -> Iterator[None]:
        """Hold the spreadsheet for one run, or raise RunInProgressError naming who started the first."""
        with self._lock:
            current = self._running.get(spreadsheet_id)
            if current is not None:
                who, what, since = current
                raise RunInProgressError(f"{who} started '{what}' on this spreadsheet at "
                                         f"{since:%H:%M:%S} UTC and it is still running; try again when it finishes")
            self._running[spreadsheet_id] = (user, action, dt.datetime.now(dt.UTC))
        try:
            yield
        finally:
            with self._lock:
                self._running.pop(spreadsheet_id, None)
