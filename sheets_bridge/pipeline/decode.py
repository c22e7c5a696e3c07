"""Turn the raw bytes of an export file into rows of text cells (encoding and delimiter detected)."""

from __future__ import annotations

import codecs
import csv
import io

from sheets_bridge.exceptions import ExportFormatError

csv.field_size_limit(10_000_000)
_DELIMITERS = ("\t", ",", ";", "|")


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode export bytes; returns (text, encoding name). UTF-16 by BOM or NUL pattern, UTF-8, cp1252."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    head = data[:4096]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4:
        try:
            return data.decode("utf-16-le"), "utf-16-le"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the first non-blank line into the most cells."""
    for line in text.splitlines()[:20]:
        if line.strip():
            counts = {d: line.count(d) for d in _DELIMITERS}
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] > 0 else ","
    return ","


def read_rows(data: bytes, name: str) -> tuple[list[list[str]], list[str]]:
    """Return the rows of an export file and warnings about what was repaired."""
    if not data.strip(b"\x00\r\n\t ,;\xef\xbb\xbf\xff\xfe"):
        raise ExportFormatError(f"File '{name}' is empty: expected a header row and link rows")
    text, encoding = decode_text(data)
    text = text.replace("\x00", "")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise ExportFormatError(f"File '{name}': not a readable CSV or TSV file ({exc})") from exc
    warnings = []
    if encoding in {"cp1252", "latin-1"}:
        warnings.append(f"File '{name}' is not UTF-8 or UTF-16; read it as Windows-1252")
    if rows:
        width = len(rows[0])
        ragged = sum(1 for row in rows[1:] if len(row) != width)
        if ragged:
            warnings.append(f"File '{name}': {ragged} rows had a different number of cells than the header")
    return rows, warnings
