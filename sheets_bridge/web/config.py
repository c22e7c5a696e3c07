"""Service configuration from the environment, with defaults in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
GOOGLE_TOKENINFO_URL = "https://oauth2.googleapis.com/tokeninfo"
ACT_AS_PERSON, ACT_AS_SERVICE_ACCOUNT = "person", "service-account"


class ConfigError(ValueError):
    """A SHEETS_BRIDGE_* variable the service cannot use; it refuses to start."""


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip().lower() for v in (value or "").split(",") if v.strip())


@dataclass(frozen=True)
class Config:
    """What the service needs to know; secrets are never logged or returned."""

    audiences: tuple[str, ...] = ()
    allowed_emails: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    certs_url: str = GOOGLE_CERTS_URL
    shared_secret: str = field(default="", repr=False)
    api_root: str = ""
    insecure_dev: bool = False
    max_body_bytes: int = 20 * 1024 * 1024
    clock_skew_seconds: int = 60
    signature_window_seconds: int = 300
    tokeninfo_url: str = GOOGLE_TOKENINFO_URL
    act_as: str = ACT_AS_PERSON  # menu requests act as the person who clicked, or as the service account
    quota_per_minute: int = 60  # Google requests per identity a minute before runs queue (0: no queue)

    @classmethod
    def from_env(cls, insecure_dev: bool = False) -> Config:
        """Read SHEETS_BRIDGE_* variables."""
        env = os.environ
        return cls(audiences=tuple(a.strip() for a in env.get("SHEETS_BRIDGE_AUDIENCES", "").split(",")
                                   if a.strip()),
                   allowed_emails=_list(env.get("SHEETS_BRIDGE_ALLOWED_EMAILS")),
                   allowed_domains=_list(env.get("SHEETS_BRIDGE_ALLOWED_DOMAINS")),
                   certs_url=env.get("SHEETS_BRIDGE_CERTS_URL", GOOGLE_CERTS_URL),
                   shared_secret=env.get("SHEETS_BRIDGE_SHARED_SECRET", ""),
                   api_root=env.get("SHEETS_BRIDGE_API_ROOT", ""), insecure_dev=insecure_dev,
                   tokeninfo_url=env.get("SHEETS_BRIDGE_TOKENINFO_URL", GOOGLE_TOKENINFO_URL),
                   act_as=_act_as(env.get("SHEETS_BRIDGE_ACT_AS", ACT_AS_PERSON)),
                   quota_per_minute=_whole(env.get("SHEETS_BRIDGE_QUOTA_PER_MINUTE", "60"),
                                           "SHEETS_BRIDGE_QUOTA_PER_MINUTE"))

    @property
    def has_auth(self) -> bool:
        """Whether any authentication is configured (ID tokens need an audience)."""
        return bool(self.audiences or self.shared_secret)


def _act_as(value: str) -> str:
    mode = value.strip().lower()
    if mode not in {ACT_AS_PERSON, ACT_AS_SERVICE_ACCOUNT}:
        raise ConfigError(f"SHEETS_BRIDGE_ACT_AS must be '{ACT_AS_PERSON}' or '{ACT_AS_SERVICE_ACCOUNT}', "
                          f"not '{value[:40]}'")
    return mode


def _whole(value: str, name: str) -> int:
    if not value.strip().isdigit():
        raise ConfigError(f"{name} must be a whole number (0 turns it off), not '{value[:40]}'")
    return int(value)
