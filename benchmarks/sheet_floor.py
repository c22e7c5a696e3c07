"""The floor of a Sheets re-score: what any client must do before it can compute anything.

A fresh process that imports only google-auth (with its requests transport) and the JSON decoder, gets a
token, reads the spreadsheet's tabs and every tab's values in one values:batchGet (columns, unformatted, as
the product reads them) and decodes the answer. Usage (run by benchmarks/sheet.py):

    GOOGLE_APPLICATION_CREDENTIALS=key.json SHEETS_BRIDGE_API_ROOT=http://127.0.0.1:PORT \\
        python benchmarks/sheet_floor.py SPREADSHEET_ID
"""

import json
import os
import sys

from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account

SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]


def main(book: str) -> None:
    credentials = service_account.Credentials.from_service_account_file(
        os.environ["GOOGLE_APPLICATION_CREDENTIALS"], scopes=SCOPES)
    session = AuthorizedSession(credentials)
    root = os.environ.get("SHEETS_BRIDGE_API_ROOT", "https://sheets.googleapis.com").rstrip("/")
    meta = json.loads(session.get(f"{root}/v4/spreadsheets/{book}",
                                  params={"fields": "properties.title,sheets.properties"}).content)
    titles = [s["properties"]["title"] for s in meta["sheets"]]
    answer = session.get(f"{root}/v4/spreadsheets/{book}/values:batchGet",
                         params=[("ranges", f"'{t}'") for t in titles] + [
                             ("valueRenderOption", "UNFORMATTED_VALUE"), ("majorDimension", "COLUMNS")])
    body = json.loads(answer.content)
    assert len(body["valueRanges"]) == len(titles)


if __name__ == "__main__":
    main(sys.argv[1])
