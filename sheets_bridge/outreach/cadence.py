"""The 4-touch follow-up cadence: touches, last touch, next follow-up and next action per prospect."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sheets_bridge.contract import ENDED_STATUSES
from sheets_bridge.exceptions import SettingsError
from sheets_bridge.intake.domains import key_hosts
from sheets_bridge.intake.ingest import normalise_header
from sheets_bridge.intake.settings import Settings
from sheets_bridge.intake.values import parse_dates, parse_numbers

_RESULT_STATUS = {"replied positive": "Replied positive", "replied negative": "Replied negative",
                  "placed": "Placed", "declined": "Declined", "replied": "Replied"}
READ_REPLY = "Read the reply and set Replied positive or negative"
_ENDED_ACTION = {
    "replied positive": "Agree the placement details and send the asset",
    "replied negative": "Outreach ended: replied negative",
    "placed": "Placed: verify the link and log it",
    "declined": "Outreach ended: declined",
    "do not contact": "Do not contact",
}


@dataclass
class OutreachLog:
    """The parsed Outreach log and the rows it could not use, with reasons."""

    frame: pd.DataFrame
    problems: list[str] = field(default_factory=list)


HEADER_SEARCH = 10


def header_row(values: Sequence[Sequence[Any]], required: Sequence[str]) -> int | None:
    """The index of the first of the top rows that names every ``required`` column (title rows above it)."""
    for index, row in enumerate(values[:HEADER_SEARCH]):
        names = {normalise_header(c) for c in row}
        if all(r in names for r in required):
            return index
    return None


def parse_outreach_log(values: Sequence[Sequence[Any]] | None) -> OutreachLog:
    """Parse the Outreach log tab into date, key, touch, angle, result, link_url, anchor and row columns."""
    columns = ["date", "key", "touch", "angle", "result", "link_url", "anchor", "campaign", "row"]
    empty = pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "date" else object) for c in columns})
    if not values or len(values) < 2:
        return OutreachLog(empty)
    at = header_row(values, ("date", "domain"))
    if at is None:
        found = ", ".join(str(c) for c in values[0] if str(c or "").strip())[:80]
        return OutreachLog(empty, [f"Outreach log: no header row with Date and Domain columns in its first "
                                   f"{HEADER_SEARCH} rows (first row: {found or 'blank'}); the log was not read"])
    header = [normalise_header(c) for c in values[at]]
    width = len(header)
    body = [list(r[:width]) + [""] * (width - len(r)) for r in values[at + 1:]]
    raw = pd.DataFrame(body, columns=pd.RangeIndex(width), dtype=object)
    raw["row"] = np.arange(at + 2, at + 2 + len(raw))
    raw = raw[raw.drop(columns="row").apply(lambda c: c.astype(str).str.strip().ne("") & c.notna()).any(axis=1)]

    def col(name: str) -> pd.Series:
        return raw[header.index(name)] if name in header else pd.Series("", index=raw.index, dtype=object)

    problems: list[str] = []
    dates = parse_dates(col("date"))
    keyed = key_hosts(col("domain"))
    result = col("result").fillna("").astype(str).str.strip().str.lower()
    frame = pd.DataFrame({
        "date": dates, "key": keyed["key"].to_numpy(), "touch": parse_numbers(col("touch")),
        "angle": col("angle").fillna("").astype(str).str.strip(), "result": result,
        "link_url": col("link url").fillna("").astype(str).str.strip(),
        "anchor": col("anchor").fillna("").astype(str).str.strip(),
        "campaign": col("campaign").fillna("").astype(str).str.strip(), "row": raw["row"],
    }).reset_index(drop=True)
    bad_date = frame["date"].isna().to_numpy()
    bad_key = (frame["key"] == "").to_numpy()
    bad_result = ~frame["result"].isin(["", "sent", *_RESULT_STATUS]).to_numpy()
    for mask, what in ((bad_date, "unreadable date"), (bad_key, "no usable domain"),
                       (bad_result, "unknown result")):
        if mask.any():
            rows = ", ".join(map(str, frame.loc[mask, "row"].head(10)))
            problems.append(f"Outreach log: {int(mask.sum())} rows with {what} (rows {rows})")
    keep = ~(bad_date | bad_key)
    return OutreachLog(frame[keep].reset_index(drop=True), problems)


def _holiday_dates(country: str, years: range) -> list[dt.date]:
    if not country:
        return []
    import holidays as holidays_lib  # only when a holiday country is set: every run's start-up is spared it

    try:
        calendar = holidays_lib.country_holidays(country.upper(), years=years)
    except NotImplementedError:
        raise SettingsError(f"Settings (Holiday country): no holiday calendar for '{country}'; use a "
                            "two-letter country code such as US, GB or DE") from None
    return sorted(calendar.keys())


def add_days(start: pd.Series, days: np.ndarray, settings: Settings) -> pd.Series:
    """Add day offsets to dates, in business days (skipping the holiday calendar) when so set."""
    if not settings.business_days_only:
        return start + pd.to_timedelta(days, unit="D")
    valid = start.notna().to_numpy()
    out = pd.Series(pd.NaT, index=start.index, dtype="datetime64[ns]")
    if not valid.any():
        return out
    first = start[valid]
    years = range(int(first.dt.year.min()), int(first.dt.year.max()) + 2)
    calendar = pd.offsets.CustomBusinessDay(holidays=_holiday_dates(settings.holiday_country, years))
    moved = np.busday_offset(first.to_numpy().astype("datetime64[D]"), days[valid].astype(int),
                             roll="forward", weekmask=calendar.weekmask, holidays=calendar.holidays)
    out[valid] = moved.astype("datetime64[ns]")
    return out


def split_campaigns(log: pd.DataFrame, campaign: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Log rows of the current campaign (blank campaign counts as current) and of earlier ones."""
    if not campaign or "campaign" not in log.columns:
        return log, log.iloc[0:0]
    tag = log["campaign"].astype(str).str.strip().str.lower()
    current = (tag == "") | (tag == campaign.strip().lower())
    return log[current], log[~current]


def _lookup(keys: pd.Series, by_key: pd.Series) -> pd.Series:
    """``by_key``'s value for each key, keeping its dtype (Series.map turns an empty datetime lookup to float)."""
    return pd.Series(by_key.reindex(keys.to_numpy()).to_numpy(), index=keys.index)


def compute_cadence(keys: pd.Series, status: pd.Series, log: pd.DataFrame, settings: Settings,
                    today: dt.date) -> pd.DataFrame:
    """Return touches, last_touch, next_follow_up, next_action and guard for each prospect key.

    Touches count in the current campaign; a domain contacted in an earlier campaign within
    'Recontact after days' is guarded: flagged with when and where, and not to be pitched before a date.
    """
    days = np.asarray(settings.follow_up_days, dtype=int)
    offsets = days - days[0]
    total = len(days)
    today_ts = pd.Timestamp(today)
    log, earlier = split_campaigns(log, settings.campaign)
    sent = log[log["result"].isin(["", "sent"])]
    by_key = sent.groupby("key")["date"]
    latest = log[log["result"].isin(list(_RESULT_STATUS))].sort_values("date").groupby("key")["result"].last()
    touches = _lookup(keys, by_key.size()).fillna(0).astype(int)
    first = pd.to_datetime(_lookup(keys, by_key.min()))
    last = pd.to_datetime(_lookup(keys, by_key.max()))
    team = status.fillna("").astype(str).str.strip().str.lower()
    logged = keys.map(latest).astype(object)
    state = pd.Series(np.where(team.isin(ENDED_STATUSES) | logged.isna(), team, logged), index=keys.index,
                      dtype=object)
    ended = state.isin(ENDED_STATUSES).to_numpy()
    unread = (state == "replied").to_numpy()  # a reply nobody has classified yet: no more follow-ups
    more = (touches < total).to_numpy() & (touches > 0).to_numpy() & ~ended & ~unread
    step = np.minimum(touches.to_numpy(), total - 1)
    due = add_days(first, offsets[step], settings).where(more)
    nth = (touches + 1).astype(str) + f" of {total}"
    due_text = due.dt.strftime("%Y-%m-%d").fillna("")
    window = pd.Timedelta(days=settings.recontact_after_days)
    recontact = (last + window).dt.strftime("%Y-%m-%d").fillna("")
    action = np.select(
        [ended, unread, touches.to_numpy() == 0, ~more, (due < today_ts).to_numpy(), (due == today_ts).to_numpy()],
        [state.map(_ENDED_ACTION).fillna(""), READ_REPLY, "Send touch 1 of " + str(total),
         f"Sequence complete after {total} touches: close out; do not contact again before " + recontact,
         "Overdue since " + due_text + ": send touch " + nth, "Due today: send touch " + nth],
        "Send touch " + nth + " on " + due_text)
    guard = np.full(len(keys), "", dtype=object)
    earlier_sent = earlier[earlier["result"].isin(["", "sent"])].sort_values("date", kind="stable")
    if len(earlier_sent):
        prior = earlier_sent.groupby("key").agg(date=("date", "max"), campaign=("campaign", "last"))
        when = pd.to_datetime(_lookup(keys, prior["date"]))
        where = keys.map(prior["campaign"]).fillna("")
        recent = (when.notna() & (when <= today_ts) & (today_ts - when < window)).to_numpy() \
            & (touches.to_numpy() == 0) & ~ended
        until = (when + window).dt.strftime("%Y-%m-%d").fillna("")
        seen = when.dt.strftime("%Y-%m-%d").fillna("")
        guard = np.where(recent, "Contacted " + seen + " in campaign " + where, "")
        action = np.where(recent, "Recently contacted in " + where + ": do not contact before " + until, action)
    return pd.DataFrame({"touches": touches.to_numpy(), "last_touch": last.to_numpy(),
                         "next_follow_up": due.to_numpy(), "next_action": action, "guard": guard},
                        index=keys.index)


def next_step(status: pd.Series, actions: pd.Series, contacts: pd.Series) -> str:
    """What to do when nothing is due today: a sentence for an answer that would otherwise just say 0."""
    queued = status.astype(str).str.strip().str.lower() == "queued"
    with_email = contacts.astype(str).str.contains("@", regex=False)
    scheduled = actions.astype(str).str.extract(r" on (\d{4}-\d{2}-\d{2})$", expand=False).dropna()
    if queued.any() and not (queued & with_email).any():
        return (f"{int(queued.sum())} prospects are Queued but none has an email address in Contact: add one, then "
                "create the drafts")
    if queued.any():
        return f"{int((queued & with_email).sum())} Queued prospects wait for their first touch: create the drafts"
    if len(scheduled):
        return f"Nothing is due today; the next follow-up is due on {min(scheduled)}"
    return ("Nothing is due: set Status to Queued on the prospects to pitch first (start with tier A) and put an "
            "email address in Contact, then create the drafts")
