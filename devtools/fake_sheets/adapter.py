"""In-process transport: a requests adapter that answers from a `FakeSheets` instead of the network.

Mount it on the session handed to gspread / GoogleStore:  session.mount("https://sheets.googleapis.com/", adapter).
Injected faults behave as the network would: a dropped connection raises requests.ConnectionError, a slow answer
waits out the client's timeout and raises requests.ReadTimeout (after the server applied the request).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from .api import FakeSheets, Reply

GOOGLE_HOSTS = ("https://sheets.googleapis.com/", "https://oauth2.googleapis.com/")


def _read_timeout(timeout: Any) -> float | None:
    if isinstance(timeout, tuple):
        return timeout[1]
    return timeout  # type: ignore[no-any-return]


class FakeSheetsAdapter(BaseAdapter):
    def __init__(self, fake: FakeSheets) -> None:
        super().__init__()
        self.fake = fake

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Mapping[str, str] | None = None) -> requests.Response:
        url, method = request.url or "", request.method or "GET"
        is_api = self.fake.is_api(url)
        fault = self.fake.faults.draw() if is_api else None
        self.fake.record(method, url, timeout, fault)
        if is_api and self.fake.latency:
            time.sleep(self.fake.latency)
        if fault == "drop":
            raise requests.ConnectionError("('Connection aborted.', RemoteDisconnected('fake: closed before "
                                           "answering'))", request=request)
        if fault in ("429", "500"):
            return self._response(request, self.fake.fault_reply(fault))
        body = request.body.encode("utf-8") if isinstance(request.body, str) else request.body
        reply = self.fake.dispatch(method, url, dict(request.headers), body)  # type: ignore[arg-type]
        if fault == "lost":
            raise requests.ConnectionError("('Connection aborted.', RemoteDisconnected('fake: applied, answer "
                                           "lost'))", request=request)
        if fault == "slow":
            limit = _read_timeout(timeout)
            wait = self.fake.faults.slow_seconds
            if limit is not None and wait > limit:
                time.sleep(limit)
                raise requests.ReadTimeout(f"fake: no answer within the read timeout ({limit} s)", request=request)
            time.sleep(wait)
        return self._response(request, reply)

    @staticmethod
    def _response(request: requests.PreparedRequest, reply: Reply) -> requests.Response:
        resp = requests.Response()
        resp.status_code = reply.status
        resp.headers = CaseInsensitiveDict(reply.headers)
        resp._content = reply.body
        resp.encoding = "utf-8"
        resp.url = request.url or ""
        resp.request = request
        resp.reason = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
                       429: "Too Many Requests", 500: "Internal Server Error"}.get(reply.status, "")
        return resp

    def close(self) -> None:
        pass


def fake_session(fake: FakeSheets, prefixes: tuple[str, ...] = GOOGLE_HOSTS) -> requests.Session:
    """A requests session whose Google traffic (Sheets API and the OAuth token endpoint) goes to `fake`."""
    session = requests.Session()
    adapter = FakeSheetsAdapter(fake)
    for prefix in prefixes:
        session.mount(prefix, adapter)
    return session
