"""Regular expressions over whole text columns, in Arrow (RE2), never row by row in Python.

pandas hands a pattern to Python's ``re`` one row at a time when it holds ``\\s``, or ``\\b``, ``\\w`` or
``\\d`` and the column has any non-ASCII text: on real titles that is most rules. The page rules are written
for RE2 instead (no look-around; ``unless`` takes its place) and run here: ``\\b``, ``\\w`` and ``\\d`` are
ASCII, as RE2 reads them, which is what the rules mean (a word boundary next to "é" counts as one).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


class RulePatternError(ValueError):
    """A shipped page rule whose pattern RE2 cannot read: a defect of the package, caught when rules load."""


def contains(values: pd.Series | pa.Array, pattern: str) -> np.ndarray:
    """Whether each value holds a match of ``pattern`` (RE2 syntax); a missing value holds none."""
    if not len(values):
        return np.zeros(0, dtype=bool)
    found = pc.match_substring_regex(values if isinstance(values, pa.Array) else _arrow(values), pattern)
    return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)


def check_pattern(pattern: str, where: str) -> None:
    """Refuse a pattern RE2 cannot read, naming the rule, when the rules load rather than mid-run."""
    try:
        pc.match_substring_regex(pa.array([""]), pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise RulePatternError(f"{where}: the pattern is not one RE2 reads ({exc})") from exc


def host_list_pattern(hosts: tuple[str, ...]) -> str:
    """A pattern over a scheme-less URL that finds pages on any of ``hosts`` or their subdomains."""
    names = "|".join(re.escape(host) for host in hosts)
    return rf"^(?:[a-z0-9-]+\.)*(?:{names})(?::[0-9]+)?(?:[/?#]|$)"


def split_url(urls: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A scheme-less URL column split into its host and the rest (path, query, fragment), in Arrow."""
    parts = pc.extract_regex(_arrow(urls), r"^(?P<host>[^/?#]*)(?P<path>.*)$")
    host, path = (pc.fill_null(pc.struct_field(parts, name), "") for name in ("host", "path"))
    return pd.Series(host, index=urls.index, dtype="str"), pd.Series(path, index=urls.index, dtype="str")


def text_array(values: pd.Series) -> pa.Array:
    """A text column as one Arrow string array (missing values stay missing), to run several kernels on."""
    array = _arrow(values)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _arrow(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A text column as Arrow strings: the column's own buffers when it is Arrow-backed."""
    if values.dtype == object:
        return pa.array(values.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
    return pa.array(values)
