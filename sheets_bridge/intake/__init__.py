"""Intake: bytes and cells to typed columns.

Owns export decoding (encodings, delimiters, ``.xlsx``), header matching by meaning, report-type recognition,
typed values (numbers, dates, booleans read one way per column), host normalisation and registrable
domains on the bundled public-suffix snapshot, and the Settings tab read into typed settings.

Imports only ``sheets_bridge.contract`` and ``sheets_bridge.exceptions``.
"""
