"""The gap engine: typed exports to a scored prospect list.

Owns cleaning and grouping per domain, the gap sets (links to all / several / one competitor, weak), the
spam filter (``spam``: link sellers, hacked and auto-generated pages, non-prospects), page types
(``classify``), priority and tiers (``score``), the target page on your own site (``targets``), the
Excluded tab's rows, and the whole run (``run``). Pure: DataFrames in, DataFrames out; no I/O, no clock.

Imports ``intake`` and the shared ``contract`` and ``exceptions`` only.
"""
