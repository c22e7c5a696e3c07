"""The spreadsheet model and the Sheets API v4 operations on it.

Owns cells and their typed values (``cells``), A1 ranges (``a1``), spreadsheets, sheets and grids
(``model``), ``values.*`` (``values``), ``batchUpdate`` request kinds (``batch``), developer metadata
(``metadata``), field masks (``fields``) and the xlsx export (``export``).
"""
