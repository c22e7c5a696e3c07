"""Mutation check: plant named bugs in a temporary copy of the project and see the fast checks catch each one.

Usage: python benchmarks/mutations.py [--only NAME ...] [--list] [--timeout 900]

Each mutation replaces one exact piece of product code (it must occur exactly once, or the mutation is
reported as stale). The copy is tested with the reliability, security and store tests (chaos and crash
harnesses at their fixed seeds included), stopping at the first failure. The unmutated copy runs first and
must pass, or the table means nothing. Prints one row per mutation: caught or MISSED, the first failing
test and the seconds it took; exits 1 when any mutation is missed or stale.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKS = ["tests/test_security.py", "tests/test_store_reliability.py", "tests/test_service.py",
          "tests/test_google_store.py", "tests/test_reserved_tabs_fuzz.py", "tests/test_reliability.py"]


@dataclass(frozen=True)
class Mutation:
    """One deliberate bug: in ``path``, ``old`` becomes ``new``."""

    name: str
    path: str
    old: str
    new: str
    checks: tuple[str, ...] = ()  # the tests that guard it, when not the default reliability checks


PERSON = ("tests/test_person.py", "tests/test_team_burst.py")
HOSTILE = ("tests/test_lease_hostile.py",)
QUALITY = ("tests/test_verdict.py", "tests/test_real_exports.py", "tests/test_excluded_tab.py",
           "tests/test_header_styles.py", "tests/test_gap.py", "tests/test_targets_cadence.py")

MUTATIONS = [
    # one run per spreadsheet
    Mutation("lease-not-taken (per-process guard only)", "sheets_bridge/store/google/sheets.py",
             "        lease.acquire()\n", "        lease.held = False\n"),
    Mutation("lease-never-released", "sheets_bridge/store/google/sheets.py",
             "                lease.release(self._after_write)\n", "                pass\n"),
    # the layout's stated import directions
    Mutation("store-imports-the-web", "sheets_bridge/store/google/lease.py",
             "from sheets_bridge.exceptions import AuthenticationError, SheetsBridgeError\n",
             "from sheets_bridge.exceptions import SheetsBridgeError\n"
             "from sheets_bridge.web.auth import AuthenticationError\n",
             ("tests/test_project.py",)),
    Mutation("domains-and-suffixes-import-each-other", "sheets_bridge/intake/suffixes.py",
             "    lists = extractor()._get_tld_extractor()\n",
             "    from sheets_bridge.intake.domains import extractor as shared\n\n"
             "    lists = shared()._get_tld_extractor()\n", ("tests/test_project.py",)),
    Mutation("service-imports-the-engine-to-start", "sheets_bridge/web/routes.py",
             "from sheets_bridge import __version__\n",
             "from sheets_bridge import __version__\nfrom sheets_bridge.service import actions as _eager  # noqa\n",
             ("tests/test_project.py",)),
    # the emulator refuses what Google refuses
    Mutation("emulator-accepts-unknown-fields", "sheets_emulator/schema.py",
             "                self.unknown(key, path)\n                continue\n", "                continue\n",
             ("tests/test_emulator_schema.py",)),
    Mutation("emulator-accepts-any-enum-value", "sheets_emulator/schema.py",
             '        elif "enum" in schema:\n', '        elif "enum" in schema and False:\n',
             ("tests/test_emulator_schema.py",)),
    Mutation("emulator-answers-never-checked", "sheets_emulator/app.py",
             "        if st().check_answers and method is not None", "        if False and method is not None",
             ("tests/test_emulator_schema.py",)),
    # what a person sees, rendered by LibreOffice
    Mutation("template-bodies-one-line-high", "sheets_bridge/store/xlsx_style.py",
             "            ws.row_dimensions[row].height = points\n", "            pass\n",
             ("tests/test_rendered.py",)),
    Mutation("prospect-notes-one-line-high", "sheets_bridge/store/xlsx_style.py",
             "                    ws.row_dimensions[row].height = max(current, "
             "wrapped_height(cell.value, style.width))\n",
             "                    pass\n", ("tests/test_rendered.py",)),
    Mutation("run-log-time-left-a-serial-number", "sheets_bridge/store/google/sheets.py",
             "        self._after_run(run_log_formats)", "        pass", ("tests/test_google_store.py",)),
    Mutation("appended-dates-left-serial-numbers", "sheets_bridge/store/google/sheets.py",
             "        self._after_run(date_formats(sheet_id, start - 1, rows))", "        pass",
             ("tests/test_google_store.py",)),
    Mutation("emulator-moves-rows-after-removal", "sheets_emulator/api/kinds.py",
             "    at = destination - (end - start) if destination > start else destination\n",
             "    at = destination\n", ("tests/test_emulator_kinds.py",)),
    Mutation("rule-unless-ignored", "sheets_bridge/gap/spam.py",
             "            if rule.unless:\n", "            if False:\n", ("tests/test_verdict.py",)),
    Mutation("links-pages-judged-as-link-farms", "sheets_bridge/gap/spam.py",
             "            if rule.unless:  # a links page", "            if False:  # a links page",
             ("tests/test_verdict.py",)),
    Mutation("a-competitors-run-on-profile-name-missed", "sheets_bridge/gap/spam.py",
             "hit = contains(segments, pattern) | contains(squashed, run_on)",
             "hit = contains(segments, pattern)", ("tests/test_verdict.py",)),
    Mutation("blogger-archives-read-as-search-pages", "sheets_bridge/data/page_signals.json",
             "^[^?]*/search\\\\?(updated-max", "^[^?]*/nosearch\\\\?(updated-max", ("tests/test_verdict.py",)),
    Mutation("sex-offence-pages-read-as-adult", "sheets_bridge/data/page_signals.json",
             '"unless": "sex offenders?', '"unless": "zzzz offenders?', ("tests/test_verdict.py",)),
    Mutation("listing-compare-pages-read-as-comparisons", "sheets_bridge/data/page_types.json",
             '"id": "listing-compare", "type": "directory"', '"id": "listing-compare", "type": "comparison"',
             ("tests/test_verdict.py",)),
    Mutation("year-in-review-read-as-a-review", "sheets_bridge/data/page_types.json",
             '"unless": "\\\\byear in review', '"unless": "\\\\bzzzz in review', ("tests/test_verdict.py",)),
    Mutation("a-publishers-own-title-read-as-a-copy", "sheets_bridge/data/page_signals.json",
             '"unless": "(^|\\\\.)(wired|nytimes', '"unless": "(^|\\\\.)(zzzzz|nytimes', ("tests/test_verdict.py",)),
    Mutation("a-cv-with-many-links-read-as-a-link-farm", "sheets_bridge/data/page_signals.json",
             "|curriculum[- ]vitae|\\\\bcv\\\\b|", "|zzzz|", ("tests/test_verdict.py",)),
    Mutation("booking-pages-read-as-prospects", "sheets_bridge/gap/spam.py",
             'r"replies|jobs|reservations|gift-?certificates|booking")', 'r"replies|jobs")',
             ("tests/test_verdict.py",)),
    Mutation("redirect-anchors-read-as-plain-links", "sheets_bridge/data/page_signals.json",
             '"pattern": "/(clickthrough|out|', '"pattern": "/(zzzzthrough|zzz|', ("tests/test_verdict.py",)),
    Mutation("www-label-dropped-even-when-only-a-suffix-is-left", "sheets_bridge/intake/domains.py",
             '_WWW_PREFIX = r"^www[0-9]{0,3}\\.(.+\\..+)$"', '_WWW_PREFIX = r"^www[0-9]{0,3}\\.(.+)$"',
             ("tests/test_domains.py",)),
    Mutation("majestic-page-flow-read-as-the-sites", "sheets_bridge/data/formats.json",
             '"authority:TF": ["trustflow", ', '"authority:TF": ["sourcetrustflow", "trustflow", ',
             ("tests/test_majestic_authority.py",)),
    Mutation("majestic-page-flow-weighed-as-a-sites", "sheets_bridge/intake/ingest.py",
             'PAGE_LEVEL = frozenset({"UR", "page AS", "PA", "page TF", "page CF"})',
             'PAGE_LEVEL = frozenset({"UR", "page AS", "PA"})', ("tests/test_majestic_authority.py",)),
    Mutation("page-level-note-names-the-first-column-not-the-ranked-one", "sheets_bridge/intake/ingest.py",
             'first = min(scales, key=load_json("formats.json")["authority_preference"].index)',
             "first = scales[0]", ("tests/test_majestic_authority.py",)),
    Mutation("software-directory-compare-pages-read-as-comparisons", "sheets_bridge/data/page_types.json",
             "|(get|start) (a |your )?free trial|try (it )?(for )?free|free trial)", ")", ("tests/test_verdict.py",)),
    Mutation("software-directory-names-read-under-any-host", "sheets_bridge/data/page_types.json",
             "|featuredcustomers|techjockey|selecthub)\\\\.[a-z]{2,3}(\\\\.[a-z]{2})?/",
             "|featuredcustomers|techjockey|selecthub)\\\\.[a-z.]+/", ("tests/test_verdict.py",)),
    Mutation("server-host-copies-keyed-as-the-site", "sheets_bridge/data/page_signals.json",
             "|^(smtp|webmail|hostmaster|", "|^(zzzz|zzzzz|zzzzzz|", ("tests/test_verdict.py",)),
    Mutation("contact-data-sites-kept", "sheets_bridge/data/page_signals.json",
             "|lusha|leadiq|aeroleads|", "|lusha|zzzzleadiq|zzzzaeroleads|", ("tests/test_verdict.py",)),
    Mutation("cloud-hosts-with-a-region-kept", "sheets_bridge/data/page_signals.json",
             "|^ec2-[0-9-]+\\\\.([a-z0-9-]+\\\\.)+amazonaws", "|^ec2-[0-9-]+\\\\.([a-z0-9-]+\\\\.)amazonaws",
             ("tests/test_verdict.py",)),
    Mutation("faculty-pages-read-as-articles", "sheets_bridge/data/page_types.json",
             "|/(faculty|researchers|investigators|team-members)/", "|/(zzzz)/", ("tests/test_verdict.py",)),
    Mutation("numbered-blog-lists-read-as-articles", "sheets_bridge/data/page_types.json",
             "|/page[0-9]+/?($|\\\\?)", "", ("tests/test_verdict.py",)),
    Mutation("keyword-pages-on-app-hosts-kept", "sheets_bridge/data/page_signals.json",
             '"id": "app-host-keyword-page", "verdict": "spam"', '"id": "app-host-keyword-page", "verdict": "pitch"',
             ("tests/test_verdict.py",)),
    Mutation("app-host-rule-reads-any-path", "sheets_bridge/data/page_signals.json",
             "|glitch\\\\.me)/.*[a-z0-9]+(-[a-z0-9]+){2,}", "|glitch\\\\.me)/", ("tests/test_verdict.py",)),
    Mutation("titled-collections-read-as-other-pages", "sheets_bridge/data/page_types.json",
             '"id": "resource-collection-title", "type": "resource page"',
             '"id": "resource-collection-title", "type": "other"', ("tests/test_verdict.py",)),
    Mutation("prefilter-drops-pages-a-rule-would-find", "sheets_bridge/gap/spam.py",
             "        findable |= contains(fields[name], pattern)\n",
             "        findable |= contains(fields[name], pattern) & (name != \"title\")\n", ("tests/test_verdict.py",)),
    Mutation("a-review-of-a-competitor-read-as-its-profile", "sheets_bridge/gap/spam.py",
             "pattern = rf\"^(?:/(?:{PROFILE_PARENTS}))*/{name}",
             "pattern = rf\"^(?:/[^/]+)*/{name}", ("tests/test_verdict.py",)),
    Mutation("emulator-formulas-not-recalculated-after-values-writes", "sheets_emulator/app.py",
             "    formulas.recalculate(book)\n    book.modified = now_rfc3339()\n",
             "    book.modified = now_rfc3339()\n", ("tests/test_emulator_formulas.py",)),
    Mutation("emulator-formula-ranges-read-one-cell", "sheets_emulator/sheets/formulas.py",
             "            for item in ev.values(value):\n", "            for item in list(ev.values(value))[:1]:\n",
             ("tests/test_emulator_formulas.py",)),
    Mutation("emulator-circular-formula-recurses", "sheets_emulator/sheets/formulas.py",
             "        if key in self.busy:\n            raise _Circular\n", "",
             ("tests/test_emulator_formulas.py",)),
    Mutation("emulator-csv-import-keeps-other-sheets", "sheets_emulator/app.py",
             "            book.sheets = [first]\n", "", ("tests/test_emulator_formulas.py",)),
    Mutation("engine-calls-the-network", "sheets_bridge/gap/score.py",
             "from __future__ import annotations\n",
             "from __future__ import annotations\n\nimport requests  # noqa: F401\n", ("tests/test_project.py",)),
    Mutation("emulator-find-replace-ignores-match-case", "sheets_emulator/api/kinds.py",
             'compiled = re.compile(pattern, 0 if body.get("matchCase") else re.IGNORECASE)',
             "compiled = re.compile(pattern, re.IGNORECASE)", ("tests/test_emulator_kinds.py",)),
    Mutation("emulator-batch-write-ignores-include-values", "sheets_emulator/app.py",
             '        if body.get("includeValuesInResponse") and "updatedRange" in written:\n', "        if False:\n",
             ("tests/test_emulator_kinds.py",)),
    Mutation("emulator-refuses-nested-request-lists", "sheets_emulator/schema.py",
             "                value[:] = _flattened(value)", "                pass", ("tests/test_emulator_kinds.py",)),
    Mutation("emulator-date-pattern-ignored", "sheets_emulator/sheets/cells.py",
             '        if pattern.get("type") in {"DATE", "DATE_TIME"} and pattern.get("pattern"):\n',
             "        if False:\n", ("tests/test_emulator_kinds.py",)),
    Mutation("emulator-conditional-formats-never-shown", "sheets_emulator/app.py",
             "                data[\"effectiveFormat\"] = _merged(shown, rule) if rule else shown",
             "                data[\"effectiveFormat\"] = shown", ("tests/test_emulator_kinds.py",)),
    Mutation("lease-ignores-other-runs", "sheets_bridge/store/google/lease.py",
             "        if other is not None:\n            self.release()\n        return other",
             "        return None"),
    Mutation("lease-expired-still-blocks", "sheets_bridge/store/google/lease.py",
             'e.value["id"] != lease_id and e.expires > now]', 'e.value["id"] != lease_id]'),
    Mutation("run-outlives-lease-and-writes", "sheets_bridge/store/google/lease.py",
             "        if self.held and self.now() > self.deadline:", "        if False:", HOSTILE),
    Mutation("retries-run-past-the-lease", "sheets_bridge/store/google/http.py",
             "                if attempt < self.max_attempts and self._deadline_first(waited + delay, waited):\n"
             "                    self._out_of_time()\n                if attempt == self.max_attempts or "
             "waited + delay > self._wait_limit(waited):\n                    return response",
             "                if attempt == self.max_attempts or waited + delay > self.max_wait:\n"
             "                    return response", HOSTILE),
    Mutation("run-log-line-overwrites-the-last", "sheets_bridge/store/google/sheets.py",
             'f"{_quote(RUN_LOG)}!A{len(log_rows) + 1}"', 'f"{_quote(RUN_LOG)}!A{max(len(log_rows), 2)}"'),
    # atomic writes
    Mutation("import-clears-then-fills", "sheets_bridge/store/google/sheets.py",
             '        self._call("batch_update", self.spreadsheet_id, {"requests": stage})\n',
             '        self._call("batch_update", self.spreadsheet_id, {"requests": stage + ([{"updateCells": {'
             '"range": {"sheetId": sheet["sheetId"]}, "fields": "userEnteredValue"}}] if sheet else [])})\n'),
    Mutation("partial-write-says-nothing-was-written", "sheets_bridge/store/google/sheets.py",
             "                if number == 0:\n                    raise\n",
             "                raise\n"),
    Mutation("values-write-split-between-columns", "sheets_bridge/store/google/sheets.py",
             "        chunks = _chunks(ranges)\n", "        chunks = [[r] for r in ranges]\n"),
    # what a run writes
    Mutation("team-column-written-back-from-the-read", "sheets_bridge/store/google/sheets.py",
             "        plan = plan_write(PROSPECTS, header, keys, frame, owned, team, known, len(before), "
             "encode=encoded_now)\n",
             "        from sheets_bridge.intake.prospects_tab import existing_prospects\n"
             "        read = existing_prospects(before)\n"
             "        if len(read) and all(t in read.columns for t in team):\n"
             "            frame = frame.join(read.set_index(KEY)[list(team)], on=KEY)\n"
             "            owned = [*owned, *team]\n"
             "        plan = plan_write(PROSPECTS, header, keys, frame, owned, team, known, len(before), "
             "encode=encoded_now)\n"),
    Mutation("user-entered-instead-of-raw", "sheets_bridge/store/google/sheets.py",
             '{"valueInputOption": "RAW", "data": [{"range": r, "values": v, "majorDimension": major}',
             '{"valueInputOption": "USER_ENTERED", "data": [{"range": r, "values": v, "majorDimension": major}'),
    Mutation("rows-not-owned-blanked", "sheets_bridge/store/align.py",
             "        cells = np.full(bottom - top + 1, None, dtype=object)",
             '        cells = np.full(bottom - top + 1, "", dtype=object)'),
    Mutation("domain-moved-writes-nothing", "sheets_bridge/store/google/sheets.py",
             "            guess = names.index(KEY)\n", "            return header, []\n"),
    Mutation("realignment-skipped", "sheets_bridge/store/google/sheets.py",
             "            header, keys = self._reread(sheet, before)\n",
             "            header, keys = (before[0] if before else []), [r[0] if r else '' for r in before[1:]]\n"),
    Mutation("duplicates-left-in-place", "sheets_bridge/store/google/sheets.py",
             "            if duplicate_keys(keys):\n", "            if False:\n"),
    Mutation("links-to-you-flag-piles-up", "sheets_bridge/service/scoring.py",
             '(links_to_you, "Contacted "))]', '(contract.PLACED_FLAG_PREFIX, "Contacted "))]'),
    # retries
    Mutation("retry-after-ignored", "sheets_bridge/store/google/http.py",
             "                return max(backoff, float(retry_after))", "                return backoff"),
    Mutation("no-wait-between-retries", "sheets_bridge/store/google/http.py",
             "            self.sleep(delay)\n", "            self.sleep(0)\n"),
    # authentication and authorisation
    Mutation("replay-remembered-as-sent", "sheets_bridge/web/auth.py",
             "self.replays.first_use(canonical, window)", "self.replays.first_use(signature, window)"),
    Mutation("replay-guard-per-process", "sheets_bridge/web/routes.py",
             "signature=g.caller.signature,", "signature=None,"),
    Mutation("future-timestamps-accepted", "sheets_bridge/web/auth.py",
             "        if -age > self.config.clock_skew_seconds:", "        if False:"),
    Mutation("path-left-out-of-the-signed-message", "sheets_bridge/web/auth.py",
             'message = f"{timestamp}\\n{method.upper()}\\n{path}\\n".encode() + body',
             'message = f"{timestamp}\\n{method.upper()}\\n".encode() + body'),
    Mutation("allowed-domain-matched-by-suffix", "sheets_bridge/web/auth.py",
             "by_domain = email not in self.config.allowed_emails and domain in self.config.allowed_domains",
             "by_domain = email not in self.config.allowed_emails and any(domain.endswith(d) for d in "
             "self.config.allowed_domains)"),
    Mutation("hd-ignored", "sheets_bridge/web/auth.py",
             'if by_domain and str(claims.get("hd", "")).lower() != domain:', "if False:"),
    Mutation("unknown-kid-refetches", "sheets_bridge/web/auth.py",
             "            if cached and kid is not None and (now - self._unknown.get((url, kid), -1e9) < self.ttl",
             "            if False and (now - self._unknown.get((url, kid), -1e9) < self.ttl"),
    Mutation("edit-access-not-checked", "sheets_bridge/web/routes.py",
             '        if g.caller.method == "id_token" and person is None:\n', "        if False:\n"),
    Mutation("deep-json-answers-500", "sheets_bridge/web/routes.py",
             "    except RecursionError:\n        data = None\n",
             "    except ZeroDivisionError:\n        data = None\n"),
    Mutation("absurd-today-accepted", "sheets_bridge/web/routes.py",
             "    if not FIRST_DAY <= day <= LAST_DAY:", "    if False:"),
    Mutation("insecure-dev-on-every-interface", "sheets_bridge/web/server.py",
             "    if insecure_dev and host is not None and host not in LOOPBACK",
             "    if False and host not in LOOPBACK"),
    Mutation("outreach-log-title-row-breaks-the-run", "sheets_bridge/outreach/cadence.py",
             "    at = header_row(values, (\"date\", \"domain\"))\n", "    at = 0\n"),
    # fast paths that must give what the plain paths give
    Mutation("columnar-reader-keeps-blank-rows", "sheets_bridge/intake/decode.py",
             "    if blank is not None:\n        table = table.filter", "    if False:\n        table = table.filter",
             ("tests/test_ingest.py",)),
    Mutation("blank-row-judged-by-its-first-cell", "sheets_bridge/intake/decode.py",
             "        candidate = pc.and_(candidate, empty(pc.take(column, at)))", "        pass",
             ("tests/test_ingest.py",)),
    Mutation("arrow-dates-roll-impossible-days-over", "sheets_bridge/intake/values.py",
             "    if not len(low):\n        return True", "    if True:\n        return True",
             ("tests/test_values.py",)),
    Mutation("vectorised-cleaning-strips-the-scheme-twice", "sheets_bridge/intake/domains.py",
             'stripped = pc.if_else(rest, pc.replace_substring_regex(text, _SCHEME, "", max_replacements=1), stripped)',
             'stripped = pc.replace_substring_regex(stripped, _SCHEME, "", max_replacements=1)',
             ("tests/test_domains.py",)),
    Mutation("link-group-tie-goes-to-the-later-row", "sheets_bridge/gap/groups.py",
             "ranked = np.lexsort((order, -values, keys))", "ranked = np.lexsort((-order, -values, keys))",
             ("tests/test_groups.py",)),
    Mutation("link-group-keeps-its-worst-example", "sheets_bridge/gap/groups.py",
             'example = by["evidence"].idxmax()', 'example = by["evidence"].idxmin()', ("tests/test_groups.py",)),
    Mutation("link-group-nofollow-share-miscounted", "sheets_bridge/gap/groups.py",
             'nofollow_n=("nofollow_n", "sum"), ugc_sum', 'nofollow_n=("nofollow_n", "max"), ugc_sum',
             ("tests/test_groups.py",)),
    Mutation("sheet-columns-keep-blank-rows", "sheets_bridge/intake/ingest.py",
             "    if not keep.all():", "    if False:", ("tests/test_ingest.py",)),
    Mutation("suffix-exception-rule-ignored", "sheets_bridge/intake/suffixes.py",
             "            suffix_len[exception] = d - 1\n", "            pass\n", ("tests/test_suffixes.py",)),
    # outreach: never pitch who asked not to be, never log a message twice
    Mutation("do-not-contact-ignored-by-drafts", "sheets_bridge/outreach/drafts.py",
             'if blocked.blocks(domain, email) or status.lower() == "do not contact":', "if False:",
             ("tests/test_outreach.py",)),
    Mutation("gmail-message-logged-twice", "sheets_bridge/outreach/gmail_sync.py",
             "        if gmail_id in seen:\n", "        if False:\n", ("tests/test_service.py",)),
    Mutation("emulator-read-returns-blank-text-as-a-value", "sheets_emulator/api/values.py",
             ' & (placed != "")', "", ("tests/test_emulator.py",)),
    Mutation("emulator-rewrite-takes-true-for-one", "sheets_emulator/api/values.py",
             "    if bool in set(map(type, _values_of(olds))) | set(map(type, _values_of(new))):  # True == 1.0\n",
             "    if False:\n", ("tests/test_emulator.py",)),
    Mutation("emulator-rewrite-keeps-a-formula-over-its-value", "sheets_emulator/api/values.py",
             "    rest = {k: v for k, v in old.items() if k not in _KEPT}\n",
             '    rest = {k: v for k, v in old.items() if k not in _KEPT and k != "f"}\n', ("tests/test_emulator.py",)),
    Mutation("emulator-rewrite-keeps-validation-of-a-cleared-cell", "sheets_emulator/api/values.py",
             '        return not rest and "validation" not in old  # a cleared value drops validation\n',
             "        return not rest\n", ("tests/test_emulator.py",)),
    Mutation("emulator-rewrite-skips-a-changed-line", "sheets_emulator/api/values.py",
             "    if any(same):\n        if all(same):\n", "    if any(same):\n        if any(same):\n",
             ("tests/test_emulator.py",)),
    Mutation("emulator-same-rewrite-takes-a-new-version", "sheets_emulator/api/values.py",
             "        if all(same):\n            return\n", "        if False:\n            return\n",
             ("tests/test_emulator.py",)),
    Mutation("emulator-write-through-changes-a-copys-columns", "sheets_emulator/api/values.py",
             "            columns[c] = list(columns[c])\n", "", ("tests/test_emulator.py",)),
    Mutation("emulator-write-through-shows-whole-numbers-as-floats", "sheets_emulator/api/values.py",
             "                 else int(v) if v.__class__ is float and v.is_integer() else v for cell in written]",
             "                 else v for cell in written]", ("tests/test_emulator.py",)),
    Mutation("emulator-write-through-puts-a-row-one-column-over", "sheets_emulator/api/values.py",
             "            for col, value in zip(along, shown, strict=True):\n",
             "            for col, value in zip([c + 1 for c in along], shown, strict=True):\n",
             ("tests/test_emulator.py",)),
    Mutation("emulator-write-through-shows-a-cleared-cell", "sheets_emulator/api/values.py",
             'shown = ["" if cell is None or (v := cell.get("v")) is None\n',
             'shown = [None if cell is None or (v := cell.get("v")) is None\n', ("tests/test_emulator.py",)),
    Mutation("emulator-write-through-lays-out-a-sheet-with-values-as-empty", "sheets_emulator/api/values.py",
             'if columns is None and not any(map(operator.contains, cell_map.values(), itertools.repeat("v"))):',
             "if columns is None:", ("tests/test_emulator.py",)),
    Mutation("cli-leaves-the-collector-off", "sheets_bridge/cli.py",
             "        if collecting:\n            gc.enable()\n", "        if collecting:\n            pass\n",
             ("tests/test_cli.py",)),
    Mutation("cli-pauses-the-collector-of-a-server", "sheets_bridge/cli.py",
             "    if args.command not in SERVING:", "    if True:", ("tests/test_cli.py",)),
    Mutation("write-plan-takes-a-keys-last-row", "sheets_bridge/store/align.py",
             "    rows = dict(zip(reversed(texts), range(len(texts) + 1, 1, -1), strict=True))\n",
             "    rows = dict(zip(texts, range(2, len(texts) + 2), strict=True))\n", ("tests/test_align.py",)),
    Mutation("write-plan-writes-a-key-deleted-mid-run", "sheets_bridge/store/align.py",
             "        if key in known_before:\n            plan.skipped_deleted.append(key)\n            continue\n",
             "", ("tests/test_align.py",)),
    Mutation("write-plan-counts-a-blank-key-as-a-duplicate", "sheets_bridge/store/align.py",
             '    counts.pop("", None)\n', "", ("tests/test_align.py",)),
    Mutation("write-plan-keeps-spaces-of-a-text-key", "sheets_bridge/store/align.py",
             "        return list(map(str.strip, keys))", "        return list(keys)", ("tests/test_align.py",)),
    Mutation("utf16-file-read-drops-its-first-chunk", "sheets_bridge/intake/decode.py",
             "itertools.chain([head], iter(lambda: handle.read(_CHUNK), b\"\"))",
             "iter(lambda: handle.read(_CHUNK), b\"\")", ("tests/test_ingest.py",)),
    Mutation("file-read-loses-its-sniffed-head", "sheets_bridge/intake/decode.py",
             "            handle.seek(0)  #", "            handle.tell()  #", ("tests/test_ingest.py",)),
    Mutation("utf16-file-read-gives-up-on-a-bad-file", "sheets_bridge/intake/decode.py",
             "        except UnicodeDecodeError:\n            return path.read_bytes()\n",
             "        except UnicodeDecodeError:\n            return b\"\"\n", ("tests/test_ingest.py",)),
    Mutation("utf16-file-read-as-little-endian-always", "sheets_bridge/intake/decode.py",
             '        return "utf-16"\n', '        return "utf-16-le"\n', ("tests/test_ingest.py",)),
    Mutation("batch-answer-range-ends-one-byte-short", "sheets_bridge/store/google/value_ranges.py",
             "    return stop - len(window) + len(rest)\n", "    return stop - len(window) + len(rest) - 1\n",
             ("tests/test_value_ranges.py",)),
    Mutation("batch-answer-last-range-never-split", "sheets_bridge/store/google/value_ranges.py",
             'end = _end_before(body, starts[-1], len(body), b"}", b"]")',
             'end = _end_before(body, starts[-1], len(body), b"}")', ("tests/test_value_ranges.py",)),
    Mutation("batch-answer-kept-by-the-store", "sheets_bridge/store/google/sheets.py",
             "        self._read = dict(tabs.kept)\n", "        self._read = tabs  # type: ignore[assignment]\n",
             ("tests/test_value_ranges.py",)),
    Mutation("response-holds-itself-in-a-cycle", "sheets_bridge/store/google/http.py",
             "functools.partial(_decode_json, response.content)",
             "functools.partial(lambda r, **k: _decode_json(r.content), response)", ("tests/test_value_ranges.py",)),
    Mutation("run-decodes-export-tabs-again-for-reserved-ones", "sheets_bridge/service/scoring.py",
             "    return next((tabs[k] for k in tabs if normalise_header(k) == wanted), None)",
             "    return next((v for k, v in tabs.items() if normalise_header(k) == wanted), None)",
             ("tests/test_value_ranges.py",)),
    Mutation("run-keeps-each-exports-groups-after-combining", "sheets_bridge/service/scoring.py",
             "        export.groups, export.scored = None, True\n", "        export.scored = True\n",
             ("tests/test_groups.py",)),
    Mutation("export-scored-twice-from-freed-groups", "sheets_bridge/gap/groups.py",
             "    if export.scored:\n        raise GroupsFreedError", "    if False:\n        raise GroupsFreedError",
             ("tests/test_groups.py",)),
    Mutation("batch-answer-held-after-every-tab-was-decoded", "sheets_bridge/store/google/value_ranges.py",
             "            self._body.release()\n            self._body = None\n", "            pass\n",
             ("tests/test_value_ranges.py",)),
    Mutation("emulator-cleared-value-keeps-its-validation", "sheets_emulator/api/values.py",
             '            kept.pop("validation", None)\n', "", ("tests/test_emulator.py",)),
    Mutation("emulator-repeat-cell-gives-every-cell-the-first-cells-format", "sheets_emulator/api/batch.py",
             '_memoised(memo, ("fmt", id(old)), lambda: _new_format(old, data, paths), old)',
             '_memoised(memo, "fmt", lambda: _new_format(old, data, paths))', ("tests/test_emulator.py",)),
    Mutation("emulator-read-served-stale-after-a-bulk-write", "sheets_emulator/sheets/model.py",
             "        if self.journal is None:\n            self._changed()\n",
             "        if self.journal is None:\n", ("tests/test_emulator.py",)),
    Mutation("emulator-values-batch-writes-before-checking-every-range", "sheets_emulator/app.py",
             "             for i, (where, d) in enumerate(zip(ranges, data, strict=True))]\n",
             "             for i, (where, d) in enumerate(zip(ranges, data, strict=True))\n"
             "             if values.apply_write(values.plan_write(book, where, d.get('values', []),\n"
             "                                                     body.get('valueInputOption'),\n"
             "                                                     d.get('majorDimension') or 'ROWS'))]\n",
             ("tests/test_emulator.py",)),
    Mutation("emulator-failed-batch-keeps-a-changed-cell", "sheets_emulator/sheets/model.py",
             "    def __setitem__(self, key: tuple[int, int], value: Cell) -> None:\n        self._changed(key)\n",
             "    def __setitem__(self, key: tuple[int, int], value: Cell) -> None:\n        self._changed()\n",
             ("tests/test_emulator.py",)),
    Mutation("emulator-failed-batch-undone-oldest-first", "sheets_emulator/sheets/model.py",
             "for key, held in reversed(self.journal or []):", "for key, held in (self.journal or []):",
             ("tests/test_emulator.py",)),
    Mutation("emulator-batch-shares-nested-formats", "sheets_emulator/api/batch.py",
             'fmt = copy.deepcopy(old or {})', 'fmt = dict(old or {})',
             ("tests/test_emulator.py",)),
    # prospects judged by their pages (checked against the hand-labelled real corpus and the page contract)
    Mutation("link-sellers-not-excluded", "sheets_bridge/gap/gap.py",
             '(judged & (verdict == SELLER), "link seller: "', '(judged & (verdict == "never"), "link seller: "',
             QUALITY),
    Mutation("link-farm-pages-not-judged", "sheets_bridge/gap/spam.py",
             "    return np.nan_to_num(ext, nan=0.0) >= limit", "    return np.nan_to_num(ext, nan=0.0) > 1e12",
             QUALITY),
    Mutation("poison-words-matched-as-substrings", "sheets_bridge/gap/clean.py",
             'words = "(^|[.-])(" + "|".join(re.escape(w) for w in data["poison_words"]) + ")([.-]|$)"',
             'words = "|".join(re.escape(w) for w in data["poison_words"])', QUALITY),
    Mutation("one-weak-name-signal-excludes", "sheets_bridge/gap/gap.py",
             '    two_weak = weak.str.count("; ").to_numpy() >= 1', '    two_weak = (weak != "").to_numpy()',
             QUALITY),
    Mutation("team-keep-ignored", "sheets_bridge/gap/gap.py",
             '    kept = prospects["key"].isin(set(keep)).to_numpy(dtype=bool)',
             '    kept = prospects["key"].isin(set()).to_numpy(dtype=bool)', QUALITY),
    Mutation("kept-domain-dropped-from-the-excluded-tab", "sheets_bridge/gap/gap.py",
             "        listed |= saved\n", "", QUALITY),
    Mutation("excluded-tab-leaves-stale-rows", "sheets_bridge/store/google/sheets.py",
             '        blank = [[""] * width for _ in range(max(len(before or []) - len(values), 0))]',
             '        blank: list[list[str]] = []', QUALITY),
    Mutation("staging-host-keyed-as-the-brand", "sheets_bridge/intake/domains.py",
             "        return _to_unicode(host), suffix, platform, True", "        return key, suffix, platform, True",
             QUALITY),
    Mutation("weak-links-to-you-dropped", "sheets_bridge/gap/gap.py",
             '    reasons, evidence = exclusion_reasons(prospects, in_own & (weak == ""),',
             '    reasons, evidence = exclusion_reasons(prospects, in_own,', QUALITY),
    Mutation("sniffed-column-ignores-repeated-hosts", "sheets_bridge/intake/ingest.py",
             "                if best is None or rank[:2] > best[:2]:", "                if best is None:", QUALITY),
    Mutation("other-reports-read-as-links", "sheets_bridge/intake/ingest.py",
             "        refuse_other_reports(cells, source)\n", "", QUALITY),
    Mutation("headerless-list-loses-its-first-link", "sheets_bridge/intake/ingest.py",
             "        sniffed[HEADERLESS] = 1  #", "        pass  #", QUALITY),
    Mutation("gap-csv-keeps-live-formulas", "sheets_bridge/service/file_gap.py",
             "        write_csv(inert_text(prospects), out)", "        write_csv(prospects, out)",
             ("tests/test_file_gap.py",)),
    Mutation("gap-xlsx-link-cell-keeps-a-formula", "sheets_bridge/store/xlsx_style.py",
             '                    cell.data_type = "s"  # text, never a live formula\n                row.append(cell)',
             "                    pass\n                row.append(cell)", ("tests/test_file_gap.py",)),
    Mutation("angle-ignores-the-targets-kind", "sheets_bridge/gap/targets.py",
             '    said_asset = pd.Series(targets["kind_said"].to_numpy()[best], index=p.index).map(data["assets"])\n',
             '    said_asset = pd.Series(None, index=p.index, dtype=object)\n', QUALITY),
    Mutation("page-kinds-read-only-as-the-playbooks-words", "sheets_bridge/gap/targets.py",
             "    words: dict[str, list[str]] = load_json(\"targeting.json\")[\"kind_words\"]\n",
             "    words: dict[str, list[str]] = {}\n", QUALITY),
    Mutation("angle-ignores-the-playbook-kind", "sheets_bridge/gap/targets.py",
             '    assets = said_asset.fillna(pd.Series(targets["kind"].to_numpy()[best], index=p.index)'
             '.map(data["assets"]))', '    assets = said_asset', QUALITY),
    Mutation("target-ignores-the-competitors-page", "sheets_bridge/gap/targets.py",
             "        scores[:, j] += SIMILARITY_WEIGHT * similarity", "        scores[:, j] += 0 * similarity",
             QUALITY),
    # the lease against collaborators, transient errors and skewed clocks
    Mutation("lease-visible-to-every-editor", "sheets_bridge/store/google/lease.py",
             'VISIBILITY = "PROJECT"', 'VISIBILITY = "DOCUMENT"', HOSTILE),
    Mutation("lease-trusts-any-entry", "sheets_bridge/store/google/lease.py",
             "        ok = well_formed(key, value, str(meta.get(\"visibility\", \"\")))",
             "        ok = isinstance(value, dict)", HOSTILE),
    Mutation("lease-without-a-longest-hold", "sheets_bridge/store/google/lease.py",
             "0 < expires - since <= MAX_HOLD", "0 < expires - since", HOSTILE),
    Mutation("lease-not-rechecked-before-the-write", "sheets_bridge/store/google/sheets.py",
             "        self._lease.confirm(list(body.get(\"developerMetadata\") or []))", "        pass", HOSTILE),
    Mutation("lease-judged-on-the-local-clock", "sheets_bridge/store/google/lease.py",
             "            self.offset = measured if abs(measured) > RESOLUTION else 0.0", "            pass", HOSTILE),
    Mutation("failed-create-leaves-the-lease", "sheets_bridge/store/google/lease.py",
             "        self.held = True  # from here", "        pass  # from here", HOSTILE),
    Mutation("do-not-contact-domain-misses-its-addresses", "sheets_bridge/outreach/drafts.py",
             "\n                                                        or _email_site(email) in self.domains))",
             "))", ("tests/test_outreach.py",)),
    Mutation("pasted-search-results-kept", "sheets_bridge/gap/spam.py",
             "    for site, hit in scraped_snippets(anchors, sites).items():",
             "    for site, hit in {}.items():", QUALITY),
    Mutation("review-site-listing-pitched", "sheets_bridge/data/page_signals.json",
             '{"id": "review-listing", "verdict": "build"', '{"id": "review-listing", "verdict": "pitch"', QUALITY),
    Mutation("review-site-listing-typed-a-review", "sheets_bridge/data/page_types.json",
             '{"id": "review-listing", "type": "directory"', '{"id": "review-listing", "type": "review"', QUALITY),
    Mutation("listing-entries-pitched", "sheets_bridge/data/page_signals.json",
             '{"id": "listing-entry", "verdict": "build"', '{"id": "listing-entry", "verdict": "pitch"', QUALITY),
    Mutation("listing-entries-any-slug", "sheets_bridge/data/page_types.json",
             '(-[a-z0-9_%.]+){0,3}/?$"}', '(-[a-z0-9_%.]+)*/?$"}', QUALITY),
    Mutation("data-scrapers-pitched", "sheets_bridge/data/page_signals.json",
             '{"id": "data-scraper", "verdict": "not a prospect"', '{"id": "data-scraper", "verdict": "pitch"',
             QUALITY),
    Mutation("whois-host-matches-any-who", "sheets_bridge/data/page_signals.json",
             'readweb\\\\.ai|who\\\\.is|', 'readweb\\\\.ai|who\\\\.[a-z]+|', QUALITY),
    Mutation("social-profiles-pitched", "sheets_bridge/data/page_signals.json",
             '{"id": "social-profile", "verdict": "build"', '{"id": "social-profile", "verdict": "pitch"', QUALITY),
    Mutation("social-hosts-unanchored", "sheets_bridge/data/page_signals.json",
             '(com|net|ee)$|(^|\\\\.)(threads', '(com|net|ee)$|(threads', QUALITY),
    Mutation("archived-copies-pitched", "sheets_bridge/data/page_signals.json",
             '{"id": "archived-copy", "verdict": "not a prospect"', '{"id": "archived-copy", "verdict": "pitch"',
             QUALITY),
    Mutation("archived-copies-any-archive-word", "sheets_bridge/data/page_signals.json",
             '"pattern": "(^|\\\\.)web\\\\.archive\\\\.org/|', '"pattern": "archive|', QUALITY),
    Mutation("tool-directory-entries-not-listings", "sheets_bridge/data/page_types.json",
             "games?|software|tools?|products?|", "games?|software|", QUALITY),
    Mutation("anchor-reports-read-as-links", "sheets_bridge/data/formats.json",
             '"Semrush anchors", "requires": ["anchor", "domains", "backlinks"]',
             '"Semrush anchors", "requires": ["anchor", "domains", "backlinks", "unheard of"]', QUALITY),
    Mutation("ahrefs-outgoing-domains-read-as-referring", "sheets_bridge/data/formats.json",
             '"requires": ["domain", "links from target"]', '"requires": ["domain", "links from target", "x"]',
             QUALITY),
    Mutation("rankings-report-read-as-links", "sheets_bridge/data/formats.json",
             '"Semrush organic positions", "requires": ["keyword",', '"Semrush organic positions", "requires": ["kw",',
             QUALITY),
    Mutation("referring-domain-rows-count-one-link", "sheets_bridge/gap/groups.py",
             '        "links": link_counts(links),', '        "links": np.ones(len(links), dtype=np.int64),', QUALITY),
    Mutation("excluded-rows-counted-as-links", "sheets_bridge/gap/clean.py",
             '    counts = links["export_rows"].to_numpy(dtype=np.int64)',
             '    counts = links["links"].to_numpy(dtype=np.int64)', QUALITY),
    Mutation("dofollow-link-counts-ignored", "sheets_bridge/intake/ingest.py",
             '    if dofollow_links is not None and bool(nofollow.isna().any()):',
             '    if dofollow_links is not None and False:', (*QUALITY, "tests/test_ingest.py")),
    Mutation("one-competitor-reads-as-all", "sheets_bridge/gap/gap.py",
             '[(prospects["competitors_linking"] >= n) & (n > 1),', '[(prospects["competitors_linking"] >= n),',
             QUALITY),
    Mutation("credit-links-pitched", "sheets_bridge/data/page_signals.json",
             '{"id": "credit-link", "verdict": "not a prospect"', '{"id": "credit-link", "verdict": "pitch"', QUALITY),
    Mutation("credit-links-any-length", "sheets_bridge/data/page_signals.json",
             'by [^ :;!?]+( [^ :;!?]+){0,3}$', 'by .+$', QUALITY),
    Mutation("plugin-directory-entries-not-listings", "sheets_bridge/data/page_types.json",
             "products?|plugins|themes|extensions|add-?ons|integrations|", "products?|", QUALITY),
    Mutation("flags-compared-with-links-not-rows", "sheets_bridge/gap/gap.py",
             '    rows = agg["export_rows"].to_numpy()\n', '    rows = agg["links"].to_numpy()\n', QUALITY),
    Mutation("weak-link-counts-not-said", "sheets_bridge/gap/gap.py",
             '    return segment, note\n', '    return segment, np.full(len(d), "", dtype=object)\n', QUALITY),
    Mutation("gap-export-site-counts-ignored", "sheets_bridge/intake/ingest.py",
             '            part["links_to_target"] = np.where(said > 0, said,',
             '            part["links_to_target"] = np.where(said > 1e18, said,', QUALITY),
    Mutation("delimiter-from-the-first-row-only", "sheets_bridge/intake/decode.py",
             "        split = [c for c in counts if c > 1]\n",
             "        split = [c for c in counts[:1] if c > 1]\n", (*QUALITY, "tests/test_ingest.py")),
    Mutation("listing-site-entries-pitched", "sheets_bridge/data/page_signals.json",
             '{"id": "listing-site", "verdict": "build"', '{"id": "listing-site", "verdict": "pitch"', QUALITY),
    Mutation("listing-site-editorial-sections-typed-listings", "sheets_bridge/data/page_types.json",
             '"hosts": "listing_sites.txt", "unless": ', '"hosts": "listing_sites.txt", "unless_not": ', QUALITY),
    Mutation("listing-site-any-host-ending-in-its-name", "sheets_bridge/gap/matching.py",
             'return rf"^(?:[a-z0-9-]+\\.)*(?:{names})', 'return rf"^[a-z0-9.-]*(?:{names})', QUALITY),
    Mutation("listings-by-type-pitched", "sheets_bridge/gap/gap.py",
             "        out[(verdict == PITCH) & (page_type == kind)] = reason", "        pass", QUALITY),
    Mutation("listings-by-type-override-spam", "sheets_bridge/gap/gap.py",
             "        out[(verdict == PITCH) & (page_type == kind)] = reason",
             "        out[page_type == kind] = reason", QUALITY),
    Mutation("comment-links-pitched", "sheets_bridge/gap/gap.py",
             "    out[(verdict == PITCH) & ugc_only] = UGC_REASON", "    pass", QUALITY),
    Mutation("one-comment-link-makes-a-site-a-comment", "sheets_bridge/gap/gap.py",
             'ugc_only, agg["sponsored_only"] = every_link(agg, "ugc_sum"), every_link(agg, "sponsored_sum")',
             'ugc_only, agg["sponsored_only"] = agg["ugc_sum"].to_numpy() >= 1, every_link(agg, "sponsored_sum")',
             QUALITY),
    Mutation("ugc-and-sponsored-flags-not-read", "sheets_bridge/intake/ingest.py",
             "            out[name] = flags\n", "            out[name] = unknown\n", QUALITY),
    Mutation("blogger-snippet-posts-kept", "sheets_bridge/data/page_signals.json",
             '{"id": "blogger-snippet-post", "verdict": "spam"', '{"id": "blogger-snippet-post", "verdict": "pitch"',
             QUALITY),
    Mutation("blogger-quoted-titles-judged-too", "sheets_bridge/data/page_signals.json",
             '"unless": "^[^\\\\t]*\\\\s[-–|]\\\\s"}', '"unless": "^NEVER$"}', QUALITY),
    Mutation("paid-links-unflagged", "sheets_bridge/service/scoring.py",
             '"paid (sponsored) links only": p.get("sponsored_only"', '"paid (sponsored) links only": p.get("nothing"',
             QUALITY),
    Mutation("one-paid-link-flags-a-site", "sheets_bridge/gap/gap.py",
             'every_link(agg, "ugc_sum"), every_link(agg, "sponsored_sum")',
             'every_link(agg, "ugc_sum"), agg["sponsored_sum"].to_numpy() >= 1', QUALITY),
    Mutation("rel-words-ignored", "sheets_bridge/intake/ingest.py",
             '    rel = col("link_rel")', "    rel = None", ("tests/test_header_styles.py",)),
    Mutation("ugc-read-as-dofollow", "sheets_bridge/intake/values.py",
             'return ("nofollow" in said or ugc or sponsored, ugc, sponsored)',
             'return ("nofollow" in said, ugc, sponsored)', ("tests/test_header_styles.py",)),
    Mutation("planted-keyword-pages-kept", "sheets_bridge/gap/spam.py",
             '    doorway[at] = keyword_doorways(titles[at], fields["path"].iloc[at])',
             "    pass", QUALITY),
    Mutation("keyword-pages-judged-in-blogs-too", "sheets_bridge/gap/spam.py",
             "pc.invert(edited))", "pc.invert(pc.and_(edited, False)))", QUALITY),
    # Prospects by priority, unless the team sorted it
    Mutation("prospects-never-sorted", "sheets_bridge/store/align.py",
             '    if "Priority" not in header:\n        return True', '    if True:\n        return False',
             ("tests/test_priority_order.py",)),
    Mutation("teams-own-order-overridden", "sheets_bridge/store/align.py",
             "        if number > previous:\n            return False", "        if False:\n            return False",
             ("tests/test_priority_order.py",)),
    Mutation("collaborators-mid-run-sort-overridden", "sheets_bridge/store/google/sheets.py",
             'in_priority_order(before) and not moved and "sheetId" in sheet:',
             'in_priority_order(before) and "sheetId" in sheet:', ("tests/test_google_store.py",)),
    Mutation("link-in-bio-hosts-not-listings", "sheets_bridge/data/listing_sites.txt",
             "about.me\nlinktr.ee\n", "", QUALITY),
    Mutation("brand-prefix-never-stripped", "sheets_bridge/gap/spam.py",
             "if name.startswith(word) and len(name) - len(word) >= MIN_STRIPPED_BRAND]",
             "if False]", QUALITY),
    Mutation("handles-running-on-from-the-name-missed", "sheets_bridge/gap/spam.py",
             ' | contains(segments, handle) | entry)', ' | entry)', QUALITY),
    Mutation("deep-listings-of-a-business-missed", "sheets_bridge/gap/spam.py",
             ' | contains(segments, handle) | entry)', ' | contains(segments, handle))', QUALITY),
    Mutation("listing-slug-one-folder-deep", "sheets_bridge/gap/spam.py",
             '(?:/[^/]+){{2,}}/{name}', '(?:/[^/]+)+/{name}', QUALITY),
    Mutation("client-lists-pitched", "sheets_bridge/data/page_signals.json",
             '{"id": "client-list", "verdict": "not a prospect"', '{"id": "client-list", "verdict": "pitch"', QUALITY),
    Mutation("client-area-read-as-a-client-list", "sheets_bridge/data/page_signals.json",
             "(clients|client-list|client-sites)/?$", "(clients?|client-list|client-sites)/?$", QUALITY),
    Mutation("domain-reports-pitched", "sheets_bridge/data/page_signals.json",
             '{"id": "domain-report-page", "verdict": "spam"', '{"id": "domain-report-page", "verdict": "pitch"',
             QUALITY),
    Mutation("any-report-id-a-domain-report", "sheets_bridge/data/page_signals.json",
             '^[^/]+/report/\\\\d{4,}/?$', '/reports?/\\\\d+', QUALITY),
    Mutation("company-listings-typed-as-articles", "sheets_bridge/data/page_types.json",
             '{"id": "company-listing", "type": "directory"', '{"id": "company-listing", "type": "editorial/news"',
             QUALITY),
    Mutation("company-names-in-news-folders-listings", "sheets_bridge/data/page_signals.json",
             '"unless": "/(blogs?|news|posts?|articles?|stories)/|/(19|20)\\\\d\\\\d/"},\n    {"id": "listing-site"',
             '"unless": "^$"},\n    {"id": "listing-site"', QUALITY),
    Mutation("community-platforms-not-forums", "sheets_bridge/data/page_types.json",
             "(^|\\\\.)(skool\\\\.com|circle\\\\.so|mn\\\\.co)/|", "", QUALITY),
    Mutation("regional-directories-unknown", "sheets_bridge/data/listing_sites.txt",
             "\nlocal.com.au\n", "\n", QUALITY),
    Mutation("search-console-internal-links-read-as-links", "sheets_bridge/data/formats.json",
             '{"name": "Search Console internal links", "requires": ["target page", "internal links"]',
             '{"name": "Search Console internal links", "requires": ["target page", "internal links", "never"]',
             QUALITY),
    Mutation("search-console-reports-unnamed", "sheets_bridge/data/formats.json",
             '{"name": "Search Console latest links", "requires": ["linking page", "last crawled"]},',
             '', QUALITY),
    Mutation("bing-link-counts-unread", "sheets_bridge/data/formats.json",
             '"links in group", "backlinks count"]', '"links in group"]', QUALITY),
    Mutation("bing-anchors-read-as-links", "sheets_bridge/data/formats.json",
             '{"name": "Bing Webmaster Tools anchors", "requires": ["anchor", "backlinks count"]',
             '{"name": "Bing Webmaster Tools anchors", "requires": ["anchor", "backlinks count", "never"]', QUALITY),
    Mutation("search-console-pages-read-as-links", "sheets_bridge/data/formats.json",
             '{"name": "Search Console pages (indexing)", "requires": ["url", "last crawled"]',
             '{"name": "Search Console pages (indexing)", "requires": ["url", "last crawled", "never"]', QUALITY),
    Mutation("search-console-performance-read-as-links", "sheets_bridge/data/formats.json",
             '{"name": "Search Console performance", "requires": ["clicks", "impressions"]',
             '{"name": "Search Console performance", "requires": ["clicks", "impressions", "never"]', QUALITY),
    Mutation("no-authority-said-nothing", "sheets_bridge/intake/ingest.py",
             "        return [NO_AUTHORITY_NOTE]\n", "        return []\n", QUALITY),
    # the emulator on a developer's machine
    Mutation("emulator-control-routes-open-to-a-web-page", "sheets_emulator/app.py",
             "                _require_control()\n", "                pass\n", ("tests/test_emulator.py",)),
    Mutation("emulator-reset-deletes-any-json", "sheets_emulator/state.py",
             "            for name in sorted(self.owned):",
             "            for name in sorted(p.name for p in self.data_dir.glob(\"*.json\")):",
             ("tests/test_emulator.py",)),
    # acting as the person who clicked
    Mutation("access-token-of-anyone-accepted", "sheets_bridge/web/person.py",
             "        if facts.email != email.strip().lower():", "        if False:", PERSON),
    Mutation("access-token-of-any-client-accepted", "sheets_bridge/web/person.py",
             "        if facts.client not in self.audiences:", "        if False:", PERSON),
    Mutation("access-token-scopes-not-checked", "sheets_bridge/web/person.py",
             "        missing = [s for s in scopes if s not in facts.scopes]", "        missing = []", PERSON),
    Mutation("person-run-goes-out-as-the-service-account", "sheets_bridge/web/app.py",
             "session=person_session(person.credentials, person.email) if person else None)", "session=None)",
             PERSON),
    Mutation("access-token-in-the-query-string", "sheets_bridge/web/person.py",
             'self.fetch(self.url, data={"access_token": token}, timeout=10)',
             'requests.get(self.url, params={"access_token": token}, timeout=10)', PERSON),
    Mutation("digest-mails-anyone-typed-in-owner", "sheets_bridge/service/actions.py",
             "    owners, outsiders = mailable_owners(owners, editors, editor_domains, allowed_emails, "
             "allowed_domains)",
             "    outsiders: list[str] = []", ("tests/test_service.py",)),
]


def copy_project(target: Path) -> None:
    """The tracked files of the project (as they are in the work tree), and untracked ones not ignored."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\n")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def run_checks(copy: Path, timeout: float, checks: list[str]) -> tuple[bool, str, float]:
    """Run the fast checks in the copy; (passed, first failing test or reason, seconds)."""
    env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *checks],
                              cwd=copy, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, "timed out", time.perf_counter() - started
    seconds = time.perf_counter() - started
    failed = re.search(r"^FAILED (\S+)", done.stdout, re.MULTILINE)
    error = re.search(r"^ERROR (\S+)", done.stdout, re.MULTILINE)
    where = failed.group(1) if failed else error.group(1) if error else done.stdout.strip().splitlines()[-1:]
    return done.returncode == 0, str(where if isinstance(where, str) else (where[0] if where else "")), seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", default=[], help="run only mutations whose name contains one of these")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--checks", nargs="*", default=CHECKS,
                        help="test files to run on each mutant (default: the reliability, security and store tests)")
    args = parser.parse_args()
    chosen = [m for m in MUTATIONS if not args.only or any(o in m.name for o in args.only)]
    if args.list:
        for m in chosen:
            print(f"{m.name:45} {m.path}")
        return 0
    with tempfile.TemporaryDirectory(prefix="sheets-bridge-mutations-") as tmp:
        base = Path(tmp) / "base"
        copy_project(base)
        extra = sorted({c for m in chosen for c in m.checks} - set(args.checks))
        ok, where, seconds = run_checks(base, args.timeout, [*args.checks, *extra])
        print(f"{'unmutated copy':45} {'passes' if ok else 'FAILS'} {seconds:7.1f} s {'' if ok else where}",
              flush=True)
        if not ok:
            return 1
        bad = 0
        for m in chosen:
            work = Path(tmp) / "mutant"
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(base, work)
            target = work / m.path
            text = target.read_text(encoding="utf-8")
            if text.count(m.old) != 1:
                print(f"{m.name:45} STALE (the code to mutate occurs {text.count(m.old)} times)", flush=True)
                bad += 1
                continue
            target.write_text(text.replace(m.old, m.new), encoding="utf-8")
            ok, where, seconds = run_checks(work, args.timeout, list(m.checks) or args.checks)
            print(f"{m.name:45} {'MISSED' if ok else 'caught'} {seconds:7.1f} s  {'' if ok else where}",
                  flush=True)
            bad += int(ok)
        print(f"{len(chosen) - bad} of {len(chosen)} mutations caught")
        return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
