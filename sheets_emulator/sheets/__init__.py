"""The spreadsheet model: cells and their typed values (``cells``), A1 ranges (``a1``), spreadsheets, sheets and
grids (``model``), developer metadata (``metadata``) and field masks (``fields``). The operations on it are in
``sheets_emulator.api``.
"""
