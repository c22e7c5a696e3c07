"""Replay gspread's recordings of Google's real API traffic against the emulator and score the match.

Usage: python -m sheets_emulator.conformance [CASSETTE_DIR] [--verbose]
The directory defaults to $SHEETS_BRIDGE_CASSETTES, then ../shared/gspread_cassettes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sheets_emulator.app import create_emulator
from sheets_emulator.state import EmulatorState

RECORDED_USER = "telegram-budgeter@telegram-budgeter.iam.gserviceaccount.com"
ID_KEYS = {"spreadsheetId", "sheetId", "id", "namedRangeId", "protectedRangeId", "chartId", "objectId",
           "filterViewId", "bandedRangeId"}
IGNORED_KEYS = {"createdTime", "modifiedTime", "etag"}
# Files that exercise what the emulator deliberately does not serve, with the reason.
EXCLUDED = {
    "ClientTest.test_access_private_spreadsheet.json": "opens a file another account owns, which the recording does "
                                                       "not describe (the 403 path is tested in test_security)",
    "ClientTest.test_import_csv.json": "Drive v2 media upload (CSV import) is not emulated",
    "ClientTest.test_openall.json": "opens spreadsheets the recording account already held before the test",
    "ClientTest.test_open_all_has_metadata.json": "opens spreadsheets the recording account already held",
}
EXCLUDED_PATTERNS = {
    r"/upload/drive/v2": "Drive v2 media upload is not emulated",
}


def default_dir() -> Path:
    """Where the recordings are: $SHEETS_BRIDGE_CASSETTES, else ../shared/gspread_cassettes."""
    env = os.environ.get("SHEETS_BRIDGE_CASSETTES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "gspread_cassettes"


@dataclass
class FileResult:
    """How one recording replayed."""

    name: str
    total: int = 0
    matched: int = 0
    mismatches: list[str] = field(default_factory=list)


def excluded_reason(path: Path) -> str | None:
    """Why a recording is outside the emulator's scope, or None."""
    if path.name in EXCLUDED:
        return EXCLUDED[path.name]
    text = path.read_text(encoding="utf-8")
    for pattern, reason in EXCLUDED_PATTERNS.items():
        if re.search(r'"uri": "[^"]*' + pattern, text):
            return reason
    return None


def _learn(recorded: Any, actual: Any, ids: dict[str, str]) -> None:
    if isinstance(recorded, dict) and isinstance(actual, dict):
        for key, value in recorded.items():
            if key in ID_KEYS and key in actual and not isinstance(value, dict | list):
                ids.setdefault(str(value), str(actual[key]))
            elif key in actual:
                _learn(value, actual[key], ids)
    elif isinstance(recorded, list) and isinstance(actual, list):
        for r, a in zip(recorded, actual, strict=False):
            _learn(r, a, ids)


def _rewrite(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ID_KEYS and not isinstance(item, dict | list) and str(item) in ids:
                mapped = ids[str(item)]
                out[key] = int(mapped) if isinstance(item, int) and mapped.lstrip("-").isdigit() else mapped
            else:
                out[key] = _rewrite(item, ids)
        return out
    if isinstance(value, list):
        return [_rewrite(v, ids) for v in value]
    return value


def _normalise(value: Any, book_ids: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: ("<id>" if k in ID_KEYS else _normalise(v, book_ids)) for k, v in value.items()
                if k not in IGNORED_KEYS}
    if isinstance(value, list):
        return [_normalise(v, book_ids) for v in value]
    if isinstance(value, str):
        for recorded, actual in book_ids.items():
            value = value.replace(recorded, "<book>").replace(actual, "<book>")
        return value
    return value


def replay(path: Path) -> FileResult:
    """Replay one recording against a fresh emulator."""
    result = FileResult(path.name)
    app = create_emulator(EmulatorState(seed=7, default_user=RECORDED_USER))
    client = app.test_client()
    ids: dict[str, str] = {}
    for number, interaction in enumerate(json.loads(path.read_text(encoding="utf-8"))["interactions"]):
        request, response = interaction["request"], interaction["response"]
        uri = request["uri"]
        for recorded, mapped in ids.items():
            if len(recorded) >= 20:
                uri = uri.replace(recorded, mapped)
        parts = urlsplit(uri)
        body = request.get("body")
        if body:
            with contextlib.suppress(ValueError):
                body = json.dumps(_rewrite(json.loads(body), ids))
        answer = client.open(parts.path + ("?" + parts.query if parts.query else ""), method=request["method"],
                             data=body or None, headers={"Authorization": "Bearer recorded",
                                                         "Content-Type": "application/json"})
        expected_status = response["status"]["code"]
        text = (response.get("body") or {}).get("string") or ""
        expected: Any
        actual: Any
        try:
            expected = json.loads(text) if text.strip() else None
        except ValueError:
            expected = text
        try:
            actual = answer.get_json(silent=True) if answer.data.strip() else None
        except ValueError:
            actual = None
        if isinstance(expected, str):  # a body that is not JSON (a CSV export): compared as text
            actual = answer.get_data(as_text=True)
        if expected is not None and actual is not None:
            _learn(expected, actual, ids)
        book_ids = {k: v for k, v in ids.items() if len(k) >= 20}
        result.total += 1
        same = answer.status_code == expected_status and _normalise(expected, book_ids) == _normalise(
            actual, book_ids)
        if same:
            result.matched += 1
        else:
            result.mismatches.append(
                f"#{number} {request['method']} {parts.path[:90]}: status {answer.status_code} vs {expected_status}; "
                f"got {json.dumps(_normalise(actual, book_ids))[:400]} expected "
                f"{json.dumps(_normalise(expected, book_ids))[:400]}")
    return result


def run(directory: Path) -> tuple[list[FileResult], dict[str, str]]:
    """Replay every supported recording; returns results and the excluded files with reasons."""
    results, excluded = [], {}
    for path in sorted(directory.glob("*.json")):
        reason = excluded_reason(path)
        if reason:
            excluded[path.name] = reason
            continue
        results.append(replay(path))
    return results, excluded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory", nargs="?", type=Path, default=None)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    results, excluded = run(args.directory or default_dir())
    total = sum(r.total for r in results)
    matched = sum(r.matched for r in results)
    for r in results:
        if r.mismatches and args.verbose:
            print(f"{r.name}: {r.matched}/{r.total}")
            for m in r.mismatches:
                print("   ", m)
    for name, reason in excluded.items():
        print(f"excluded {name}: {reason}")
    print(f"files replayed: {len(results)}, excluded: {len(excluded)}")
    print(f"interactions matched exactly: {matched}/{total} ({matched / max(total, 1):.1%})")


if __name__ == "__main__":
    main()
