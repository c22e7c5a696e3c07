"""Score a spreadsheet near Google's 10,000,000-cell limit once, through gspread and the emulator.

Usage: python benchmarks/large_sheet.py [--rows-per-tab 200000] [--tabs 4] [--columns 12]
Prints grid cells, filled cells, API requests, seconds and peak RSS (emulator and product share the process,
so the figure is an upper bound for the product alone).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.chaos import _AnonymousCredentials
from sheets_bridge.service.actions import score
from sheets_bridge.store.google.http import GoogleSession
from sheets_bridge.store.google.sheets import GoogleStore
from sheets_emulator.defaults import sheet_properties, spreadsheet_properties
from sheets_emulator.server import running_emulator
from sheets_emulator.sheets.model import Sheet, Spreadsheet

HEADER = ["Referring page URL", "Referring page title", "Domain rating", "Nofollow", "Domain traffic", "Anchor"]


def _letters(number: int) -> str:
    """A digit-free name part, so synthetic domains do not look like spam."""
    text = ""
    for _ in range(4):
        number, rem = divmod(number, 26)
        text += chr(97 + rem)
    return text


def build(book_id: str, tabs: int, rows: int, columns: int) -> Spreadsheet:
    rng = random.Random(5)
    sheets = [Sheet(properties=sheet_properties(1, "Settings", 0, 20, 2),
                    cells={(0, 0): {"v": "Your domain"}, (0, 1): {"v": "site-own.com"}})]
    n_domains = rows // 4
    for t in range(tabs):
        title = "site-own.com" if t == 0 else f"rival-{t}.com"
        cells = {(0, c): {"v": h} for c, h in enumerate(HEADER)}
        for r in range(1, rows):
            d = rng.randrange(n_domains // 10 if t == 0 else n_domains)
            cells[(r, 0)] = {"v": f"https://site{_letters(d)}.com/resources"}
            cells[(r, 1)] = {"v": "CRM resources"}
            cells[(r, 2)] = {"v": float(d % 100)}
            cells[(r, 3)] = {"v": "false"}
            cells[(r, 4)] = {"v": float(d * 7 % 100000)}
            cells[(r, 5)] = {"v": "crm"}
        sheets.append(Sheet(properties=sheet_properties(t + 2, title, t + 1, rows + 1, columns), cells=cells))
    stamp = "2026-11-26T00:00:00.000Z"
    return Spreadsheet(book_id, spreadsheet_properties("large"), sheets, stamp, stamp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows-per-tab", type=int, default=200_000)
    parser.add_argument("--tabs", type=int, default=4)
    parser.add_argument("--columns", type=int, default=12)
    args = parser.parse_args()
    book_id = "1" + "L" * 43
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with running_emulator() as (url, state):
        book = build(book_id, args.tabs, args.rows_per_tab, args.columns)
        state.books[book_id] = book
        grid = book.total_cells()
        filled = sum(len(s.cells) for s in book.sheets)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        store = GoogleStore(book_id, session=GoogleSession(_AnonymousCredentials(), api_root=url))
        started = time.perf_counter()
        summary, _ = score(store, dt.date(2026, 11, 26))
        seconds = time.perf_counter() - started
        print(f"grid cells: {grid:,} (limit 10,000,000); filled cells: {filled:,}")
        print(f"prospects: {summary.prospects:,}; API requests: {summary.api_requests}; seconds: {seconds:.1f}")
        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB "
              f"(after building the emulated sheet: {rss_before:,.0f} MB)")


if __name__ == "__main__":
    main()
