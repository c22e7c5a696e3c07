"""Search Console's searchAnalytics.query, served from rows loaded through ``/_emulator/searchconsole``.

Rows are (date, page, query, clicks, impressions, position) for a property; a query groups them by the
dimensions asked for (clicks and impressions summed, position averaged weighted by impressions, as Google
reports it), filters by date range and page (equals, contains, includingRegex), orders by clicks, and pages
with rowLimit (at most 25,000) and startRow. A property nobody loaded answers 403, as Google does for a
property the caller has not been added to.
"""

from __future__ import annotations

import re
from typing import Any

from sheets_emulator.errors import ApiError, bad_request

MAX_ROWS = 25_000
DIMENSIONS = ("date", "page", "query")


def denied(site: str) -> ApiError:
    """Google's 403 for a property the caller has not been added to."""
    return ApiError(403, f"User does not have sufficient permission for site '{site}'. See also: "
                         "https://support.google.com/webmasters/answer/2451999.", status="PERMISSION_DENIED")


def query(properties: dict[str, list[dict[str, Any]]], site: str, body: dict[str, Any]) -> dict[str, Any]:
    """The searchAnalytics.query answer for one property."""
    if site not in properties:
        raise denied(site)
    start, end = str(body.get("startDate", "")), str(body.get("endDate", ""))
    if not (re.fullmatch(r"\d{4}-\d{2}-\d{2}", start) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", end)):
        raise bad_request("startDate and endDate are required, as YYYY-MM-DD")
    dimensions = [str(d) for d in body.get("dimensions") or []]
    if any(d not in DIMENSIONS for d in dimensions):
        raise bad_request(f"Unsupported dimension in {dimensions}")
    limit = int(body.get("rowLimit", 1000))
    if not 1 <= limit <= MAX_ROWS:
        raise bad_request(f"rowLimit must be between 1 and {MAX_ROWS}")
    rows = [r for r in properties[site] if start <= str(r["date"]) <= end]
    for group in body.get("dimensionFilterGroups") or []:
        for f in group.get("filters") or []:
            rows = [r for r in rows if _matches(str(r.get(f.get("dimension", ""), "")), f)]
    grouped: dict[tuple[str, ...], list[float]] = {}
    for r in rows:
        key = tuple(str(r.get(d, "")) for d in dimensions)
        total = grouped.setdefault(key, [0.0, 0.0, 0.0])
        shown = float(r.get("impressions", 0))
        total[0] += float(r.get("clicks", 0))
        total[1] += shown
        total[2] += float(r.get("position", 0)) * max(shown, 1.0)
    answer: list[dict[str, Any]] = []
    for key, (clicks, shown, weighted) in grouped.items():
        answer.append({"keys": list(key), "clicks": clicks, "impressions": shown,
                       "ctr": clicks / shown if shown else 0.0, "position": weighted / max(shown, 1.0)})
    answer.sort(key=lambda a: (-a["clicks"], a["keys"]))
    first = int(body.get("startRow", 0))
    page = answer[first:first + limit]
    return {"rows": page, "responseAggregationType": "byPage"} if page else {
        "responseAggregationType": "byPage"}


def _matches(value: str, f: dict[str, Any]) -> bool:
    operator, expression = f.get("operator", "equals"), str(f.get("expression", ""))
    if operator == "equals":
        return value == expression
    if operator == "contains":
        return expression in value
    if operator == "notContains":
        return expression not in value
    if operator == "includingRegex":
        return re.search(expression, value) is not None
    if operator == "excludingRegex":
        return re.search(expression, value) is None
    raise bad_request(f"Unsupported filter operator {operator}")
