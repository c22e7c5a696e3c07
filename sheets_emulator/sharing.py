"""Drive's sharing model: who may read or edit a file, and the permissions resource.

A file created through the API is owned by the caller; others reach it only through a permission for their
email, their domain or anyone. A file loaded through ``/_emulator/`` without an owner is open to every
caller (test fixtures that predate sharing), and a bearer token the emulator never issued (the test
inspector's: Google would answer 401) reads and writes everything.
"""

from __future__ import annotations

from typing import Any

from sheets_emulator.errors import ApiError, bad_request
from sheets_emulator.sheets.model import Spreadsheet

ROLES = ("reader", "commenter", "writer", "fileOrganizer", "organizer", "owner")
EDITING = frozenset({"writer", "fileOrganizer", "organizer", "owner"})
TYPES = frozenset({"user", "group", "domain", "anyone"})
DENIED = "The caller does not have permission"


def permissions(book: Spreadsheet) -> list[dict[str, Any]]:
    """Every permission of the file, the owner's first."""
    owner = [{"kind": "drive#permission", "id": f"owner-{abs(hash(book.owner)) % 10**12}", "type": "user",
              "emailAddress": book.owner, "role": "owner"}] if book.owner else []
    return owner + book.permissions


def role_of(book: Spreadsheet, user: str) -> str | None:
    """The strongest role ``user`` holds on the file, or None; an ownerless fixture is open to all."""
    if not book.owner:
        return "writer"
    email = user.lower()
    domain = email.rsplit("@", 1)[-1]
    best: str | None = None
    for p in permissions(book):
        kind = p.get("type")
        hit = ((kind == "user" and str(p.get("emailAddress", "")).lower() == email)
               or (kind == "domain" and str(p.get("domain", "")).lower() == domain) or kind == "anyone")
        if hit and (best is None or ROLES.index(p["role"]) > ROLES.index(best)):
            best = p["role"]
    return best


def require(book: Spreadsheet, user: str, inspector: str, write: bool) -> None:
    """403 as Google answers when the caller cannot read (or, for a write, edit) the file."""
    if user == inspector:
        return
    role = role_of(book, user)
    if role is None or (write and role not in EDITING):
        raise ApiError(403, DENIED)


def add(book: Spreadsheet, body: dict[str, Any], new_id: int) -> dict[str, Any]:
    """permissions.create: a user, group, domain or anyone permission with a role."""
    kind, role = body.get("type"), body.get("role")
    if kind not in TYPES:
        raise bad_request("The permission type field is required and must be user, group, domain or anyone.")
    if role not in ROLES or role == "owner":
        raise bad_request("The permission role field is required and must be a valid role.")
    entry: dict[str, Any] = {"kind": "drive#permission", "id": str(new_id), "type": kind, "role": role}
    if kind in {"user", "group"}:
        if not body.get("emailAddress"):
            raise bad_request("The permission emailAddress field is required for user and group permissions.")
        entry["emailAddress"] = str(body["emailAddress"])
    if kind == "domain":
        if not body.get("domain"):
            raise bad_request("The permission domain field is required for domain permissions.")
        entry["domain"] = str(body["domain"])
    book.permissions = [p for p in book.permissions if not (
        p.get("type") == kind and p.get("emailAddress") == entry.get("emailAddress")
        and p.get("domain") == entry.get("domain"))] + [entry]
    return entry


def remove(book: Spreadsheet, permission_id: str) -> None:
    """permissions.delete."""
    if not any(p["id"] == permission_id for p in book.permissions):
        raise ApiError(404, f"Permission not found: {permission_id}.")
    book.permissions = [p for p in book.permissions if p["id"] != permission_id]
