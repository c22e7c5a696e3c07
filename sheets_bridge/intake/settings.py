"""The Settings tab: key/value rows parsed into typed settings, with defaults for missing keys."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import pandas as pd

from sheets_bridge.exceptions import InvalidHostError, SettingsError
from sheets_bridge.intake.domains import key_host
from sheets_bridge.intake.values import parse_bool_text, parse_date_text, parse_number_text

DEFAULT_FOLLOW_UP_DAYS = (1, 4, 9, 14)


@dataclass(frozen=True)
class Settings:
    """Typed settings; every field has the default the README documents."""

    your_domain: str = ""
    topic_keywords: tuple[str, ...] = ()
    brand_keywords: tuple[str, ...] = ()
    min_competitors_linking: int = 1
    weight_authority: float = 0.35
    weight_relevance: float = 0.40
    weight_feasibility: float = 0.25
    min_authority: float = 0.0
    max_authority: float = 100.0
    allowed_countries: tuple[str, ...] = ()
    excluded_countries: tuple[str, ...] = ()
    excluded_tlds: tuple[str, ...] = ()
    follow_up_days: tuple[int, ...] = DEFAULT_FOLLOW_UP_DAYS
    business_days_only: bool = False
    holiday_country: str = ""
    recontact_after_days: int = 100
    campaign: str = ""
    keep_lost_links: bool = False
    exact_match_threshold: float = 10.0
    quarterly_link_goal: int = 0  # placements the team aims for this quarter (0: no goal set)
    campaign_start: dt.date | None = None  # day 1 of the 90-day plan
    your_authority: float | None = None  # 0-100, the same scale as the competitors'
    competitor_authority: tuple[tuple[str, float], ...] = ()  # (site key, 0-100)
    search_console_property: str = ""  # e.g. sc-domain:example.com, for pulling rankings
    unknown_keys: tuple[str, ...] = field(default=(), compare=False)

    @property
    def weights(self) -> tuple[float, float, float]:
        """Authority, relevance and feasibility weights normalised to sum to 1."""
        total = self.weight_authority + self.weight_relevance + self.weight_feasibility
        return (self.weight_authority / total, self.weight_relevance / total, self.weight_feasibility / total)


def _key(label: object) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(label).strip().lower()).strip("_")


def _split(value: object) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"[,;\n]", str(value)) if p.strip())


def _number(key: str, value: object, row: int, low: float, high: float) -> float:
    number = parse_number_text(value)
    if number != number or not low <= number <= high:
        raise SettingsError(f"Settings row {row} ({key.replace('_', ' ').capitalize()}): "
                            f"expected a number from {low:g} to {high:g}, found '{value}'")
    return number


def parse_settings(values: Sequence[Sequence[Any]] | None) -> Settings:
    """Parse the Settings tab's 2D values (key in column A, value in column B)."""
    known = {f.name for f in fields(Settings)}
    found: dict[str, Any] = {}
    unknown: list[str] = []
    for index, row in enumerate(values or [], start=1):
        if not row or str(row[0]).strip() == "" or _key(row[0]) in {"key", "setting"}:
            continue
        key, value = _key(row[0]), row[1] if len(row) > 1 else ""
        if value is None or str(value).strip() == "":
            continue
        if key not in known or key == "unknown_keys":
            unknown.append(str(row[0]).strip())
            continue
        found[key] = _convert(key, value, index)
    if "max_authority" in found and found["max_authority"] < found.get("min_authority", 0):
        raise SettingsError("Settings: Max authority is below Min authority")
    return Settings(**found, unknown_keys=tuple(unknown))


EXAMPLE_DOMAINS = frozenset({"example.com", "example.org", "example.net"})  # reserved, never a real site


def _convert(key: str, value: object, row: int) -> Any:
    if key == "your_domain":
        try:
            domain = key_host(value).key
        except InvalidHostError as exc:
            raise SettingsError(f"Settings row {row} (Your domain): {exc.message}") from exc
        if domain in EXAMPLE_DOMAINS:
            raise SettingsError(f"Settings row {row} (Your domain): {domain} is a placeholder, not a site; type "
                                "your own domain so prospects that already link to you are left out")
        return domain
    if key in {"topic_keywords", "brand_keywords"}:
        return tuple(k.lower() for k in _split(value))
    if key in {"allowed_countries", "excluded_countries"}:
        return tuple(k.upper() for k in _split(value))
    if key == "excluded_tlds":
        return tuple(k.lower().lstrip(".") for k in _split(value))
    if key == "min_competitors_linking":
        return int(_number(key, value, row, 1, 1000))
    if key.startswith("weight_"):
        return _number(key, value, row, 0, 1000)
    if key in {"min_authority", "max_authority", "exact_match_threshold"}:
        return _number(key, value, row, 0, 100)
    if key == "your_authority":
        return _number(key, value, row, 0, 100)
    if key == "competitor_authority":
        pairs = []
        for part in _split(value):
            found = re.match(r"^(.+?)[\s:=]+([0-9]+(?:\.[0-9]+)?)$", part.strip())
            if found is None:
                raise SettingsError(f"Settings row {row} (Competitor authority): expected 'site number' pairs such "
                                    f"as 'rival.com 45; other.com 60', found '{part}'")
            try:
                site = key_host(found.group(1)).key
            except InvalidHostError as exc:
                raise SettingsError(f"Settings row {row} (Competitor authority): {exc.message}") from exc
            pairs.append((site, _number(key, found.group(2), row, 0, 100)))
        return tuple(pairs)
    if key == "quarterly_link_goal":
        return int(_number(key, value, row, 0, 100_000))
    if key == "campaign_start":
        stamp = parse_date_text(value)
        if not isinstance(stamp, pd.Timestamp):
            raise SettingsError(f"Settings row {row} (Campaign start): expected a date such as 2026-11-02, "
                                f"found '{value}'")
        return stamp.date()
    if key == "recontact_after_days":
        return int(_number(key, value, row, 0, 3650))
    if key == "follow_up_days":
        days = tuple(int(_number(key, d, row, 0, 365)) for d in _split(value))
        if not days or list(days) != sorted(set(days)):
            raise SettingsError(f"Settings row {row} (Follow-up days): expected increasing day numbers "
                                f"such as 1, 4, 9, 14, found '{value}'")
        return days
    if key in {"business_days_only", "keep_lost_links"}:
        flag = parse_bool_text(value)
        if flag is None:
            raise SettingsError(f"Settings row {row} ({key.replace('_', ' ').capitalize()}): "
                                f"expected yes or no, found '{value}'")
        return flag
    return str(value).strip()


def validate_weights(settings: Settings) -> None:
    """Raise SettingsError when the three weights cannot be normalised."""
    if settings.weight_authority + settings.weight_relevance + settings.weight_feasibility <= 0:
        raise SettingsError("Settings: the three weights add up to 0; give at least one a positive value")
