"""In-memory spreadsheets: sheets, cells and the structures batchUpdate manages."""

from __future__ import annotations

import collections
import copy
import datetime as dt
import itertools
import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sheets_emulator.sheets.cells import Cell

ID_ALPHABET = string.ascii_letters + string.digits + "-_"
MAX_CELLS = 10_000_000


def new_spreadsheet_id(rng: random.Random) -> str:
    """A 44-character id like Google's."""
    return "1" + "".join(rng.choice(ID_ALPHABET) for _ in range(43))


def now_rfc3339() -> str:
    """The current time as Drive writes it."""
    now = dt.datetime.now(dt.UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


_VERSIONS = itertools.count(1)
_MISSING = object()  # in a journal: the key held no cell
_EVERYTHING = object()  # in a journal: the whole map, before a clear()


class CellMap(dict[tuple[int, int], Cell]):
    """A sheet's cells by (row, column): a dict that takes a new version number at every change.

    Readers may keep what they worked out from the cells with the version it was worked out at (`memo`);
    it is theirs to use while the version is unchanged. Every way a dict changes is covered, and a copy
    starts at its source's version with its source's memo (the same cells). Cells are never changed in
    place (handlers build a new dict and store it), so a stored cell cannot change behind the version.

    While a `journal` is kept, every change first notes what the key held, so `roll_back` can undo a
    failed batch at the cost of the cells it touched rather than a copy of the whole sheet.
    """

    __slots__ = ("journal", "memo", "version")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = next(_VERSIONS)
        self.memo: dict[str, Any] = {}
        self.journal: list[tuple[Any, Any]] | None = None

    def copy_of_self(self) -> CellMap:
        """A copy holding the same cell dicts, at the same version, with the same memo."""
        twin = CellMap(self)
        twin.version, twin.memo = self.version, dict(self.memo)
        return twin

    def roll_back(self) -> None:
        """Undo every change since the journal began (newest first), and stop keeping it."""
        for key, held in reversed(self.journal or []):
            if key is _EVERYTHING:
                dict.clear(self)
                dict.update(self, held)
            elif held is _MISSING:
                dict.pop(self, key, None)
            else:
                dict.__setitem__(self, key, held)
        self.journal = None
        self._changed()

    def _changed(self, *keys: Any) -> None:
        if self.journal is not None:  # what each key held, gathered at C speed (a batch may touch millions)
            held = map(dict.get, itertools.repeat(self), keys, itertools.repeat(_MISSING))
            self.journal.extend(zip(keys, held, strict=True))
        self.version = next(_VERSIONS)
        self.memo = {}

    def __setitem__(self, key: tuple[int, int], value: Cell) -> None:
        self._changed(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: tuple[int, int]) -> None:
        self._changed(key)
        super().__delitem__(key)

    def pop(self, key: tuple[int, int], *default: Any) -> Any:
        self._changed(key)
        return super().pop(key, *default)

    def popitem(self) -> tuple[tuple[int, int], Cell]:
        if self.journal is not None:
            self.journal.append((_EVERYTHING, dict(self)))
        self._changed()
        return super().popitem()

    def clear(self) -> None:
        if self.journal is not None:
            self.journal.append((_EVERYTHING, dict(self)))
        self._changed()
        super().clear()

    def setdefault(self, key: tuple[int, int], default: Cell = None) -> Cell:  # type: ignore[assignment]
        self._changed(key)
        return super().setdefault(key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        if self.journal is None:
            self._changed()
            super().update(*args, **kwargs)
            return
        incoming = dict(*args, **kwargs)
        self._changed(*incoming)
        super().update(incoming)

    def discard(self, keys: list[tuple[int, int]]) -> None:
        """Remove the cells at keys (a key with no cell is passed over), as one change."""
        self._changed(*keys)
        collections.deque(map(dict.pop, itertools.repeat(self), keys, itertools.repeat(None)), maxlen=0)

    def __ior__(self, other: Any) -> CellMap:  # type: ignore[override,misc]
        self.update(other)
        return self


@dataclass
class Sheet:
    """One tab: its properties, cells and the structures attached to it."""

    properties: dict[str, Any]
    cells: dict[tuple[int, int], Cell] = field(default_factory=CellMap)  # always a CellMap (see __setattr__)
    merges: list[dict[str, Any]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)  # basicFilter, conditionalFormats, charts, ...
    row_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    col_meta: dict[int, dict[str, Any]] = field(default_factory=dict)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "cells" and not isinstance(value, CellMap):  # any mapping given is kept as a CellMap
            value = CellMap(value)
        super().__setattr__(name, value)

    @property
    def cell_map(self) -> CellMap:
        """The cells with their version and memo."""
        assert isinstance(self.cells, CellMap)
        return self.cells

    @property
    def sheet_id(self) -> int:
        return int(self.properties["sheetId"])

    @property
    def title(self) -> str:
        return str(self.properties["title"])

    @property
    def rows(self) -> int:
        return int(self.properties["gridProperties"]["rowCount"])

    @property
    def cols(self) -> int:
        return int(self.properties["gridProperties"]["columnCount"])

    def to_dict(self) -> dict[str, Any]:
        return {"properties": self.properties, "cells": [[r, c, v] for (r, c), v in self.cells.items()],
                "merges": self.merges, "extras": self.extras,
                "row_meta": {str(k): v for k, v in self.row_meta.items()},
                "col_meta": {str(k): v for k, v in self.col_meta.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Sheet:
        return cls(properties=data["properties"], cells={(r, c): v for r, c, v in data.get("cells", [])},
                   merges=data.get("merges", []), extras=data.get("extras", {}),
                   row_meta={int(k): v for k, v in data.get("row_meta", {}).items()},
                   col_meta={int(k): v for k, v in data.get("col_meta", {}).items()})


@dataclass
class Spreadsheet:
    """A spreadsheet file: Drive metadata, properties, sheets, named and protected ranges."""

    spreadsheet_id: str
    properties: dict[str, Any]
    sheets: list[Sheet]
    created: str
    modified: str
    named_ranges: list[dict[str, Any]] = field(default_factory=list)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)
    owner: str = ""
    developer_metadata: list[dict[str, Any]] = field(default_factory=list)
    permissions: list[dict[str, Any]] = field(default_factory=list)  # Drive permissions besides the owner

    def sheet_by_title(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if s.title == title), None)

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def reindex(self) -> None:
        for i, sheet in enumerate(self.sheets):
            sheet.properties["index"] = i

    def total_cells(self) -> int:
        return sum(s.rows * s.cols for s in self.sheets)

    def clone(self) -> Spreadsheet:
        """A copy a batch may change freely: structures deep-copied, cell maps copied by reference per cell.

        Handlers never change a cell's dict in place (they build a new one and store it), so sharing the
        cell dicts is safe and copying a sheet of a million cells costs a dict copy, not a deep copy.
        """
        return self._copied(lambda sheet: sheet.cell_map.copy_of_self())

    def journaled(self) -> Spreadsheet:
        """A copy for a batch: structures deep-copied, each sheet's cell map shared and journaled.

        The batch changes the shared maps in place; `settle` keeps the changes, or undoes them (from the
        journals) when the batch fails, so this spreadsheet is as it was.
        """
        for sheet in self.sheets:
            sheet.cell_map.journal = []
        return self._copied(lambda sheet: sheet.cells)

    def _copied(self, cells_of: Callable[[Sheet], dict[tuple[int, int], Cell]]) -> Spreadsheet:
        """This spreadsheet with every structure deep-copied and each sheet's cells as `cells_of` gives them."""
        sheets = [Sheet(properties=copy.deepcopy(s.properties), cells=cells_of(s), merges=copy.deepcopy(s.merges),
                        extras=copy.deepcopy(s.extras), row_meta=copy.deepcopy(s.row_meta),
                        col_meta=copy.deepcopy(s.col_meta)) for s in self.sheets]
        return Spreadsheet(self.spreadsheet_id, copy.deepcopy(self.properties), sheets, self.created, self.modified,
                           copy.deepcopy(self.named_ranges), copy.deepcopy(self.protected_ranges), self.owner,
                           copy.deepcopy(self.developer_metadata), copy.deepcopy(self.permissions))

    def settle(self, work: Spreadsheet, kept: bool) -> None:
        """End a batch begun with `journaled`: keep its changes to the cell maps, or undo them."""
        for sheet in self.sheets:
            if kept:
                sheet.cell_map.journal = None
            else:
                sheet.cell_map.roll_back()
        for sheet in work.sheets:
            sheet.cell_map.journal = None

    def to_dict(self) -> dict[str, Any]:
        return {"spreadsheetId": self.spreadsheet_id, "properties": self.properties,
                "sheets": [s.to_dict() for s in self.sheets], "created": self.created, "modified": self.modified,
                "namedRanges": self.named_ranges, "protectedRanges": self.protected_ranges, "owner": self.owner,
                "developerMetadata": self.developer_metadata, "permissions": self.permissions}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Spreadsheet:
        return cls(spreadsheet_id=data["spreadsheetId"], properties=data["properties"],
                   sheets=[Sheet.from_dict(s) for s in data["sheets"]], created=data["created"],
                   modified=data["modified"], named_ranges=data.get("namedRanges", []),
                   protected_ranges=data.get("protectedRanges", []), owner=data.get("owner", ""),
                   developer_metadata=data.get("developerMetadata", []), permissions=data.get("permissions", []))
