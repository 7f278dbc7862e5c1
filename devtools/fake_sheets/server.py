"""Loopback transport: the fake behind a real HTTP socket (stdlib ThreadingHTTPServer), so the whole app can use it.

Faults are real here: "drop" closes the socket without answering, "lost" applies the request and then closes it,
"slow" answers after `slow_seconds` (the client's read timeout fires first).
"""

from __future__ import annotations

import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .api import FakeSheets, Reply

log = logging.getLogger(__name__)


class _Handler(BaseHTTPRequestHandler):
    server: FakeSheetsServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s " + format, self.address_string(), *args)

    def _serve(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = self.path
        is_api = fake.is_api(url)
        fault = fake.faults.draw() if is_api else None
        fake.record(self.command, url, None, fault)
        if is_api and fake.latency:
            time.sleep(fake.latency)
        if fault == "drop":
            self.close_connection = True
            return
        reply = fake.fault_reply(fault) if fault in ("429", "500") else \
            fake.dispatch(self.command, url, dict(self.headers.items()), body)
        if fault == "lost":
            self.close_connection = True
            return
        if fault == "slow":
            time.sleep(fake.faults.slow_seconds)
        self._write(reply)

    def _write(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for k, v in reply.headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    do_GET = do_POST = do_PUT = do_DELETE = _serve


class FakeSheetsServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeSheets, host: str = "127.0.0.1", port: int = 0) -> None:
        self.fake = fake
        super().__init__((host, port), _Handler)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def token_uri(self) -> str:
        return self.base_url + "/token"


def start_server(fake: FakeSheets, host: str = "127.0.0.1", port: int = 0) -> FakeSheetsServer:
    """Serve `fake` on a background thread (port 0 = a free port); stop with server.shutdown()."""
    server = FakeSheetsServer(fake, host, port)
    threading.Thread(target=server.serve_forever, name="fake-sheets", daemon=True).start()
    return server
