"""The Sheets API's operations on the model: ``batchUpdate`` request kinds (``batch``, and ``kinds`` for the
rest the emulator serves), ``values.*`` (``values``) and Drive's xlsx export (``export``)."""
