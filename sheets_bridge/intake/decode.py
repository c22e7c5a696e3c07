"""Turn the raw bytes of an export file into rows of text cells (encoding and delimiter detected)."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from sheets_bridge.exceptions import ExportFormatError

csv.field_size_limit(10_000_000)
_DELIMITERS = ("\t", ",", ";", "|")


_BLANK_BYTES = b"\x00\r\n\t ,;\xef\xbb\xbf\xff\xfe"


def _blank_bytes(data: bytes | bytearray) -> bool:
    """Whether a file holds nothing but separators, BOMs and whitespace (the whole file only read if its head is)."""
    return not data[:4096].strip(_BLANK_BYTES) and not data.strip(_BLANK_BYTES)


def decode_text(data: bytes | bytearray) -> tuple[str, str]:
    """Decode export bytes; returns (text, encoding name). UTF-16 by BOM or NUL pattern, UTF-8, cp1252."""
    body, encoding = utf8_bytes(data)
    return body.decode("utf-8"), encoding


SNIFF_ROWS = 20  # the first rows that decide the delimiter
SNIFF_CHARS = 65_536


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the first rows most consistently into two cells or more.

    Each candidate parses the first rows (quotes respected, so a quoted cell's commas or line breaks do not
    count); it scores the number of rows holding its most common cell count above one, then that count. A
    title row above the header ('Report for rival.com') splits into one cell under every candidate and
    decides nothing; with no candidate splitting any row, ','.
    """
    head = text[:SNIFF_CHARS]
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter, strict=False)
        try:
            counts = [len(row) for row in itertools.islice((r for r in reader if any(c.strip() for c in r)),
                                                           SNIFF_ROWS)]
        except csv.Error:
            continue
        split = [c for c in counts if c > 1]
        if not split:
            continue
        common = max(set(split), key=lambda c: (split.count(c), c))
        score = (split.count(common), common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_rows(data: bytes | bytearray, name: str) -> tuple[list[list[str]], list[str]]:
    """Return the rows of an export file and warnings about what was repaired."""
    if _blank_bytes(data):
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


@dataclass
class Table:
    """An export file read column-wise: the header cells and a frame of text columns (0..width-1)."""

    header: list[str]
    frame: pd.DataFrame
    first_row: int
    warnings: list[str]


class RowReaderNeeded(Exception):
    """The columnar reader cannot take this file as it is (ragged rows to repair); ``read_rows`` can."""


_HEAD_BYTES = 1 << 16


def utf8_bytes(data: bytes | bytearray) -> tuple[bytes | bytearray, str]:
    """The export as UTF-8 bytes (UTF-16 and Windows-1252 transcoded once, BOM and NULs dropped), and its encoding."""
    utf16 = _utf16_of(data[:4096])
    if utf16:
        try:
            return _transcode(data, utf16), utf16
        except UnicodeDecodeError:
            pass
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    if b"\x00" in body:
        body = body.replace(b"\x00", b"")
    if not _is_utf8(body):
        try:
            return body.decode("cp1252").encode("utf-8"), "cp1252"
        except UnicodeDecodeError:
            return body.decode("latin-1").encode("utf-8"), "latin-1"
    return body, "utf-8-sig" if body is not data else "utf-8"


_CHUNK = 1 << 22  # bytes of input transcoded at a time


def _utf16_of(head: bytes | bytearray) -> str | None:
    """The UTF-16 codec a file's first bytes show (a BOM, or NULs at every other byte), else None."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if not head.startswith(codecs.BOM_UTF8) and len(head) >= 4 and head[1::2].count(0) > len(head) // 4:
        return "utf-16-le"
    return None


def _transcode(data: bytes | bytearray, encoding: str) -> bytearray:
    """``data.decode(encoding)`` with NULs dropped, as UTF-8 bytes, a few MiB at a time.

    Decoding a whole UTF-16 export first would hold the file three times over (the bytes, the decoded
    text, the text without NULs) before the UTF-8 copy is made; chunk by chunk only the result grows.
    Raises UnicodeDecodeError as the one-shot decode would.
    """
    view = memoryview(data)
    return _transcoded((view[start:start + _CHUNK] for start in range(0, len(data), _CHUNK)), encoding)


def _transcoded(chunks: Iterable[bytes | memoryview], encoding: str) -> bytearray:
    decoder = codecs.getincrementaldecoder(encoding)()
    out = bytearray()
    for chunk in chunks:
        out += decoder.decode(chunk).replace("\x00", "").encode("utf-8")
    out += decoder.decode(b"", final=True).replace("\x00", "").encode("utf-8")
    return out  # a bytearray: copying it into bytes would hold the file twice once more


def file_bytes(path: Path) -> bytes | bytearray:
    """A file's bytes for ``recognise_file``; a UTF-16 file comes transcoded to UTF-8 as it is read.

    Ahrefs exports are UTF-16: read whole, a file would be held twice (its UTF-16 bytes and their UTF-8
    copy) while it is recognised; transcoded from the disk a few MiB at a time, only the UTF-8 copy is.
    Which files are UTF-16 is decided as in ``utf8_bytes`` (``_utf16_of``); a file that then fails to
    decode is read as it is, for ``utf8_bytes`` to read another way.
    """
    with path.open("rb") as handle:
        head = handle.read(4096)
        encoding = _utf16_of(head)
        if not encoding:
            handle.seek(0)  # one read of the whole file: ``head + rest`` would hold it twice for a moment
            return handle.read()
        try:
            return _transcoded(itertools.chain([head], iter(lambda: handle.read(_CHUNK), b"")), encoding)
        except UnicodeDecodeError:
            return path.read_bytes()


def _is_utf8(body: bytes | bytearray) -> bool:
    """Whether bytes are valid UTF-8, checked in place (no decoded copy of a large file)."""
    if body.isascii():
        return True
    offsets = pa.py_buffer(np.array([0, len(body)], dtype=np.int64))
    try:
        pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(body)]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _head_lines(data: bytes | bytearray, limit: int) -> list[bytes]:
    """The first physical lines of UTF-8 bytes, each with its line ending."""
    return bytes(data[:_HEAD_BYTES]).splitlines(keepends=True)[:limit]


def _blank_rows(table: pa.Table) -> pa.Array | None:
    """Which rows have every cell blank (whitespace only), or None when no row does.

    A row can only be blank where its first column is, so the other columns are checked at those rows only.
    """
    if not table.num_columns or not table.num_rows:
        return None

    def empty(column: pa.Array | pa.ChunkedArray) -> pa.Array:
        return pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(column)), 0)

    first = empty(table.column(0))
    if not pc.any(first).as_py():
        return None
    at = pc.indices_nonzero(first)
    candidate = pa.array([True] * len(at))
    for column in table.columns[1:]:
        candidate = pc.and_(candidate, empty(pc.take(column, at)))
    if not pc.any(candidate).as_py():
        return None
    blank = np.zeros(table.num_rows, dtype=bool)
    blank[at.to_numpy()[candidate.to_numpy(zero_copy_only=False)]] = True
    return pa.array(blank)


def read_table(data: bytes | bytearray, name: str, find_header: Callable[[list[list[str]]], int],
               columns: Callable[[list[str]], list[int]] | None = None, threads: bool = True) -> Table:
    """Read an export file column-wise with Arrow's CSV reader; the header row is the one ``find_header`` picks.

    Only the columns at the positions ``columns(header)`` returns are read (all when it is None); the
    frame's columns are labelled by position. ``threads``: parse on Arrow's thread pool, which shortens one
    file's read but costs about twice the CPU; several files read at once are better read one thread each.

    Raises RowReaderNeeded when some row's cell count differs from the header's (callers fall back to
    ``read_rows``, which repairs them), and ExportFormatError for an empty or unreadable file.
    """
    if _blank_bytes(data):
        raise ExportFormatError(f"File '{name}' is empty: expected a header row and link rows")
    body, encoding = utf8_bytes(data)
    lines = _head_lines(body, 40)
    text_lines = [line.decode("utf-8", errors="replace") for line in lines]
    delimiter = sniff_delimiter("".join(text_lines))
    parsed = [next(csv.reader([t.rstrip("\r\n")], delimiter=delimiter, strict=False), []) for t in text_lines]
    nonblank = [i for i, row in enumerate(parsed) if any(c.strip() for c in row)]
    if not nonblank:
        raise ExportFormatError(f"File '{name}' is empty: expected a header row and link rows")
    h = find_header([parsed[i] for i in nonblank])
    at = nonblank[h]
    if at == len(lines) - 1 and len(body) > _HEAD_BYTES:
        raise RowReaderNeeded(name)  # the header line may run past the sampled head
    header = parsed[at]
    width = len(header)
    offset = sum(len(line) for line in lines[: at + 1])
    names = [str(i) for i in range(width)]
    wanted = list(range(width)) if columns is None else columns(header)
    ragged = 0

    def _invalid(row: pacsv.InvalidRow) -> str:
        nonlocal ragged
        ragged += 1
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(body)[offset:]),  # no copy of the file's bytes
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=0, use_threads=threads),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             invalid_row_handler=_invalid),
            convert_options=pacsv.ConvertOptions(column_types={names[i]: pa.string() for i in wanted},
                                                 include_columns=[names[i] for i in wanted],
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid as exc:
        if "Empty CSV" in str(exc):
            table = pa.table({names[i]: pa.array([], pa.string()) for i in wanted})
        else:
            raise ExportFormatError(f"File '{name}': not a readable CSV or TSV file ({exc})") from exc
    if ragged:
        raise RowReaderNeeded(name)
    blank = _blank_rows(table)
    if blank is not None:
        table = table.filter(pc.invert(blank))
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get, self_destruct=True,
                            use_threads=threads)
    frame.columns = pd.Index(wanted)
    warnings = []
    if encoding in {"cp1252", "latin-1"}:
        warnings.append(f"File '{name}' is not UTF-8 or UTF-16; read it as Windows-1252")
    return Table(header, frame, h + 2, warnings)
