"""The guard in front of NiceGUI's upload routes: only a signed-in session with upload rights may post a file, and a
body over the size limit is refused while it streams — by its Content-Length before a byte is read, or as soon as
the bytes received pass the limit — never read whole into memory first.

It is a plain ASGI middleware installed inside NiceGUI's session and request-tracking middleware (they are added
when `ui.run` starts, after the pages are registered), so the session of the request is known here.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from nicegui import app
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.access import can_open
from app.auth import current_account
from app.state import ctx
from sheets_schema.errors import UserFacingError
from sync.users import Account

log = logging.getLogger("edumon.upload")
UPLOAD_PATH = re.compile(r"^/_nicegui/client/[^/]+/upload/[^/]+/?$")
MULTIPART_SLACK = 64 * 1024  # the multipart headers and boundaries around the file
FORBIDDEN = "Загружать файлы можно только после входа в систему и только тем, кому разрешена загрузка таблиц"


class _TooLarge(UserFacingError):
    pass


def too_large_message(mb: int) -> str:
    return f"Файл больше {mb} МБ: разделите его на части"


async def _answer(send: Send, status: int, text: str) -> None:
    body = json.dumps({"detail": text}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


@dataclass(frozen=True)
class UploadPolicy:
    """Who may post a file on this site, and how many megabytes at most (the school's uploads, the lab's bundles)."""

    allowed: Callable[[Account | None], bool]
    max_mb: Callable[[], int]


SCHOOL = UploadPolicy(lambda account: can_open(account, "upload"), lambda: ctx().settings.upload_max_mb)
_policy: list[UploadPolicy] = [SCHOOL]


def _allowed() -> bool:
    try:
        return _policy[0].allowed(current_account())
    except (RuntimeError, AssertionError, KeyError):  # no session known for this request: refuse
        return False


class UploadGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not UPLOAD_PATH.match(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        if scope.get("method") != "POST" or not _allowed():
            log.warning("upload refused: no signed-in session with upload rights (%s)", scope.get("path"))
            await _answer(send, 403, FORBIDDEN)
            return
        mb = _policy[0].max_mb()
        limit = mb * 1024 * 1024 + MULTIPART_SLACK
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"").decode("latin-1").strip()
        if length and (not length.isdigit() or int(length) > limit):
            await _answer(send, 413, too_large_message(mb))
            return
        seen, started = 0, False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await _answer(send, 413, too_large_message(mb))


def install_upload_guard(policy: UploadPolicy = SCHOOL) -> None:
    """Add the guard once (pages may be registered more than once in tests); `policy` is the site's."""
    _policy[0] = policy
    if not any(m.cls is UploadGuard for m in app.user_middleware):
        app.add_middleware(UploadGuard)  # type: ignore[arg-type]
