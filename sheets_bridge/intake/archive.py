"""The link export inside a zip archive of CSV files (Search Console's Links export is one).

Search Console's "Export external links" downloads a zip holding its Top linking sites, Top linked pages and
Top linking text tables. Only the first is a list of the sites linking: this module finds the one member that
is a link export, says which it read and why it left the others, and refuses an archive that holds none or
several. The archive is bounded before anything is unpacked, as a workbook is.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from sheets_bridge.exceptions import ExportFormatError, WrongReportError
from sheets_bridge.intake.ingest import Export

MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # what an archive or a workbook may unpack to before anything is read
MAX_PACKING_RATIO = 200  # real exports pack 5-20 to 1: a member packed tighter than this is a bomb, not data
TEXT_FILES = (".csv", ".tsv", ".txt")


class ArchiveError(ExportFormatError):
    """A zip archive that holds no usable link export, or several, or is too large to unpack."""


@dataclass
class ArchiveMember:
    """The link export found in an archive: its member's name and bytes, the export read from them, and the
    sentence that says so."""

    name: str
    data: bytes
    export: Export
    note: str


def is_workbook(data: bytes) -> bool:
    """Whether a zip archive is an Excel workbook (it holds ``xl/``), not an archive of exports."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(n == "[Content_Types].xml" or n.startswith("xl/") for n in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return True  # not a readable zip: the workbook reader names the problem


def check_unpacked_size(members: list[zipfile.ZipInfo], name: str, error: type[Exception], advice: str) -> None:
    """Raise ``error`` when a zip (an archive or an .xlsx) would unpack to more than an export holds, or holds a
    member packed like a bomb; checked from its directory, before anything is unpacked."""
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise error(f"File '{name}' unpacks to {unpacked / 2**20:,.0f} MB, more than a spreadsheet can hold (the "
                    f"limit is {MAX_UNPACKED_BYTES / 2**20:,.0f} MB): {advice}")
    for member in members:
        if member.file_size > 10 * 2**20 and member.file_size > MAX_PACKING_RATIO * max(member.compress_size, 1):
            raise error(f"File '{name}' holds '{member.filename}', which unpacks "
                        f"{member.file_size // max(member.compress_size, 1):,} times its size: that is not an "
                        "export; nothing was read")


def _members(archive: zipfile.ZipFile, name: str) -> list[zipfile.ZipInfo]:
    """The archive's text files, refused whole when it unpacks too large or packs like a bomb."""
    members = [m for m in archive.infolist() if not m.is_dir()]
    check_unpacked_size(members, name, ArchiveError, "export fewer rows; nothing was read")
    texts = [m for m in members if m.filename.lower().endswith(TEXT_FILES)]
    if not texts:
        listing = ", ".join(m.filename for m in members[:5]) or "nothing"
        raise ArchiveError(f"File '{name}' is a zip archive with no CSV file in it (it holds {listing}): unzip it "
                           "and give the export inside")
    return texts


def link_export_in_archive(data: bytes, name: str, recognise: Callable[[bytes, str], Export]) -> ArchiveMember:
    """The one member of a zip archive of CSV files that ``recognise`` reads as a link export.

    Members that are other reports (Top linked pages, Top linking text) are left out by name in the note.
    Raises ``ArchiveError`` when no member, or more than one, is a link export."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"File '{name}' is not a readable zip archive ({type(exc).__name__})") from None
    found: list[ArchiveMember] = []
    left: list[str] = []
    with archive:
        for member in _members(archive, name):
            member_name = member.filename.rsplit("/", 1)[-1]
            try:
                content = archive.read(member)  # never more than its declared size: a lie fails the CRC check
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                raise ArchiveError(f"File '{name}' holds '{member.filename}', which cannot be unpacked "
                                   f"({type(exc).__name__}); nothing was read") from None
            try:
                export = recognise(content, member_name)
            except WrongReportError as exc:
                article = "an" if exc.report[:1].lower() in "aeio" else "a"
                left.append(f"'{member_name}' ({article} {exc.report} report)")
                continue
            except ExportFormatError:
                left.append(f"'{member_name}' (not a link export)")
                continue
            found.append(ArchiveMember(member_name, content, export, ""))
    if not found:
        raise ArchiveError(f"File '{name}' is a zip archive with no link export in it: it holds "
                           f"{', '.join(left)}. Give the export of the sites linking (Search Console → Links → "
                           "Top linking sites, or Latest links)")
    if len(found) > 1:
        raise ArchiveError(f"File '{name}' holds {len(found)} link exports "
                           f"({', '.join(repr(f.name) for f in found)}): unzip it and give them one at a time")
    chosen = found[0]
    chosen.note = "read from the zip archive" + (f"; left out {', '.join(left)}" if left else "")
    chosen.export.warnings.insert(0, chosen.note)
    return chosen
