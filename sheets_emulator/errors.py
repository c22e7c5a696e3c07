"""Google's error responses: {"error": {"code", "message", "status"}}."""

from __future__ import annotations

STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                409: "ABORTED", 413: "INVALID_ARGUMENT", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL",
                503: "UNAVAILABLE"}


class ApiError(Exception):
    """An error the emulator answers with Google's JSON body."""

    def __init__(self, code: int, message: str, status: str | None = None,
                 details: list[dict[str, object]] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_NAMES.get(code, "UNKNOWN")
        self.details = details

    def body(self) -> dict[str, object]:
        error: dict[str, object] = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str = "Requested entity was not found.") -> ApiError:
    return ApiError(404, message)
