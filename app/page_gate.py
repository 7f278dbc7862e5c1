"""A bounded number of pages built at once; past it a request waits its turn, and one that waited too long gets a
short Russian «сервер занят, повторите» page (503, it reloads itself) instead of an error.

Why: every page GET makes a NiceGUI client whose elements are built on the one event loop. Under a burst (50 people
opening the dashboard at once on a busy machine) all of them would be built interleaved, each taking as long as
all together, and NiceGUI deletes a client that is still unconnected 60 s after it was made — the page then fails
with HTTP 500. A request waiting here has no client yet, so nothing of it can be pruned, and the pages admitted are
built in a few seconds each. Only GETs of pages are gated: NiceGUI's own routes (scripts, the websocket, uploads)
and other methods pass at once.
"""

from __future__ import annotations

import asyncio
import logging

from nicegui import app
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("edumon.pages")
BUILDS = 4  # pages built at once: their analytics run in threads meanwhile, the loop builds one at a time
WAIT_SECONDS = 20.0  # a request waits at most this long for its turn (well under NiceGUI's 60-s client pruning)
RETRY_SECONDS = 5
PASS_PREFIXES = ("/_nicegui", "/static", "/favicon")
BUSY_HTML = (
    '<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">'
    f'<meta http-equiv="refresh" content="{RETRY_SECONDS}"><title>Сервер занят — edumon</title></head>'
    '<body style="font-family: sans-serif; margin: 3em"><h1>Сервер занят</h1>'
    "<p>Сейчас открывается слишком много страниц. Повторите через несколько секунд — "
    "страница обновится сама.</p></body></html>")


def gated(scope: Scope) -> bool:
    """A page GET (not a NiceGUI route)."""
    path = str(scope.get("path", ""))
    return scope["type"] == "http" and scope.get("method") == "GET" and not path.startswith(PASS_PREFIXES)


async def busy(send: Send) -> None:
    body = BUSY_HTML.encode("utf-8")
    await send({"type": "http.response.start", "status": 503,
                "headers": [(b"content-type", b"text/html; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                            (b"retry-after", str(RETRY_SECONDS).encode()), (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})


class PageGate:
    """ASGI middleware: at most `builds` page GETs in the app at once, each waiting at most `wait` seconds."""

    def __init__(self, app: ASGIApp, builds: int = BUILDS, wait: float = WAIT_SECONDS) -> None:
        self.app, self.builds, self.wait = app, builds, wait
        self._slots: asyncio.Semaphore | None = None  # made on the server's loop, at the first request
        self.refused = 0

    async def _turn(self) -> bool:
        """Wait for a free slot, at most `wait` seconds: whether one was taken (a slot taken as the wait ends, or
        by a request whose caller went away meanwhile, is given back)."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.builds)
        acquire = asyncio.ensure_future(self._slots.acquire())
        taken = False
        try:
            done, _ = await asyncio.wait({acquire}, timeout=self.wait)
            taken = bool(done)
            return taken
        finally:
            if not taken:
                slots = self._slots
                acquire.cancel()  # a slot it took all the same goes back at once
                acquire.add_done_callback(lambda f: None if f.cancelled() else slots.release())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not gated(scope):
            await self.app(scope, receive, send)
            return
        if not await self._turn():
            self.refused += 1
            log.warning("page %s: server busy, %d pages refused so far", scope.get("path"), self.refused)
            await busy(send)
            return
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                assert self._slots is not None
                self._slots.release()

        async def sent(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                release()  # the page is built and sent: the next one may start
            await send(message)

        try:
            await self.app(scope, receive, sent)
        finally:
            release()


def install_page_gate() -> None:
    """Add the gate once (before the server starts)."""
    if not any(m.cls is PageGate for m in app.user_middleware):
        app.add_middleware(PageGate)  # type: ignore[arg-type]
