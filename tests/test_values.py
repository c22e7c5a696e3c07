"""Parsers for exported numbers, booleans and dates."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheets_bridge.intake.values import (
    parse_bool_text,
    parse_bools,
    parse_date_text,
    parse_dates,
    parse_number_text,
    parse_numbers,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("1,234", 1234.0), ("1,234,567", 1234567.0), ("256.5K", 256500.0), ("69.5M", 69_500_000.0),
    ("1.2B", 1.2e9), ("+1.7%", 1.7), ("-3", -3.0), ("12,5", 12.5), ("1.234,5", 1234.5),
    ("1 234", 1234.0), ("\u00a01234", 1234.0), ("0", 0.0), (" 42 ", 42.0), (".5", 0.5), (7, 7.0),
    (2.5, 2.5), (True, 1.0),
])
def test_number_parses(text: object, expected: float) -> None:
    assert parse_number_text(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "-", "n/a", "abc", "1.2.3.4x", "K", "None", "12 apples"])
def test_number_rejects(text: str) -> None:
    assert math.isnan(parse_number_text(text))


@pytest.mark.parametrize("dtype", [object, "str"])
def test_numbers_column_matches_scalar(dtype: object) -> None:
    cells = ["1,234", "256.5K", "", "abc", "12,5", "7", None]
    parsed = parse_numbers(pd.Series(cells, dtype=dtype)).tolist()
    expected = [parse_number_text(c) if c is not None else float("nan") for c in cells]
    assert np.allclose(parsed, expected, equal_nan=True)


@pytest.mark.parametrize(("text", "expected"), [
    ("true", True), ("FALSE", False), ("Yes", True), ("no", False), ("1", True), ("0", False), ("+", True),
    ("-", False), ("", None), ("maybe", None), (True, True), (0, False), (None, None),
])
def test_bool_parses(text: object, expected: object) -> None:
    assert parse_bool_text(text) == expected


def test_bools_column_is_nullable() -> None:
    assert parse_bools(pd.Series(["true", "", "false"])).tolist() == [True, pd.NA, False]


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-01-05 10:00:00", "2024-01-05 10:00:00"), ("2024-01-05", "2024-01-05"),
    ("05/01/2024", "2024-01-05"), ("5 Jan 2024", "2024-01-05"), (45000, "2023-03-15"),
    (45000.5, "2023-03-15 12:00:00"),
])
def test_date_parses(value: object, expected: str) -> None:
    assert parse_date_text(value) == pd.Timestamp(expected)


@pytest.mark.parametrize("value", ["", "not a date", None, -5, True])
def test_date_rejects(value: object) -> None:
    assert parse_date_text(value) is None


@pytest.mark.parametrize("dtype", [object, "str"])
def test_dates_column_fast_and_slow_paths_agree(dtype: object) -> None:
    cells = ["2024-01-05 10:00:00", "", "2024-02-01 00:00:00"]
    fast = parse_dates(pd.Series(cells, dtype=dtype))
    assert fast.tolist()[0] == pd.Timestamp("2024-01-05 10:00:00")
    assert pd.isna(fast.tolist()[1])


@given(st.text(max_size=30))
def test_any_text_is_a_number_or_nan(text: str) -> None:
    value = parse_number_text(text)
    assert isinstance(value, float)


@given(st.lists(st.one_of(st.text(max_size=12), st.none(), st.floats(allow_nan=True), st.integers()),
                max_size=30))
def test_any_column_parses_without_error(cells: list[object]) -> None:
    series = pd.Series(cells, dtype=object)
    assert len(parse_numbers(series)) == len(cells)
    assert len(parse_bools(series)) == len(cells)
    assert len(parse_dates(series)) == len(cells)


DATE_CELLS = ["2026-02-30", "2026-02-28", "2026-04-31", "2026-03-01", "2026-3-2", "2026-01-01 ", "",
              "2026-02-29 10:00:00", "2026-02-28 23:59:59", "2026-13-01", "2026-01-32", "2025-12-31"]


@given(st.lists(st.sampled_from(DATE_CELLS), min_size=1, max_size=12))
def test_dates_from_arrow_text_are_the_dates_the_scalar_parser_reads(cells: list[str]) -> None:
    """Arrow's strptime rolls an impossible day over (2026-02-30 → 2026-03-02); the column must not."""
    parsed = parse_dates(pd.Series(cells, dtype="str")).tolist()
    expected = [parse_date_text(c) for c in cells]
    assert [None if pd.isna(p) else p for p in parsed] == expected


@given(st.lists(st.sampled_from(["12", "3.5", " 7", "1,234", "", "-2", "1e3", "nan", "x"]), min_size=1, max_size=8))
def test_numbers_from_arrow_text_are_the_numbers_read_from_cells(cells: list[str]) -> None:
    """The file reader's Arrow text and the row reader's Python cells give the same numbers."""
    parsed = parse_numbers(pd.Series(cells, dtype="str")).to_numpy()
    assert np.allclose(parsed, parse_numbers(pd.Series(cells, dtype=object)).to_numpy(), equal_nan=True)
