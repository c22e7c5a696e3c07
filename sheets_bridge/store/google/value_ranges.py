"""A values:batchGet answer read one value range at a time, straight from the answer's bytes.

orjson decodes a document by first parsing all of it into a tree of its own and then building the Python
objects: a 500,000-row spreadsheet's 52 MB answer took about 330 MB above its bytes to decode at once, more
than half of it gone again once decoded. Each value range is one JSON object of the answer's
``valueRanges`` array, so each can be decoded alone, when it is needed: the peak is then one tab's, and an
export tab's cells can be freed (once the pipeline holds them as arrays) before the next tab is decoded.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import orjson

from sheets_bridge.exceptions import GoogleApiError
from sheets_bridge.intake.ingest import Columns
from sheets_bridge.store.base import Values

# In valid JSON these match only where they are structure: inside a string a bare '"' would end the string,
# and what follows ('range"', 'valueRanges"') could not come next. A cell is never an object, so every
# '{' followed by the key "range" starts a value range.
_ARRAY_START = re.compile(rb'"valueRanges"\s*:\s*\[\s*')
_RANGE_START = re.compile(rb'\{\s*"range"\s*:')
_LOOK_BACK = 4096  # whitespace between two value ranges (Google indents its answers by a few spaces)


class ValueRangesError(GoogleApiError):
    """A values:batchGet answer that is not the JSON the Sheets API documents."""


def value_range_spans(body: bytes | bytearray, count: int) -> list[tuple[int, int]] | None:
    """Where each of ``count`` value ranges lies in a batchGet answer (start, end), in order.

    None when the answer is not laid out as Google lays it out (``{"spreadsheetId": ..., "valueRanges":
    [{"range": ...}, ...]}``, any whitespace): the caller then decodes it whole.
    """
    array = _ARRAY_START.search(body)
    if array is None:
        return None
    starts = [m.start() for m in _RANGE_START.finditer(body, array.end())]
    if len(starts) != count or (starts and starts[0] != array.end()):
        return None
    spans = []
    for here, after in itertools.pairwise(starts):
        end = _end_before(body, here, after, b",")
        if end is None:
            return None
        spans.append((here, end))
    if starts:
        end = _end_before(body, starts[-1], len(body), b"}", b"]")
        if end is None:
            return None
        spans.append((starts[-1], end))
    return spans


def _end_before(body: bytes | bytearray, start: int, stop: int, *closers: bytes) -> int | None:
    """The end of the object that runs from ``start`` when only whitespace and ``closers`` (last first)
    separate it from ``stop``; None otherwise."""
    window = body[max(start, stop - _LOOK_BACK):stop]
    rest = window.rstrip()
    for closer in closers:
        if not rest.endswith(closer):
            return None
        rest = rest[:-1].rstrip()
    if not rest.endswith(b"}"):
        return None
    return stop - len(window) + len(rest)


def _loads(data: bytes | bytearray | memoryview) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ValueRangesError(f"Google Sheets answered with values that are not valid JSON ({exc})") from None


def _values(value_range: Any) -> Values:
    if not isinstance(value_range, dict):
        raise ValueRangesError("Google Sheets answered with a value range that is not a JSON object")
    return list(value_range.get("values", []))


class SheetTabs(Mapping[str, Values]):
    """Every tab of one batchGet answer (``majorDimension=COLUMNS``) by title, in tab order.

    ``kept`` tabs (the reserved ones: small, and read more than once) are decoded at once, as rows. Every
    other tab is decoded as ``Columns`` the first time it is asked for, and the same list is handed out
    after that, as a dict of them would: once the pipeline has turned a tab's columns into arrays and
    emptied the list (``service.scoring.read_exports``), its cells are gone. The answer's bytes are let go
    as soon as every tab has been decoded.
    """

    def __init__(self, titles: list[str], body: bytes | bytearray, kept: Callable[[str], bool]) -> None:
        spans = value_range_spans(body, len(titles))
        self._tabs: dict[str, Values | None]
        if spans is None:  # laid out otherwise: decoded whole, once (correct, at the old peak)
            answer = _loads(body)
            if not isinstance(answer, dict):
                raise ValueRangesError("Google Sheets answered with values that are not a JSON object")
            ranges = answer.get("valueRanges", [])
            self._tabs = {t: Columns(_values(r)) for t, r in zip(titles, ranges, strict=False)}
            self._spans: dict[str, tuple[int, int]] = {}
            self._body: memoryview | None = None
        else:
            self._tabs = dict.fromkeys(titles)
            self._spans = dict(zip(titles, spans, strict=True))
            self._body = memoryview(body)
        self.kept: dict[str, Values] = {t: Columns(self._values(t)).rows() for t in self._tabs if kept(t)}
        self._tabs.update(self.kept)

    def _values(self, title: str) -> Values:
        """A tab's cells as decoded from its span of the answer, which is then forgotten."""
        tab = self._tabs[title]
        if tab is not None:
            return tab
        start, end = self._spans.pop(title)
        assert self._body is not None
        values = _values(_loads(self._body[start:end]))
        if not self._spans:  # every tab decoded: the answer's bytes can go
            self._body.release()
            self._body = None
        return values

    def __getitem__(self, title: str) -> Values:
        tab = self._tabs[title]
        if tab is None:
            tab = self._tabs[title] = Columns(self._values(title))
        return tab

    def __iter__(self) -> Iterator[str]:
        return iter(self._tabs)

    def __len__(self) -> int:
        return len(self._tabs)
