"""The Flask app factory: configuration, one error handler, JSON access logs, the run registry."""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from sheets_bridge.exceptions import SheetsBridgeError
from sheets_bridge.store.base import Store
from sheets_bridge.web.access import AccessChecker
from sheets_bridge.web.auth import Authenticator
from sheets_bridge.web.config import Config
from sheets_bridge.web.person import Person, PersonTokens
from sheets_bridge.web.quota import QueuedError, QuotaGauge
from sheets_bridge.web.routes import bp
from sheets_bridge.web.runs import RunRegistry

access_log = logging.getLogger("sheets_bridge.access")


def default_store_factory(spreadsheet_id: str, person: Person | None = None) -> Store:
    """A Google store for the spreadsheet: acting as ``person`` when given, else with the process's credentials."""
    from sheets_bridge.store.google.http import person_session
    from sheets_bridge.store.google.sheets import GoogleStore

    store = GoogleStore(spreadsheet_id, session=person_session(person.credentials, person.email) if person else None)
    store.lease_ttl = float(os.environ.get("SHEETS_BRIDGE_LEASE_SECONDS", store.lease_ttl))
    return store


def default_service_account() -> str:
    """The email users must share their spreadsheets with."""
    from sheets_bridge.store.google.http import load_credentials, service_account_email

    try:
        return service_account_email(load_credentials()) or "(application default credentials)"
    except SheetsBridgeError:
        return "(no credentials configured)"


StoreFactory = Callable[[str, Person | None], Store]


def create_app(config: Config | None = None, store_factory: StoreFactory | None = None,
               service_account: Callable[[], str] | None = None) -> Flask:
    """Build the service; configuration defaults to the environment."""
    config = config or Config.from_env()
    app = Flask("sheets_bridge")
    app.url_map.merge_slashes = False  # '//' is a bad id (404 JSON), not a redirect
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.extensions["sheets_bridge.config"] = config
    app.extensions["sheets_bridge.auth"] = Authenticator(config)
    app.extensions["sheets_bridge.runs"] = RunRegistry()
    app.extensions["sheets_bridge.access"] = AccessChecker()
    app.extensions["sheets_bridge.person_tokens"] = PersonTokens(config.tokeninfo_url, config.audiences)
    app.extensions["sheets_bridge.quota"] = QuotaGauge(per_minute=config.quota_per_minute)
    app.extensions["sheets_bridge.store_factory"] = store_factory or default_store_factory
    app.extensions["sheets_bridge.service_account"] = service_account or default_service_account
    app.register_blueprint(bp)

    @app.before_request
    def start() -> None:
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex[:16]
        g.started = time.perf_counter()

    @app.after_request
    def log(response: Response) -> Response:
        record = {"request_id": g.get("request_id"), "spreadsheet_id": g.get("spreadsheet_id"),
                  "user": g.get("user"), "route": request.url_rule.rule if request.url_rule else request.path,
                  "method": request.method, "status": response.status_code,
                  "ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1),
                  "api_requests": g.get("api_requests", 0), "acting_as": g.get("acting_as")}
        access_log.info(json.dumps(record))
        response.headers["X-Request-Id"] = str(g.get("request_id"))
        return response

    @app.errorhandler(SheetsBridgeError)
    def project_error(exc: SheetsBridgeError) -> tuple[Response, int]:
        response, status = _error(exc.code, exc.message, exc.status)
        if isinstance(exc, QueuedError):  # the menu waits this long, then tries again by itself
            response.headers["Retry-After"] = str(exc.retry_after)
            body = response.get_json()
            body["error"].update(ahead=exc.ahead, retry_after=exc.retry_after)
            response.set_data(json.dumps(body))
        return response, status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response, int]:
        status = exc.code or 500
        messages = {404: "No such route", 405: "That method is not allowed here",
                    413: f"The request body is larger than {config.max_body_bytes // (1024 * 1024)} MB"}
        return _error(exc.name.lower().replace(" ", "_"), messages.get(status, exc.description or exc.name),
                      status)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[Response, int]:
        logging.getLogger("sheets_bridge").error("request %s failed: %s", g.get("request_id"),
                                                 type(exc).__name__, exc_info=exc)
        return _error("internal", f"Something went wrong on the service side (request {g.get('request_id')}); "
                                  "the run did not finish", 500)

    return app


def _error(code: str, message: str, status: int) -> tuple[Response, int]:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    return jsonify(body), status
