"""The store contract: read tabs as 2D values, write owned Prospects columns keyed by Domain."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # annotations only: the web service imports this contract before it needs pandas
    import pandas as pd

    from sheets_bridge.workbook.dashboard import DashboardLayout

Values = list[list[Any]]


@dataclass
class WriteReport:
    """What a write did to the Prospects tab."""

    new: int = 0
    updated: int = 0
    skipped_deleted: int = 0
    output_path: str = ""
    warnings: list[str] = field(default_factory=list)


class Store(Protocol):
    """A spreadsheet the service can read and write; the service never knows which kind."""

    label: str

    def hold(self, user: str, action: str, signature: str | None = None,
             signature_window: float = 600.0) -> AbstractContextManager[None]:
        """Hold the spreadsheet for one run against every other process, or raise RunInProgressError."""
        ...

    def read_tabs(self) -> Mapping[str, Values]:
        """Every tab's values, header first, in tab order."""
        ...

    def write_prospects(self, frame: pd.DataFrame, owned: Sequence[str], team: Sequence[str],
                        run_log: list[Any] | None = None, excluded: Values | None = None) -> WriteReport:
        """Write the owned columns of ``frame`` to Prospects, matching rows by Domain; new rows below.

        ``run_log``, when given, is one row added below the Run log tab in the same write; ``excluded``,
        when given, is the Excluded tab's new values, written in the same write.
        """
        ...

    def tab_titles(self) -> list[str]:
        """Every tab's title, in order."""
        ...

    def append_rows(self, name: str, rows: Values, header: Sequence[str]) -> None:
        """Add rows below a tab's last row without touching the rows above (the tab made with ``header``)."""
        ...

    def replace_tab(self, name: str, values: Values) -> None:
        """Create or replace one tab with the given values."""
        ...

    def read_named(self, titles: Sequence[str]) -> dict[str, Values]:
        """Some tabs' values (missing tabs read as empty), cheaper than reading every tab."""
        ...

    def write_dashboard(self, layout: DashboardLayout) -> None:
        """Replace the Dashboard tab's values and charts."""
        ...

    def apply_layout(self) -> dict[str, Any]:
        """Create the reserved tabs and their formatting; running it twice changes nothing."""
        ...
