"""The Google Sheets store: batched reads and writes as the person who clicked (or the service account).

Owns the store itself (``sheets``: a constant number of requests per action, RAW writes, only owned
columns), how an answer's columns become arrays (``value_ranges``), the cross-instance lease in developer
metadata (``lease``), widths, formats and dropdowns of the tabs it creates (``layout``), the one HTTP
session with its bounded retries and Google's errors in plain words (``http``), and Search Console
(``search_console``).
"""
