"""Vectorised parsers for the numbers, booleans and dates found in link exports.

Each parser works on the unique values of a column and maps the results back, so a
million-row column with a few thousand distinct values costs a few thousand parses.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_SUFFIX = {"k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9}
_NUMBER_RE = re.compile(r"^([+-]?)(\d[\d.,]*|\.\d+)\s*(k|m|bn|b)?$")
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")
_DECIMAL_COMMA = re.compile(r"^\d+,\d+$")
_TRUE = frozenset({"true", "yes", "y", "1", "1.0", "x", "+", "✓", "t"})
_FALSE = frozenset({"false", "no", "n", "0", "0.0", "-", "f", ""})
SHEETS_EPOCH = pd.Timestamp("1899-12-30")


def factorize(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes (-1 for missing) and distinct values of a column; Arrow-backed text uses its fast kernel."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return np.asarray(codes), np.asarray(uniques, dtype=object)


def _by_unique(series: pd.Series, parse: Callable[[object], object], dtype: str) -> pd.Series:
    """Apply a scalar parser once per distinct value and broadcast the results."""
    codes, uniques = factorize(series)
    parsed = np.array([parse(u) for u in uniques], dtype=dtype)
    if dtype == "float64":
        out = np.full(len(codes), np.nan)
    else:
        out = np.full(len(codes), None, dtype=object)
    mask = codes >= 0
    out[mask] = parsed[codes[mask]]
    return pd.Series(out, index=series.index, name=series.name)


def parse_number_text(value: object) -> float:
    """Parse one exported number (``1,234``, ``256.5K``, ``+1.7%``, ``12,5``); NaN when it is not one."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float | np.integer | np.floating):
        try:
            return float(value)
        except OverflowError:
            return float("nan")
    text = str(value).strip().lower().replace("\u00a0", "").replace(" ", "").replace("%", "")
    if not text or text in {"-", "n/a", "na", "none", "null", "—"}:
        return float("nan")
    match = _NUMBER_RE.match(text)
    if match is None:
        return float("nan")
    sign, body, suffix = match.groups()
    if _THOUSANDS_COMMA.match(body):
        body = body.replace(",", "")
    elif _THOUSANDS_DOT.match(body) and (body.count(".") > 1 or "," in body):
        body = body.replace(".", "").replace(",", ".")
    elif _DECIMAL_COMMA.match(body):
        body = body.replace(",", ".")
    elif "," in body:
        body = body.replace(",", "")
    try:
        number = float(body)
    except ValueError:
        return float("nan")
    if suffix:
        number *= _SUFFIX[suffix]
    return -number if sign == "-" else number


def _arrow_forms(series: pd.Series) -> Iterator[pa.Array]:
    """An Arrow-backed text column as Arrow strings, lazily: as it stands when every cell is filled (no
    trimming pass), then trimmed with blanks as nulls. Nothing for other columns."""
    if not (isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow"):
        return
    raw = pa.array(series.array).cast(pa.string())
    if raw.null_count == 0:
        yield raw
    trimmed = pc.utf8_trim_whitespace(raw)
    yield pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def parse_numbers(series: pd.Series) -> pd.Series:
    """Return a float column from exported numbers; unparseable cells become NaN."""
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        return series.astype("float64")
    for text in _arrow_forms(series):
        try:
            fast = pc.cast(text, pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
        return pd.Series(fast.to_numpy(zero_copy_only=False), index=series.index, name=series.name)
    codes, uniques = factorize(series)
    numbers = np.array(pd.to_numeric(pd.Series(uniques, dtype=object), errors="coerce"), dtype="float64")
    slow = np.flatnonzero(np.isnan(numbers))
    if len(slow):
        numbers[slow] = [parse_number_text(uniques[i]) for i in slow]
    out = np.full(len(codes), np.nan)
    mask = codes >= 0
    out[mask] = numbers[codes[mask]]
    return pd.Series(out, index=series.index, name=series.name)


def parse_bool_text(value: object) -> object:
    """Parse one exported boolean; None when the cell says nothing."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return bool(value) if value == value else None
    text = str(value).strip().lower()
    if text == "":
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def parse_rel_text(value: object) -> tuple[bool, bool, bool] | None:
    """A link's rel words (``nofollow``, ``ugc``, ``sponsored``, ``follow``) as a (nofollow, ugc, sponsored)
    tuple; None when the cell names none of them (``text``, ``image``, a redirect code)."""
    words = set(re.findall(r"[a-z]+", str(value).lower())) if value is not None else set()
    words = {"nofollow" if w in {"nofollowed", "nf"} else "follow" if w in {"dofollow", "followed", "df"} else w
             for w in words}
    said = words & {"nofollow", "ugc", "sponsored", "follow"}
    if not said:
        return None
    ugc, sponsored = "ugc" in said, "sponsored" in said
    return ("nofollow" in said or ugc or sponsored, ugc, sponsored)


def parse_rels(series: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Nullable nofollow, ugc and sponsored columns from a column of rel words (``Link Type``: ``nofollow``)."""
    codes, uniques = factorize(series)
    parsed = [parse_rel_text(u) for u in uniques]
    out = []
    for part in range(3):
        per_value = np.array([None if p is None else p[part] for p in parsed] + [None], dtype=object)
        out.append(pd.Series(per_value[codes], index=series.index).astype("boolean"))  # code -1: the None
    return out[0], out[1], out[2]


def parse_bools(series: pd.Series) -> pd.Series:
    """Return a nullable boolean column (``True``/``False``/``<NA>``)."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype("boolean")
    return _by_unique(series, parse_bool_text, "object").astype("boolean")


def parse_date_text(value: object, month_first: bool = False) -> object:
    """Parse one exported date (ISO text, ``dd/mm/yyyy``, a Sheets serial number, a datetime); None if not.

    ``month_first``: read ``03/02/2020`` as March 2 (a US export); by default day first. A date that can only
    be read one way (``25/12/2020``, ``12/25/2020``) is read that way. Dates outside 1900-2200 are treated as
    not dates: no backlink was seen then.
    """
    stamp = _date_or_none(value, month_first)
    if stamp is None or not 1900 <= stamp.year <= 2200:
        return None
    return stamp


def _date_or_none(value: object, month_first: bool = False) -> pd.Timestamp | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None) if value.tzinfo else value
    if hasattr(value, "year") and hasattr(value, "month"):
        if not 1900 <= int(value.year) <= 2200:
            return None
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
        return stamp.tz_localize(None) if stamp.tzinfo else stamp
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        try:
            serial = float(value)
        except OverflowError:
            return None
        if serial != serial or not 1 <= serial <= 109_574:
            return None
        return SHEETS_EPOCH + pd.to_timedelta(serial, unit="D")
    text = str(value).strip()
    if not text:
        return None
    formats = MONTH_FIRST_FORMATS if month_first else DAY_FIRST_FORMATS
    for fmt in formats:
        try:
            stamp = pd.to_datetime(text, format=fmt)
        except (ValueError, OverflowError):
            continue
        return stamp.tz_localize(None) if stamp.tzinfo else stamp
    return None


def _no_rolled_days(text: pa.Array, parsed: pa.Array, fmt: str) -> bool:
    """Whether Arrow's strptime read every date as written: it rolls an impossible day over (2026-02-30
    becomes 2026-03-02), and a rolled day is always 1-3, so only those dates are written back and compared."""
    low = pc.indices_nonzero(pc.fill_null(pc.less_equal(pc.day(parsed), 3), False))
    if not len(low):
        return True
    again = pc.strftime(pc.take(parsed, low), format=fmt)
    return bool(pc.all(pc.equal(again, pc.take(text, low))).as_py())


def date_order(series: pd.Series) -> tuple[bool, str]:
    """Whether a column's ``nn/nn/yyyy`` dates are month first, and an example when the column cannot tell.

    Decided for the whole column, never cell by cell: a first number above 12 means day first, a second above
    12 month first; when every date could be either, day first (and the example says so to the reader).
    Dotted dates (``21.06.2019``) are day first everywhere they are written.
    """
    if pd.api.types.is_datetime64_any_dtype(series) or pd.api.types.is_numeric_dtype(series):
        return False, ""
    text = pc.unique(pc.fill_null(pa.array(text_values(series).array).cast(pa.string()), ""))
    parts = pc.extract_regex(text, r"^\s*(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})[/.-]\d{4}")
    valid = pc.is_valid(parts)
    if not pc.any(valid).as_py():
        return False, ""
    parts = pc.filter(parts, valid)
    first = pc.cast(pc.struct_field(parts, "a"), pa.int32())
    second = pc.cast(pc.struct_field(parts, "b"), pa.int32())
    if pc.any(pc.greater(first, 12)).as_py() or pc.all(pc.equal(pc.struct_field(parts, "sep"), ".")).as_py():
        return False, ""
    if pc.any(pc.greater(second, 12)).as_py():
        return True, ""
    return False, str(pc.filter(text, valid)[0].as_py()).strip()


DAY_FIRST_FORMATS = ("ISO8601", "%d/%m/%Y", "%d.%m.%Y", "%m/%d/%Y", "%d %b %Y", "%b %d, %Y")
MONTH_FIRST_FORMATS = ("ISO8601", "%m/%d/%Y", "%d.%m.%Y", "%d/%m/%Y", "%d %b %Y", "%b %d, %Y")


def parse_dates(series: pd.Series, month_first: bool = False) -> pd.Series:
    """Return a ``datetime64[ns]`` column (naive, day precision kept) from mixed exported dates (``nn/nn/yyyy``
    read month first when ``month_first``, see ``date_order``)."""
    if pd.api.types.is_datetime64_any_dtype(series):
        out = series.dt.tz_localize(None) if getattr(series.dt, "tz", None) else series
        return out.astype("datetime64[ns]")
    for text in _arrow_forms(series):
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
            parsed = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
            if parsed.null_count == text.null_count and _no_rolled_days(text, parsed, fmt):
                values = parsed.cast(pa.timestamp("ns")).to_numpy(zero_copy_only=False)
                return pd.Series(values, index=series.index, name=series.name).astype("datetime64[ns]")
    parsed = _by_unique(series, functools.partial(parse_date_text, month_first=month_first), "object")
    return pd.to_datetime(parsed, errors="coerce").astype("datetime64[ns]")


def text_values(series: pd.Series) -> pd.Series:
    """A text column (pandas' Arrow-backed ``str``): missing cells become '', numbers their plain text."""
    if isinstance(series.dtype, pd.StringDtype):
        return series.fillna("")
    values = series.to_numpy(dtype=object, copy=True)
    values[pd.isna(values)] = ""
    if pd.api.types.infer_dtype(values, skipna=False) not in {"string", "empty"}:
        values = np.array([v if isinstance(v, str) else _cell_text(v) for v in values], dtype=object)
    return pd.Series(values, index=series.index, name=series.name, dtype="str")


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_flag_text(value: object) -> object:
    """Whether a 'lost' style cell says the link is gone: any text but blank/live/false counts."""
    text = "" if value is None else str(value).strip().lower()
    return text not in {"", "live", "active", "not lost", "false", "0", "nan", "none", "nat"}


def parse_flags(series: pd.Series) -> pd.Series:
    """A boolean column from 'lost' style cells (dates, statuses or words)."""
    return _by_unique(series, parse_flag_text, "object").fillna(False).astype(bool)
