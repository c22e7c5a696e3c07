"""Outreach: what happens after a prospect is scored.

Owns the 4-touch follow-up cadence and its due dates (``cadence``), the Templates tab and its placeholders
(``templates``, ``starting_templates``), drafts (``drafts``), reading replies back from Gmail
(``gmail_sync``), and the do-not-contact rules applied to all of them. Pure: no I/O.

Imports ``gap``, ``intake`` and the shared ``contract`` and ``exceptions`` only.
"""
