"""A spreadsheets.batchUpdate: every request kind the emulator serves, applied all or nothing."""

from __future__ import annotations

import random
from typing import Any

from sheets_emulator.api import batch, kinds
from sheets_emulator.api.batch import Context, Handler
from sheets_emulator.errors import bad_request
from sheets_emulator.sheets.model import Spreadsheet

HANDLERS: dict[str, Handler] = {**batch.HANDLERS, **kinds.MORE_HANDLERS}


def apply_batch(book: Spreadsheet, requests: list[dict[str, Any]], rng: random.Random,
                user: str, project: str | None = None) -> tuple[Spreadsheet, list[dict[str, Any]]]:
    """Apply every request to a copy; the copy replaces the original only if all succeed (cells changed in
    place are put back from their journals when one fails)."""
    work = book.journaled()
    ctx = Context(rng, user, project)
    replies = []
    try:
        for index, request in enumerate(requests):
            if not isinstance(request, dict) or len(request) != 1:
                raise bad_request(f"Invalid requests[{index}]: exactly one kind of request is required.")
            (kind, body), = request.items()
            handler = HANDLERS.get(kind)
            if handler is None:
                raise bad_request(f"Invalid requests[{index}]: '{kind}' is not emulated (Google serves it; this "
                                  "emulator refuses it rather than ignore it).")
            ctx.index, ctx.kind = index, kind
            replies.append(handler(work, body or {}, ctx))
    except BaseException:
        book.settle(work, kept=False)
        raise
    book.settle(work, kept=True)
    return work, replies
