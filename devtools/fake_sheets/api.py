"""The fake Sheets API v4: routes an HTTP request (method, URL, headers, body) to the workbook and answers like Google.

Transport-neutral: the in-process `FakeSheetsAdapter` and the loopback server both call `FakeSheets.dispatch`,
and both ask `FakeSheets.faults` which failure (if any) to inject around it.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from . import batch, values
from .errors import INTERNAL, INVALID_CREDENTIALS, NO_PERMISSION, NOT_FOUND, UNAUTHENTICATED, ApiError, quota_body
from .faults import FaultPlan
from .fields import apply_mask, parse_mask
from .state import CELL_LIMIT, Sheet, Spreadsheet, dump_state, load_state
from .typed import render

JSON_HEADERS = {"Content-Type": "application/json; charset=UTF-8"}
SPREADSHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
_API = "/v4/spreadsheets"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Seen:
    """One request as the fake received it (tests check timeouts and count calls)."""

    method: str
    url: str
    timeout: Any
    fault: str | None
    at: float


def _encode(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


class FakeSheets:
    """In-memory spreadsheets behind the API subset gspread uses, with Google's trimming, echoes, errors and limits."""

    def __init__(self, *, auto_create: bool = False, require_auth: bool = False, faults: FaultPlan | None = None,
                 latency: float = 0.0, cell_limit: int = CELL_LIMIT, state_file: str | Path | None = None,
                 quota_per_minute: int | None = None, locale: str = "en_US") -> None:
        self.auto_create = auto_create
        self.locale = locale  # of every spreadsheet created from now on (a Russian school's sheet is ru_RU)
        self.require_auth = require_auth
        self.faults = faults or FaultPlan()
        self.latency = latency  # seconds added to every API answer (benchmarks)
        self.cell_limit = cell_limit
        self.quota_per_minute = quota_per_minute  # per kind (read/write), like the real per-user quota
        self.state_file = Path(state_file) if state_file else None
        self.books: dict[str, Spreadsheet] = load_state(self.state_file) if self.state_file else {}
        self.seen: deque[Seen] = deque(maxlen=100_000)
        self._tokens: dict[str, str] = {}  # access token -> the service account's email it was issued to
        self._recent: dict[str, deque[float]] = {"read": deque(), "write": deque()}
        self._lock = threading.RLock()

    # -- test and admin helpers (not part of the API) ------------------------------------------------------------
    def create_spreadsheet(self, key: str | None = None, title: str = "Новая таблица",
                           sheets: tuple[str, ...] = ("Sheet1",), locale: str | None = None) -> str:
        key = key or secrets.token_urlsafe(30).replace("-", "x").replace("_", "y")[:44]
        with self._lock:
            self.books[key] = Spreadsheet(key, title, locale or self.locale,
                                          sheets=[Sheet(i, t) for i, t in enumerate(sheets)])
            self._persist()
        return key

    def book(self, key: str) -> Spreadsheet:
        with self._lock:
            if key not in self.books:
                if not self.auto_create:
                    raise ApiError(404, NOT_FOUND)
                self.create_spreadsheet(key)
            return self.books[key]

    def grid(self, key: str, title: str, option: str = "FORMATTED_VALUE") -> list[list[Any]]:
        """What a person sees in one sheet (trailing empties trimmed) — for test assertions."""
        sheet = self.book(key).by_title(title)
        if sheet is None:
            raise KeyError(title)
        return values.read_range(sheet, values.Rect(), option, locale=self.book(key).locale).get("values", [])

    def revoke_tokens(self) -> None:
        self._tokens.clear()

    def record(self, method: str, url: str, timeout: Any, fault: str | None) -> None:
        self.seen.append(Seen(method, url, timeout, fault, time.monotonic()))

    def api_requests(self) -> list[Seen]:
        return [s for s in self.seen if _API in s.url]

    # -- HTTP ----------------------------------------------------------------------------------------------------
    def is_api(self, url: str) -> bool:
        return _API in urlsplit(url).path

    def fault_reply(self, kind: str) -> Reply:
        if kind == "429":
            headers = dict(JSON_HEADERS)
            if self.faults.retry_after is not None:
                headers["Retry-After"] = f"{self.faults.retry_after:g}"
            return Reply(429, headers, _encode(quota_body("write")))
        return Reply(500, dict(JSON_HEADERS), _encode(ApiError(500, INTERNAL).body()))

    def dispatch(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Reply:
        method = method.upper()
        parts = urlsplit(url)
        try:
            if parts.path.endswith("/token") and method == "POST":
                return self._token(body or b"")
            at = parts.path.find(_API)
            if at < 0:
                raise ApiError(404, NOT_FOUND)
            user = self._check_auth(headers)
            self._check_quota("read" if method == "GET" else "write")
            payload = self._json(body)
            query = parse_qs(parts.query, keep_blank_values=True)
            with self._lock:
                result = self._route(method, parts.path[at + len(_API):], query, payload, user)
                if method != "GET":
                    self._persist()
            return Reply(200, dict(JSON_HEADERS), _encode(result))
        except ApiError as exc:
            return Reply(exc.code, {**JSON_HEADERS, **exc.headers}, _encode(exc.body()))

    # -- internals -----------------------------------------------------------------------------------------------
    def _persist(self) -> None:
        if self.state_file:
            dump_state(self.books, self.state_file)

    @staticmethod
    def _json(body: bytes | None) -> dict[str, Any]:
        if not body:
            return {}
        try:
            data = json.loads(body)
        except ValueError:
            raise ApiError(400, "Invalid JSON payload received.") from None
        if not isinstance(data, dict):
            raise ApiError(400, "Invalid JSON payload received. Expected an object.")
        return data

    def _check_auth(self, headers: dict[str, str]) -> str | None:
        """The caller's email (None: anonymous, allowed only when auth is not required)."""
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        token = auth.removeprefix("Bearer ")
        if token in self._tokens:
            return self._tokens[token]
        if self.require_auth:
            realm = {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'}
            raise ApiError(401, INVALID_CREDENTIALS if token else UNAUTHENTICATED, realm)
        return None

    def _check_quota(self, kind: str) -> None:
        if not self.quota_per_minute:
            return
        now, recent = time.monotonic(), self._recent[kind]
        with self._lock:
            while recent and recent[0] <= now - 60:
                recent.popleft()
            if len(recent) >= self.quota_per_minute:
                raise ApiError(429, "", body=quota_body(kind))
            recent.append(now)

    def _token(self, body: bytes) -> Reply:
        form = parse_qs(body.decode("utf-8", "replace"))
        assertion = form.get("assertion", [""])[0]
        try:
            claims = json.loads(base64.urlsafe_b64decode(assertion.split(".")[1] + "=="))
        except (IndexError, ValueError):
            return Reply(400, dict(JSON_HEADERS), _encode({"error": "invalid_grant",
                                                           "error_description": "Invalid JWT assertion."}))
        if SPREADSHEETS_SCOPE not in str(claims.get("scope", "")).split():
            return Reply(400, dict(JSON_HEADERS), _encode({"error": "invalid_scope",
                                                           "error_description": "Invalid OAuth scope."}))
        token = "ya29.fake-" + secrets.token_urlsafe(24)
        self._tokens[token] = str(claims.get("iss", ""))
        return Reply(200, dict(JSON_HEADERS), _encode({"access_token": token, "expires_in": 3600,
                                                       "token_type": "Bearer"}))

    def share(self, key: str, *emails: str) -> None:
        """Only these accounts may open the spreadsheet from now on (a spreadsheet is open to all until shared)."""
        book = self.book(key)
        book.shared_with = set(book.shared_with or ()) | set(emails)

    def unshare(self, key: str, email: str) -> None:
        book = self.book(key)
        book.shared_with = set(book.shared_with or ()) - {email}

    def _route(self, method: str, rest: str, query: dict[str, list[str]], body: dict[str, Any],
               user: str | None = None) -> Any:
        def q(name: str, default: str = "") -> str:
            return query.get(name, [default])[0]

        def flag(name: str) -> bool:
            return q(name).lower() in ("true", "1")

        if rest in ("", "/") and method == "POST":
            props = body.get("properties", {})
            titles = tuple(s["properties"]["title"] for s in body.get("sheets", []) if "properties" in s)
            return self.book(self.create_spreadsheet(None, props.get("title", "Новая таблица"),
                                                     titles or ("Sheet1",), props.get("locale"))).metadata()
        m = re.match(r"^/([^/:]+)(.*)$", rest)
        if not m:
            raise ApiError(404, NOT_FOUND)
        book, tail = self.book(unquote(m.group(1))), m.group(2)
        if book.shared_with is not None and user is not None and user not in book.shared_with:
            raise ApiError(403, NO_PERMISSION)
        book.requester = user or "owner@example.com"
        render_opt, major = q("valueRenderOption", "FORMATTED_VALUE"), q("majorDimension", "ROWS")
        if tail == "" and method == "GET":
            meta = book.metadata()
            if flag("includeGridData"):
                for entry, sheet in zip(meta["sheets"], book.sheets, strict=True):
                    entry["data"] = [{"rowData": [
                        {"values": [{"formattedValue": render(c, "FORMATTED_VALUE", book.locale)} for c in row]}
                        for row in sheet.cells]}]
            return apply_mask(meta, parse_mask(q("fields"))) if q("fields") else meta
        if tail == ":batchUpdate" and method == "POST":
            return batch.batch_update(book, body, self.cell_limit)
        if tail == "/values:batchGet" and method == "GET":
            return values.batch_get(book, query.get("ranges", []), render_opt, major)
        if tail == "/values:batchUpdate" and method == "POST":
            return values.batch_update(book, body)
        if tail == "/values:batchClear" and method == "POST":
            return values.batch_clear(book, body.get("ranges", []))
        if tail.startswith("/values/"):
            seg, verb = tail[len("/values/"):], ""
            for v in (":append", ":clear"):
                if seg.endswith(v):
                    seg, verb = seg[: -len(v)], v
            text = unquote(seg)
            respond = q("responseValueRenderOption", "FORMATTED_VALUE")
            if method == "GET" and not verb:
                return values.get(book, text, render_opt, major)
            if method == "PUT" and not verb:
                return values.update(book, text, body, q("valueInputOption"), flag("includeValuesInResponse"),
                                     respond)
            if method == "POST" and verb == ":append":
                return values.append(book, text, body, q("valueInputOption"), q("insertDataOption") or None,
                                     self.cell_limit, flag("includeValuesInResponse"), respond)
            if method == "POST" and verb == ":clear":
                return {"spreadsheetId": book.key, "clearedRange": values.clear(book, text)}
        raise ApiError(404, NOT_FOUND)
