"""The command line: parses arguments and delegates to the service; exit 2 with one line on user errors."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sheets_bridge import __version__
from sheets_bridge.exceptions import SheetsBridgeError, TargetError
from sheets_bridge.progress import ProgressBar

if TYPE_CHECKING:
    import pandas as pd

    from sheets_bridge.service.actions import ScoreSummary
    from sheets_bridge.store.base import Store

EXPORT_SUFFIXES = (".csv", ".tsv", ".txt")
SERVING = frozenset({"serve", "emulator"})  # commands that run until stopped


def open_store(target: str) -> Store:
    """An .xlsx workbook by path, or a Google spreadsheet by id or URL."""
    from sheets_bridge.store.google.sheets import GoogleStore, spreadsheet_id_of

    if target.lower().endswith(EXPORT_SUFFIXES):
        raise TargetError(f"'{target}' is an export file, not a workbook: add it to one with 'sheets-bridge import "
                          f"WORKBOOK {target} --domain SITE', then score the workbook")
    if target.lower().endswith((".xlsx", ".xlsm")) or Path(target).exists():
        from sheets_bridge.store.xlsx import XlsxStore

        return XlsxStore(target)
    book_id = spreadsheet_id_of(target)
    if book_id is None:
        raise TargetError(f"'{target}' is neither an .xlsx workbook nor a Google spreadsheet id or URL")
    return GoogleStore(book_id)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got '{text}'") from None


def _jobs(text: str) -> int:
    """A --jobs value: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of files to read at once (1 or more)")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    parser = argparse.ArgumentParser(prog="sheets-bridge", description="Backlink gap prospecting for Sheets.")
    parser.add_argument("--version", action="version", version=f"sheets-bridge {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="build the demo workbook from bundled sample exports and score it")
    demo.add_argument("--out", type=Path, default=Path("demo.xlsx"), help="where to write the workbook")
    demo.add_argument("--today", type=_date, default=None, help="the date to compute follow-ups from")
    scorer = sub.add_parser("score", help="score a workbook (.xlsx) or a Google spreadsheet (id or URL) in place")
    scorer.add_argument("target", help="an .xlsx path, a spreadsheet id, or a docs.google.com URL")
    scorer.add_argument("--today", type=_date, default=None, help="the date to compute follow-ups from")
    scorer.add_argument("--top", type=int, default=10, help="how many top prospects to print")
    for name, text in (("followups", "recompute touches, next follow-ups and next actions"),
                       ("dashboard", "rebuild the Dashboard tab with its charts")):
        action = sub.add_parser(name, help=text)
        action.add_argument("target", help="an .xlsx path, a spreadsheet id, or a docs.google.com URL")
        action.add_argument("--today", type=_date, default=None, help="the date to compute from")
    ranker = sub.add_parser("rankings", help="rankings of your pages: import a Search Console or rank-tracker export")
    ranker.add_argument("action", choices=["import", "pull"])
    ranker.add_argument("target", help="an .xlsx path, a spreadsheet id, or a docs.google.com URL")
    ranker.add_argument("file", type=Path, nargs="?", default=None,
                        help="import: a Search Console performance export (Pages) or a dated export")
    ranker.add_argument("--date", type=_date, default=None,
                        help="import: the day the export was taken (a Search Console Pages export has no date)")
    ranker.add_argument("--site", default="", help="pull: the Search Console property, e.g. sc-domain:example.com")
    ranker.add_argument("--days", type=int, default=90, help="pull: how many days back (default 90)")
    ranker.add_argument("--today", type=_date, default=None, help="pull: the date to count back from")
    drafter = sub.add_parser("drafts", help="print the outreach emails due (filled from Templates); sends nothing")
    drafter.add_argument("target", help="an .xlsx path, a spreadsheet id, or a docs.google.com URL")
    drafter.add_argument("--domain", action="append", default=[], help="draft for this prospect (repeatable)")
    setup_cmd = sub.add_parser("setup", help="reserved tabs, headers, dropdowns, colours and formats (idempotent; "
                                             "a new .xlsx path creates the workbook)")
    setup_cmd.add_argument("target", help="a workbook (.xlsx) or a Google spreadsheet id or URL")
    importer = sub.add_parser("import", help="add or replace a tab from an export file")
    importer.add_argument("workbook", help="a workbook (.xlsx, created if missing) or a Google spreadsheet id or URL")
    importer.add_argument("file", type=Path)
    importer.add_argument("--domain", default="",
                          help="the site the export describes (the tab name); by default the site its file "
                               "name says (rival.com.csv, https___rival.com_-Latest links-2026-05-18.csv)")
    importer.add_argument("--append", action="store_true",
                          help="add the file's rows below the tab's (one export split in parts)")
    importer.add_argument("--force", action="store_true",
                          help="import even when the export's target URLs are another site's")
    gap = sub.add_parser("gap", help="the gap straight from export files, written to a .csv or .xlsx list")
    gap.add_argument("files", nargs="+", type=Path, metavar="FILE",
                     help="competitor exports; each file's site from its name (rival.com.csv) or its target URLs")
    gap.add_argument("--own", type=Path, default=None, metavar="FILE",
                     help="your own site's export: domains already linking to you are left out")
    gap.add_argument("--settings", type=Path, default=None, metavar="FILE",
                     help="a CSV of Settings rows (Key, Value), as on the Settings tab")
    gap.add_argument("--targets", type=Path, default=None, metavar="FILE",
                     help="a CSV of your pages to pitch (URL, Page kind, Topic keywords), as on the Targets tab")
    gap.add_argument("--out", type=Path, required=True, metavar="OUT", help="OUT.csv or OUT.xlsx")
    gap.add_argument("--today", type=_date, default=None, help="the date to compute follow-ups from")
    gap.add_argument("--quiet", action="store_true", help="print nothing but errors")
    gap.add_argument("--jobs", type=_jobs, default=0, metavar="N",
                     help="files read at once (default: one per core, at most 4; 1 uses the least memory)")
    server = sub.add_parser("serve", help="run the HTTP service under gunicorn")
    server.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    server.add_argument("--host", default=None,
                        help="address to listen on (default 0.0.0.0; 127.0.0.1 with --insecure-dev)")
    server.add_argument("--workers", type=int, default=1,
                        help="gunicorn worker processes (default 1, with 4 threads: fits 512 MiB, see README)")
    server.add_argument("--insecure-dev", action="store_true",
                        help="accept unauthenticated requests (local development only)")
    emulator = sub.add_parser("emulator", help="run the local Google Sheets API emulator")
    emulator.add_argument("--port", type=int, default=8765)
    emulator.add_argument("--host", default="127.0.0.1")
    emulator.add_argument("--data", default=None, help="directory to persist spreadsheets as JSON")
    emulator.add_argument("--write-key", type=Path, default=None, metavar="KEY.json",
                          help="write a service-account key file for this emulator, then serve")
    creator = sub.add_parser("new-sheet", help="create a Google spreadsheet (or one in the emulator) and print its id")
    creator.add_argument("title")
    return parser


def print_summary(summary: ScoreSummary, prospects: pd.DataFrame, top: int) -> None:
    """Print the run summary and the top prospects."""
    requests = f" with {summary.api_requests} API requests" if summary.api_requests else ""
    print(f"Scored {summary.target} in {summary.seconds:.2f} s{requests}")
    for tab in summary.tabs:
        ignored = f"; ignored: {', '.join(tab.ignored)}" if tab.ignored else ""
        print(f"  {tab.tab}: {tab.rows} rows, {tab.format}{ignored}")
    print(f"Own site: {summary.own_site or '(not set)'}; competitors: {', '.join(summary.competitors)}")
    print(f"Prospects: {summary.prospects} ({summary.new} new, {summary.updated} updated, "
          f"{summary.left_gap} left the gap or now link to you); tiers: "
          + ", ".join(f"{t} {n}" for t, n in summary.tiers.items()))
    if summary.excluded:
        print("Excluded (domains, unless marked rows):")
        for reason, count in summary.excluded.items():
            print(f"  {count:>6}  {reason}")
        print("  The Excluded tab shows each domain left out for its pages or name, with the evidence: "
              "type Keep beside one to keep it")
    for warning in summary.warnings:
        print(f"Warning: {warning}")
    if summary.output:
        print(f"Written to {summary.output}")
    if top > 0 and len(prospects):
        view = prospects.head(top)[["Domain", "Priority", "Tier", "Page type", "Target URL", "Why"]]
        print(f"\nTop {min(top, len(view))} prospects:")
        import pandas as pd

        with pd.option_context("display.max_colwidth", 60, "display.width", 200):
            print(view.to_string(index=False))


def print_dashboard(d: dict[str, Any]) -> None:
    """Print the Dashboard's figures."""
    print(f"\nDashboard as of {d['today']}")
    print("  Pipeline: " + ", ".join(f"{s} {n}" for s, n in d["status_counts"] if n)
          + f" (in the gap now {d['status_counts'][-1][1] - d['left_gap']}, no longer in the gap {d['left_gap']})")
    for angle, contacted, positive, rate in d["reply_by_angle"]:
        print(f"  Reply rate, {angle}: {positive}/{contacted} = {rate:.0%}")
    for tier, contacted, placed, rate in d["placement_by_tier"]:
        print(f"  Placement rate, tier {tier}: {placed}/{contacted} = {rate:.0%}")
    print(f"  Days first touch to placement: mean {d['mean_days_to_placement']}, median "
          f"{d['median_days_to_placement']} ({d['placed_with_dates']} placements)")
    print("  Anchor mix: " + ", ".join(f"{k} {n}" for k, n, _ in d["anchor_mix"])
          + (" (EXACT-MATCH RISK)" if d["exact_match_risk"] else ""))
    spikes = [w for w, _, spike in d["weekly"] if spike]
    print(f"  Placements in the last {len(d['weekly'])} weeks: {sum(n for _, n, _ in d['weekly'])}"
          + (f"; spike in week of {', '.join(spikes)}" if spikes else ""))
    print(f"  Follow-ups due this week: {d['due_this_week']}; overdue: {d['overdue']}")
    for target, top, every in d.get("assets_waiting", [])[:3]:
        print(f"  Improve before outreach: {target} ({every} prospects wait, {top} of tier A or B)")
    forecast = d.get("forecast")
    if forecast:
        expected = forecast["placed_this_quarter"] + forecast["expected"]
        goal = f" against a goal of {forecast['goal']}" if forecast["goal"] else ""
        print(f"  Quarter forecast: {expected:.1f} placements ({forecast['placed_this_quarter'] + forecast['low']:.1f}"
              f" to {forecast['placed_this_quarter'] + forecast['high']:.1f}){goal}")
    if d.get("plan"):
        print(f"  90-day plan: {d['plan']['title']}")
    for check, status, fix in d.get("checklist", []):
        if status != "pass":
            print(f"  Launch checklist, {check}: {status}, {fix}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args = build_parser().parse_args(argv)
    collecting = gc.isenabled()
    if args.command not in SERVING:  # a one-off run: its imports and its work make no cycles worth collecting
        gc.disable()  # (start-up takes about 7% less CPU); a serving process keeps the collector
    try:
        from sheets_bridge.service.memory import use_system_allocator

        use_system_allocator()  # before any Arrow memory is taken (the served workers inherit it)
        return _run(args)
    except SheetsBridgeError as exc:
        print(f"sheets-bridge: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("sheets-bridge: interrupted; the workbook was not changed", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `sheets-bridge score book.xlsx | head`: the reader left, the work was done
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush does not raise again
        return 0
    finally:
        if collecting:
            gc.enable()


def _gap(args: argparse.Namespace, today: dt.date) -> int:
    from sheets_bridge.service.file_gap import check_output, gap_from_files, write_gap

    check_output(args.out)
    result = gap_from_files(args.files, args.own, args.settings, today, targets_file=args.targets, jobs=args.jobs)
    write_gap(result.prospects, args.out)
    if not args.quiet:
        tiers = result.prospects["Tier"].value_counts()
        print(f"Gap of {', '.join(result.competitors)} against {result.own or '(no own-site export)'}: "
              f"{len(result.prospects)} prospects ("
              + ", ".join(f"tier {t} {tiers.get(t, 0)}" for t in ("A", "B", "C", "D") if tiers.get(t, 0)) + ")")
        for reason, count in result.excluded.items():
            if count:
                print(f"  excluded {count:>6}  {reason}")
        for warning in result.warnings:
            print(f"Warning: {warning}")
        print(f"Written to {args.out}")
    return 0


def _who() -> str:
    """Who a command-line run is, as a second click on the same spreadsheet is told."""
    return f"{getpass.getuser()} (command line)"


def _run(args: argparse.Namespace) -> int:
    today = getattr(args, "today", None) or dt.date.today()
    if args.command == "gap":  # export files only: the service (and the Google stack) is never imported
        return _gap(args, today)
    from sheets_bridge.service.actions import dashboard, followups, import_export, score, setup

    if args.command == "demo":
        from sheets_bridge.service.demo import build_demo_workbook

        tabs = build_demo_workbook(args.out)
        print(f"Built {args.out} with sample exports for: {', '.join(tabs)}")
        from sheets_bridge.store.xlsx import XlsxStore

        demo_store = XlsxStore(args.out)
        summary, prospects = score(demo_store, today, ProgressBar())
        print_summary(summary, prospects, 10)
        print_dashboard(dashboard(demo_store, today))
        return 0
    if args.command == "score":
        store = open_store(args.target)
        with store.hold(_who(), "Score prospects"):
            summary, prospects = score(store, today, ProgressBar())
        print_summary(summary, prospects, args.top)
        return 0
    if args.command == "followups":
        store = open_store(args.target)
        with store.hold(_who(), "Update follow-ups"):
            result = followups(store, today)
        print(f"Follow-ups for {result.prospects} prospects"
              + (f" (and {result.left_gap} no longer in the gap)" if result.left_gap else "")
              + f": {result.due_today} due today, {result.overdue} overdue"
              + (f" ({result.api_requests} API requests)" if result.api_requests else ""))
        if result.next_step:
            print(f"Next step: {result.next_step}")
        for warning in result.warnings:
            print(f"Warning: {warning}")
        return 0
    if args.command == "dashboard":
        store = open_store(args.target)
        with store.hold(_who(), "Refresh dashboard"):
            print_dashboard(dashboard(store, today))
        return 0
    if args.command == "serve":
        from sheets_bridge.web.server import run_server

        return run_server(args.host, args.port, args.workers, args.insecure_dev)
    if args.command == "emulator":
        try:
            from sheets_emulator.cli import run as run_emulator
        except ImportError:
            print("sheets-bridge: the Sheets API emulator is not installed (it ships with the repository, "
                  "not the service image)", file=sys.stderr)
            return 2
        return run_emulator(args.port, args.host, args.data, args.write_key, prog="sheets-bridge")
    if args.command == "new-sheet":
        from sheets_bridge.store.google.sheets import create_spreadsheet

        print(create_spreadsheet(args.title))
        return 0
    if args.command == "import":
        if not args.file.is_file():
            print(f"sheets-bridge: no file at '{args.file}'", file=sys.stderr)
            return 2
        domain = args.domain
        if not domain.strip():
            from sheets_bridge.service.file_gap import site_of_filename

            domain = site_of_filename(args.file.name)
            if not domain:
                print(f"sheets-bridge: the name '{args.file.name}' does not say which site the export describes: "
                      "give it with --domain (for example --domain competitor-a.com)", file=sys.stderr)
                return 2
        target = str(args.workbook)
        is_workbook = target.lower().endswith((".xlsx", ".xlsm")) or Path(target).exists()
        if is_workbook:
            from sheets_bridge.store.xlsx import XlsxStore

            store = XlsxStore(target, create=True)
        else:
            store = open_store(target)
        with store.hold(_who(), "Import export file"):
            imported = import_export(store, args.file.read_bytes(), args.file.name, domain,
                                     append=args.append, force=args.force)
        if imported["appended"]:
            print(f"Tab '{imported['tab']}': {imported['added']} rows added, {imported['total']} in all, "
                  f"{imported['format']}")
        else:
            print(f"Tab '{imported['tab']}': {imported['rows']} rows, {imported['format']}")
        if imported["ignored"]:
            print(f"Ignored columns: {', '.join(imported['ignored'])}")
        for warning in imported["warnings"]:
            print(f"Warning: {warning}")
        return 0
    if args.command == "rankings" and args.action == "pull":
        from sheets_bridge.service.actions import pull_rankings

        store = open_store(args.target)
        with store.hold(_who(), "Pull rankings"):
            pulled = pull_rankings(store, args.site, today, max(1, min(args.days, 480)))
        print(f"Rankings from {pulled['site']}: {pulled['rows']} rows for {pulled['pages']} target pages, "
              f"{pulled['added']} new, {pulled['total']} in the tab")
        return 0
    if args.command == "rankings":
        from sheets_bridge.service.actions import import_rankings

        if args.file is None or not args.file.is_file():
            print(f"sheets-bridge: no file at '{args.file}'", file=sys.stderr)
            return 2
        store = open_store(args.target)
        with store.hold(_who(), "Import rankings"):
            merged = import_rankings(store, args.file.read_bytes(), args.file.name, args.date)
        print(f"Rankings: {merged['rows']} rows read, {merged['added']} new, {merged['total']} in the tab")
        return 0
    if args.command == "drafts":
        from sheets_bridge.service.actions import drafts

        store = open_store(args.target)
        with store.hold(_who(), "Prepare drafts"):
            prepared = drafts(store, args.domain)
        for draft in prepared["drafts"]:
            print(f"--- {draft['domain']} (touch {draft['touch']}) to {draft['to']}\nSubject: {draft['subject']}\n\n"
                  f"{draft['body']}\n")
        print(f"{len(prepared['drafts'])} drafts, {len(prepared['skipped'])} skipped")
        if prepared["next_step"]:
            print(f"Next step: {prepared['next_step']}")
        for skipped in prepared["skipped"]:
            print(f"  skipped {skipped['domain']}: {skipped['reason']}")
        for problem in prepared["template_problems"] + prepared["warnings"]:
            print(f"Warning: {problem}")
        return 0
    if args.command == "setup":
        if args.target.lower().endswith(".xlsx") and not Path(args.target).exists():
            from sheets_bridge.store.xlsx import XlsxStore

            store = XlsxStore(args.target, create=True)  # a new workbook: set up from nothing
        else:
            store = open_store(args.target)
        with store.hold(_who(), "Set up"):
            laid = setup(store)
        print("Created tabs: " + ", ".join(laid["created_tabs"]) if laid["created_tabs"] else
              "The spreadsheet was already set up" if not laid["changed"] else "Layout applied")
        return 0
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
