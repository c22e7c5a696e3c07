"""Service: one function per menu action, the only code that joins a store to the engine.

Owns score, setup, follow-ups, dashboard, digest, drafts and import (``actions``), the CLI's gap on files
(``file_gap``), the demo workbook (``demo``) and the memory guard (``memory``).

Imports ``store``, ``workbook``, ``insights``, ``outreach``, ``gap``, ``intake`` and the shared modules;
never ``web`` or the CLI.
"""
