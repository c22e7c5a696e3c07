"""HTTP routes: parse, call one service function, serialise. Authentication is a decorator."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import importlib
import re
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from flask import Blueprint, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue

from sheets_bridge import __version__
from sheets_bridge.exceptions import AuthenticationError, ForbiddenError, SheetsBridgeError
from sheets_bridge.service.memory import release_memory
from sheets_bridge.web.config import ACT_AS_PERSON
from sheets_bridge.web.person import ACCESS_TOKEN_HEADER, SEARCH_CONSOLE_SCOPE, SHEETS_SCOPE, Person

bp = Blueprint("api", __name__)


class _OnFirstUse:
    """A module imported on first attribute access: the service starts and answers health checks before
    pandas and the engine are loaded (every Cloud Run cold start)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)


if TYPE_CHECKING:
    from sheets_bridge.service import actions as service
else:
    service = _OnFirstUse("sheets_bridge.service.actions")
SPREADSHEET_ID = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2199, 12, 31)


class BadRequestError(SheetsBridgeError):
    """A request the service cannot parse (400)."""

    code = "bad_request"
    status = 400


def authenticated(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Require valid credentials; puts the caller in ``g.caller``."""
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        auth = current_app.extensions["sheets_bridge.auth"]
        headers = {k: v for k, v in request.headers.items()}
        g.caller = auth.authenticate(headers, request.method, request.path, request.get_data(cache=True))
        g.user = g.caller.email
        return view(*args, **kwargs)
    return wrapper


def _spreadsheet(spreadsheet_id: str) -> str:
    if not SPREADSHEET_ID.match(spreadsheet_id):
        raise BadRequestError("That is not a Google spreadsheet id (20-100 letters, digits, '-' or '_')")
    g.spreadsheet_id = spreadsheet_id
    return spreadsheet_id


def _json() -> dict[str, Any]:
    if not request.get_data(cache=True):
        return {}
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        data = None
    if not isinstance(data, dict):
        raise BadRequestError("The request body must be a JSON object")
    return data


def _today(body: dict[str, Any]) -> dt.date:
    text = body.get("today")
    if text is None:
        return dt.date.today()
    try:
        day = dt.date.fromisoformat(str(text))
    except ValueError:
        raise BadRequestError(f"'today' must be a date as YYYY-MM-DD, got '{str(text)[:40]}'") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise BadRequestError(f"'today' must be between {FIRST_DAY} and {LAST_DAY}, got {day}")
    return day


def acting_person(scopes: tuple[str, ...] = (SHEETS_SCOPE,)) -> Person | None:
    """The person this request acts as (their checked access token), or None to act as the service account.

    Menu requests (ID tokens) act as the person unless the deployment says ``SHEETS_BRIDGE_ACT_AS=service-account``;
    signed requests (automation) always act as the service account.
    """
    config = current_app.extensions["sheets_bridge.config"]
    if g.caller.method != "id_token" or config.act_as != ACT_AS_PERSON:
        return None
    token = request.headers.get(ACCESS_TOKEN_HEADER, "").strip()
    if not token:
        raise AuthenticationError("This service acts as the person who clicked, but the request did not carry your "
                                  f"Google access token ({ACCESS_TOKEN_HEADER}): update the Backlink gap add-on or "
                                  "script to its current version")
    return current_app.extensions["sheets_bridge.person_tokens"].check(token, g.caller.email, scopes)


def _run(spreadsheet_id: str, action: str, work: Callable[[Any], dict[str, Any]],
         scopes: tuple[str, ...] = (SHEETS_SCOPE,)) -> ResponseReturnValue:
    """Hold the spreadsheet (this process, then every process through its lease), check edit access, work.

    Acting as the person, Google checks their access on every request; acting as the service account, the
    caller's edit access is read from Drive's permissions first.
    """
    runs = current_app.extensions["sheets_bridge.runs"]
    config = current_app.extensions["sheets_bridge.config"]
    person = acting_person(scopes)
    g.acting_as = "person" if person else "service account"
    identity = person.email if person else "service account"
    with runs.hold(spreadsheet_id, g.user, action), current_app.extensions["sheets_bridge.quota"].run(identity) as sent:
        store = current_app.extensions["sheets_bridge.store_factory"](spreadsheet_id, person)
        before = int(getattr(store, "requests_sent", 0))
        if g.caller.method == "id_token" and person is None:
            current_app.extensions["sheets_bridge.access"].require_editor(spreadsheet_id, g.caller.email,
                                                                          store.permissions)
        try:
            with store.hold(g.user, action, signature=g.caller.signature,
                            signature_window=config.signature_window_seconds + config.clock_skew_seconds):
                result = work(store)
        finally:
            release_memory()
        g.api_requests = int(getattr(store, "requests_sent", 0)) - before
        sent(g.api_requests)
        result["api_requests"] = g.api_requests
        return jsonify(result)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    return jsonify({"ok": True})


@bp.get("/v1/info")
@authenticated
def info() -> ResponseReturnValue:
    config = current_app.extensions["sheets_bridge.config"]
    as_person = g.caller.method == "id_token" and config.act_as == ACT_AS_PERSON
    return jsonify({"version": __version__,
                    "service_account": current_app.extensions["sheets_bridge.service_account"](),
                    "acting_as": "person" if as_person else "service account",
                    "user": g.user})


@bp.post("/v1/spreadsheets/<spreadsheet_id>/score")
@authenticated
def score(spreadsheet_id: str) -> ResponseReturnValue:
    book, today = _spreadsheet(spreadsheet_id), _today(_json())
    return _run(book, "Score prospects", lambda store: service.score(store, today, user=g.user)[0].to_dict())


@bp.post("/v1/spreadsheets/<spreadsheet_id>/followups")
@authenticated
def followups(spreadsheet_id: str) -> ResponseReturnValue:
    book, today = _spreadsheet(spreadsheet_id), _today(_json())
    return _run(book, "Update follow-ups", lambda store: service.followups(store, today).to_dict())


@bp.post("/v1/spreadsheets/<spreadsheet_id>/dashboard")
@authenticated
def dashboard(spreadsheet_id: str) -> ResponseReturnValue:
    book, today = _spreadsheet(spreadsheet_id), _today(_json())
    return _run(book, "Refresh dashboard", lambda store: service.dashboard(store, today))


@bp.post("/v1/spreadsheets/<spreadsheet_id>/drafts")
@authenticated
def drafts(spreadsheet_id: str) -> ResponseReturnValue:
    book, body = _spreadsheet(spreadsheet_id), _json()
    domains = body.get("domains") or []
    if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains) or len(domains) > 500:
        raise BadRequestError("'domains' should be a list of up to 500 domains")
    return _run(book, "Prepare drafts", lambda store: service.drafts(store, [d for d in domains if d.strip()]))


@bp.post("/v1/spreadsheets/<spreadsheet_id>/digest")
@authenticated
def digest(spreadsheet_id: str) -> ResponseReturnValue:
    book, body = _spreadsheet(spreadsheet_id), _json()
    today, editors = _today(body), body.get("editors")
    if editors is not None and (not isinstance(editors, list) or len(editors) > 1000
                                or not all(isinstance(e, str) for e in editors)):
        raise BadRequestError("'editors' should be a list of up to 1,000 email addresses")
    config = current_app.extensions["sheets_bridge.config"]
    return _run(book, "Daily digest", lambda store: service.digest(
        store, today, editors, allowed_emails=config.allowed_emails, allowed_domains=config.allowed_domains))


@bp.post("/v1/spreadsheets/<spreadsheet_id>/do-not-contact")
@authenticated
def do_not_contact(spreadsheet_id: str) -> ResponseReturnValue:
    book, today = _spreadsheet(spreadsheet_id), _today(_json())
    return _run(book, "Add to Do not contact", lambda store: service.list_do_not_contact(store, today))


@bp.post("/v1/spreadsheets/<spreadsheet_id>/rankings")
@authenticated
def rankings(spreadsheet_id: str) -> ResponseReturnValue:
    book, body = _spreadsheet(spreadsheet_id), _json()
    today, site, days = _today(body), str(body.get("site") or ""), body.get("days", 90)
    if not isinstance(days, int) or not 1 <= days <= 480:
        raise BadRequestError("'days' should be a whole number of days from 1 to 480")
    if g.caller.method == "id_token" and current_app.extensions["sheets_bridge.config"].act_as != ACT_AS_PERSON:
        raise ForbiddenError("This deployment acts as one service account, which could read other teams' Search "
                             "Console properties; rankings are pulled from the menu only when it acts as you "
                             "(SHEETS_BRIDGE_ACT_AS=person), or by an administrator's signed request")
    return _run(book, "Pull rankings", lambda store: service.pull_rankings(store, site, today, days),
                scopes=(SHEETS_SCOPE, SEARCH_CONSOLE_SCOPE))


@bp.post("/v1/spreadsheets/<spreadsheet_id>/gmail-sync")
@authenticated
def gmail_sync(spreadsheet_id: str) -> ResponseReturnValue:
    book, body = _spreadsheet(spreadsheet_id), _json()
    events = body.get("events")
    if not isinstance(events, list) or len(events) > 5000 or not all(isinstance(e, dict) for e in events):
        raise BadRequestError("'events' should be a list of up to 5,000 Gmail messages")
    return _run(book, "Sync with Gmail", lambda store: service.sync_gmail(store, events))


@bp.post("/v1/spreadsheets/<spreadsheet_id>/setup")
@authenticated
def setup(spreadsheet_id: str) -> ResponseReturnValue:
    book = _spreadsheet(spreadsheet_id)
    _json()
    return _run(book, "Set up", service.setup)


@bp.post("/v1/spreadsheets/<spreadsheet_id>/imports")
@authenticated
def imports(spreadsheet_id: str) -> ResponseReturnValue:
    book = _spreadsheet(spreadsheet_id)
    if request.files:
        upload = request.files.get("file")
        if upload is None:
            raise BadRequestError("Send the export as a form field named 'file'")
        data, name, domain = upload.read(), upload.filename or "export.csv", request.form.get("domain", "")
        append = request.form.get("append", "").lower() in {"1", "true", "yes", "on"}
        force = request.form.get("force", "").lower() in {"1", "true", "yes", "on"}
    else:
        body = _json()
        try:
            data = base64.b64decode(str(body.get("content_base64", "")), validate=True)
        except (binascii.Error, ValueError):
            raise BadRequestError("'content_base64' is not valid base64") from None
        name, domain = str(body.get("filename") or "export.csv"), str(body.get("domain") or "")
        append, force = body.get("append") is True, body.get("force") is True
    if not domain:
        raise BadRequestError("Say which site the export describes: a 'domain' such as competitor-a.com")
    if not data:
        raise BadRequestError("The export file is empty")

    return _run(book, "Import export file",
                lambda store: service.import_export(store, data, name, domain, append=append, force=force))
