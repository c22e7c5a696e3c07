"""Use cases: each reads the spreadsheet once, runs the pure pipeline and writes once."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from sheets_bridge import contract
from sheets_bridge.exceptions import ExportFormatError, InvalidHostError, SheetsBridgeError
from sheets_bridge.gap.excluded import excluded_rows
from sheets_bridge.gap.targets import hold_for_assets, parse_targets
from sheets_bridge.insights.checklist import ChecklistFacts, launch_checklist
from sheets_bridge.insights.metrics import compute_metrics, left_gap_count, left_gap_mask
from sheets_bridge.insights.rankings import merge_rankings, recognise_rankings
from sheets_bridge.intake.decode import read_rows
from sheets_bridge.intake.domains import key_host
from sheets_bridge.intake.ingest import as_rows, recognise_file, recognise_values
from sheets_bridge.intake.prospects_tab import existing_prospects
from sheets_bridge.intake.settings import Settings, parse_settings
from sheets_bridge.outreach.cadence import compute_cadence, next_step, parse_outreach_log
from sheets_bridge.outreach.drafts import (
    digest_by_owner,
    mailable_owners,
    parse_do_not_contact,
    plan_drafts,
    sheet_rows,
)
from sheets_bridge.outreach.gmail_sync import logged_ids, plan_sync
from sheets_bridge.outreach.templates import parse_templates
from sheets_bridge.service.memory import cyclic_gc_paused
from sheets_bridge.service.scoring import Progress, _quiet, export_warnings, score_workbook
from sheets_bridge.store.base import Store, Values
from sheets_bridge.workbook.dashboard import build_layout


class NothingToDoError(SheetsBridgeError):
    """The spreadsheet has nothing for this action to work on yet."""

    code = "nothing_to_do"
    status = 409


@dataclass
class TabSummary:
    """What was read from one export tab."""

    tab: str
    format: str
    rows: int
    sites: list[str]
    understood: list[str]
    ignored: list[str]


@dataclass
class ScoreSummary:
    """The outcome of one score run, as shown to the user."""

    target: str
    tabs: list[TabSummary]
    competitors: list[str]
    own_site: str
    prospects: int
    new: int
    updated: int
    left_gap: int
    tiers: dict[str, int]
    excluded: dict[str, int]
    seconds: float
    output: str
    warnings: list[str] = field(default_factory=list)
    api_requests: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return asdict(self)




def score(store: Store, today: dt.date, progress: Progress = _quiet, user: str = "") -> tuple[ScoreSummary, Any]:
    """Score prospects: read every tab once, run the pipeline, write the Prospects owned columns once."""
    with cyclic_gc_paused():
        return _score(store, today, progress, user)


def _score(store: Store, today: dt.date, progress: Progress, user: str) -> tuple[ScoreSummary, Any]:
    started = time.perf_counter()
    requests_before = int(getattr(store, "requests_sent", 0))
    progress("reading", 0.0)
    tabs = store.read_tabs()
    result = score_workbook(tabs, today, progress)
    progress("writing", 0.9)
    # one prospect count everywhere: tiers count the prospects in the gap, as the prospect count does (rows that
    # left it stay on the list for the team's notes, counted apart as "left the gap")
    in_gap = result.prospects.loc[~left_gap_mask(result.prospects["Flags"]).to_numpy()]
    tiers = in_gap["Tier"].astype(str).value_counts()
    warnings = export_warnings(result.exports) + result.warnings
    seconds = round(time.perf_counter() - started, 2)
    left = left_gap_count(result.prospects["Flags"])
    line = run_log_line(user, "Score prospects",
                        f"{len(result.prospects) - left} prospects ({left} left the gap); tiers A {tiers.get('A', 0)}, "
                        f"B {tiers.get('B', 0)}, C {tiers.get('C', 0)}", seconds, warnings)
    report = store.write_prospects(result.prospects, contract.OWNED_COLUMNS, contract.TEAM_COLUMNS, run_log=line,
                                   excluded=excluded_rows(result.dropped, result.kept))
    progress("done", 1.0)
    prospects = result.prospects
    summary = ScoreSummary(
        target=store.label,
        tabs=[TabSummary(tab=e.source, format=e.format, rows=e.rows_read, sites=e.sites,
                         understood=sorted(e.understood.values()), ignored=e.ignored) for e in result.exports],
        competitors=result.competitors, own_site=result.own, prospects=len(prospects) - left,
        new=report.new, updated=report.updated, left_gap=left,
        tiers={str(t): int(n) for t, n in in_gap.loc[in_gap["Tier"] != "", "Tier"].value_counts()
               .sort_index().items()},
        excluded=dict(sorted(((k, v) for k, v in result.excluded.items() if v), key=lambda kv: (-kv[1], kv[0]))),
        seconds=seconds, output=report.output_path, warnings=warnings + report.warnings,
        api_requests=int(getattr(store, "requests_sent", 0)) - requests_before,
    )
    return summary, prospects


def run_log_line(user: str, action: str, result: str, seconds: float, warnings: list[str]) -> list[Any]:
    """One Run log row: when (UTC, a real date-time), who, what, the outcome, seconds, every warning's text."""
    stamp = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    details = f"{len(warnings)} warnings: " + " | ".join(warnings) if warnings else ""
    return [stamp, user or "command line", action, result, seconds, details[:MAX_DETAILS]]


MAX_DETAILS = 45_000  # under Sheets' 50,000 characters a cell


def import_export(store: Store, data: bytes, filename: str, domain: str, append: bool = False,
                  force: bool = False) -> dict[str, Any]:
    """Add or replace the tab named by ``domain`` with an export file's rows (validated first).

    Nothing is changed when the file has no link rows (a header-only export, or one whose rows all fail),
    nor when its target URLs are another site's unless ``force``. ``append`` adds the file's rows below the
    tab's (same header; rows the tab already holds are not added twice): the way to import an export split
    in parts.
    """
    site = key_host(domain).key
    warnings: list[str] = []
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise ExportFormatError(f"File '{filename}' is an old Excel (.xls) workbook: open it and save it as .xlsx "
                                "or CSV, then import that")
    if data[:4] == b"PK\x03\x04" and not filename.lower().endswith(".xlsx"):
        from sheets_bridge.intake.archive import is_workbook, link_export_in_archive

        if not is_workbook(data):  # a zip of CSV files (Search Console's Links export): its link list
            member = link_export_in_archive(
                data, filename, lambda content, name: recognise_file(content, f"{filename} → {name}", site))
            data, filename, warnings = member.data, member.name, [member.note]
    if filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        from sheets_bridge.store.xlsx import export_workbook_rows

        rows = export_workbook_rows(data, filename)
    else:
        rows, read_warnings = read_rows(data, filename)
        warnings += read_warnings
    export = recognise_values(rows, f"File '{filename}'", site)
    current = as_rows(store.read_named([site]).get(site) or [])
    held = max(len([r for r in current if any(str(c).strip() for c in r)]) - 1, 0)
    if export.frame.empty:
        raise ExportFormatError(f"File '{filename}' has no link rows (a filter left on in the tool exports just the "
                                f"header): it would replace {held} rows of tab '{site}' with 0, so nothing was "
                                "changed")
    targets = export.frame["target_url"].astype(str).str.strip()
    targets = targets[targets != ""]
    if len(targets):
        from sheets_bridge.intake.domains import key_hosts

        hosts = key_hosts(targets)["key"].value_counts()
        if site not in hosts.index:
            message = (f"The export's target URLs are on {', '.join(hosts.index[:3])}, not {site}: check that "
                       f"'{domain}' is the site it describes")
            if not force:
                raise ExportFormatError(message + "; nothing was changed (import it anyway with --force, or "
                                        "'force' in the request)")
            warnings.append(message)
    new_rows = typed_rows(rows)
    added = len(new_rows) - 1
    if append and held:
        header = [str(c).strip() for c in current[0]]
        if [str(c).strip() for c in new_rows[0]] != header:
            raise ExportFormatError(f"File '{filename}' has other columns than tab '{site}' ({len(new_rows[0])} "
                                    f"against {len(header)}): append parts of one export only; nothing was changed")
        seen = {tuple(_cell_key(c) for c in r) for r in current[1:]}
        fresh = [r for r in new_rows[1:] if tuple(_cell_key(c) for c in r) not in seen]
        added = len(fresh)
        if added < len(new_rows) - 1:
            warnings.append(f"{len(new_rows) - 1 - added} rows were already in tab '{site}' and were not added again")
        new_rows = [list(current[0]), *[list(r) for r in current[1:]], *fresh]
    store.replace_tab(site, new_rows)
    return {"tab": site, "format": export.format, "rows": export.rows_read, "added": added,
            "total": len(new_rows) - 1, "appended": bool(append and held),
            "understood": sorted(export.understood.values()), "ignored": export.ignored,
            "warnings": warnings + export.warnings}


def _cell_key(value: Any) -> str:
    """A cell as text for telling rows apart: a number read back as 3.0 and typed as '3' are one."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def typed_rows(rows: list[list[str]]) -> Values:
    """Rows of text cells with plain numbers turned into numbers, so the tab sorts and sums as expected."""
    out: Values = []
    for i, row in enumerate(rows):
        if i == 0:
            out.append([c.strip() for c in row])
            continue
        typed: list[Any] = []
        for cell in row:
            text = cell.strip()
            try:
                number = float(text) if text and text.lstrip("-").replace(".", "", 1).isdigit() else None
            except ValueError:
                number = None
            typed.append(text if number is None else (int(number) if number.is_integer() and "." not in text
                                                      else number))
        out.append(typed)
    return out


@dataclass
class FollowupSummary:
    """The outcome of a follow-up update."""

    target: str
    prospects: int
    due_today: int
    overdue: int
    log_rows: int
    warnings: list[str]
    api_requests: int = 0
    seconds: float = 0.0
    next_step: str = ""  # when nothing is due: what to do instead of a bare 0
    left_gap: int = 0  # rows on the list no longer in the gap (not counted in ``prospects``)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return asdict(self)


FOLLOWUP_COLUMNS = ("Domain", "Touches", "Last touch", "Next follow-up", "Next action")


def followups(store: Store, today: dt.date) -> FollowupSummary:
    """Recompute touches and next follow-ups from Status and the Outreach log (3 API requests on Sheets)."""
    started = time.perf_counter()
    requests_before = int(getattr(store, "requests_sent", 0))
    tabs = store.read_named([contract.SETTINGS, contract.OUTREACH_LOG, contract.PROSPECTS, contract.TARGETS])
    existing = existing_prospects(tabs[contract.PROSPECTS])
    if existing.empty:
        raise NothingToDoError("The Prospects tab is empty: run Score prospects first")
    settings = parse_settings(tabs[contract.SETTINGS])
    log = parse_outreach_log(tabs[contract.OUTREACH_LOG])
    keys = existing[contract.KEY].astype(str)
    status = existing["Status"] if "Status" in existing.columns else pd.Series("", index=existing.index)
    cadence = compute_cadence(keys, status.astype(object).fillna(""), log.frame, settings, today)
    targets = parse_targets(tabs.get(contract.TARGETS))
    target_url = existing["Target URL"].astype(str) if "Target URL" in existing.columns else pd.Series(
        "", index=existing.index)
    ready_of = dict(zip(targets["url"], targets["ready"], strict=True))
    cadence = hold_for_assets(cadence, target_url, target_url.map(lambda u: ready_of.get(u, True)).astype(bool))
    frame = pd.DataFrame({"Domain": keys, "Touches": cadence["touches"], "Last touch": cadence["last_touch"],
                          "Next follow-up": cadence["next_follow_up"], "Next action": cadence["next_action"]})
    report = store.write_prospects(frame, FOLLOWUP_COLUMNS, contract.TEAM_COLUMNS)
    actions = frame["Next action"].astype(str)
    known = set(keys)
    strays = sorted(set(log.frame["key"]) - known)
    warnings = list(log.problems) + report.warnings
    if strays:
        warnings.append(f"Outreach log: {len(strays)} domains are not prospects (e.g. {strays[0]})")
    due_today, overdue = int(actions.str.startswith("Due today").sum()), int(actions.str.startswith("Overdue").sum())
    contacts = existing["Contact"] if "Contact" in existing.columns else pd.Series("", index=existing.index)
    left = left_gap_count(existing["Flags"]) if "Flags" in existing.columns else 0
    return FollowupSummary(target=store.label, prospects=len(frame) - left, left_gap=left, due_today=due_today,
                           overdue=overdue,
                           log_rows=len(log.frame), warnings=warnings,
                           next_step="" if due_today or overdue else next_step(status, actions, contacts),
                           api_requests=int(getattr(store, "requests_sent", 0)) - requests_before,
                           seconds=round(time.perf_counter() - started, 3))


def drafts(store: Store, domains: list[str] | None = None) -> dict[str, Any]:
    """Filled outreach emails for the prospects due (or the given domains), and who was skipped and why.

    Reads Prospects, Templates and Do not contact in one batch; writes nothing and sends nothing: the menu
    turns the answer into Gmail drafts for a person to read and send.
    """
    tabs = store.read_named([contract.PROSPECTS, contract.TEMPLATES, contract.DO_NOT_CONTACT])
    prospects = existing_prospects(tabs[contract.PROSPECTS])
    if prospects.empty:
        raise NothingToDoError("The Prospects tab is empty: run Score prospects first")
    templates = parse_templates(tabs[contract.TEMPLATES])
    if not templates.rows:
        raise NothingToDoError("The Templates tab has no templates: run Set up to get a starting set, then "
                               "edit them in your own voice")
    blocked = parse_do_not_contact(tabs[contract.DO_NOT_CONTACT])
    plan = plan_drafts(prospects, templates, blocked, domains or ())
    empty = pd.Series("", index=prospects.index)
    advice = "" if plan.drafts or plan.skipped else next_step(
        prospects.get("Status", empty), prospects.get("Next action", empty), prospects.get("Contact", empty))
    return {"drafts": [asdict(d) for d in plan.drafts],
            "skipped": [{"domain": d, "reason": r} for d, r in plan.skipped],
            "template_problems": templates.problems, "warnings": blocked.problems, "next_step": advice}


def digest(store: Store, today: dt.date, editors: list[str] | None = None,
           allowed_emails: tuple[str, ...] = (), allowed_domains: tuple[str, ...] = ()) -> dict[str, Any]:
    """Update follow-ups, then each Owner's due and overdue prospects (the daily digest's content).

    Only owners who can edit the spreadsheet (``editors``, as the digest's Apps Script reads them; else Drive's
    permissions when they can be read) or whom the deployment allows receive it; the rest are named in the
    warnings. Prospects on Do not contact, by domain or by Contact email, are never in it.
    """
    updated = followups(store, today)
    tabs = store.read_named([contract.PROSPECTS, contract.DO_NOT_CONTACT])
    prospects = existing_prospects(tabs[contract.PROSPECTS])
    blocked = parse_do_not_contact(tabs[contract.DO_NOT_CONTACT])
    owners, unmailable = digest_by_owner(prospects, blocked, sheet_rows(tabs[contract.PROSPECTS]))
    warnings = updated.warnings + blocked.problems
    editor_domains: list[str] = []
    if editors is None and owners:
        editors, editor_domains = _editors_from_drive(store)
    owners, outsiders = mailable_owners(owners, editors, editor_domains, allowed_emails, allowed_domains)
    if outsiders:
        warnings.append("No digest for owners who cannot edit this spreadsheet: " + ", ".join(outsiders[:10])
                        + " (share the spreadsheet with them as Editor to include them)")
    if unmailable:
        warnings.append("Due prospects whose Owner is not an email address get no digest: "
                        + ", ".join(unmailable[:10]))
    return {"owners": owners, "due_today": updated.due_today, "overdue": updated.overdue, "warnings": warnings,
            "next_step": "" if owners else (updated.next_step or "Nothing due for any Owner who can edit this "
                                            "spreadsheet today")}


def _editors_from_drive(store: Store) -> tuple[list[str] | None, list[str]]:
    """Emails and domains with edit access from Drive's permissions; (None, []) when they cannot be read."""
    from sheets_bridge.store.google.http import EDIT_ROLES

    read = getattr(store, "permissions", None)
    if read is None:
        return None, []
    try:
        permissions = read()
    except SheetsBridgeError:
        return None, []
    editing = [p for p in permissions if p.get("role") in EDIT_ROLES]
    return ([str(p.get("emailAddress", "")) for p in editing if p.get("type") == "user"],
            [str(p.get("domain", "")) for p in editing if p.get("type") == "domain"])


def list_do_not_contact(store: Store, today: dt.date) -> dict[str, Any]:
    """Add every prospect whose Status is Do not contact to the Do not contact tab (once each)."""
    tabs = store.read_named([contract.PROSPECTS, contract.DO_NOT_CONTACT])
    prospects = existing_prospects(tabs[contract.PROSPECTS])
    listed = parse_do_not_contact(tabs[contract.DO_NOT_CONTACT])
    status = prospects.get("Status", pd.Series("", index=prospects.index)).astype(str).str.strip().str.lower()
    wanted = [d for d in prospects.loc[status == "do not contact", contract.KEY].astype(str)
              if d not in listed.domains]
    if wanted:
        store.append_rows(contract.DO_NOT_CONTACT, [[d, "Status set to Do not contact", today] for d in wanted],
                          contract.DO_NOT_CONTACT_HEADER)
    return {"added": wanted, "already_listed": int((status == "do not contact").sum()) - len(wanted),
            "warnings": listed.problems}


def import_rankings(store: Store, data: bytes, filename: str, snapshot: dt.date | None) -> dict[str, Any]:
    """Merge a Search Console or rank-tracker export into the Rankings tab (atomic; the same data twice adds
    nothing)."""
    rows, warnings = read_rows(data, filename)
    new = recognise_rankings(rows, f"File '{filename}'", snapshot)
    before = store.read_named([contract.RANKINGS])[contract.RANKINGS]
    merged = merge_rankings(before, new)
    store.replace_tab(contract.RANKINGS, merged)
    return {"rows": len(new), "total": len(merged) - 1, "added": len(merged) - max(len(before), 1),
            "warnings": warnings}


def pull_rankings(store: Store, site: str, today: dt.date, days: int = 90,
                  session: Any = None) -> dict[str, Any]:
    """Pull the Targets' daily clicks, impressions and position from Search Console into the Rankings tab.

    ``site`` is the property as Search Console names it (``sc-domain:example.com`` or a URL prefix); blank
    takes Settings' 'Search console property'. Merged by date and page: pulling twice adds nothing twice.
    """
    from sheets_bridge.store.google.http import GoogleSession, load_credentials
    from sheets_bridge.store.google.search_console import pull_rankings as query_search_console

    tabs = store.read_named([contract.SETTINGS, contract.TARGETS, contract.RANKINGS])
    site = site or parse_settings(tabs[contract.SETTINGS]).search_console_property
    if not site:
        raise NothingToDoError("Say which Search Console property to read: 'Search console property' in Settings "
                               "(e.g. sc-domain:example.com), or --site")
    pages = [u for u in parse_targets(tabs[contract.TARGETS] or None)["url"].astype(str) if u.strip()]
    if not pages:
        raise NothingToDoError("The Targets tab lists no pages: rankings are pulled for your target pages")
    http = session or getattr(store, "session", None) or GoogleSession(load_credentials())
    # Search Console's final data lags about three days
    end = today - dt.timedelta(days=3)
    new = query_search_console(http, site, pages, end - dt.timedelta(days=days - 1), end)
    before = tabs[contract.RANKINGS]
    merged = merge_rankings(before, new)
    store.replace_tab(contract.RANKINGS, merged)
    return {"rows": len(new), "added": len(merged) - max(len(before), 1), "total": len(merged) - 1,
            "pages": len(pages), "site": site, "warnings": []}


def sync_gmail(store: Store, events: list[dict[str, Any]]) -> dict[str, Any]:
    """Append Sent and Replied rows for Gmail messages with prospects' contacts (each message once)."""
    tabs = store.read_named([contract.PROSPECTS, contract.OUTREACH_LOG])
    prospects = existing_prospects(tabs[contract.PROSPECTS])
    if prospects.empty:
        raise NothingToDoError("The Prospects tab is empty: run Score prospects first")
    log = parse_outreach_log(tabs[contract.OUTREACH_LOG])
    plan = plan_sync(events, prospects, log.frame, logged_ids(tabs[contract.OUTREACH_LOG]))
    if plan.rows:
        store.append_rows(contract.OUTREACH_LOG, plan.rows, contract.LOG_HEADER)
    results = [row[contract.LOG_HEADER.index("Result")] for row in plan.rows]
    return {"logged_sent": results.count("Sent"), "logged_replies": results.count("Replied"),
            "already_logged": plan.already_logged, "not_prospects": plan.not_prospects,
            "warnings": plan.problems + list(log.problems)}


def setup(store: Store) -> dict[str, Any]:
    """Create the reserved tabs and their formatting; a second run changes nothing."""
    requests_before = int(getattr(store, "requests_sent", 0))
    result = store.apply_layout()
    result["api_requests"] = int(getattr(store, "requests_sent", 0)) - requests_before
    return result


def checklist_facts(titles: list[str], tabs: dict[str, Values], settings: Settings, prospects: pd.DataFrame,
                    log: pd.DataFrame) -> ChecklistFacts:
    """The launch checklist's facts from the tab names, Settings, Prospects, Templates, Run log and Outreach log."""
    reserved = {t.lower() for t in contract.RESERVED_TABS}
    competitors = []
    for title in titles:
        if title.lower() in reserved:
            continue
        try:
            site = key_host(title).key
        except InvalidHostError:
            continue
        if site != settings.your_domain:
            competitors.append(site)
    authority = pd.to_numeric(prospects.get("Authority", pd.Series(dtype=object)), errors="coerce")
    score_lines = [r for r in tabs[contract.RUN_LOG][1:] if len(r) > 2 and str(r[2]).strip() == "Score prospects"]
    return ChecklistFacts(
        competitors=competitors, your_authority=settings.your_authority,
        competitor_authority=dict(settings.competitor_authority), prospects=len(prospects),
        giants=int((authority >= 0.9).sum()),
        target_urls=[str(u) for u, kind in zip(prospects.get("Target URL", pd.Series(dtype=object)).fillna(""),
                                               prospects.get("Page type", pd.Series("", index=prospects.index)),
                                               strict=False)
                     if kind != "directory"],  # a listing points to the home page by design
        last_score_warnings=str(score_lines[-1][5]) if score_lines and len(score_lines[-1]) > 5 else
        ("" if score_lines else None),
        template_problems=parse_templates(tabs[contract.TEMPLATES]).problems if tabs[contract.TEMPLATES] else None,
        logged_results=set(log["result"].astype(str)))


def dashboard(store: Store, today: dt.date) -> dict[str, Any]:
    """Rebuild the Dashboard tab (values and charts) from Prospects, the Outreach log and the launch checklist's
    tabs (4 API requests: tab names, one read, the write)."""
    started = time.perf_counter()
    requests_before = int(getattr(store, "requests_sent", 0))
    titles = store.tab_titles()
    wanted = [contract.SETTINGS, contract.OUTREACH_LOG, contract.PROSPECTS, contract.TEMPLATES, contract.RUN_LOG,
              contract.RANKINGS]
    present = store.read_named([t for t in wanted if t in titles])
    tabs = {t: present.get(t, []) for t in wanted}
    settings = parse_settings(tabs[contract.SETTINGS])
    log = parse_outreach_log(tabs[contract.OUTREACH_LOG])
    prospects = existing_prospects(tabs[contract.PROSPECTS])
    metrics = compute_metrics(prospects, log.frame, settings, today,
                              exact_threshold=settings.exact_match_threshold / 100, rankings=tabs[contract.RANKINGS])
    metrics.checklist = launch_checklist(checklist_facts(titles, tabs, settings, prospects, log.frame))
    store.write_dashboard(build_layout(metrics))
    result = asdict(metrics)
    result["today"] = today.isoformat()
    result["weekly"] = [[w.isoformat(), n, spike] for w, n, spike in metrics.weekly]
    result["warnings"] = list(log.problems)
    result["api_requests"] = int(getattr(store, "requests_sent", 0)) - requests_before
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result
