"""Insights: what the team's work adds up to.

Owns the Dashboard's figures (``metrics``), Search Console rankings before and after a placement
(``rankings``), the placement forecast (``forecast``), the 90-day plan (``plan``) and the set-up checklist
(``checklist``). Pure: no I/O.

Imports ``outreach``, ``gap``, ``intake`` and the shared ``contract`` and ``exceptions`` only.
"""
