"""Workbook: how the product's tabs look, whichever store writes them.

Owns the columns each tab shows and in what order (``layout``), number and date formats, widths and
colours (``presentation``), and the Dashboard's blocks (``dashboard``).

Imports ``insights``, ``outreach``, ``gap``, ``intake`` and the shared ``contract`` and ``exceptions`` only.
"""
