"""Google's JSON error bodies: {"error": {"code": 429, "message": "...", "status": "RESOURCE_EXHAUSTED"}}."""

from __future__ import annotations

from typing import Any

STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
          409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}

NOT_FOUND = "Requested entity was not found."
INTERNAL = "Internal error encountered."
UNAUTHENTICATED = ("Request is missing required authentication credential. Expected OAuth 2 access token, login "
                   "cookie or other valid authentication credential. See "
                   "https://developers.google.com/identity/sign-in/web/devconsole-project.")
INVALID_CREDENTIALS = ("Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie "
                       "or other valid authentication credential. See "
                       "https://developers.google.com/identity/sign-in/web/devconsole-project.")
NO_PERMISSION = "The caller does not have permission"


def quota_message(kind: str) -> str:
    what = "Read" if kind == "read" else "Write"
    return (f"Quota exceeded for quota metric '{what} requests' and limit '{what} requests per minute per user' of "
            f"service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.")


def quota_body(kind: str) -> dict[str, Any]:
    """Google's 429 body: the usual three fields plus an ErrorInfo detail naming the quota."""
    what = "Read" if kind == "read" else "Write"
    body = ApiError(429, quota_message(kind)).body()
    body["error"]["details"] = [{
        "@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
        "domain": "googleapis.com",
        "metadata": {"service": "sheets.googleapis.com", "consumer": "projects/000000000000",
                     "quota_metric": f"sheets.googleapis.com/{what.lower()}_requests",
                     "quota_limit": f"{what}RequestsPerMinutePerUser"}}]
    return body


class ApiError(Exception):
    def __init__(self, code: int, message: str, headers: dict[str, str] | None = None,
                 body: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.headers = headers or {}
        self._body = body

    def body(self) -> dict[str, Any]:
        if self._body is not None:
            return self._body
        return {"error": {"code": self.code, "message": self.message, "status": STATUS.get(self.code, "UNKNOWN")}}


def bad_range(text: str) -> ApiError:
    return ApiError(400, f"Unable to parse range: {text}")


def grid_limits(echoed: str, rows: int, cols: int) -> ApiError:
    return ApiError(400, f"Range ({echoed}) exceeds grid limits. Max rows: {rows}, max columns: {cols}")


def cell_limit(limit: int) -> ApiError:
    return ApiError(400, f"This action would increase the number of cells in the workbook above the limit of "
                         f"{limit} cells.")
