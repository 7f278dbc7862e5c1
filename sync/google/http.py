"""The one place the Google store touches the network: a gspread HTTPClient that retries, counts and times out.

Every request carries a timeout. 429, 408, 5xx, dropped connections and read timeouts are retried with exponential
backoff and full jitter, honouring Retry-After, bounded in count and in total time; then a StoreError subclass is
raised. Requests are counted (reads and writes separately, the Sheets quota is 60 of each per minute per user).

A retry can duplicate a write whose first answer was lost after Google applied it. Idempotent writes (values.update,
values.batchUpdate, values.clear) do not care; for the others the caller opens `answer_may_be_lost()` and gets
`AnswerLost` instead of a blind retry, so it can look at the sheet before sending again.
"""

from __future__ import annotations

import contextvars
import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import google.auth.exceptions
import google.auth.transport.requests
import google.oauth2.service_account
import requests
from google.auth.credentials import Credentials
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from sync.store import SheetNotFound, StoreError

log = logging.getLogger(__name__)

GOOGLE_BASE_URL = "https://sheets.googleapis.com"
SPREADSHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})


class SheetsUnavailable(StoreError):
    """Google did not answer usefully within the retry budget (count or time); nothing more is tried."""


class QuotaExhausted(SheetsUnavailable):
    """The last failure was 429: the per-minute quota of the Sheets API is used up."""


class SheetsRejected(StoreError):
    """Google answered with a final error (400, 403, 404...): repeating the same request will not help."""

    def __init__(self, message: str, code: int = 0) -> None:
        super().__init__(message)
        self.code = code


class SpreadsheetNotFound(SheetsRejected):
    """404 on the spreadsheet: a wrong key, or the spreadsheet is not shared with the service account."""


class SheetsCredentialsError(StoreError):
    """The service-account key is missing, unreadable or refused by the token endpoint."""


@dataclass(frozen=True)
class Failure:
    what: str  # for logs and messages: "HTTP 503", "соединение разорвано", ...
    maybe_applied: bool  # the request may have reached Google and been applied
    retry_after: float | None = None
    quota: bool = False


class AnswerLost(StoreError):
    """A non-idempotent request failed after it may have been applied; the caller decides what to resend."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(f"ответ Google потерян ({failure.what}); запрос мог быть выполнен")
        self.failure = failure


@dataclass
class RetryPolicy:
    timeout: float = 30.0
    max_retries: int = 6
    max_retry_seconds: float = 120.0
    base_delay: float = 1.0
    max_delay: float = 32.0
    sleep: Callable[[float], None] = time.sleep  # tests replace it
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)


class RetryBudget:
    """Retries left for one logical operation (shared by every request it makes)."""

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy
        self.retries = 0
        self.started = policy.clock()

    def wait(self, failure: Failure) -> None:
        """Sleep before the next attempt, or raise SheetsUnavailable when the budget is spent."""
        p = self.policy
        self.retries += 1
        elapsed = p.clock() - self.started
        delay = p.rng.uniform(0, min(p.max_delay, p.base_delay * 2 ** (self.retries - 1)))
        if failure.retry_after is not None:
            delay = max(delay, failure.retry_after)
        if self.retries > p.max_retries or elapsed + delay > p.max_retry_seconds:
            cls = QuotaExhausted if failure.quota else SheetsUnavailable
            what = "превышена квота запросов Google Sheets API" if failure.quota else "Google Таблицы не отвечают"
            raise cls(f"{what}: {self.retries} попыток за {elapsed:.0f} с, последняя ошибка — {failure.what}; "
                      f"повторите позже")
        log.warning("Sheets request failed (%s); retry %d/%d in %.2f s", failure.what, self.retries,
                    p.max_retries, delay)
        p.sleep(delay)


class RequestCounter:
    """Requests sent to the Sheets API: totals and a sliding 60-second window, reads and writes apart."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.total = self.reads = self.writes = 0
        self._recent: deque[tuple[float, str]] = deque()
        self._lock = threading.Lock()

    def add(self, kind: str) -> None:
        with self._lock:
            self.total += 1
            if kind == "read":
                self.reads += 1
            else:
                self.writes += 1
            self._recent.append((self.clock(), kind))

    def in_last_minute(self, kind: str | None = None) -> int:
        with self._lock:
            horizon = self.clock() - 60
            while self._recent and self._recent[0][0] <= horizon:
                self._recent.popleft()
            return sum(1 for _, k in self._recent if kind is None or k == kind)


class _TimedAuthRequest(google.auth.transport.requests.Request):
    """The token request goes through our session (so the fake can answer it) and never waits forever."""

    def __init__(self, session: requests.Session, timeout: float) -> None:
        super().__init__(session)
        self._timeout = timeout

    def __call__(self, url: str, method: str = "GET", body: Any = None, headers: Any = None,
                 timeout: Any = None, **kwargs: Any) -> Any:
        return super().__call__(url, method, body, headers, timeout=self._timeout, **kwargs)


_BUDGET: contextvars.ContextVar[RetryBudget | None] = contextvars.ContextVar("sheets_budget", default=None)
_UNSAFE: contextvars.ContextVar[bool] = contextvars.ContextVar("sheets_unsafe", default=False)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


class SheetsHTTPClient(HTTPClient):
    """gspread's HTTP client with our base URL, auth, timeout, retries and counting in `request`.

    gspread builds every URL from gspread.urls (https://sheets.googleapis.com/...); overriding `request`, the single
    method all of its API helpers go through, is the narrowest place to point them at a fake or a proxy.
    Auth is applied here rather than through google-auth's AuthorizedSession, so that token refreshes use the same
    session (and its adapters) and no background side requests are started.
    """

    def __init__(self, auth: Credentials | None, session: requests.Session | None = None, *,
                 base_url: str = GOOGLE_BASE_URL, policy: RetryPolicy | None = None,
                 counter: RequestCounter | None = None) -> None:
        super().__init__(auth, session or requests.Session())  # type: ignore[arg-type]
        self.auth = auth  # type: ignore[assignment]
        self.policy = policy or RetryPolicy()
        self.counter = counter or RequestCounter()
        self.base_url = base_url.rstrip("/")
        self.timeout = self.policy.timeout
        self._auth_request = _TimedAuthRequest(self.session, self.policy.timeout)
        self._auth_lock = threading.Lock()

    @contextmanager
    def operation(self) -> Iterator[RetryBudget]:
        """Share one retry budget across the requests of one logical operation."""
        outer = _BUDGET.get()
        budget = outer or RetryBudget(self.policy)
        token = _BUDGET.set(budget)
        try:
            yield budget
        finally:
            _BUDGET.reset(token)

    @contextmanager
    def answer_may_be_lost(self) -> Iterator[None]:
        """Inside, a failure after which the request may have been applied raises AnswerLost instead of a retry."""
        token = _UNSAFE.set(True)
        try:
            yield
        finally:
            _UNSAFE.reset(token)

    def set_timeout(self, timeout: Any) -> None:
        if timeout is None:
            raise ValueError("every Sheets request needs a timeout")
        self.timeout = timeout

    def _url(self, endpoint: str) -> str:
        if self.base_url != GOOGLE_BASE_URL and endpoint.startswith(GOOGLE_BASE_URL):
            return self.base_url + endpoint[len(GOOGLE_BASE_URL):]
        return endpoint

    def _authorize(self, headers: MutableMapping[str, str], force: bool = False) -> None:
        if self.auth is None:
            return
        with self._auth_lock:
            if force or not self.auth.valid:
                self.auth.refresh(self._auth_request)
            self.auth.apply(headers)

    def request(self, method: str, endpoint: str, params: Any = None, data: bytes | None = None,
                json: Mapping[str, Any] | None = None, files: Any = None,
                headers: MutableMapping[str, str] | None = None) -> requests.Response:
        url = self._url(endpoint)
        kind = "read" if method.upper() == "GET" else "write"
        budget = _BUDGET.get() or RetryBudget(self.policy)
        refreshed = force_refresh = False
        while True:
            hdrs: dict[str, str] = dict(headers or {})
            try:
                self._authorize(hdrs, force=force_refresh)
                force_refresh = False
                self.counter.add(kind)
                resp = self.session.request(method, url, params=params, data=data, json=json, files=files,
                                            headers=hdrs, timeout=self.timeout)
            except google.auth.exceptions.RefreshError as exc:
                raise SheetsCredentialsError(f"сервер авторизации Google отклонил ключ сервисного аккаунта: "
                                             f"{exc.args[0] if exc.args else type(exc).__name__}") from None
            except google.auth.exceptions.TransportError as exc:
                failure = Failure(f"сервер авторизации недоступен ({type(exc.__cause__ or exc).__name__})", False)
            except requests.ConnectTimeout:
                failure = Failure("не удалось соединиться (тайм-аут)", False)
            except requests.Timeout:
                failure = Failure(f"нет ответа за {self.timeout} с", True)
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                failure = Failure(f"соединение разорвано ({type(exc).__name__})", True)
            else:
                if resp.ok:
                    return resp
                if resp.status_code == 401 and self.auth is not None and not refreshed:
                    refreshed = force_refresh = True  # token expired or revoked: one fresh token, then try again
                    continue
                if resp.status_code not in RETRYABLE:
                    raise APIError(resp)
                failure = Failure(f"HTTP {resp.status_code}", resp.status_code != 429,
                                  _retry_after(resp.headers.get("Retry-After")), resp.status_code == 429)
            if failure.maybe_applied and _UNSAFE.get():
                raise AnswerLost(failure)
            budget.wait(failure)


def load_credentials(path: str | Path | None, base_url: str) -> Credentials | None:
    """Service-account credentials (the file's token_uri is honoured); anonymous only off Google (fake, proxy)."""
    if path is None:
        if base_url.rstrip("/") == GOOGLE_BASE_URL:
            raise SheetsCredentialsError("для Google Таблиц нужен файл ключа сервисного аккаунта")
        return None
    try:
        return google.oauth2.service_account.Credentials.from_service_account_file(  # type: ignore[no-any-return]
            str(path), scopes=[SPREADSHEETS_SCOPE])
    except FileNotFoundError:
        raise SheetsCredentialsError(f"файл ключа сервисного аккаунта не найден: {path}") from None
    except (ValueError, KeyError, TypeError):  # never echo the file: it holds a private key
        raise SheetsCredentialsError(f"файл ключа сервисного аккаунта повреждён: {path}") from None


def is_unknown_range(exc: APIError) -> bool:
    """Google's answer to a range naming a sheet that does not exist (renamed or deleted by hand)."""
    return exc.code == 400 and "Unable to parse range" in str(exc.error.get("message", ""))


class WorkbookFull(SheetsRejected):
    """Google refuses to grow the spreadsheet past its limit of 10 million cells."""


def account_of(auth: Credentials | None) -> str:
    """The service account's email (public: it is what a spreadsheet is shared with; the key is never shown)."""
    return str(getattr(auth, "service_account_email", "") or "")


def store_error(exc: APIError, key: str, title: str | None = None, account: str = "") -> StoreError:
    """A final API answer -> our StoreError family, with a Russian message a user can act on."""
    code, message = exc.code, str(exc.error.get("message", ""))
    who = f"сервисному аккаунту {account}" if account else "сервисному аккаунту edumon"
    if is_unknown_range(exc):
        return SheetNotFound(f"лист «{title}» не найден в Google-таблице (переименован или удалён?)" if title
                             else f"Google-таблица не знает такого листа: {message}")
    if code == 404:
        return SpreadsheetNotFound(f"Google-таблица {key} не найдена: проверьте ключ таблицы и что она открыта "
                                   f"{who}", code)
    if code == 403:
        return SheetsRejected(f"нет доступа к Google-таблице {key}: откройте её (кнопка «Настройки доступа») {who} "
                              f"с правом редактирования", code)
    if code == 401:
        whose = f"сервисного аккаунта {account}" if account else "сервисного аккаунта edumon"
        return SheetsCredentialsError(f"Google не принял ключ {whose}: проверьте, что ключ не отозван и аккаунт не "
                                      f"удалён")
    if code == 400 and "above the limit" in message and "cells" in message:
        return WorkbookFull("в Google-таблице нет места: у таблицы предел 10 000 000 ячеек; удалите пустые строки "
                            "и столбцы или лишние листы (архив прошлых лет можно вынести в другую таблицу), данные "
                            "не потеряны и будут записаны после этого", code)
    return SheetsRejected(f"Google Таблицы отклонили запрос: {message}", code)
