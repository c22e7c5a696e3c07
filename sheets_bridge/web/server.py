"""Run the service under gunicorn with JSON access logs; refuse to start without authentication."""

from __future__ import annotations

import logging
import sys
from typing import Any

from gunicorn.app.base import BaseApplication

from sheets_bridge.web.app import create_app
from sheets_bridge.web.config import Config


class _Gunicorn(BaseApplication):
    def __init__(self, app: Any, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def configure_logging() -> None:
    """One JSON line per request on standard error (the access logger writes JSON itself)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in ("sheets_bridge.access", "sheets_bridge"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False


LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def run_server(host: str | None, port: int, workers: int, insecure_dev: bool) -> int:
    """Start gunicorn; exit 2 when no authentication is configured and --insecure-dev was not given.

    --insecure-dev listens on loopback only: it refuses any other address.
    """
    config = Config.from_env(insecure_dev=insecure_dev)
    if insecure_dev and host is not None and host not in LOOPBACK and not host.startswith("127."):
        print(f"sheets-bridge: --insecure-dev listens on loopback only (127.0.0.1), not on {host}: anyone who "
              "could reach it would act on your spreadsheets", file=sys.stderr)
        return 2
    host = host or ("127.0.0.1" if insecure_dev else "0.0.0.0")
    if not config.has_auth and not insecure_dev:
        print("sheets-bridge: no authentication configured: set SHEETS_BRIDGE_AUDIENCES (OAuth client ids) or "
              "SHEETS_BRIDGE_SHARED_SECRET, or pass --insecure-dev for local development", file=sys.stderr)
        return 2
    if insecure_dev:
        print("WARNING: --insecure-dev: this service accepts requests from ANYONE who can reach it. "
              "Never expose it beyond your own machine.", file=sys.stderr)
    configure_logging()
    # max_requests: a worker is replaced after 20-25 runs, bounding what allocator fragmentation keeps
    # (about 6 MiB a 250,000-row run, measured by benchmarks/service_memory.py)
    _Gunicorn(create_app(config), {"bind": f"{host}:{port}", "workers": workers, "threads": 4,
                                   "timeout": 300, "accesslog": None, "errorlog": "-",
                                   "max_requests": 20, "max_requests_jitter": 5}).run()
    return 0
