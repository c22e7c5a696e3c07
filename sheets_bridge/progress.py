"""A stage progress bar on standard error, shown only on a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Callable progress reporter: ``bar(stage, fraction)``; silent unless the stream is a terminal."""

    def __init__(self, stream: TextIO | None = None, width: int = 30, force: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.enabled = force or self.stream.isatty()
        self.started = time.perf_counter()

    def __call__(self, stage: str, fraction: float) -> None:
        if not self.enabled:
            return
        filled = int(self.width * max(0.0, min(1.0, fraction)))
        elapsed = time.perf_counter() - self.started
        line = f"\r[{'#' * filled}{'-' * (self.width - filled)}] {fraction:4.0%} {stage:<10} {elapsed:5.1f}s"
        self.stream.write(line)
        if fraction >= 1.0:
            self.stream.write("\n")
        self.stream.flush()
