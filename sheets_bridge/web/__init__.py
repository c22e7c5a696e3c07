"""The web service the Apps Script menu and sidebar call.

Owns the Flask app (``app``), its routes (``routes``: what each endpoint checks before it calls
``service``), sign-in (``auth``: ID tokens and signed automation), the person's own OAuth token
(``person``), edit-access checks (``access``), per-identity quota (``quota``), one run per spreadsheet
(``runs``), configuration (``config``) and gunicorn (``server``).

Imports ``service`` and ``store`` and the shared modules; nothing imports it but the CLI.
"""
