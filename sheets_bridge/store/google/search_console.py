"""Search Console's searchAnalytics.query for the team's target pages: clicks, impressions and position by
date and page, paged 25,000 rows a request, through the project's one HTTP session (retries, emulator).

Acting as the person who clicked, only the properties they can read answer; acting as the service account, it
must be added to the property (Settings → Users and permissions, restricted access is enough). Scope
``webmasters.readonly``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote

from sheets_bridge.exceptions import GoogleApiError, SheetAccessError
from sheets_bridge.store.google.http import GoogleSession, service_account_email

QUERY_URL = "https://www.googleapis.com/webmasters/v3/sites/{site}/searchAnalytics/query"
ROW_LIMIT = 25_000
PAGES_PER_FILTER = 20  # one includingRegex per request over this many pages


def pull_rankings(session: GoogleSession, site: str, pages: list[str], start: dt.date,
                  end: dt.date) -> list[list[Any]]:
    """Rankings rows (Date, URL, Query '', Position, Clicks, Impressions) for ``pages`` between two dates."""
    rows: list[list[Any]] = []
    url = QUERY_URL.format(site=quote(site, safe=""))
    for first in range(0, len(pages), PAGES_PER_FILTER):
        group = pages[first:first + PAGES_PER_FILTER]
        pattern = "^(" + "|".join(re.escape(p) for p in group) + ")$"
        start_row = 0
        while True:
            body = {"startDate": start.isoformat(), "endDate": end.isoformat(), "dimensions": ["date", "page"],
                    "dimensionFilterGroups": [{"groupType": "and", "filters": [
                        {"dimension": "page", "operator": "includingRegex", "expression": pattern}]}],
                    "rowLimit": ROW_LIMIT, "startRow": start_row, "dataState": "final"}
            response = session.request("POST", url, json=body)
            if response.status_code == 403 and session.person:
                raise SheetAccessError(f"Search Console refused {site} for {session.person}: you cannot read this "
                                       "property. Ask its owner to add you (Settings → Users and permissions), or "
                                       "put a property you can read in Settings")
            if response.status_code == 403:
                who = service_account_email(session.credentials) or "the service account"
                raise SheetAccessError(f"Search Console refused {site}: add {who} to the property (Settings → "
                                       "Users and permissions, Restricted is enough)")
            if response.status_code >= 300:
                raise GoogleApiError(f"Search Console refused the query ({response.status_code}): "
                                     f"{response.text[:200]}")
            found = response.json().get("rows", [])
            for row in found:
                day, page = row["keys"][0], row["keys"][1]
                rows.append([dt.date.fromisoformat(day), page, "", round(float(row.get("position", 0)), 2),
                             int(row.get("clicks", 0)), int(row.get("impressions", 0))])
            if len(found) < ROW_LIMIT:
                break
            start_row += ROW_LIMIT
    return rows
