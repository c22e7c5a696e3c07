"""Cell values as Google Sheets stores them: what the user entered, what it evaluates to, how it shows."""

from __future__ import annotations

import ast
import datetime as dt
import operator
import re
from typing import Any

EPOCH = dt.date(1899, 12, 30)
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")
_PERCENT = re.compile(r"^[+-]?\d+(\.\d+)?%$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_OPS: dict[type, Any] = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
                         ast.Div: operator.truediv,
        ast.Pow: operator.pow, ast.USub: operator.neg, ast.UAdd: operator.pos}

Cell = dict[str, Any]  # keys: v (effective value), f (formula), t (display text), date (bool)


def number_text(value: float) -> str:
    """A number as Google's default format shows it."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.10g}" if abs(value) >= 1e-4 else repr(value)
    if "e" in text:
        text = repr(value)
    return text


def date_serial(day: dt.date) -> int:
    """Days since 1899-12-30, Google's serial number for a date."""
    return (day - EPOCH).days


def evaluate(formula: str) -> Any:
    """Evaluate the arithmetic formulas the emulator supports; other formulas give '#NAME?'."""
    body = formula[1:].strip()
    try:
        tree = ast.parse(body.replace("^", "**"), mode="eval")
        return _eval(tree.body)
    except ZeroDivisionError:
        return "#DIV/0!"
    except (SyntaxError, ValueError, TypeError, KeyError, OverflowError):
        return "#NAME?"


def _eval(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.BinOp):
        return float(_OPS[type(node.op)](_eval(node.left), _eval(node.right)))
    if isinstance(node, ast.UnaryOp):
        return float(_OPS[type(node.op)](_eval(node.operand)))
    raise ValueError("unsupported")


def user_entered(value: Any) -> Cell | None:
    """Interpret a value as if typed by a user (USER_ENTERED)."""
    if not isinstance(value, str):
        return raw(value)
    text = value
    if text == "":
        return None
    if text.startswith("'"):
        return {"v": text[1:]}
    if text.startswith("=") and len(text) > 1:
        return {"v": evaluate(text), "f": text}
    stripped = text.strip()
    upper = stripped.upper()
    if upper in {"TRUE", "FALSE"}:
        return {"v": upper == "TRUE"}
    if _NUMBER.match(stripped) and any(ch.isdigit() for ch in stripped):
        number = float(stripped.replace(",", ""))
        return {"v": number, "t": stripped.lstrip("+")} if "," in stripped else {"v": number}
    if _PERCENT.match(stripped):
        return {"v": float(stripped[:-1]) / 100, "t": stripped}
    for pattern, order in ((_ISO_DATE, (0, 1, 2)), (_US_DATE, (2, 0, 1))):
        m = pattern.match(stripped)
        if m:
            parts = [int(g) for g in m.groups()]
            try:
                day = dt.date(parts[order[0]], parts[order[1]], parts[order[2]])
            except ValueError:
                break
            return {"v": float(date_serial(day)), "t": stripped, "date": True}
    return {"v": text}


def raw(value: Any) -> Cell | None:
    """Store a value as given (RAW): strings stay strings, even '=...'."""
    if type(value) is str:  # the usual case first
        return {"v": value} if value else None
    if value is None:
        return None
    if isinstance(value, bool):
        return {"v": value}
    if isinstance(value, int | float):
        return {"v": float(value)}
    text = str(value)
    return None if text == "" else {"v": text}


def render(cell: Cell | None, option: str, datetime_option: str) -> Any:
    """A cell's value under a valueRenderOption and dateTimeRenderOption."""
    if cell is None:
        return None
    value = cell.get("v")
    if option == "FORMULA" and "f" in cell:
        return cell["f"]
    if option in {"UNFORMATTED_VALUE", "FORMULA"}:
        if cell.get("date") and datetime_option == "FORMATTED_STRING":
            return cell.get("t", number_text(float(value or 0)))
        if isinstance(value, float):
            return int(value) if value.is_integer() else value
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        pattern = ((cell.get("fmt") or {}).get("numberFormat") or {})
        if pattern.get("type") in {"DATE", "DATE_TIME"} and pattern.get("pattern"):
            return date_text(value, str(pattern["pattern"]))
        return cell.get("t") or number_text(value)
    return value


_DATE_TOKEN = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|\\.|\"[^\"]*\"", re.IGNORECASE)


def date_text(serial: float, pattern: str) -> str:
    """A serial date shown under a date pattern (years, months, days, hours, minutes, seconds; any case; an 'm'
    right after an hour means minutes, as in Sheets)."""
    moment = dt.datetime.combine(EPOCH, dt.time()) + dt.timedelta(days=serial)
    out: list[str] = []
    last = ""
    position = 0
    for match in _DATE_TOKEN.finditer(pattern):
        out.append(pattern[position:match.start()])
        token = match.group(0)
        lower = token.lower()
        if token.startswith("\\"):
            out.append(token[1:])
        elif token.startswith('"'):
            out.append(token[1:-1])
        elif lower.startswith("y"):
            out.append(f"{moment.year:04d}" if lower == "yyyy" else f"{moment.year % 100:02d}")
        elif lower.startswith("m") and last.startswith("h"):
            out.append(f"{moment.minute:02d}" if lower == "mm" else str(moment.minute))
        elif lower.startswith("m"):
            out.append({"mmmm": moment.strftime("%B"), "mmm": moment.strftime("%b"), "mm": f"{moment.month:02d}",
                        "m": str(moment.month)}[lower])
        elif lower.startswith("d"):
            out.append({"dddd": moment.strftime("%A"), "ddd": moment.strftime("%a"), "dd": f"{moment.day:02d}",
                        "d": str(moment.day)}[lower])
        elif lower.startswith("h"):
            out.append(f"{moment.hour:02d}" if lower == "hh" else str(moment.hour))
        else:
            out.append(f"{moment.second:02d}" if lower == "ss" else str(moment.second))
        last = lower if not token.startswith(("\\", '"')) else last
        position = match.end()
    out.append(pattern[position:])
    return "".join(out)


def extended_value(value: Any) -> dict[str, Any]:
    """An effective value as the API's ExtendedValue object."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, float | int):
        return {"numberValue": int(value) if float(value).is_integer() else value}
    if isinstance(value, str) and value.startswith("#"):
        return {"errorValue": {"type": "ERROR", "message": value}}
    return {"stringValue": value}


def from_extended(value: dict[str, Any]) -> Cell | None:
    """A cell from an ExtendedValue given in updateCells or repeatCell."""
    if "formulaValue" in value:
        return user_entered(value["formulaValue"])
    for key in ("numberValue", "boolValue", "stringValue"):
        if key in value:
            return raw(value[key])
    return None
