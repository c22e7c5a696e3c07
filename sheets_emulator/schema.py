"""Requests and answers checked against Google's own discovery documents.

The documents are the copies google-api-python-client ships (``googleapiclient/discovery_cache``; their
``revision`` is reported by ``documents_revision``). A request is matched to its method by HTTP verb and path;
then, as Google's front end does:

- a query parameter the method does not declare (nor the standard ones: ``fields``, ``alt``...) is refused
  on Sheets: ``Unknown name "x": Cannot bind query parameter``;
- a body field the schema does not have is refused: ``Unknown name "x" at 'requests[0].add_sheet'``;
- a value of the wrong type, an integer outside its range or an enum value outside the schema is refused:
  ``Invalid value at 'requests[0].add_sheet.properties.sheet_id' (TYPE_INT32), "x"``.

Field names are accepted in camelCase or as the proto's snake_case (Google's JSON parser takes both), and
``null`` means "not set", as in proto3 JSON. Answers are checked by the same walk (``check_response``), stricter:
camelCase only. Every violation is one line of the 400's message and one ``fieldViolations`` entry.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from sheets_emulator.errors import ApiError

DOCUMENTS = {"sheets": "sheets.v4.json", "drive": "drive.v3.json", "webmasters": "webmasters.v3.json"}
PACKAGES = {"sheets": "google.apps.sheets.v4", "drive": "google.apps.drive.v3", "webmasters": "webmasters.v3"}
PREFIXES = (("/v4/", "sheets"), ("/drive/v3/", "drive"), ("/webmasters/v3/", "webmasters"))
STRICT_QUERY = frozenset({"sheets"})  # APIs whose front end refuses an undeclared query parameter
TYPE_NAMES: dict[tuple[Any, Any], str] = {("integer", "int32"): "TYPE_INT32", ("integer", "uint32"): "TYPE_UINT32",
              ("string", "int64"): "TYPE_INT64", ("string", "uint64"): "TYPE_UINT64",
              ("number", "double"): "TYPE_DOUBLE", ("number", "float"): "TYPE_FLOAT",
              ("boolean", None): "TYPE_BOOL", ("string", None): "TYPE_STRING", ("string", "byte"): "TYPE_BYTES"}
RANGES = {"int32": (-(2**31), 2**31 - 1), "uint32": (0, 2**32 - 1), "int64": (-(2**63), 2**63 - 1),
          "uint64": (0, 2**64 - 1)}
_INTEGER = re.compile(r"^-?\d+$")
SEEN: list[str] = []  # every answer violation any emulator of this process found (read by the test suite)


class DiscoveryMissingError(RuntimeError):
    """google-api-python-client (which carries the discovery documents) is not installed."""


@dataclass(frozen=True)
class Method:
    """One API method: where it is served and what it takes and answers."""

    api: str
    id: str
    verb: str
    pattern: re.Pattern[str]
    parameters: dict[str, dict[str, Any]]
    request: str | None
    response: str | None


@cache
def document(api: str) -> dict[str, Any]:
    """The discovery document of ``api`` as google-api-python-client ships it."""
    try:
        folder = resources.files("googleapiclient.discovery_cache").joinpath("documents")
    except ModuleNotFoundError:
        raise DiscoveryMissingError("the emulator checks requests against Google's discovery documents: "
                                    "pip install google-api-python-client") from None
    data: dict[str, Any] = json.loads(folder.joinpath(DOCUMENTS[api]).read_text(encoding="utf-8"))
    return data


def documents_revision() -> dict[str, str]:
    """Each document's revision (the date Google published it)."""
    return {api: str(document(api).get("revision", "")) for api in DOCUMENTS}


def _pattern(service_path: str, flat: str) -> re.Pattern[str]:
    parts = re.split(r"(\{\+?[A-Za-z_]+\})", "/" + service_path + flat)
    regex = "".join(
        (f"(?P<{p.strip('{+}')}>.+)" if p.startswith("{+") else f"(?P<{p.strip('{}')}>[^/]+)")
        if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{regex}$")


def _walk(resource: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(resource.get("methods", {}).values())
    for child in resource.get("resources", {}).values():
        found.extend(_walk(child))
    return found


@cache
def methods(api: str) -> tuple[Method, ...]:
    """Every method of ``api``, most specific path first."""
    doc = document(api)
    found = []
    for m in _walk(doc):
        flat = m.get("flatPath") or m["path"]
        found.append(Method(api, m["id"], m["httpMethod"], _pattern(doc.get("servicePath", ""), flat),
                            m.get("parameters", {}), (m.get("request") or {}).get("$ref"),
                            (m.get("response") or {}).get("$ref")))
    return tuple(sorted(found, key=lambda x: -len(re.sub(r"\(\?P<[^>]+>[^)]*\)", "", x.pattern.pattern))))


def match(verb: str, raw_path: str) -> Method | None:
    """The method a request is for (``raw_path`` still percent-encoded), or None when no API declares it."""
    for prefix, api in PREFIXES:
        if raw_path.startswith(prefix):
            return next((m for m in methods(api) if m.verb == verb and m.pattern.match(raw_path)), None)
    return None


def _flattened(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        out.extend(_flattened(value) if isinstance(value, list) else [value])
    return out


def _takes_anything(schema: dict[str, Any]) -> bool:
    """A schema any JSON value satisfies (``any``), or a list of such values (a row of cells)."""
    kind = schema.get("type")
    return kind == "any" or (kind == "array" and schema.get("items", {}).get("type") == "any")


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def _shown(value: Any) -> str:
    return json.dumps(value) if isinstance(value, str) else json.dumps(value, default=str)


class _Walker:
    """Checks one JSON value against one schema; collects (field path, message) violations."""

    def __init__(self, api: str, answer: bool = False) -> None:
        self.api, self.answer = api, answer
        self.schemas: dict[str, Any] = document(api)["schemas"]
        self.found: list[tuple[str, str]] = []

    def unknown(self, name: str, path: str) -> None:
        where = f" at '{path}'" if path else ""
        self.found.append((path, f'Invalid JSON payload received. Unknown name "{name}"{where}: Cannot find field.'))

    def invalid(self, path: str, kind: str, value: Any) -> None:
        self.found.append((path, f"Invalid value at '{path}' ({kind}), {_shown(value)}"))

    def check(self, value: Any, schema: dict[str, Any], path: str, name: str = "") -> None:
        if value is None:
            return  # proto3 JSON: null is "not set"
        ref = schema.get("$ref")
        if ref:
            self.message(value, ref, path)
            return
        kind, fmt = schema.get("type"), schema.get("format")
        if kind == "array":
            if not isinstance(value, list):
                self.invalid(path, "TYPE_MESSAGE" if "$ref" in schema.get("items", {}) else "list", value)
                return
            if not self.answer and "$ref" in schema.get("items", {}) and any(isinstance(v, list) for v in value):
                value[:] = _flattened(value)  # Google's parser reads [[a, b]] for a repeated message as [a, b]
            if _takes_anything(schema.get("items", {})):
                if schema["items"].get("type") == "array":  # values: rows of cells, any cell allowed
                    bad = next((i for i, row in enumerate(value) if row is not None and not isinstance(row, list)),
                               None)
                    if bad is not None:
                        self.invalid(f"{path}[{bad}]", "list", value[bad])
                return
            for i, item in enumerate(value):
                self.check(item, schema.get("items", {}), f"{path}[{i}]", name)
        elif kind == "object" and "additionalProperties" in schema:
            if not isinstance(value, dict):
                self.invalid(path, "map", value)
                return
            for key, item in value.items():
                self.check(item, schema["additionalProperties"], f"{path}[{key}]", name)
        elif kind == "any" or kind == "object":
            return
        elif "enum" in schema:
            if not (isinstance(value, str) and value in schema["enum"]) and not (
                    not self.answer and isinstance(value, int) and not isinstance(value, bool)
                    and 0 <= value < len(schema["enum"])):
                enum = name[:1].upper() + _camel(name)[1:] if name else "Enum"
                self.invalid(path, f"type.googleapis.com/{PACKAGES[self.api]}.{enum}", value)
        elif not self.scalar_ok(value, kind, fmt):
            self.invalid(path, TYPE_NAMES.get((kind, fmt), TYPE_NAMES.get((kind, None), f"TYPE_{kind}".upper())),
                         value)

    def scalar_ok(self, value: Any, kind: str | None, fmt: str | None) -> bool:
        if kind == "boolean":
            return isinstance(value, bool)
        if kind == "integer" or (kind == "string" and fmt in RANGES):
            if isinstance(value, bool):
                return False
            if isinstance(value, str) and _INTEGER.match(value.strip()) and not (self.answer and kind == "integer"):
                value = int(value)
            low, high = RANGES.get(fmt or "int32", RANGES["int64"])
            return isinstance(value, int) and low <= value <= high
        if kind == "number":
            if isinstance(value, str) and not self.answer:
                try:
                    float(value)
                    return True
                except ValueError:
                    return False
            return isinstance(value, int | float) and not isinstance(value, bool)
        return isinstance(value, str)

    def message(self, value: Any, ref: str, path: str) -> None:
        if not isinstance(value, dict):
            self.invalid(path, f"type.googleapis.com/{PACKAGES[self.api]}.{ref}", value)
            return
        properties: dict[str, Any] = self.schemas[ref].get("properties", {})
        for key, item in list(value.items()):
            field = key if key in properties else (None if self.answer else _camel(key))
            if field not in properties:
                self.unknown(key, path)
                continue
            if field != key and field not in value:  # a proto name: the emulator reads the JSON name
                value[field] = value.pop(key)
            self.check(item, properties[field], f"{path}.{snake(field)}" if path else snake(field), field)


def _params(method: Method, query: dict[str, list[str]]) -> list[tuple[str, str]]:
    walker = _Walker(method.api)
    standard = document(method.api).get("parameters", {})
    for key, values in query.items():
        declared = method.parameters.get(key) or method.parameters.get(_camel(key)) or standard.get(key)
        if declared is None or declared.get("location", "query") != "query":
            if method.api in STRICT_QUERY:
                walker.found.append((key, f'Invalid JSON payload received. Unknown name "{key}": Cannot bind query '
                                          f"parameter. Field '{key}' could not be found in request message."))
            continue
        for value in values:
            kind = declared.get("type")
            typed: Any = value
            if kind == "boolean":
                typed = {"true": True, "false": False}.get(value.lower(), value)  # "True" too, as Google
            elif kind == "integer" and _INTEGER.match(value):
                typed = int(value)
            walker.check(typed, {k: v for k, v in declared.items() if k != "location"}, snake(key), key)
    return walker.found


def _refuse(found: list[tuple[str, str]]) -> None:
    if found:
        raise ApiError(400, "\n".join(message for _, message in found), details=[{
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [{"field": field, "description": message} for field, message in found]}])


def check_request(method: Method, query: dict[str, list[str]], body: Any) -> None:
    """Raise Google's 400 for anything in the query or body the method's schema does not allow; fields given
    by their proto names are renamed to their JSON names in ``body``, in place."""
    found = _params(method, query)
    if method.request is not None and body is not None:
        walker = _Walker(method.api)
        walker.message(body, method.request, "")
        found.extend(walker.found)
    _refuse(found)


def check_response(method: Method, body: Any) -> list[str]:
    """What in an answer Google's schema does not have (field paths and messages); empty when it conforms."""
    if method.response is None or body is None:
        return []
    walker = _Walker(method.api, answer=True)
    walker.message(body, method.response, "")
    return [f"{method.id}: {message}" for _, message in walker.found]
