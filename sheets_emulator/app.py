"""The Sheets API v4 and Drive v3 subset as a Flask app, with test controls under /_emulator/."""

from __future__ import annotations

import base64
import contextlib
import csv
import io
import json
import re
import secrets
import socket
import time
from typing import Any
from urllib.parse import unquote

import orjson
from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from sheets_emulator import schema, search_console, sharing
from sheets_emulator.api import batch, dispatch, export, kinds, values
from sheets_emulator.defaults import DEFAULT_FORMAT, sheet_properties, spreadsheet_properties
from sheets_emulator.errors import ApiError, bad_request, not_found
from sheets_emulator.sheets import a1, cells, conditions, formulas, metadata
from sheets_emulator.sheets.fields import apply_mask, parse_mask
from sheets_emulator.sheets.model import Sheet, Spreadsheet, new_spreadsheet_id, now_rfc3339
from sheets_emulator.state import GOOGLE_DEFAULTS, Edit, EmulatorState, Fault, IssuedToken, Quota

MAX_BODY = 10 * 1024 * 1024
DEFAULT_CLIENT = "emulator-client.apps.googleusercontent.com"
TOKEN_SECONDS = 3599
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
UNAUTHENTICATED = ("Request is missing required authentication credential. Expected OAuth 2 access token, login "
                   "cookie or other valid authentication credential. See "
                   "https://developers.google.com/identity/sign-in/web/devconsole-project.")
QUOTA_MESSAGE = ("Quota exceeded for quota metric '{kind} requests' and limit '{kind} requests per minute{per}' "
                 "of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.")
EXPIRED = ("Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other "
           "valid authentication credential.")
INVALID_TOKEN = {"error": "invalid_token", "error_description": "Invalid Value"}


def create_emulator(state: EmulatorState | None = None) -> Flask:
    """The emulator app; ``app.config['EMULATOR']`` holds its state."""
    for api in schema.DOCUMENTS:  # loaded once, up front: a missing document stops the start, not a request
        schema.methods(api)
    app = Flask("sheets_emulator")
    app.config["EMULATOR"] = state or EmulatorState()
    app.config["MAX_CONTENT_LENGTH"] = None

    def st() -> EmulatorState:
        return app.config["EMULATOR"]

    @app.errorhandler(ApiError)
    def api_error(exc: ApiError) -> Response:
        response = json_response(exc.body(), exc.code)
        if exc.code == 429 and getattr(exc, "retry_after", None) is not None:
            response.headers["Retry-After"] = str(exc.retry_after)  # type: ignore[attr-defined]
        return response

    @app.errorhandler(Exception)
    def internal(exc: Exception) -> Response:
        """A fault of the emulator's own: Google's JSON 500, never an HTML page (a dropped connection stays
        dropped)."""
        if isinstance(exc, ConnectionAbortedError):
            raise exc
        if isinstance(exc, HTTPException):
            return json_response(ApiError(exc.code or 500, exc.description or exc.name).body(), exc.code or 500)
        app.logger.exception("emulator fault")
        return json_response(ApiError(500, "Internal error encountered.").body(), 500)

    @app.errorhandler(404)
    def no_route(exc: Exception) -> Response:
        return json_response(ApiError(404, f"The emulator does not serve {request.method} {request.path}").body(), 404)

    @app.errorhandler(405)
    def no_method(exc: Exception) -> Response:
        return json_response(ApiError(405, f"Method {request.method} is not allowed on {request.path}",
                                      "METHOD_NOT_ALLOWED").body(), 405)

    @app.before_request
    def before() -> Response | None:
        g.started = time.perf_counter()
        if request.path.startswith("/_emulator/"):
            if request.method != "GET":
                _require_control()
            return None
        if request.path in {"/token", "/tokeninfo"}:
            return None
        if (request.content_length or 0) > MAX_BODY:
            raise bad_request(f"Request payload size exceeds the limit: {MAX_BODY} bytes.")
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or not auth[7:].strip():
            raise ApiError(401, UNAUTHENTICATED)
        issued = st().issued.get(auth[7:].strip())
        if issued is not None and issued.expires <= time.time():
            raise ApiError(401, EXPIRED)
        g.user = st().user_of(auth[7:].strip())
        g.project = issued.project if issued is not None else None  # an unissued token: the inspector, sees all
        with st().lock:
            st().counter += 1
            g.number = st().counter
            fault = _pick_fault(st(), g.number)
            kind = "read" if request.method == "GET" else "write"
            over = st().over_quota(g.user, kind) if fault is None else ""
            if over:
                error = ApiError(429, QUOTA_MESSAGE.format(kind=kind.capitalize(),
                                                           per=" per user" if over == "user" else ""))
                error.retry_after = st().retry_after(g.user, kind)  # type: ignore[attr-defined]
                raise error
        g.drop_after = bool(fault is not None and fault.drop_after)
        g.delay_after = fault.delay_after if fault is not None else 0.0
        if fault is not None and not fault.drop_after:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.drop:
                _drop_connection()
            if fault.status:
                error = ApiError(fault.status, "The service is currently unavailable." if fault.status >= 500
                                 else "Quota exceeded (injected fault).")
                error.retry_after = fault.retry_after  # type: ignore[attr-defined]
                response = json_response(error.body(), fault.status)
                if fault.retry_after is not None:
                    response.headers["Retry-After"] = str(fault.retry_after)
                return response
        raw_path = (request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.path)
        g.api_method = schema.match(request.method, raw_path.split("?", 1)[0])
        if g.api_method is not None:
            g.json_body = _parsed_body()
            schema.check_request(g.api_method, request.args.to_dict(flat=False), g.json_body)
        return None

    @app.after_request
    def after(response: Response) -> Response:
        if request.path.startswith("/_emulator/") or request.path in {"/token", "/tokeninfo"}:
            return response
        method = getattr(g, "api_method", None)
        if st().check_answers and method is not None and response.status_code == 200 and response.is_json:
            found = schema.check_response(method, response.get_json(silent=True))
            st().answer_violations.extend(found)
            schema.SEEN.extend(found)
        with st().lock:
            path = unquote(request.full_path.rstrip("?"))
            st().log.append({"method": request.method, "path": path, "status": response.status_code,
                             "bytes": request.content_length or 0, "t": round(time.time(), 4),
                             "retry_after": response.headers.get("Retry-After")})
            number = getattr(g, "number", None)
            if number is not None:
                for edit in [e for e in st().edits if e.after == number and not e.after_path]:
                    st().edits.remove(edit)
                    _apply_edit(st(), edit.action)
            if response.status_code == 200:
                matching = [e for e in st().edits if e.after_path and re.search(e.after_path, path)]
                for edit in matching[:1]:  # one edit per request, in the order they were given
                    st().edits.remove(edit)
                    _apply_edit(st(), edit.action)
        if getattr(g, "delay_after", 0.0):
            time.sleep(g.delay_after)  # applied and logged; the answer is late
        if getattr(g, "drop_after", False):
            _drop_connection()  # the request was applied; the client never hears back
        return response

    # ---- OAuth token endpoint (JWT bearer grant) and tokeninfo ----
    @app.post("/token")
    def token() -> Response:
        """A token for the assertion's identity: ``sub`` (a person, by delegation) or ``iss`` (the key's
        client_email); its OAuth client is the assertion's ``client_id`` claim (the key's client_id)."""
        assertion = request.form.get("assertion", "")
        email, client, scopes, project = st().default_user, DEFAULT_CLIENT, "", metadata.DEFAULT_PROJECT
        try:
            payload = assertion.split(".")[1]
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            email = claims.get("sub") or claims.get("iss") or email
            client = str(claims.get("client_id") or client)
            scopes = str(claims.get("scope") or "")
            project = str(claims.get("project") or project)  # another Cloud project: a collaborator's own script
        except (IndexError, ValueError, AttributeError):
            pass
        access = "ya29.emulator-" + secrets.token_urlsafe(24)
        with st().lock:
            st().tokens[access] = email
            st().issued[access] = IssuedToken(email, client, scopes, time.time() + TOKEN_SECONDS, project)
        return json_response({"access_token": access, "expires_in": TOKEN_SECONDS, "token_type": "Bearer"})

    @app.route("/tokeninfo", methods=["GET", "POST"])
    def tokeninfo() -> Response:
        """Like oauth2.googleapis.com/tokeninfo for an access token: who, which client, scopes, expiry."""
        access = request.values.get("access_token", "")
        issued = st().issued.get(access)
        now = time.time()
        if issued is None or issued.expires <= now:
            return json_response(INVALID_TOKEN, 400)
        return json_response({"azp": issued.client, "aud": issued.client, "sub": str(abs(hash(issued.email))),
                              "scope": issued.scopes, "exp": str(int(issued.expires)),
                              "expires_in": str(int(issued.expires - now)), "email": issued.email,
                              "email_verified": "true", "access_type": "online"})

    @app.post("/_emulator/tokens/expire")
    def expire_tokens() -> Response:
        """Expire every issued token of one email (a person whose hour is up)."""
        email = str(_json_body().get("email", "")).lower()
        with st().lock:
            for access, issued in list(st().issued.items()):
                if issued.email.lower() == email:
                    st().issued[access] = IssuedToken(issued.email, issued.client, issued.scopes, 0.0,
                                                      issued.project)
        return json_response({"ok": True})

    # ---- Drive v3 ----
    @app.post("/drive/v3/files")
    def drive_create() -> Response:
        body = _json_body()
        mime = body.get("mimeType", SPREADSHEET_MIME)
        if mime != SPREADSHEET_MIME:
            raise bad_request("The emulator creates only Google Sheets files.")
        with st().lock:
            book = _new_book(st(), body.get("name") or "Untitled spreadsheet", g.user)
        return json_response({"kind": "drive#file", "id": book.spreadsheet_id, "name": book.properties["title"],
                              "mimeType": SPREADSHEET_MIME})

    @app.get("/drive/v3/files")
    def drive_list() -> Response:
        query = request.args.get("q", "")
        with st().lock:
            files = [_file_json(b) for b in st().books.values()
                     if _matches(b, query)
                     and (g.user == st().default_user or sharing.role_of(b, g.user))]
        files.sort(key=lambda f: f["modifiedTime"], reverse=True)
        size = int(request.args.get("pageSize", 100))
        start = int(request.args.get("pageToken") or 0)
        page: dict[str, Any] = {"kind": "drive#fileList", "files": files[start:start + size]}
        if start + size < len(files):
            page["nextPageToken"] = str(start + size)
        if "incompleteSearch" in request.args.get("fields", ""):
            page["incompleteSearch"] = False
        return json_response(_masked(page, request.args.get("fields")))

    @app.get("/drive/v3/files/<file_id>/permissions")
    def permission_list(file_id: str) -> Response:
        with st().lock:
            book = _book(st(), file_id, drive=True)
            sharing.require(book, g.user, st().default_user, write=True)
            page = {"kind": "drive#permissionList", "permissions": sharing.permissions(book)}
        return json_response(_masked(page, request.args.get("fields") or "kind,permissions(kind,id,type,role)"))

    @app.post("/drive/v3/files/<file_id>/permissions")
    def permission_create(file_id: str) -> Response:
        with st().lock:
            book = _book(st(), file_id, drive=True)
            sharing.require(book, g.user, st().default_user, write=True)
            entry = sharing.add(book, _json_body(), st().rng.randint(10**11, 10**12))
            st().save(file_id)
        return json_response(_masked(entry, request.args.get("fields") or "kind,id,type,role"))

    @app.delete("/drive/v3/files/<file_id>/permissions/<permission_id>")
    def permission_delete(file_id: str, permission_id: str) -> Response:
        with st().lock:
            book = _book(st(), file_id, drive=True)
            sharing.require(book, g.user, st().default_user, write=True)
            sharing.remove(book, permission_id)
            st().save(file_id)
        return Response(status=204)

    @app.get("/drive/v3/files/<file_id>")
    def drive_get(file_id: str) -> Response:
        book = _book(st(), file_id, drive=True)
        sharing.require(book, g.user, st().default_user, write=False)
        return json_response(_masked(_file_json(book), request.args.get("fields") or "kind,id,name,mimeType"))

    @app.patch("/drive/v3/files/<file_id>")
    def drive_update(file_id: str) -> Response:
        """files.update (metadata only): a new name; other fields Google takes are refused by name."""
        body = _json_body()
        unserved = sorted(k for k in body if k != "name")
        if unserved:
            raise bad_request(f"The emulator does not emulate updating {', '.join(unserved)} (only name).")
        with st().lock:
            book = _book(st(), file_id, drive=True)
            sharing.require(book, g.user, st().default_user, write=True)
            if body.get("name"):
                book.properties["title"] = str(body["name"])
                book.modified = now_rfc3339()
                st().save(file_id)
        return json_response(_masked(_file_json(book), request.args.get("fields") or "kind,id,name,mimeType"))

    @app.get("/drive/v3/files/<file_id>/export")
    def drive_export(file_id: str) -> Response:
        book = _book(st(), file_id, drive=True)
        sharing.require(book, g.user, st().default_user, write=False)
        mime_type = request.args.get("mimeType", "")
        return Response(export.export(book, mime_type, request.args.get("gid")), mimetype=mime_type)

    @app.get("/drive/v3/files/<file_id>/comments")
    def drive_comments(file_id: str) -> Response:
        book = _book(st(), file_id, drive=True)
        sharing.require(book, g.user, st().default_user, write=False)
        return json_response(_masked({"comments": []}, request.args.get("fields")))

    @app.delete("/drive/v3/files/<file_id>")
    def drive_delete(file_id: str) -> Response:
        with st().lock:
            sharing.require(_book(st(), file_id, drive=True), g.user, st().default_user, write=True)
            del st().books[file_id]
            st().save(file_id)
        return Response(status=204)

    @app.put("/upload/drive/v2/files/<file_id>")
    def drive_v2_import(file_id: str) -> Response:
        """Drive v2 files.update with a CSV body converted into the spreadsheet (gspread's import_csv): the
        first sheet holds the CSV as if typed, sized to it; the other sheets go. Other uploads are refused."""
        args = request.args
        if args.get("uploadType") != "media" or args.get("convert", "").lower() != "true" or (
                request.mimetype != "text/csv"):
            raise bad_request("The emulator serves only CSV media uploads converted into a spreadsheet "
                              "(uploadType=media, convert=true, Content-Type text/csv).")
        try:
            rows = list(csv.reader(io.StringIO(request.get_data().decode("utf-8-sig"))))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise bad_request(f"The CSV could not be read: {exc}") from exc
        with st().lock:
            book = _book(st(), file_id, drive=True)
            sharing.require(book, g.user, st().default_user, write=True)
            first = book.sheets[0]
            book.sheets = [first]
            first.cell_map.clear()
            first.merges.clear()
            grid = first.properties["gridProperties"]
            grid["rowCount"] = max(len(rows), 1)
            grid["columnCount"] = max((len(r) for r in rows), default=1) or 1
            if rows:
                values.write(book, f"{a1.quote_title(first.title)}!A1", rows, "USER_ENTERED")
            formulas.recalculate(book)
            book.modified = now_rfc3339()
            st().save(file_id)
        return json_response({"kind": "drive#file", "id": book.spreadsheet_id, "title": book.properties["title"],
                              "mimeType": SPREADSHEET_MIME, "modifiedDate": book.modified})

    @app.post("/drive/v3/files/<file_id>/copy")
    def drive_copy(file_id: str) -> Response:
        body = _json_body()
        with st().lock:
            source = _book(st(), file_id, drive=True)
            sharing.require(source, g.user, st().default_user, write=False)
            copy = source.clone()
            copy.owner, copy.permissions, copy.developer_metadata = g.user, [], []
            copy.spreadsheet_id = new_spreadsheet_id(st().rng)
            copy.properties["title"] = body.get("name") or f"Copy of {source.properties['title']}"
            copy.created = copy.modified = now_rfc3339()
            st().books[copy.spreadsheet_id] = copy
            st().save(copy.spreadsheet_id)
        return json_response({"kind": "drive#file", "id": copy.spreadsheet_id, "name": copy.properties["title"],
                              "mimeType": SPREADSHEET_MIME})

    # ---- Sheets v4 ----
    @app.post("/v4/spreadsheets")
    def sheets_create() -> Response:
        body = _json_body()
        props = body.get("properties") or {}
        with st().lock:
            book = _new_book(st(), props.get("title") or "Untitled spreadsheet", g.user,
                             locale=props.get("locale", "en_US"), time_zone=props.get("timeZone", "Etc/GMT"))
            for i, given in enumerate(body.get("sheets") or []):
                gp = (given.get("properties") or {})
                grid = gp.get("gridProperties") or {}
                p = sheet_properties(int(gp.get("sheetId", 0 if i == 0 else st().rng.randint(1, 2**31 - 2))),
                                     gp.get("title") or f"Sheet{i + 1}", i, int(grid.get("rowCount", 1000)),
                                     int(grid.get("columnCount", 26)))
                if i == 0:
                    book.sheets = []
                book.sheets.append(Sheet(properties=p))
            st().save(book.spreadsheet_id)
            return json_response(_spreadsheet_json(book, False, []))

    @app.post("/webmasters/v3/sites/<path:site>/searchAnalytics/query")
    def search_analytics(site: str) -> Response:
        with st().lock:
            users = st().search_console_users.get(unquote(site))
            if users is not None and g.user.lower() not in users:
                raise search_console.denied(unquote(site))
            return json_response(search_console.query(st().search_console, unquote(site), _json_body()))

    @app.put("/_emulator/searchconsole/<path:site>")
    def load_search_console(site: str) -> Response:
        """Load a property's rows; ``users`` (optional) are the only accounts that may read it."""
        body = _json_body()
        with st().lock:
            st().search_console[unquote(site)] = list(body.get("rows") or [])
            if body.get("users") is not None:
                st().search_console_users[unquote(site)] = {str(u).lower() for u in body["users"]}
            else:
                st().search_console_users.pop(unquote(site), None)
        return json_response({"ok": True})

    @app.route("/v4/spreadsheets/<path:rest>", methods=["GET", "POST", "PUT"])
    def sheets_dispatch(rest: str) -> Response:
        raw_path = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
        raw_rest = raw_path.split("?", 1)[0].split("/v4/spreadsheets/", 1)[-1] if raw_path else rest
        book_id, _, tail = unquote(raw_rest).partition("/")
        action = ""
        if not tail and ":" in book_id:
            book_id, action = book_id.split(":", 1)
        with st().lock:
            book = _book(st(), book_id)
            reading = tail in ("developerMetadata:search", "values:batchGetByDataFilter") or tail.endswith(
                ":copyTo") or action == "getByDataFilter"  # POSTs that only read this spreadsheet
            writes = request.method != "GET" and not reading
            sharing.require(book, g.user, st().default_user, write=writes)
            return _sheets_route(st(), book, request.method, tail, action)

    # ---- test controls ----
    @app.post("/_emulator/reset")
    def reset() -> Response:
        st().reset()
        return json_response({"ok": True})

    @app.get("/_emulator/log")
    def log() -> Response:
        since = request.args.get("since", "0")
        with st().lock:
            entries = st().log[int(since):] if since.isdigit() else list(st().log)
            return json_response({"requests": entries, "count": st().counter, "length": len(st().log)})

    @app.delete("/_emulator/log")
    def clear_log() -> Response:
        st().log.clear()
        return json_response({"ok": True})

    @app.route("/_emulator/spreadsheets/<book_id>", methods=["GET", "PUT"])
    def dump_load(book_id: str) -> Response:
        if not BOOK_ID.match(book_id):
            raise bad_request(f"'{book_id[:60]}' is not a spreadsheet id (letters, digits, '-' and '_')")
        with st().lock:
            if request.method == "PUT":
                data = _json_body()
                data["spreadsheetId"] = book_id
                st().books[book_id] = Spreadsheet.from_dict(data)
                st().save(book_id)
                return json_response({"ok": True})
            return json_response(_book(st(), book_id).to_dict())

    @app.post("/_emulator/faults")
    def faults() -> Response:
        body = _json_body()
        with st().lock:
            if body.get("clear"):
                st().faults.clear()
            for spec in body.get("faults", []):
                nth = spec.get("nth")
                st().faults.append(Fault(status=int(spec.get("status", 0)), retry_after=spec.get("retry_after"),
                                         delay=float(spec.get("delay", 0)), drop=bool(spec.get("drop", False)),
                                         drop_after=bool(spec.get("drop_after", False)),
                                         delay_after=float(spec.get("delay_after", 0)),
                                         rate=float(spec.get("rate", 0)),
                                         nth=[nth] if isinstance(nth, int) else list(nth or []),
                                         path=spec.get("path", ""), method=spec.get("method", ""),
                                         remaining=spec.get("times")))
        return json_response({"faults": len(st().faults)})

    @app.post("/_emulator/edits")
    def edits() -> Response:
        body = _json_body()
        with st().lock:
            if body.get("clear"):
                st().edits.clear()
            for spec in body.get("edits", []):
                st().edits.append(Edit(after=int(spec.get("after", 0)), action=spec["action"],
                                       after_path=str(spec.get("after_path", ""))))
        return json_response({"pending": len(st().edits)})

    @app.get("/_emulator/edits")
    def applied() -> Response:
        return json_response({"applied": st().applied_edits, "pending": len(st().edits)})

    @app.post("/_emulator/quota")
    def quota() -> Response:
        body = _json_body()
        if body.get("google_defaults"):
            st().quota = GOOGLE_DEFAULTS
        else:
            st().quota = Quota(int(body.get("reads_per_minute", 0)), int(body.get("writes_per_minute", 0)),
                               int(body.get("project_reads_per_minute", 0)),
                               int(body.get("project_writes_per_minute", 0)))
        st().usage.clear()
        return json_response({"ok": True})

    @app.get("/_emulator/answer-violations")
    def answer_violations() -> Response:
        """What the answer check found so far (SHEETS_EMULATOR_CHECK_ANSWERS=1): answers Google's schema
        would not allow. Empty when the check is off or found nothing."""
        with st().lock:
            return json_response({"checking": st().check_answers, "violations": list(st().answer_violations)})

    @app.get("/_emulator/health")
    def health() -> Response:
        return json_response({"ok": True, "spreadsheets": len(st().books)})

    return app


CONTROL_HEADER = "X-Emulator-Control"
BOOK_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


def _require_control() -> None:
    """Control routes change state: only for a client that sends JSON and the control header.

    A web page open on the same machine can send a form or plain text to loopback without asking first, but
    not JSON nor a custom header: the browser asks (a CORS preflight) and the emulator never says yes.
    """
    if request.headers.get(CONTROL_HEADER) != "1":
        raise ApiError(403, f"Control routes need the header {CONTROL_HEADER}: 1 (test clients send it)")
    if request.get_data(cache=True) and request.mimetype != "application/json":
        raise ApiError(415, "Control routes take application/json only")


def json_response(body: Any, status: int = 200) -> Response:
    """Compact UTF-8 JSON (orjson; the standard encoder for what orjson refuses, such as huge integers)."""
    try:
        text = orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE)
    except TypeError:
        text = (json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    return Response(text, status=status, mimetype="application/json; charset=UTF-8")


def _parsed_body() -> Any:
    if not request.data:
        return None
    try:
        return orjson.loads(request.data)
    except orjson.JSONDecodeError:
        raise bad_request("Invalid JSON payload received.") from None


def _json_body() -> dict[str, Any]:
    data = g.json_body if "json_body" in g else _parsed_body()
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise bad_request("Invalid JSON payload received. Expected an object.")
    return data


def _masked(body: dict[str, Any], mask: str | None) -> dict[str, Any]:
    return apply_mask(body, parse_mask(mask)) if mask else body


def _pick_fault(state: EmulatorState, number: int) -> Fault | None:
    for fault in state.faults:
        if fault.method and fault.method != request.method:
            continue
        if fault.path and not re.search(fault.path, request.path):
            continue
        hit = number in fault.nth or (fault.rate and state.rng.random() < fault.rate)
        if hit:
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    state.faults.remove(fault)
            return fault
    return None


def _drop_connection() -> None:
    sock = request.environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
    raise ConnectionAbortedError("dropped by the emulator")


def _new_book(state: EmulatorState, title: str, owner: str, locale: str = "en_US",
              time_zone: str = "Etc/GMT") -> Spreadsheet:
    stamp = now_rfc3339()
    book = Spreadsheet(spreadsheet_id=new_spreadsheet_id(state.rng),
                       properties=spreadsheet_properties(title, locale, time_zone),
                       sheets=[Sheet(properties=sheet_properties(0, "Sheet1", 0))], created=stamp, modified=stamp,
                       owner=owner)
    state.books[book.spreadsheet_id] = book
    state.save(book.spreadsheet_id)
    return book


def _book(state: EmulatorState, book_id: str, drive: bool = False) -> Spreadsheet:
    book = state.books.get(book_id)
    if book is None:
        raise not_found(f"File not found: {book_id}." if drive else "Requested entity was not found.")
    return book


def _file_json(book: Spreadsheet) -> dict[str, Any]:
    return {"kind": "drive#file", "id": book.spreadsheet_id, "name": book.properties["title"],
            "mimeType": SPREADSHEET_MIME, "createdTime": book.created, "modifiedTime": book.modified}


def _matches(book: Spreadsheet, query: str) -> bool:
    """A small Drive query evaluator: name = / contains, mimeType =, trashed = false, joined by 'and'."""
    for clause in re.split(r"\s+and\s+", query.strip()) if query.strip() else []:
        m = re.match(r"^(name|mimeType)\s*(=|contains)\s*['\"](.*)['\"]$", clause.strip())
        if m:
            field, op, value = m.groups()
            value = value.replace("\\'", "'")
            actual = book.properties["title"] if field == "name" else SPREADSHEET_MIME
            if (op == "=" and actual != value) or (op == "contains" and value not in actual):
                return False
        elif not re.match(r"^trashed\s*=\s*false$", clause.strip()):
            return True
    return True


def _sheet_json(book: Spreadsheet, sheet: Sheet) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": sheet.properties}
    on_sheet = [metadata.public(m) for m in metadata.visible(book, g.get("project"))
                if m["location"].get("sheetId") == sheet.sheet_id]
    if on_sheet:
        out["developerMetadata"] = on_sheet
    if sheet.merges:
        out["merges"] = [batch.grid_range(m) | ({"sheetId": sheet.sheet_id} if sheet.sheet_id else {})
                         for m in sheet.merges]
    for key in ("conditionalFormats", "basicFilter", "charts", "rowGroups", "columnGroups", "filterViews",
                "bandedRanges"):
        if sheet.extras.get(key):
            out[key] = sheet.extras[key]
    protected = [{k: v for k, v in p.items() if k != "_sheetId"} for p in book.protected_ranges
                 if p.get("_sheetId", 0) == sheet.sheet_id]
    if protected:
        out["protectedRanges"] = protected
    return out


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _grid_data(sheet: Sheet, span: a1.Span | None) -> dict[str, Any]:
    r0, r1, c0, c1 = values.clamp(sheet, span) if span else (0, sheet.rows, 0, sheet.cols)
    rows: list[dict[str, Any]] = []
    for r in range(r0, r1):
        row = []
        for c in range(c0, c1):
            cell = sheet.cells.get((r, c))
            data: dict[str, Any] = {}
            if cell and "v" in cell:
                entered = {"formulaValue": cell["f"]} if "f" in cell else cells.extended_value(cell["v"])
                data["userEnteredValue"] = entered
                data["effectiveValue"] = cells.extended_value(cell["v"])
                data["formattedValue"] = cells.render(cell, "FORMATTED_VALUE", "FORMATTED_STRING")
            if cell and cell.get("fmt"):
                data["userEnteredFormat"] = cell["fmt"]
            if cell and ("v" in cell or cell.get("fmt")):  # what the cell shows: its format over the defaults,
                shown = _merged(DEFAULT_FORMAT, cell.get("fmt") or {})  # then the first conditional rule it meets
                rule = conditions.first_match(sheet.extras.get("conditionalFormats") or [], sheet.sheet_id, r, c,
                                              cell.get("v"))
                data["effectiveFormat"] = _merged(shown, rule) if rule else shown
            if cell and cell.get("runs"):
                data["textFormatRuns"] = cell["runs"]
            if cell and cell.get("note"):
                data["note"] = cell["note"]
            if cell and cell.get("validation"):
                data["dataValidation"] = cell["validation"]
            row.append(data)
        rows.append({"values": row})
    out: dict[str, Any] = {}
    if r0:
        out["startRow"] = r0
    if c0:
        out["startColumn"] = c0
    out["rowData"] = rows
    out["rowMetadata"] = [{"pixelSize": 21, **sheet.row_meta.get(r, {})} for r in range(r0, r1)]
    out["columnMetadata"] = [{"pixelSize": 100, **sheet.col_meta.get(c, {})} for c in range(c0, c1)]
    return out


def _trim_grid(data: dict[str, Any]) -> dict[str, Any]:
    """Drop trailing empty cells and rows, as Google does after applying the field mask."""
    rows = data.get("rowData")
    if rows is None:
        return data
    trimmed = []
    for row in rows:
        cells_ = list(row.get("values", []))
        while cells_ and not cells_[-1]:
            cells_.pop()
        trimmed.append({"values": cells_} if cells_ else {})
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    out = dict(data)
    if trimmed:
        out["rowData"] = trimmed
    else:
        out.pop("rowData")
    return out


def _spreadsheet_json(book: Spreadsheet, include_grid: bool, ranges: list[str]) -> dict[str, Any]:
    """spreadsheets.get's body: properties, sheets (with their structures and optional grid data), named ranges."""
    out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id, "properties": book.properties}
    sheets: list[dict[str, Any]] = []
    chosen = [values.resolve(book, text) for text in ranges] if ranges else [(s, None) for s in book.sheets]
    for sheet, span in chosen:
        entry: dict[str, Any] = _sheet_json(book, sheet)
        if include_grid:
            entry["data"] = [_grid_data(sheet, span)]
        sheets.append(entry)
    out["sheets"] = sheets
    if book.named_ranges:
        out["namedRanges"] = book.named_ranges
    spreadsheet_level = [metadata.public(m) for m in metadata.visible(book, g.get("project"))
                         if m["location"]["locationType"] == "SPREADSHEET"]
    if spreadsheet_level:
        out["developerMetadata"] = spreadsheet_level
    out["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit"
    return out


def _sheets_route(state: EmulatorState, book: Spreadsheet, method: str, tail: str, action: str) -> Response:
    args = request.args
    if not tail and not action and method == "GET":
        mask = args.get("fields")
        include = args.get("includeGridData", "false").lower() == "true" or bool(
            mask and ("data" in mask.replace("/", ".").split(".")))
        body = _spreadsheet_json(book, include, args.getlist("ranges"))
        if mask:
            body = apply_mask(body, parse_mask(mask))
        for sheet in body.get("sheets", []):
            if "data" in sheet:
                sheet["data"] = [_trim_grid(d) for d in sheet["data"]]
        return json_response(body)
    if action == "batchUpdate" and method == "POST" and not tail:
        payload = _json_body()
        new, replies = dispatch.apply_batch(book, payload.get("requests") or [], state.rng, g.user, g.get("project"))
        formulas.recalculate(new)
        new.modified = now_rfc3339()
        state.books[book.spreadsheet_id] = new
        state.save(book.spreadsheet_id)
        reply: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id, "replies": replies}
        if payload.get("includeSpreadsheetInResponse"):
            reply["updatedSpreadsheet"] = _spreadsheet_json(new, False, [])
        if args.get("fields"):
            reply = apply_mask(reply, parse_mask(args["fields"]))
        return json_response(reply)
    if action == "getByDataFilter" and method == "POST" and not tail:
        payload = _json_body()
        ranges = [_filter_range(book, f, f"dataFilters[{i}]") for i, f in enumerate(payload.get("dataFilters") or [])]
        body = _spreadsheet_json(book, bool(payload.get("includeGridData")), ranges)
        for sheet in body.get("sheets", []):
            if "data" in sheet:
                sheet["data"] = [_trim_grid(d) for d in sheet["data"]]
        return json_response(_masked(body, args.get("fields")))
    if tail.startswith("sheets/") and tail.endswith(":copyTo") and method == "POST":
        return _copy_to(state, book, tail[len("sheets/"):-len(":copyTo")])
    if tail == "developerMetadata:search" and method == "POST":
        return json_response(metadata.search(book, _json_body(), g.get("project")))
    if tail.startswith("developerMetadata/") and method == "GET":
        return json_response(metadata.get(book, tail.split("/", 1)[1], g.get("project")))
    if tail.startswith("values:"):
        return _values_batch(state, book, method, tail.split(":", 1)[1])
    if tail.startswith("values/"):
        text = tail[len("values/"):]
        verb = ""
        for suffix in (":clear", ":append"):
            if text.endswith(suffix):
                text, verb = text[: -len(suffix)], suffix[1:]
        return _values_one(state, book, method, text, verb)
    raise not_found(f"The emulator does not serve {method} {request.path}")


def _copy_to(state: EmulatorState, source: Spreadsheet, sheet_id: str) -> Response:
    """sheets.copyTo: a copy of one sheet at the end of a spreadsheet the caller can edit ("Copy of ...")."""
    sheet = source.sheet_by_id(int(sheet_id)) if sheet_id.lstrip("-").isdigit() else None
    if sheet is None:
        raise not_found(f"No grid with id: {sheet_id}")
    target_id = str(_json_body().get("destinationSpreadsheetId") or "")
    target = _book(state, target_id)
    sharing.require(target, g.user, state.default_user, write=True)
    work = target.clone()
    title, n = f"Copy of {sheet.title}", 2
    while work.sheet_by_title(title):
        title, n = f"Copy of {sheet.title} {n}", n + 1
    new_id = batch.Context(state.rng, g.user).new_id()
    while work.sheet_by_id(new_id):
        new_id = batch.Context(state.rng, g.user).new_id()
    work.sheets.append(kinds.sheet_copy(sheet, new_id, title))
    work.reindex()
    formulas.recalculate(work)
    properties = work.sheets[-1].properties
    work.modified = now_rfc3339()
    state.books[target.spreadsheet_id] = work
    state.save(target.spreadsheet_id)
    return json_response(properties)


def _values_one(state: EmulatorState, book: Spreadsheet, method: str, text: str, verb: str) -> Response:
    args = request.args
    if method == "GET" and not verb:
        return json_response(values.read(book, text, args.get("valueRenderOption", "FORMATTED_VALUE"),
                                         args.get("dateTimeRenderOption", "SERIAL_NUMBER"),
                                         args.get("majorDimension", "ROWS")))
    if method == "PUT" and not verb:
        body = _json_body()
        result = values.write(book, text, body.get("values", []), args.get("valueInputOption"),
                              body.get("majorDimension") or args.get("majorDimension") or "ROWS",
                              field="data.values")
        _touched(state, book, result, args)
        return json_response(result)
    if method == "POST" and verb == "clear":
        cleared = values.clear(book, text)
        _touched(state, book, None, args)
        return json_response({"spreadsheetId": book.spreadsheet_id, "clearedRange": cleared})
    if method == "POST" and verb == "append":
        body = _json_body()
        if args.get("valueInputOption") not in {"RAW", "USER_ENTERED"}:
            raise bad_request("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
        result = values.append(book, text, body.get("values", []), args.get("valueInputOption"),
                               args.get("insertDataOption", "OVERWRITE"),
                               major=body.get("majorDimension") or args.get("majorDimension") or "ROWS")
        _touched(state, book, result.get("updates"), args)
        return json_response(result)
    raise not_found(f"The emulator does not serve {method} {request.path}")


def _touched(state: EmulatorState, book: Spreadsheet, result: dict[str, Any] | None, args: Any) -> None:
    formulas.recalculate(book)
    book.modified = now_rfc3339()
    state.save(book.spreadsheet_id)
    if result is not None and args.get("includeValuesInResponse", "false").lower() == "true" and (
            "updatedRange" in result):
        result["updatedData"] = values.read(book, result["updatedRange"],
                                            args.get("responseValueRenderOption", "FORMATTED_VALUE"),
                                            args.get("responseDateTimeRenderOption", "SERIAL_NUMBER"))


def _filter_range(book: Spreadsheet, data_filter: dict[str, Any], where: str) -> str:
    """The A1 range a DataFilter names: its a1Range, or its gridRange written in A1 (a developer-metadata
    lookup is refused by name: not emulated)."""
    if data_filter.get("a1Range"):
        return str(data_filter["a1Range"])
    grid = data_filter.get("gridRange")
    if grid is not None:
        sheet = book.sheet_by_id(int(grid.get("sheetId") or 0))
        if sheet is None:
            raise bad_request(f"Invalid {where}: No grid with id: {grid.get('sheetId') or 0}")
        r0, r1, c0, c1 = batch._bounds(sheet, grid)
        return a1.format_span(sheet.title, r0, max(r1, r0 + 1), c0, max(c1, c0 + 1))
    if data_filter.get("developerMetadataLookup") is not None:
        raise bad_request(f"Invalid {where}: a developerMetadataLookup filter is not emulated.")
    raise bad_request(f"Invalid {where}: a data filter must name a range.")


def _values_batch(state: EmulatorState, book: Spreadsheet, method: str, verb: str) -> Response:
    args = request.args
    if method == "POST" and verb == "batchGetByDataFilter":
        body = _json_body()
        found = []
        for i, data_filter in enumerate(body.get("dataFilters") or []):
            text = _filter_range(book, data_filter, f"dataFilters[{i}]")
            found.append({"valueRange": values.read(book, text, body.get("valueRenderOption") or "FORMATTED_VALUE",
                                                    body.get("dateTimeRenderOption") or "SERIAL_NUMBER",
                                                    body.get("majorDimension") or "ROWS"),
                          "dataFilters": [data_filter]})
        return json_response({"spreadsheetId": book.spreadsheet_id, "valueRanges": found})
    if method == "POST" and verb == "batchUpdateByDataFilter":
        body = _json_body()
        filtered = [_filter_range(book, d.get("dataFilter") or {}, f"data[{i}].dataFilter")
                    for i, d in enumerate(body.get("data") or [])]
        return _batch_write(state, book, body, filtered, by_filter=True)
    if method == "POST" and verb == "batchClearByDataFilter":
        body = _json_body()
        return _batch_clear(state, book, [_filter_range(book, f, f"dataFilters[{i}]")
                                          for i, f in enumerate(body.get("dataFilters") or [])])
    if method == "GET" and verb == "batchGet":
        ranges = [values.read(book, r, args.get("valueRenderOption", "FORMATTED_VALUE"),
                              args.get("dateTimeRenderOption", "SERIAL_NUMBER"), args.get("majorDimension", "ROWS"))
                  for r in args.getlist("ranges")]
        return json_response({"spreadsheetId": book.spreadsheet_id, "valueRanges": ranges})
    if method == "POST" and verb == "batchUpdate":
        body = _json_body()
        return _batch_write(state, book, body, [d.get("range", "") for d in body.get("data") or []], by_filter=False)
    if method == "POST" and verb == "batchClear":
        return _batch_clear(state, book, _json_body().get("ranges") or [])
    raise not_found(f"The emulator does not serve {method} {request.path}")


def _batch_write(state: EmulatorState, book: Spreadsheet, body: dict[str, Any], ranges: list[str],
                 by_filter: bool) -> Response:
    """values.batchUpdate and batchUpdateByDataFilter: every range checked before any is written, the written
    values in the answer when asked, and the totals (a filter's answer names its filter, not the spreadsheet)."""
    data = body.get("data") or []
    plans = [values.plan_write(book, where, d.get("values", []), body.get("valueInputOption"),
                               d.get("majorDimension") or "ROWS", field=f"data[{i}].values")
             for i, (where, d) in enumerate(zip(ranges, data, strict=True))]
    responses = [values.apply_write(plan) for plan in plans]  # all checked first: all or nothing, no copy
    _touched(state, book, None, request.args)
    answers = []
    for written, given in zip(responses, data, strict=True):
        answer = dict(written)
        if by_filter:
            answer.pop("spreadsheetId", None)
            answer["dataFilter"] = given.get("dataFilter") or {}
        if body.get("includeValuesInResponse") and "updatedRange" in written:
            answer["updatedData"] = values.read(
                book, written["updatedRange"], body.get("responseValueRenderOption") or "FORMATTED_VALUE",
                body.get("responseDateTimeRenderOption") or "SERIAL_NUMBER")
        answers.append(answer)
    counted = [r for r in responses if "updatedCells" in r]
    result: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if counted:
        result.update({
            "totalUpdatedRows": sum(r["updatedRows"] for r in counted),
            "totalUpdatedColumns": max(r["updatedColumns"] for r in counted),
            "totalUpdatedCells": sum(r["updatedCells"] for r in counted),
            "totalUpdatedSheets": len({r["updatedRange"].rsplit("!", 1)[0] for r in counted})})
    result["responses"] = answers
    return json_response(result)


def _batch_clear(state: EmulatorState, book: Spreadsheet, ranges: list[str]) -> Response:
    """values.batchClear and batchClearByDataFilter: the ranges cleared on a copy that then replaces the book."""
    work = book.clone()
    cleared = [values.clear(work, r) for r in ranges]
    state.books[book.spreadsheet_id] = work
    _touched(state, work, None, request.args)
    return json_response({"spreadsheetId": book.spreadsheet_id, "clearedRanges": cleared})


def _apply_edit(state: EmulatorState, action: dict[str, Any]) -> None:
    """Apply a collaborator's edit between two API requests (sort, insert/delete rows or columns, set a cell)."""
    book_id = action.get("spreadsheetId") or next(iter(state.books), None)
    book = state.books.get(book_id or "")
    if book is None:
        return
    sheet = book.sheet_by_title(action.get("sheet", "")) or book.sheets[0]
    kind = action.get("type")
    requests: list[dict[str, Any]] = []
    header = int(action.get("header_rows", 1))
    if kind == "sort":
        requests = [{"sortRange": {"range": {"sheetId": sheet.sheet_id, "startRowIndex": header},
                                   "sortSpecs": [{"dimensionIndex": int(action.get("column", 0)),
                                                  "sortOrder": "DESCENDING" if action.get("descending")
                                                  else "ASCENDING"}]}}]
    elif kind in {"insert_rows", "delete_rows", "insert_columns", "delete_columns"}:
        at, count = int(action.get("at", header)), int(action.get("count", 1))
        dimension = "ROWS" if kind.endswith("rows") else "COLUMNS"
        verb = "insertDimension" if kind.startswith("insert") else "deleteDimension"
        requests = [{verb: {"range": {"sheetId": sheet.sheet_id, "dimension": dimension, "startIndex": at,
                                      "endIndex": at + count}}}]
    elif kind == "move_column":
        source, dest = int(action["from"]), int(action["to"])
        requests = [{"insertDimension": {"range": {"sheetId": sheet.sheet_id, "dimension": "COLUMNS",
                                                   "startIndex": dest, "endIndex": dest + 1}}},
                    {"cutPaste": {"source": {"sheetId": sheet.sheet_id, "startColumnIndex": source + (
                        1 if source >= dest else 0), "endColumnIndex": source + (2 if source >= dest else 1)},
                        "destination": {"sheetId": sheet.sheet_id, "rowIndex": 0, "columnIndex": dest}}},
                    {"deleteDimension": {"range": {"sheetId": sheet.sheet_id, "dimension": "COLUMNS",
                                                   "startIndex": source + (1 if source >= dest else 0),
                                                   "endIndex": source + (2 if source >= dest else 1)}}}]
    elif kind == "set_cell":
        values.write(book, f"{a1.quote_title(sheet.title)}!{action['range']}", [[action.get("value")]], "RAW")
    elif kind == "delete_developer_metadata":  # an owner removing the run's lease by hand, with any key
        book.developer_metadata = [m for m in book.developer_metadata if m["metadataKey"] != action.get("key")]
    elif kind == "set_values":
        values.write(book, f"{a1.quote_title(sheet.title)}!{action['range']}", action.get("values") or [], "RAW")
    if requests:
        new, _ = dispatch.apply_batch(book, requests, state.rng, "collaborator")
        state.books[book.spreadsheet_id] = book = new
    formulas.recalculate(book)
    state.applied_edits.append(action)
    state.save(book.spreadsheet_id)
