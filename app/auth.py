"""Sessions and page guards. Every page is registered through `page()`, which checks the session and the role
on the server before anything is rendered."""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable, Sequence
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import app, context, ui

from app.access import authorize_commands, can_open
from app.nicegui_tuning import mark_built
from app.state import ctx
from sync.users import Account
from sync.write.commands import WriteCommand


def current_account() -> Account | None:
    """The signed-in account of this browser, or None when absent, expired or disabled."""
    login = app.storage.user.get("login")
    since = app.storage.user.get("signed_in_at", 0)
    if not login:
        return None
    if time.time() - float(since) > ctx().settings.session_hours * 3600:
        app.storage.user.clear()
        return None
    account = ctx().users.get(login)
    if account is None or account.disabled:
        app.storage.user.clear()
        return None
    return account


def sign_in(account: Account) -> None:
    app.storage.user.update({"login": account.login, "signed_in_at": time.time()})


def sign_out() -> None:
    app.storage.user.clear()


def page(path: str, key: str, allowed: Callable[[Account | None, str], bool] = can_open,
         frame_of: Callable[[str], Any] | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """ui.page with the access rule of `key` enforced before the page body runs: access.PAGES by default, or the
    site's own rule (`allowed`) and chrome (`frame_of`, e.g. the lab's)."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        # a page may await its analytics (computed off the event loop): allow a first build on a busy server
        @ui.page(path, response_timeout=60)
        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            account = current_account()
            if account is None:
                return RedirectResponse(f"/login?next={path if '{' not in path else '/'}")
            if not allowed(account, key):
                if frame_of is None:
                    from app.frame import frame as school_frame

                    chrome = school_frame
                else:
                    chrome = frame_of
                with chrome("Нет доступа"):
                    ui.label("У вашей роли нет доступа к этой странице.").mark("forbidden")
                return None
            client, result = context.client, fn(*args, **kwargs)
            if not inspect.isawaitable(result):
                mark_built(client)
                return result

            async def built() -> Any:
                try:
                    return await result
                finally:
                    mark_built(client)  # from now on an unconnected page may be dropped

            return built()

        return guarded

    return decorate


def submit(account: Account, commands: Sequence[WriteCommand]) -> None:
    """The only door for page writes: access rules first, then the durable write path (both raise
    CommandRejected with Russian messages and change nothing)."""
    authorize_commands(account, commands, ctx().cache.workbook.frames)
    ctx().writer.submit(commands)
