"""Recognise a link export by its header row and map it to the canonical columns.

Works on a sheet tab's 2D values or on rows read from a file. Every result has one row per link (or
referring domain) with: site, host, source_url, title, anchor, authority, authority_scale,
authority_norm, traffic, ref_domains, linked_domains, external_links, nofollow, ugc (a comment or forum
link), sponsored (a paid link), first_seen, lost, vendor_spam, target_url, contact, vendor_page_type (the
vendor's own page type, Ahrefs' "Page type"), row.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sheets_bridge.exceptions import ExportFormatError, InvalidHostError, WrongReportError
from sheets_bridge.intake.decode import RowReaderNeeded, read_rows, read_table
from sheets_bridge.intake.domains import clean_host, key_host
from sheets_bridge.intake.reference import load_json
from sheets_bridge.intake.values import (
    date_order,
    parse_bools,
    parse_dates,
    parse_flags,
    parse_numbers,
    parse_rels,
    text_values,
)

AUTHORITY_MAX = {"DR": 100.0, "AS": 100.0, "DA": 100.0, "TF": 70.0, "CF": 80.0, "UR": 100.0, "page AS": 100.0,
                 "PA": 100.0, "page TF": 70.0, "page CF": 80.0}
# a page's figure, not its site's (Majestic's Source Trust Flow is the linking URL's): 0 means 'not scored'
PAGE_LEVEL = frozenset({"UR", "page AS", "PA", "page TF", "page CF"})

HOST_FIELDS = ("domain", "source_url")
_TEXT = ("source_url", "title", "anchor", "target_url", "contact", "vendor_page_type")
_NUMBERS = ("traffic", "ref_domains", "linked_domains", "external_links", "spam_score", "links_to_target")
_SITE_HEADER = re.compile(r"^(https?://)?(www\.)?([a-z0-9\-]+\.)+[a-z]{2,}/?$")
CANONICAL = [
    "site", "host", "source_url", "title", "anchor", "authority", "authority_scale", "authority_norm",
    "traffic", "ref_domains", "linked_domains", "external_links", "nofollow", "ugc", "sponsored",
    "first_seen", "lost",
    "vendor_spam", "spam_score", "target_url", "contact", "vendor_page_type", "row",
]


def normalise_header(cell: object) -> str:
    """Lower-case, trim and collapse whitespace and quotes in a header cell."""
    return re.sub(r"\s+", " ", str(cell if cell is not None else "").replace('"', "")).strip().lower()


def header_key(cell: object) -> str:
    """A header cell reduced to its letters and digits, accents dropped: 'Source_URL', 'source url', 'SourceURL'
    and 'source-url' all read 'sourceurl'; 'Título' reads 'titulo'."""
    text = unicodedata.normalize("NFKD", normalise_header(cell))
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


@cache
def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, aliases in load_json("formats.json")["columns"].items():
        for alias in aliases:
            table.setdefault(header_key(alias), canonical)
    return table


def _names(header: Sequence[Any]) -> set[str]:
    """The header's cells as ``header_key`` reads them (how formats and reports are told apart)."""
    return {header_key(c) for c in header}


@dataclass
class Export:
    """One recognised export: its canonical rows and what was understood."""

    source: str
    format: str
    frame: pd.DataFrame
    understood: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows_read: int = 0
    groups: pd.DataFrame | None = None  # the rows as link groups once grouped (``groups.group_export``)
    scored: bool = False  # its groups went into a run and were freed (``run.score_frames``): scored once
    newest_link: Any = pd.NaT  # the latest first-seen date of its rows, kept when the rows are freed


def refuse_other_reports(header: Sequence[Any], source: str) -> None:
    """Raise ``WrongReportError`` when a header row is a known report that is not a link export."""
    names = _names(header)
    for report in load_json("formats.json")["not_link_exports"]:
        if all(header_key(r) in names for r in report["requires"]) and not any(
                header_key(a) in names for a in report["absent"]):
            article = "an" if str(report["name"])[:1].lower() in "aeio" else "a"
            raise WrongReportError(f"{source} is {article} {report['name']} report: {report['why']}. Export "
                                   f"{report['instead']} instead", str(report["name"]))


Sniffed = dict[str, int]  # canonical field -> column position, found from a column's values, not its header
_URL_CELL = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)
_DOMAIN_CELL = re.compile(r"^(?=.*[a-z])[a-z0-9-]+(\.[a-z0-9-]+)+\.?$", re.IGNORECASE)
SNIFF_SHARE = 0.6  # a column whose non-empty cells are at least this share URLs (or domains) holds them
HEADERLESS = "_headerless"  # a key of Sniffed: the 'header' row is the first link row


def _find_header(rows: Sequence[Sequence[Any]], source: str, sniffed: Sniffed | None = None) -> int:
    """The header row: the first of the first 15 rows with a domain or URL column by its name.

    When no header names one, the first row is the header if a column below it holds URLs or domain names
    by its values (``sniffed`` receives where); otherwise the file is refused, naming what it holds.
    """
    aliases = _alias_table()
    first = None
    for i, row in enumerate(rows[:15]):
        cells = [normalise_header(c) for c in row]
        if not any(cells):
            continue
        refuse_other_reports(cells, source)
        if first is not None and any(_URL_CELL.match(c) for c in cells):
            break  # a row of links: the data has started, so no header comes after it
        first = i if first is None else first
        mapped = {aliases.get(header_key(c)) for c in cells}
        if mapped & set(HOST_FIELDS):
            return i
    found = ", ".join(str(c).strip() for c in rows[first] if str(c).strip())[:300] if first is not None else ""
    if first is None:
        raise ExportFormatError(f"{source} is empty: expected a header row with a domain or URL column")
    header = rows[first]
    targets = {i for i, c in enumerate(header) if aliases.get(header_key(c)) == "target_url"}
    hit = sniff_host_column([list(r) for r in rows[first + 1:first + 51]], len(header), targets)
    if hit is None or sniffed is None:
        raise ExportFormatError(f"{source}: no column holds a domain or URL (found: {found})")
    field_name, index = hit
    sniffed[field_name] = index
    cell = str(header[index]).strip() if index < len(header) else ""
    if _URL_CELL.match(cell) or (field_name == "domain" and _DOMAIN_CELL.match(cell)):
        sniffed[HEADERLESS] = 1  # the first row is a link itself: a list with no header row at all
    return first


def sniff_host_column(rows: list[list[Any]], width: int, skip: set[int]) -> tuple[str, int] | None:
    """The column whose values are page URLs (else domain names), by share of cells; ties go to the column
    with more distinct hosts (a target URL column repeats one site)."""
    best: tuple[float, int, str, int] | None = None
    for index in range(width):
        if index in skip:
            continue
        cells = [str(r[index]).strip() for r in rows if index < len(r) and r[index] not in (None, "")]
        cells = [c for c in cells if c]
        if len(cells) < 2:
            continue
        for field_name, pattern in (("source_url", _URL_CELL), ("domain", _DOMAIN_CELL)):
            share = sum(1 for c in cells if pattern.match(c)) / len(cells)
            if share >= SNIFF_SHARE:
                hosts = len({clean_host(c) for c in cells})
                rank = (1.0 if field_name == "source_url" else 0.5, hosts, field_name, index)
                if best is None or rank[:2] > best[:2]:
                    best = rank
                break
    return None if best is None else (best[2], best[3])


def _map_columns(header: Sequence[Any], sniffed: Sniffed | None = None) -> tuple[
        dict[str, int], list[str], list[tuple[int, str]], list[str]]:
    """Return canonical -> column index, ignored headers, per-site columns and warnings."""
    aliases = _alias_table()
    mapping: dict[str, int] = {}
    ignored: list[str] = []
    site_columns: list[tuple[int, str]] = []
    warnings: list[str] = []
    for index, cell in enumerate(header):
        name = normalise_header(cell)
        fields = {k: v for k, v in (sniffed or {}).items() if k != HEADERLESS}
        if index in fields.values():
            field_name = next(k for k, v in fields.items() if v == index)
            mapping.setdefault(field_name, index)
            continue
        if not name or name == "#":
            continue
        canonical = aliases.get(header_key(name))
        if canonical is None:
            if _SITE_HEADER.match(name):
                site_columns.append((index, name))
            else:
                ignored.append(str(cell).strip())
            continue
        if canonical in mapping:
            warnings.append(f"column '{str(cell).strip()}' repeats {canonical.replace('_', ' ')}; "
                            "the first one was used")
            continue
        mapping[canonical] = index
    return mapping, ignored, site_columns, warnings


def _detect_format(header: Sequence[Any], site_columns: list[tuple[int, str]]) -> str:
    names = _names(header)
    for fmt in load_json("formats.json")["formats"]:
        if all(header_key(req) in names for req in fmt["requires"]):
            return str(fmt["name"])
    return "Generic link list (multi-site)" if site_columns else "Generic link list"


NO_AUTHORITY_NOTE = ("it has no authority column (Search Console, Bing Webmaster Tools and plain link lists give "
                     "none): its domains are ranked on page type and the competitors they link to; for authority "
                     "add the site's Referring domains export from Ahrefs, Semrush, Moz or Majestic")


def _authority_note(mapping: dict[str, int], header: Sequence[Any]) -> list[str]:
    """One sentence when the export has no authority figure, or only page-level ones, naming the export to use."""
    scales = [k.split(":", 1)[1] for k in mapping if k.startswith("authority:")]
    if not scales:
        return [NO_AUTHORITY_NOTE]
    if any(s not in PAGE_LEVEL for s in scales):
        return []
    advice = load_json("formats.json")["page_level_authority"]
    first = min(scales, key=load_json("formats.json")["authority_preference"].index)  # the one the ranking uses
    return [f"its only authority column is page-level ('{str(header[mapping['authority:' + first]]).strip()}', "
            f"shown as {first}): domains are ranked on it with less weight; for a domain-level figure export "
            f"{advice[first]}"]


def _authority(raw: pd.DataFrame, mapping: dict[str, int]) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Pick, per row, the first authority scale the export has, by the preference order."""
    n = len(raw)
    value = pd.Series(np.full(n, np.nan), index=raw.index)
    scale = pd.Series(np.full(n, "", dtype=object), index=raw.index)
    norm = pd.Series(np.full(n, np.nan), index=raw.index)
    for name in load_json("formats.json")["authority_preference"]:
        index = mapping.get(f"authority:{name}")
        if index is None:
            continue
        numbers = parse_numbers(raw[index])
        if name in PAGE_LEVEL:
            numbers = numbers.where(numbers != 0)  # Semrush gives 0 to most pages it has not scored
        take = value.isna() & numbers.notna()
        value = value.where(~take, numbers)
        scale = scale.where(~take, name)
        norm = norm.where(~take, (numbers / AUTHORITY_MAX[name]).clip(0, 1))
    return value, scale, norm


def repeated_text(text: str, n: int, index: pd.Index) -> pd.Series:
    """One text ``n`` times as Arrow-backed ``str`` (built by Arrow, not from ``n`` Python objects)."""
    return pd.Series(pd.array(pa.repeat(text, n), dtype="str"), index=index)


def _site_of_source(name: str) -> str:
    try:
        return key_host(name).key
    except InvalidHostError:
        return ""


_COUNTS = frozenset({"traffic", "ref_domains", "linked_domains", "external_links", "links_to_target"})
_DOT_GROUPS = re.compile(r"^\s*\d{1,3}(\.\d{3})+\s*$")


def _dot_thousands(series: pd.Series) -> tuple[pd.Series, str]:
    """A count column written with dots between thousands ('1.307'): the dots dropped, and the first such cell.

    Only whole groups of three digits count ('1.5' stays 1.5): a count of links or visits has no decimals, so
    '1.307' is 1,307, as European spreadsheets write it. Matched column-wise (Arrow, RE2).
    """
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return series, ""
    text = series if isinstance(series.dtype, pd.StringDtype) else text_values(series)
    array = pc.fill_null(pa.array(text.array).cast(pa.string()), "")
    grouped = pc.match_substring_regex(array, _DOT_GROUPS.pattern)
    if not pc.any(grouped).as_py():
        return series, ""
    first = str(pc.filter(array, grouped)[0].as_py()).strip()
    dropped = pc.if_else(grouped, pc.replace_substring(pc.utf8_trim_whitespace(array), ".", ""), array)
    return pd.Series(pd.array(dropped, dtype=pd.StringDtype("pyarrow")), index=series.index), first


def _canonical(raw: pd.DataFrame, mapping: dict[str, int], first_row: int, header: Sequence[Any] = (),
               notes: list[str] | None = None) -> pd.DataFrame:
    """Build the canonical columns from a raw frame of one export (``notes`` receives what was read how)."""
    notes = [] if notes is None else notes
    def col(name: str) -> pd.Series | None:
        index = mapping.get(name)
        return None if index is None else raw[index]

    n = len(raw)
    empty_text = repeated_text("", n, raw.index)
    nothing = pd.Series(np.full(n, np.nan), index=raw.index)
    out: dict[str, Any] = {}
    for name in _TEXT:
        series = col(name)
        out[name] = empty_text if series is None else text_values(series)
    host = col("domain")
    if host is None:
        out["host"] = out["source_url"]
    else:
        host = text_values(host)
        blank = (host == "").to_numpy(dtype=bool)
        out["host"] = host.where(~blank, out["source_url"]) if blank.any() else host
    out["authority"], out["authority_scale"], out["authority_norm"] = _authority(raw, mapping)
    for name in _NUMBERS:
        series = col(name)
        if series is not None and name in _COUNTS:
            series, grouped = _dot_thousands(series)
            if grouped:
                notes.append(f"column '{str(header[mapping[name]]).strip()}': numbers like '{grouped}' were read as "
                             f"{float(grouped.replace('.', '')):,.0f}, as a count has no decimals (a dot groups "
                             "thousands in this export)")
        out[name] = nothing if series is None else parse_numbers(series)
    unknown = pd.Series(pd.array(np.full(n, pd.NA), dtype="boolean"), index=raw.index)
    nofollow = unknown
    for name, invert in (("nofollow", False), ("dofollow", True), ("ugc", False), ("sponsored", False)):
        series = col(name)
        flags = unknown if series is None else parse_bools(series)
        if name in {"ugc", "sponsored"}:  # rel="ugc" (a comment or forum post), rel="sponsored" (a paid link)
            out[name] = flags
        if series is None:
            continue
        flags = ~flags if invert else flags
        nofollow = flags if name in {"nofollow", "dofollow"} else (nofollow | flags)
    rel = col("link_rel")
    if rel is not None:  # rel words in one column ('Link Type': nofollow, ugc): what the flag columns left unsaid
        rel_nofollow, rel_ugc, rel_sponsored = parse_rels(rel)
        nofollow = nofollow.fillna(rel_nofollow)
        out["ugc"], out["sponsored"] = out["ugc"].fillna(rel_ugc), out["sponsored"].fillna(rel_sponsored)
    for name in ("nofollow", "dofollow"):  # a flag column written in words ('Follow': follow / nofollow)
        words = col(name)
        if words is not None and bool(nofollow.isna().any()):
            nofollow = nofollow.fillna(parse_rels(words)[0])
    dofollow_links = col("dofollow_links")
    if dofollow_links is not None and bool(nofollow.isna().any()):  # a referring domain's counts (Ahrefs)
        counts = parse_numbers(dofollow_links)
        no_dofollow = counts.eq(0).astype("boolean").mask(counts.isna())
        nofollow = nofollow.fillna(no_dofollow)  # none of its links to the site is followed: nofollow only
    out["nofollow"] = nofollow
    first_seen = col("first_seen")
    month_first, example = (False, "") if first_seen is None else date_order(first_seen)
    if example:
        day = parse_dates(pd.Series([example]))[0]
        notes.append(f"column '{str(header[mapping['first_seen']]).strip()}': dates like '{example}' could be day or "
                     f"month first; they were read day first ({day:%d %B %Y}), as no date in the column says "
                     "otherwise")
    out["first_seen"] = (pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]") if first_seen is None
                         else parse_dates(first_seen, month_first))
    lost = np.zeros(n, dtype=bool)
    for name in ("lost", "lost_status"):
        if (series := col(name)) is not None:
            lost |= parse_flags(series).to_numpy()
    if (series := col("lost_flag")) is not None:
        lost |= parse_bools(series).fillna(False).to_numpy(dtype=bool)
    out["lost"] = lost
    spam = np.zeros(n, dtype=bool)
    if (series := col("spam")) is not None:
        spam |= parse_bools(series).fillna(False).to_numpy(dtype=bool)
    threshold = float(load_json("spam_signals.json")["vendor_spam_score_threshold"])
    spam |= (out["spam_score"].fillna(0) >= threshold).to_numpy()
    out["vendor_spam"] = spam
    out["row"] = np.arange(first_row, first_row + n)
    out["site"] = empty_text
    frame = pd.DataFrame(out, index=raw.index)[CANONICAL]
    if "links_to_target" in mapping:  # a row standing for several links says so; a backlinks row is one link
        frame["links_to_target"] = out["links_to_target"]
    return frame


def recognise_frame(raw: pd.DataFrame, source: str, site: str = "", first_row: int = 2) -> Export:
    """Recognise an export held as a DataFrame whose columns are the header cells."""
    return _recognise(list(raw.columns), raw.set_axis(pd.RangeIndex(raw.shape[1]), axis=1), source, site,
                      first_row)


def needed_columns(header: Sequence[Any], sniffed: Sniffed | None = None) -> list[int]:
    """The positions of the columns recognition reads (mapped and per-site ones), in header order."""
    mapping, _, site_columns, _ = _map_columns(header, sniffed)
    return sorted(set(mapping.values()) | {index for index, _ in site_columns})


def _recognise(header: list[Any], raw: pd.DataFrame, source: str, site: str, first_row: int,
               sniffed: Sniffed | None = None) -> Export:
    """Recognise an export from its header cells and its body columns labelled by position.

    ``raw`` may hold only the ``needed_columns``; the others are never read.
    """
    refuse_other_reports(header, source)
    mapping, ignored, site_columns, warnings = _map_columns(header, sniffed)
    headerless = bool((sniffed or {}).get(HEADERLESS))
    if headerless:  # the first row is data: put it back above the others, name the columns by position
        first = {i: header[int(i)] for i in raw.columns if int(i) < len(header)}
        raw = pd.concat([pd.DataFrame([first], columns=raw.columns).astype(raw.dtypes.to_dict(), errors="ignore"),
                         raw], ignore_index=True)
        header = [f"column {i + 1}" for i in range(len(header))]
        first_row -= 1
        warnings.append("it has no header row: its first row was read as a link like the others")
    for field_name, index in (sniffed or {}).items():
        if field_name == HEADERLESS:
            continue
        what = "page URLs" if field_name == "source_url" else "domains"
        warnings.append(f"no header names a domain or URL column: column '{str(header[index]).strip() or index + 1}'"
                        f" was read as {what}, because its cells are {what}")
    if not set(HOST_FIELDS) & set(mapping):
        found = ", ".join(str(h).strip() for h in header if str(h).strip())[:300]
        raise ExportFormatError(f"{source}: no column holds a domain or URL (found: {found})")
    fmt = _detect_format(header, site_columns)
    frame = _canonical(raw, mapping, first_row, header, warnings)
    warnings.extend(_authority_note(mapping, header))
    understood = {k: str(header[i]).strip() for k, i in mapping.items()}
    sites: list[str] = []
    if site_columns:
        parts = []
        for index, name in site_columns:
            key = _site_of_source(name)
            if not key:
                continue
            sites.append(key)
            cell = raw[index]
            count = parse_numbers(cell)
            text = text_values(cell).str.strip()
            links = count.fillna(0).gt(0) | (count.isna() & ~text.isin(["", "0", "-", "false"]))
            part = frame.loc[links.to_numpy()].copy()
            part["site"] = np.full(len(part), key, dtype=object)
            said = count.loc[links.to_numpy()].to_numpy(dtype=float)  # the links it has to this site, when counted
            before = part["links_to_target"].to_numpy(dtype=float) if "links_to_target" in part else np.nan
            part["links_to_target"] = np.where(said > 0, said, before)
            parts.append(part)
        frame = pd.concat(parts, ignore_index=True) if parts else frame.iloc[0:0]
    else:
        if not site and mapping.get("target_url") is not None:
            targets = frame["target_url"].map(clean_host)
            targets = targets[targets != ""]
            site = _site_of_source(str(targets.mode().iloc[0])) if len(targets) else ""
        if not site:
            where = "file" if source.startswith("File") else "tab"
            raise ExportFormatError(f"{source}: cannot tell which site this export describes; name the "
                                    f"{where} after the site's domain (for example competitor-a.com)")
        frame = frame.assign(site=repeated_text(site, len(frame), frame.index))
    return Export(source=source, format=fmt, frame=frame.reset_index(drop=True), understood=understood,
                  ignored=ignored, sites=sites or [site], warnings=warnings, rows_read=len(raw))


def recognise_values(values: Sequence[Sequence[Any]], source: str, site: str = "") -> Export:
    """Recognise an export held as a sheet tab's 2D values (header row anywhere in the first rows)."""
    sniffed: Sniffed = {}
    h = _find_header(values, source, sniffed)
    header = [str(c) if c is not None else "" for c in values[h]]
    width = len(header)
    body = [list(r[:width]) + [""] * (width - len(r)) for r in values[h + 1:] if any(
        c not in (None, "") for c in r)]
    raw = pd.DataFrame(body, columns=pd.RangeIndex(width), dtype=object) if body else pd.DataFrame(
        columns=pd.RangeIndex(width), dtype=object)
    return recognise_table(header, raw, source, site, h + 2, sniffed)


class Columns(list[list[Any]]):
    """A tab's values column by column, as Sheets answers ``majorDimension=COLUMNS`` (each list trimmed).

    Handed over for recognition: ``service.scoring.read_exports`` empties it once its columns are arrays, so
    the decoded JSON of a large tab is freed before scoring starts rather than after the run.
    """

    def rows(self, count: int | None = None) -> list[list[Any]]:
        """The first ``count`` rows (all when None), each trimmed of trailing empty cells like a ROWS answer."""
        columns = self if count is None else [c[:count] for c in self]
        out = [list(row) for row in itertools.zip_longest(*columns, fillvalue="")]
        for row in out:
            while row and row[-1] in ("", None):
                row.pop()
        if count is not None:
            out.extend([] for _ in range(count - len(out)))
        return out


def as_rows(values: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """A tab's values by row, whether a store answered them by row or as ``Columns``."""
    return values.rows() if isinstance(values, Columns) else [list(r) for r in values]


def column_series(values: list[Any], length: int) -> pd.Series:
    """One column's cells as a Series without a per-cell Python pass: Arrow text, floats, or (mixed) objects."""
    if len(values) < length:
        values = values + [""] * (length - len(values))
    kinds = set(map(type, values))  # one C-level pass: Arrow would quietly turn a False among floats into 0.0
    if kinds <= {str}:
        return pd.Series(pd.arrays.ArrowStringArray(pa.array(values, pa.large_string())))
    if kinds <= {float, int} and values:
        try:
            return pd.Series(np.array(values, dtype=np.float64 if float in kinds else np.int64))
        except OverflowError:  # an integer beyond 64 bits: kept as the object it is
            return pd.Series(values, dtype=object)
    if kinds == {bool}:
        return pd.Series(np.array(values, dtype=bool))
    return pd.Series(values, dtype=object)


def _filled(series: pd.Series) -> np.ndarray:
    """Which cells of a ``column_series`` hold a value (a blank cell arrives as '')."""
    if isinstance(series.dtype, pd.StringDtype):
        return np.asarray(pc.not_equal(pa.array(series.array), "").to_numpy(zero_copy_only=False), dtype=bool)
    if series.dtype == object:
        cells = series.to_numpy()
        return (cells != "") & (cells != None)  # noqa: E711
    return np.ones(len(series), dtype=bool)  # numbers and booleans: every cell holds one


def recognise_columns(columns: Columns, source: str, site: str = "") -> Export:
    """Recognise an export held column by column: the same result as ``recognise_values`` on its rows."""
    head = columns.rows(min(66, max((len(c) for c in columns), default=0)))
    sniffed: Sniffed = {}
    h = _find_header(head, source, sniffed)
    header = [str(c) if c is not None else "" for c in head[h]]
    width = len(header)
    height = max((len(c) for c in columns), default=0) - (h + 1)
    body = [c[h + 1:] for c in columns]
    wanted = [i for i in needed_columns(header, sniffed) if i < width]
    series = {i: column_series(body[i], max(height, 0)) for i in wanted}
    keep = np.zeros(max(height, 0), dtype=bool)
    for i, column in enumerate(body):
        if not column:
            continue
        if i in series:  # already a typed column: judged column-wise
            keep |= _filled(series[i])
        else:
            cells = np.array(column, dtype=object)
            keep[: len(column)] |= (cells != "") & (cells != None)  # noqa: E711 (element-wise)
    frame = pd.DataFrame(series, columns=wanted)
    if not keep.all():
        frame = frame.loc[keep].reset_index(drop=True)
    return recognise_table(header, frame, source, site, h + 2, sniffed)


def recognise_table(header: list[str], raw: pd.DataFrame, source: str, site: str, first_row: int,
                    sniffed: Sniffed | None = None) -> Export:
    """Recognise an export given its header cells and a frame of its body columns labelled by position."""
    if len(set(header)) == len(header):
        return _recognise(header, raw, source, site, first_row, sniffed)
    renamed = [h if i == header.index(h) else f"{h} ({i + 1})" for i, h in enumerate(header)]
    export = _recognise(renamed, raw, source, site, first_row, sniffed)
    export.warnings.append("the header repeats column names; the first of each was used")
    return export


def recognise_file(data: bytes | bytearray, name: str, site: str = "", threads: bool = True) -> Export:
    """Recognise an export file's raw bytes (UTF-16/UTF-8/cp1252, delimiter sniffed).

    ``threads``: let Arrow's reader parse the file on several threads (faster alone, more CPU in all).
    """
    source = f"File '{name}'"
    sniffed: Sniffed = {}
    try:
        table = read_table(data, name, lambda rows: _find_header(rows, source, sniffed),
                           lambda header: needed_columns(header, sniffed), threads=threads)
    except RowReaderNeeded:
        rows, warnings = read_rows(data, name)
        export = recognise_values(rows, source, site)
    else:
        warnings = table.warnings
        export = recognise_table(table.header, table.frame, source, site, table.first_row, sniffed)
    export.warnings = warnings + export.warnings
    return export
