"""Conditional formats as a reader of the sheet sees them: the first boolean rule a cell meets lends it its format.

The conditions on a cell's own value are evaluated (text: contains, does not contain, equals, starts or ends
with, case-insensitive as in Sheets; blank and not blank; number comparisons and between). Dates relative to
today, custom formulas and gradient rules are not: such a rule never applies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _number(text: Any) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _compare(value: Any, wanted: list[Any], test: Callable[[float, list[float]], bool]) -> bool:
    numbers = [_number(w) for w in wanted]
    if not isinstance(value, int | float) or isinstance(value, bool) or any(n is None for n in numbers):
        return False
    return test(float(value), [n for n in numbers if n is not None])


def _text(value: Any) -> str:
    return "" if value is None else str(value).lower()


TESTS: dict[str, Callable[[Any, list[Any]], bool]] = {
    "TEXT_CONTAINS": lambda v, w: bool(w) and _text(w[0]) in _text(v),
    "TEXT_NOT_CONTAINS": lambda v, w: bool(w) and _text(w[0]) not in _text(v),
    "TEXT_EQ": lambda v, w: bool(w) and _text(v) == _text(w[0]),
    "TEXT_STARTS_WITH": lambda v, w: bool(w) and _text(v).startswith(_text(w[0])),
    "TEXT_ENDS_WITH": lambda v, w: bool(w) and _text(v).endswith(_text(w[0])),
    "BLANK": lambda v, w: v in (None, ""),
    "NOT_BLANK": lambda v, w: v not in (None, ""),
    "NUMBER_GREATER": lambda v, w: _compare(v, w[:1], lambda x, n: x > n[0]),
    "NUMBER_GREATER_THAN_EQ": lambda v, w: _compare(v, w[:1], lambda x, n: x >= n[0]),
    "NUMBER_LESS": lambda v, w: _compare(v, w[:1], lambda x, n: x < n[0]),
    "NUMBER_LESS_THAN_EQ": lambda v, w: _compare(v, w[:1], lambda x, n: x <= n[0]),
    "NUMBER_EQ": lambda v, w: _compare(v, w[:1], lambda x, n: x == n[0]),
    "NUMBER_NOT_EQ": lambda v, w: _compare(v, w[:1], lambda x, n: x != n[0]),
    "NUMBER_BETWEEN": lambda v, w: _compare(v, w[:2], lambda x, n: len(n) == 2 and min(n) <= x <= max(n)),
}


def _inside(grid: dict[str, Any], sheet_id: int, row: int, col: int) -> bool:
    return (int(grid.get("sheetId") or 0) == sheet_id
            and int(grid.get("startRowIndex") or 0) <= row < int(grid.get("endRowIndex", row + 1))
            and int(grid.get("startColumnIndex") or 0) <= col < int(grid.get("endColumnIndex", col + 1)))


def first_match(rules: list[dict[str, Any]], sheet_id: int, row: int, col: int, value: Any) -> dict[str, Any]:
    """The format of the first boolean rule whose range holds the cell and whose condition its value meets."""
    for rule in rules:
        boolean = rule.get("booleanRule")
        if not boolean or not any(_inside(g, sheet_id, row, col) for g in rule.get("ranges") or []):
            continue
        condition = boolean.get("condition") or {}
        test = TESTS.get(str(condition.get("type")))
        wanted = [v.get("userEnteredValue") for v in condition.get("values") or []]
        if test is not None and test(value, wanted):
            return dict(boolean.get("format") or {})
    return {}
