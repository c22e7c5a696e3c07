"""The whole scoring pipeline from a workbook's tabs (2D values) to the Prospects owned columns."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sheets_bridge import contract
from sheets_bridge.exceptions import ExportFormatError, InvalidHostError, SettingsError
from sheets_bridge.gap.clean import clean_links, join_flags
from sheets_bridge.gap.excluded import parse_keep
from sheets_bridge.gap.gap import gap
from sheets_bridge.gap.groups import combine_groups, group_export
from sheets_bridge.gap.score import prospect_text, score_prospects
from sheets_bridge.gap.targets import assign_targets, hold_for_assets, parse_targets
from sheets_bridge.intake.domains import key_host
from sheets_bridge.intake.ingest import Columns, Export, normalise_header, recognise_columns, recognise_values
from sheets_bridge.intake.prospects_tab import existing_prospects
from sheets_bridge.intake.reference import load_json
from sheets_bridge.intake.settings import Settings, parse_settings, validate_weights
from sheets_bridge.outreach.cadence import compute_cadence, parse_outreach_log
from sheets_bridge.outreach.drafts import flag_do_not_contact, parse_do_not_contact

Values = Sequence[Sequence[Any]]
STALE_AFTER_DAYS = 90  # an export whose newest link is older than this is out of date
Progress = Callable[[str, float], None]


@dataclass
class ScoreResult:
    """Owned Prospects columns for every prospect, and what happened."""

    prospects: pd.DataFrame
    exports: list[Export]
    excluded: Counter[str]
    competitors: list[str]
    own: str
    warnings: list[str] = field(default_factory=list)
    own_links: pd.Series = field(default_factory=lambda: pd.Series(dtype="datetime64[ns]"))
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)  # domains left out, with reason and evidence
    kept: set[str] = field(default_factory=set)  # domains the team marked Keep on the Excluded tab


def export_warnings(exports: Sequence[Export]) -> list[str]:
    """Each export's warnings prefixed by its source; one message shared by several says them all once."""
    sources: dict[str, list[str]] = {}
    for export in exports:
        for warning in export.warnings:
            sources.setdefault(warning, []).append(export.source)
    return [f"{', '.join(names)}: {warning}" for warning, names in sources.items()]


def _quiet(stage: str, done: float) -> None:
    """Progress callback that reports nothing."""


def read_exports(tabs: Mapping[str, Values], own: str) -> tuple[list[Export], list[str]]:
    """Recognise every non-reserved tab as a link export; tabs that are not exports are reported."""
    exports: list[Export] = []
    warnings: list[str] = []
    reserved = {normalise_header(t) for t in contract.RESERVED_TABS}
    for name, values in tabs.items():
        if normalise_header(name) in reserved or _blank(values):
            continue  # an empty tab (a new spreadsheet's Sheet1) is nobody's export: nothing to say about it
        try:
            site = key_host(name).key
        except InvalidHostError:
            site = ""
        try:
            if isinstance(values, Columns):
                exports.append(recognise_columns(values, f"Tab '{name}'", site))
                values.clear()  # the arrays hold it now: free the decoded JSON before scoring
            else:
                exports.append(recognise_values(values, f"Tab '{name}'", site))
            group_export(exports[-1])  # one tab's rows at a time: only its groups are kept
        except ExportFormatError:
            if site:
                raise
            warnings.append(f"Tab '{name}' was skipped: it is not a link export and its name is not a domain")
    if not exports:
        raise ExportFormatError("No tab holds a link export: add one tab per competitor, named by its "
                                "domain (for example competitor-a.com), holding its backlink export")
    return exports, warnings


def score_frames(exports: list[Export], settings: Settings, targets: pd.DataFrame, log: pd.DataFrame,
                 status: pd.Series, today: dt.date, progress: Progress = _quiet,
                 keep: Collection[str] = ()) -> ScoreResult:
    """Run clean → gap (pages judged and typed) → score → targets → cadence on recognised exports.

    The exports' link groups are combined into one frame and each export's own copy is freed, so an export
    is scored once (a second run raises ``GroupsFreedError``); its summary (sites, counts, warnings) stays.
    ``keep``: domains a team kept from the Excluded tab (they skip the judgements on name and pages).
    """
    validate_weights(settings)
    own = settings.your_domain
    sites = list(dict.fromkeys(s for e in exports for s in e.sites if s))
    competitors = [s for s in sites if s != own]
    if not competitors:
        raise ExportFormatError("No competitor exports: every export tab describes your own site "
                                f"({own}); add a tab per competitor")
    warnings = [] if own else ["Settings has no 'Your domain': no own-site profile was subtracted"]
    if own and own not in sites:
        warnings.append(f"No tab holds your own site's export ({own}): domains already linking to you "
                        "could not be removed")
    own_formats = {e.format for e in exports if own and own in e.sites}
    own_counted = not own_formats or not own_formats <= set(load_json("formats.json")["sampled_formats"])
    if not own_counted:
        warnings.append(f"Your own site's export ({', '.join(sorted(own_formats))}) lists a sample of the pages "
                        "linking to you, not how many there are: a domain in it counts as linking to you, and "
                        "none is called weak for having fewer links to you")
    progress("cleaning", 0.1)
    links = combine_groups([group_export(e).groups for e in exports])  # type: ignore[misc]
    for export in exports:  # combined: each export keeps its summary; its own copy of the groups goes
        export.groups, export.scored = None, True
    clean, excluded = clean_links(links, keep_lost=settings.keep_lost_links)
    own_rows = clean.usable & (links["site"] == own).to_numpy(dtype=bool) if own else np.zeros(len(links), bool)
    own_links = pd.Series(links["first_seen"].to_numpy()[own_rows],
                          index=clean.domains["key"].to_numpy(dtype=object)[clean.domain[own_rows]],
                          dtype="datetime64[ns]").groupby(level=0).min()
    progress("gap", 0.4)
    found = gap(clean, competitors, own, settings, keep, own_counted=own_counted)
    prospects = found.prospects
    excluded.update(found.excluded)
    warnings.extend(clean.problems)
    progress("scoring", 0.6)
    scored = score_prospects(prospects, settings, len(competitors))
    prospects = pd.concat([prospects, scored], axis=1)
    progress("targets", 0.75)
    prospects = pd.concat([prospects, assign_targets(prospects, prospect_text(prospects), targets)], axis=1)
    progress("cadence", 0.85)
    status_of = prospects["key"].map(status).astype(object).fillna("")
    cadence = compute_cadence(prospects["key"], status_of, log, settings, today)
    cadence = hold_for_assets(cadence, prospects["target_url"], prospects["target_ready"])
    prospects = pd.concat([prospects, cadence], axis=1)
    prospects = prospects.sort_values(["priority", "key"], ascending=[False, True], kind="stable")
    return ScoreResult(to_owned(prospects).reset_index(drop=True), exports, excluded, competitors, own, warnings,
                       own_links, found.dropped)


def to_owned(p: pd.DataFrame) -> pd.DataFrame:
    """Rename pipeline columns to the Prospects tab's owned column names."""
    flags = join_flags({"IP host": p["is_ip"].to_numpy(dtype=bool),
                        "shared platform": p["is_platform"].to_numpy(dtype=bool),
                        "nofollow only": (p["nofollow_share"] == 1.0).to_numpy(dtype=bool),
                        "paid (sponsored) links only": p.get("sponsored_only", pd.Series(False, index=p.index))
                        .to_numpy(dtype=bool)}, len(p))
    for extra in ("weak_spam", "build_note", "weak_note"):  # a weak name signal; what to build yourself; counts
        if extra in p:
            said = p[extra].astype(object).fillna("").to_numpy(dtype=object)
            flags = np.where(said == "", flags, np.where(flags == "", said, flags + "; " + said))
    guard = p["guard"].astype(object).fillna("").to_numpy(dtype=object)
    flags = np.where(guard == "", flags, np.where(flags == "", guard, flags + "; " + guard))
    return pd.DataFrame({
        "Domain": p["key"], "Segment": p["segment"], "Competitors linking": p["competitors_linking"],
        "Linked competitors": p["linked_competitors"],
        "Competitor pages": p.get("competitor_pages", ""), "Authority": p["authority_score"],
        "Relevance": p["relevance"], "Feasibility": p["feasibility"], "Priority": p["priority"],
        "Tier": p["tier"], "Page type": p["page_type"],
        "Example page": p["source_url"].where(p["source_url"] != "", "https://" + p["key"]),
        "Target URL": p["target_url"], "Outreach angle": p["angle"], "Country": p["country"].fillna(""),
        "Flags": flags, "Why": p["why"], "Touches": p["touches"], "Last touch": p["last_touch"],
        "Next follow-up": p["next_follow_up"], "Next action": p["next_action"],
    })


def score_workbook(tabs: Mapping[str, Values], today: dt.date, progress: Progress = _quiet) -> ScoreResult:
    """Score a workbook given as tab name → 2D values; the result includes prospects that left the gap."""
    settings = parse_settings(_tab(tabs, contract.SETTINGS))
    if not settings.your_domain:
        raise SettingsError("Settings has no 'Your domain': type your own site (e.g. yoursite.com) in the Value "
                            "cell beside 'Your domain' and score again; without it your own site would be scored "
                            "as a competitor")
    exports, warnings = read_exports(tabs, settings.your_domain)
    targets = parse_targets(_tab(tabs, contract.TARGETS))
    log = parse_outreach_log(_tab(tabs, contract.OUTREACH_LOG))
    existing = existing_prospects(_tab(tabs, contract.PROSPECTS))
    status = (existing.set_index(contract.KEY)["Status"] if "Status" in existing.columns
              else pd.Series(dtype=object))
    status.index = status.index.astype(str)
    marked = parse_keep(_tab(tabs, contract.EXCLUDED))
    result = score_frames(exports, settings, targets, log.frame, status, today, progress, keep=marked)
    result.kept = marked
    for export in exports:
        newest = export.newest_link
        age = (pd.Timestamp(today) - newest).days if pd.notna(newest) else 0
        if age > STALE_AFTER_DAYS:
            export.warnings.append(f"its newest link was first seen {newest:%Y-%m-%d}, {age} days ago: refresh the "
                                   "export (the playbook revisits the competitor set quarterly)")
    blocked = parse_do_not_contact(_tab(tabs, contract.DO_NOT_CONTACT))
    result.prospects = flag_do_not_contact(result.prospects, blocked.domains)
    result.warnings = warnings + result.warnings + log.problems + blocked.problems
    # plain object arrays: pandas' isin (and set()) walk an Arrow-backed column one Python scalar at a time
    scored = pd.Series(result.prospects["Domain"].to_numpy(dtype=object), dtype=object)
    strays = sorted(set(log.frame["key"]) - set(scored) - set(existing.get(contract.KEY, [])))
    if strays:
        result.warnings.append(f"Outreach log: {len(strays)} domains are not prospects (e.g. {strays[0]})")
    if settings.unknown_keys:
        result.warnings.append("Settings rows not understood: " + ", ".join(settings.unknown_keys))
    keys = pd.Series(existing[contract.KEY].astype(str).to_numpy(dtype=object), dtype=object)
    left = existing[~keys.isin(scored).to_numpy()]
    if len(left):
        kept = left.reindex(columns=list(contract.OWNED_COLUMNS)).astype(object)
        kept = kept.where(kept.notna(), "")
        kept["Flags"] = [_left_flag(str(flags), str(key), result.own_links)
                         for key, flags in zip(kept["Domain"], kept["Flags"], strict=True)]
        result.prospects = pd.concat([result.prospects, kept], ignore_index=True)
    return result


def _left_flag(flags: str, key: str, own_links: pd.Series) -> str:
    """Flags of a prospect no longer in the gap: placed if it now links to the team, else 'left the gap'."""
    links_to_you = contract.PLACED_FLAG_PREFIX.replace(" since", "")
    parts = [f for f in flags.split("; ") if f and f != contract.LEFT_GAP_FLAG and not f.startswith(
        (links_to_you, "Contacted "))]
    if key in own_links.index:
        since = own_links[key]
        parts.append(f"{contract.PLACED_FLAG_PREFIX} {since:%Y-%m-%d}" if pd.notna(since)
                     else links_to_you)
    else:
        parts.append(contract.LEFT_GAP_FLAG)
    return "; ".join(parts)


def _blank(values: Values) -> bool:
    """Whether a tab holds no value at all (by row or as ``Columns``)."""
    return not any(c not in (None, "") for line in values for c in line)


def _tab(tabs: Mapping[str, Values], name: str) -> Values | None:
    """A reserved tab by name, matched case-insensitively."""
    wanted = normalise_header(name)
    return next((tabs[k] for k in tabs if normalise_header(k) == wanted), None)  # by title: a store decodes on ask
