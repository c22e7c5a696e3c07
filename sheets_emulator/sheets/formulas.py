"""Formulas recalculated as Google Sheets does after every write: cell references, ranges on any sheet, and
a documented set of functions.

Served: numbers, "text", TRUE/FALSE; references (``A1``, ``$A$1``, ``'My tab'!B2``), ranges (``A1:B9``,
``C:C``, ``2:2``); operators ``+ - * / ^ & %`` and comparisons ``= <> < > <= >=``; functions SUM, COUNT,
COUNTA, COUNTBLANK, AVERAGE, MIN, MAX, IF, IFERROR, AND, OR, NOT, HYPERLINK, CONCATENATE, CONCAT, LEN,
UPPER, LOWER, TRIM, ROUND, ABS and VLOOKUP. Errors are the values Google shows: ``#NAME?`` for a function
outside that set (the formula is kept; its value says it was not calculated), ``#DIV/0!``, ``#VALUE!``,
``#REF!`` (also for a circular reference) and ``#N/A``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sheets_emulator.sheets.model import Sheet, Spreadsheet

ERRORS = frozenset({"#NAME?", "#DIV/0!", "#VALUE!", "#REF!", "#N/A", "#NUM!", "#ERROR!"})
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"]|"")*")
  | (?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<sheet>(?:'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_.]*)!)
  | (?P<cell>\$?[A-Za-z]{1,3}\$?\d+)
  | (?P<cols>\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}(?![A-Za-z0-9(]))
  | (?P<rows>\$?\d+:\$?\d+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<op><>|<=|>=|[-+*/^&=<>(),:;%{}])
""", re.VERBOSE)


class FormulaError(Exception):
    """A formula that does not parse: its value is #ERROR! (Google: 'Formula parse error')."""


@dataclass(frozen=True)
class Ref:
    """A rectangle of cells on a sheet (the formula's own sheet when ``sheet`` is empty); ends inclusive."""

    sheet: str
    r0: int
    c0: int
    r1: int
    c1: int


Node = tuple[Any, ...]


def _column(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _cell(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", text)
    if not m or int(m.group(2)) < 1:
        raise FormulaError(text)
    return int(m.group(2)) - 1, _column(m.group(1))


@lru_cache(maxsize=4096)
def parse(formula: str) -> Node:
    """A formula ('=...') as a tree of tuples; FormulaError when Google would say 'Formula parse error'."""
    tokens: list[tuple[str, str]] = []
    body = formula[1:]
    at = 0
    while at < len(body):
        m = _TOKEN.match(body, at)
        if not m:
            raise FormulaError(body[at:])
        at = m.end()
        kind = m.lastgroup or ""
        if kind != "space":
            tokens.append((kind, m.group()))
    parser = _Parser(tokens)
    tree = parser.expression()
    if parser.at != len(tokens):
        raise FormulaError(str(tokens[parser.at:]))
    return tree


class _Parser:
    """Precedence, low to high: comparison, &, + -, * /, ^, unary -, postfix %."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.at = tokens, 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.at += 1
        return token

    def expect(self, text: str) -> None:
        if self.take()[1] != text:
            raise FormulaError(f"expected {text}")

    def binary(self, operators: set[str], lower: Callable[[], Node]) -> Node:
        left = lower()
        while self.peek()[0] == "op" and self.peek()[1] in operators:
            left = ("op", self.take()[1], left, lower())
        return left

    def expression(self) -> Node:
        return self.binary({"=", "<>", "<", ">", "<=", ">="}, self.concat)

    def concat(self) -> Node:
        return self.binary({"&"}, self.additive)

    def additive(self) -> Node:
        return self.binary({"+", "-"}, self.term)

    def term(self) -> Node:
        return self.binary({"*", "/"}, self.power)

    def power(self) -> Node:
        return self.binary({"^"}, self.unary)

    def unary(self) -> Node:
        if self.peek() in {("op", "-"), ("op", "+")}:
            sign = self.take()[1]
            operand = self.unary()
            return ("neg", operand) if sign == "-" else operand
        node = self.primary()
        while self.peek() == ("op", "%"):
            self.take()
            node = ("pct", node)
        return node

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "number":
            return ("const", float(text))
        if kind == "string":
            return ("const", text[1:-1].replace('""', '"'))
        if kind == "op" and text == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        sheet = ""
        if kind == "sheet":
            sheet = text[:-1]
            sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet
            kind, text = self.take()
        if kind == "cell":
            r0, c0 = _cell(text)
            if self.peek() == ("op", ":"):
                self.take()
                end_kind, end = self.take()
                if end_kind != "cell":
                    raise FormulaError(end)
                r1, c1 = _cell(end)
                return ("ref", Ref(sheet, min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)))
            return ("ref", Ref(sheet, r0, c0, r0, c0))
        if kind == "cols":
            first, last = (_column(part.replace("$", "")) for part in text.split(":"))
            return ("ref", Ref(sheet, 0, min(first, last), -1, max(first, last)))
        if kind == "rows":
            first, last = (int(part.replace("$", "")) - 1 for part in text.split(":"))
            return ("ref", Ref(sheet, min(first, last), 0, max(first, last), -1))
        if kind == "name" and not sheet:
            upper = text.upper()
            if self.peek() == ("op", "("):
                self.take()
                args: list[Node] = []
                if self.peek() != ("op", ")"):
                    args.append(self.expression())
                    while self.peek()[1] in {",", ";"}:
                        self.take()
                        args.append(self.expression())
                self.expect(")")
                return ("call", upper, tuple(args))
            if upper in {"TRUE", "FALSE"}:
                return ("const", upper == "TRUE")
            return ("const", "#NAME?")  # a named range or an unknown name
        raise FormulaError(text)


class _Circular(Exception):
    pass


class Evaluator:
    """Values of a spreadsheet's formula cells, each worked out once per recalculation."""

    def __init__(self, book: Spreadsheet) -> None:
        self.book = book
        self.done: dict[tuple[int, int, int], Any] = {}
        self.busy: set[tuple[int, int, int]] = set()

    def cell_value(self, sheet: Sheet, r: int, c: int) -> Any:
        cell = sheet.cell_map.get((r, c))
        if cell is None:
            return None
        if "f" not in cell:
            return cell.get("v")
        key = (sheet.sheet_id, r, c)
        if key in self.done:
            return self.done[key]
        if key in self.busy:
            raise _Circular
        self.busy.add(key)
        try:
            value = self.formula_value(sheet, str(cell["f"]))
        except _Circular:
            value = "#REF!"
        finally:
            self.busy.discard(key)
        self.done[key] = value
        return value

    def formula_value(self, sheet: Sheet, formula: str) -> Any:
        try:
            tree = parse(formula)
        except (FormulaError, RecursionError):
            return "#ERROR!"
        try:
            return _scalar(self, sheet, self.eval(tree, sheet))
        except ZeroDivisionError:
            return "#DIV/0!"
        except (OverflowError, ValueError):
            return "#NUM!"
        except _Error as error:
            return error.value

    def eval(self, node: Node, sheet: Sheet) -> Any:
        kind = node[0]
        if kind == "const":
            return node[1]
        if kind == "ref":
            return self.bound(node[1], sheet)
        if kind == "neg":
            return -_number(_scalar(self, sheet, self.eval(node[1], sheet)))
        if kind == "pct":
            return _number(_scalar(self, sheet, self.eval(node[1], sheet))) / 100
        if kind == "op":
            return _operate(node[1], _scalar(self, sheet, self.eval(node[2], sheet)),
                            _scalar(self, sheet, self.eval(node[3], sheet)))
        if kind == "call":
            function = FUNCTIONS.get(node[1])
            if function is None:
                return "#NAME?"
            return function(self, sheet, node[2])
        raise _Error("#ERROR!")

    def bound(self, ref: Ref, sheet: Sheet) -> tuple[Sheet, Ref]:
        """A reference made concrete: its sheet, and whole rows or columns cut to the sheet's size."""
        target = self.book.sheet_by_title(ref.sheet) if ref.sheet else sheet
        if target is None:
            raise _Error("#REF!")
        r1 = target.rows - 1 if ref.r1 < 0 else ref.r1
        c1 = target.cols - 1 if ref.c1 < 0 else ref.c1
        return target, Ref(target.title, ref.r0, ref.c0, r1, c1)

    def values(self, where: tuple[Sheet, Ref]) -> Iterator[Any]:
        """Every stored value in a rectangle, row by row (blank cells skipped)."""
        sheet, ref = where
        cells = sheet.cell_map
        area = (ref.r1 - ref.r0 + 1) * (ref.c1 - ref.c0 + 1)
        if area <= 4 * len(cells) + 64:
            keys: Any = ((r, c) for r in range(ref.r0, ref.r1 + 1) for c in range(ref.c0, ref.c1 + 1)
                         if (r, c) in cells)
        else:
            keys = sorted(k for k in cells if ref.r0 <= k[0] <= ref.r1 and ref.c0 <= k[1] <= ref.c1)
        for r, c in keys:
            yield self.cell_value(sheet, r, c)


class _Error(Exception):
    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value


def _is_error(value: Any) -> bool:
    return isinstance(value, str) and value in ERRORS


def _scalar(ev: Evaluator, sheet: Sheet, value: Any) -> Any:
    """A single value: a one-cell range gives its cell; a larger one is #VALUE!; an error is raised."""
    if isinstance(value, tuple):
        target, ref = value
        if ref.r0 != ref.r1 or ref.c0 != ref.c1:
            raise _Error("#VALUE!")
        value = ev.cell_value(target, ref.r0, ref.c0)
    if _is_error(value):
        raise _Error(value)
    return value


def _number(value: Any) -> float:
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        raise _Error("#VALUE!") from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    return str(value)


def _truth(value: Any) -> bool:
    if isinstance(value, str) and value.upper() in {"TRUE", "FALSE"}:
        return value.upper() == "TRUE"
    if isinstance(value, str) and value:
        raise _Error("#VALUE!")
    return bool(_number(value))


def _rank(value: Any) -> tuple[int, Any]:
    """Sheets orders numbers before text before booleans; blanks compare as 0 or ''."""
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, str):
        return (1, value.lower())
    return (0, 0.0 if value is None else float(value))


def _operate(op: str, left: Any, right: Any) -> Any:
    if op == "&":
        return _text(left) + _text(right)
    if op in {"+", "-", "*", "/", "^"}:
        a, b = _number(left), _number(right)
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return a / b
        return math.pow(a, b)
    if left is None:
        left = "" if isinstance(right, str) else 0.0
    if right is None:
        right = "" if isinstance(left, str) else 0.0
    x, y = _rank(left), _rank(right)
    return {"=": x == y, "<>": x != y, "<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]


def _numbers(ev: Evaluator, sheet: Sheet, args: tuple[Node, ...]) -> list[float]:
    """Numbers from arguments: every number in a range (text and booleans there skipped), scalars coerced."""
    out: list[float] = []
    for arg in args:
        value = ev.eval(arg, sheet)
        if isinstance(value, tuple):
            for item in ev.values(value):
                if _is_error(item):
                    raise _Error(item)
                if isinstance(item, int | float) and not isinstance(item, bool):
                    out.append(float(item))
        else:
            out.append(_number(_scalar(ev, sheet, value)))
    return out


def _every(ev: Evaluator, sheet: Sheet, args: tuple[Node, ...]) -> list[Any]:
    out: list[Any] = []
    for arg in args:
        value = ev.eval(arg, sheet)
        out.extend(ev.values(value) if isinstance(value, tuple) else [_scalar(ev, sheet, value)])
    return out


def _arity(args: tuple[Node, ...], low: int, high: int) -> None:
    if not low <= len(args) <= high:
        raise _Error("#N/A")


def _one(args: tuple[Node, ...]) -> Node:
    """The one argument of a one-argument function (#N/A for any other count)."""
    _arity(args, 1, 1)
    return args[0]


def _if(ev: Evaluator, sheet: Sheet, args: tuple[Node, ...]) -> Any:
    _arity(args, 2, 3)
    if _truth(_scalar(ev, sheet, ev.eval(args[0], sheet))):
        return _scalar(ev, sheet, ev.eval(args[1], sheet))
    return _scalar(ev, sheet, ev.eval(args[2], sheet)) if len(args) == 3 else False


def _iferror(ev: Evaluator, sheet: Sheet, args: tuple[Node, ...]) -> Any:
    _arity(args, 1, 2)
    try:
        value = _scalar(ev, sheet, ev.eval(args[0], sheet))
    except (_Error, ZeroDivisionError):
        return _scalar(ev, sheet, ev.eval(args[1], sheet)) if len(args) == 2 else ""
    return value


def _average(ev: Evaluator, sheet: Sheet, args: tuple[Node, ...]) -> float:
    numbers = _numbers(ev, sheet, args)
    if not numbers:
        raise _Error("#DIV/0!")
    return sum(numbers) / len(numbers)


def _hyperlink(ev: Evaluator, sheet: Sheet, args: tuple[Node, ...]) -> Any:
    _arity(args, 1, 2)
    return _text(_scalar(ev, sheet, ev.eval(args[-1], sheet)))


def _round(ev: Evaluator, sheet: Sheet, args: tuple[Node, ...]) -> float:
    _arity(args, 1, 2)
    value = _number(_scalar(ev, sheet, ev.eval(args[0], sheet)))
    places = int(_number(_scalar(ev, sheet, ev.eval(args[1], sheet)))) if len(args) == 2 else 0
    scaled = abs(value) * 10 ** places
    return math.copysign(math.floor(scaled + 0.5) / 10 ** places, value)  # half away from zero, as Sheets


def _vlookup(ev: Evaluator, sheet: Sheet, args: tuple[Node, ...]) -> Any:
    _arity(args, 3, 4)
    key = _scalar(ev, sheet, ev.eval(args[0], sheet))
    table = ev.eval(args[1], sheet)
    if not isinstance(table, tuple):
        raise _Error("#N/A")
    target, ref = table
    column = int(_number(_scalar(ev, sheet, ev.eval(args[2], sheet))))
    if column < 1 or column > ref.c1 - ref.c0 + 1:
        raise _Error("#REF!")
    is_sorted = _truth(_scalar(ev, sheet, ev.eval(args[3], sheet))) if len(args) == 4 else True
    last = max((k[0] for k in target.cell_map if ref.r0 <= k[0] <= ref.r1), default=ref.r0 - 1)
    found = -1
    for r in range(ref.r0, last + 1):
        here = ev.cell_value(target, r, ref.c0)
        if is_sorted:
            if here is not None and _rank(here) <= _rank(key):
                found = r
            elif here is not None:
                break
        elif here is not None and _rank(here) == _rank(key):
            found = r
            break
    if found < 0:
        raise _Error("#N/A")
    value = ev.cell_value(target, found, ref.c0 + column - 1)
    return "" if value is None else value


def _strings(transform: Callable[[str], Any]) -> Callable[[Evaluator, Sheet, tuple[Node, ...]], Any]:
    def function(ev: Evaluator, sheet: Sheet, args: tuple[Node, ...]) -> Any:
        return transform(_text(_scalar(ev, sheet, ev.eval(_one(args), sheet))))
    return function


FUNCTIONS: dict[str, Callable[[Evaluator, Sheet, tuple[Node, ...]], Any]] = {
    "SUM": lambda ev, sh, a: sum(_numbers(ev, sh, a)),
    "COUNT": lambda ev, sh, a: float(len(_numbers_only(ev, sh, a))),
    "COUNTA": lambda ev, sh, a: float(sum(1 for v in _every(ev, sh, a) if v not in (None, ""))),
    "COUNTBLANK": lambda ev, sh, a: float(_blanks(ev, sh, a)),
    "AVERAGE": _average,
    "MIN": lambda ev, sh, a: min(_numbers(ev, sh, a), default=0.0),
    "MAX": lambda ev, sh, a: max(_numbers(ev, sh, a), default=0.0),
    "IF": _if,
    "IFERROR": _iferror,
    "AND": lambda ev, sh, a: all(_truth(v) for v in _every(ev, sh, a) if v is not None),
    "OR": lambda ev, sh, a: any(_truth(v) for v in _every(ev, sh, a) if v is not None),
    "NOT": lambda ev, sh, a: not _truth(_scalar(ev, sh, ev.eval(_one(a), sh))),
    "HYPERLINK": _hyperlink,
    "CONCATENATE": lambda ev, sh, a: "".join(_text(v) for v in _every(ev, sh, a)),
    "CONCAT": lambda ev, sh, a: "".join(_text(_scalar(ev, sh, ev.eval(x, sh))) for x in a[:2]),
    "LEN": _strings(lambda s: float(len(s))),
    "UPPER": _strings(str.upper),
    "LOWER": _strings(str.lower),
    "TRIM": _strings(lambda s: re.sub(" +", " ", s.strip())),
    "ROUND": _round,
    "ABS": lambda ev, sh, a: abs(_number(_scalar(ev, sh, ev.eval(_one(a), sh)))),
    "VLOOKUP": _vlookup,
}


def _numbers_only(ev: Evaluator, sheet: Sheet, args: tuple[Node, ...]) -> list[float]:
    """COUNT's numbers: numbers in ranges, and scalar arguments that are numbers (text is not counted)."""
    out: list[float] = []
    for arg in args:
        value = ev.eval(arg, sheet)
        items = ev.values(value) if isinstance(value, tuple) else [_scalar(ev, sheet, value)]
        out.extend(float(v) for v in items if isinstance(v, int | float) and not isinstance(v, bool))
    return out


def _blanks(ev: Evaluator, sheet: Sheet, args: tuple[Node, ...]) -> int:
    total = 0
    for arg in args:
        value = ev.eval(arg, sheet)
        if not isinstance(value, tuple):
            raise _Error("#VALUE!")
        _, ref = value
        filled = sum(1 for v in ev.values(value) if v not in (None, ""))
        total += (ref.r1 - ref.r0 + 1) * (ref.c1 - ref.c0 + 1) - filled
    return total


def formula_keys(sheet: Sheet) -> list[tuple[int, int]]:
    """Where a sheet's formulas are, worked out once per version of its cells."""
    cells = sheet.cell_map
    memo = cells.memo.get("formulas")
    if memo is not None and memo[0] == cells.version:
        return list(memo[1])
    keys = [key for key, cell in cells.items() if "f" in cell]
    cells.memo["formulas"] = (cells.version, keys)
    return keys


def recalculate(book: Spreadsheet) -> None:
    """Work out every formula's value again from the cells as they are now; store the ones that changed."""
    where = [(sheet, formula_keys(sheet)) for sheet in book.sheets]
    if not any(keys for _, keys in where):
        return
    evaluator = Evaluator(book)
    for sheet, keys in where:
        changed = False
        for r, c in keys:
            value = evaluator.cell_value(sheet, r, c)
            cell = sheet.cell_map[(r, c)]
            if cell.get("v") != value or type(cell.get("v")) is not type(value):
                sheet.cell_map[(r, c)] = {**cell, "v": _stored(value)}
                changed = True
        if changed:
            formula_keys(sheet)


def _stored(value: Any) -> Any:
    """A value as the emulator stores it: numbers as floats."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value
