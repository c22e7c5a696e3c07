"""sheets_bridge: backlink-gap prospecting and outreach for teams who work in Google Sheets.

Where things are, and who may import whom (each package only from those listed after it; checked by
``tests/test_project.py``)::

    cli                      the command line, at the top: may use every package below
    web/                     the Flask service: routes, sign-in, access, the person's token, quota, runs
    service/                 one function per menu action (score, setup, follow-ups, digest...), the CLI's
                             file gap and the demo: the only code that joins a store to the engine
    store/                   the only code that talks to a spreadsheet (.xlsx workbook or Google Sheets)
    workbook/                how the tabs look: columns, widths, formats, the Dashboard's layout
    insights/                Dashboard figures, rankings, the forecast, the 90-day plan, the checklist
    outreach/                the follow-up cadence, templates, drafts, Gmail sync, do-not-contact
    gap/                     typed exports to a scored prospect list: spam filter, page type, priority, targets
    intake/                  bytes and cells to typed columns: export decoding, headers, values, domains,
                             the Settings tab
    contract, exceptions     the sheet contract and the named errors every package shares

The Sheets API emulator (``sheets_emulator``) and the reliability harnesses (``harness``) live beside this
package in the repository and are not part of it: nothing here imports them, except the CLI's ``emulator``
command, which starts the emulator when it is installed.
"""

from __future__ import annotations

__version__ = "0.1.0"
