"""Sessions and page guards. Every page is registered through `page()`, which checks the session and the role
on the server before anything is rendered."""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable, Collection, Sequence
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import app, context, storage, ui

from app.access import PAGES, authorize_commands, can_open
from app.nicegui_tuning import mark_built
from app.state import ctx
from sheets_schema.errors import InternalError
from sync.users import Account
from sync.write.commands import WriteCommand

_ASKED = "edumon_account"  # on the request's state while its page is built: (login, signed in at, account)


def current_account() -> Account | None:
    """The signed-in account of this browser, or None when absent, expired or disabled. While a page is being
    built (its response not yet started) the account is read from the accounts once and remembered on the request;
    every event of an open page reads it again, so an account disabled meanwhile acts no more."""
    login = app.storage.user.get("login")
    since = app.storage.user.get("signed_in_at", 0)
    if not login:
        return None
    if time.time() - float(since) > ctx().settings.session_hours * 3600:
        app.storage.user.clear()
        return None
    request = storage.request_contextvar.get()
    state = request.state if request is not None and getattr(request.state, "responded", True) is False else None
    if state is not None:
        asked = getattr(state, _ASKED, None)
        if asked is not None and asked[:2] == (login, since):
            return asked[2]  # type: ignore[no-any-return]
    account = ctx().users.get(login)
    if account is None or account.disabled:
        app.storage.user.clear()
        return None
    if state is not None:
        setattr(state, _ASKED, (login, since, account))
    return account


def sign_in(account: Account) -> None:
    app.storage.user.update({"login": account.login, "signed_in_at": time.time()})


def sign_out() -> None:
    app.storage.user.clear()


def page(path: str, key: str, allowed: Callable[[Account | None, str], bool] = can_open,
         frame_of: Callable[[str], Any] | None = None, rules: Collection[str] = PAGES,
         ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """ui.page with the access rule of `key` enforced before the page body runs: access.PAGES by default, or the
    site's own rule (`allowed`, its page keys `rules`) and chrome (`frame_of`, e.g. the lab's). A key that no rule
    declares fails when the page is registered, not when somebody opens it. A page function with an `account`
    parameter receives the signed-in Account the guard checked (never None)."""
    if key not in rules:
        raise InternalError(f"page {path!r}: access key {key!r} is not declared in the site's page rules")

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(fn)
        hands_account = "account" in signature.parameters  # the page body receives the checked Account

        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            account = current_account()
            if account is None:
                return RedirectResponse(f"/login?next={path if '{' not in path else '/'}")
            if not allowed(account, key):
                from app.frame import frame as school_frame

                chrome: Callable[[str], Any] = school_frame if frame_of is None else frame_of
                with chrome("Нет доступа"):
                    ui.label("У вашей роли нет доступа к этой странице.").mark("forbidden")
                return None
            if hands_account:
                kwargs["account"] = account
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

        if hands_account:  # the route's parameters are the page's own, without the account the guard hands over
            guarded.__signature__ = signature.replace(  # type: ignore[attr-defined]
                parameters=[p for p in signature.parameters.values() if p.name != "account"])
        # a page may await its analytics (computed off the event loop): allow a first build on a busy server
        return ui.page(path, response_timeout=60)(guarded)

    return decorate


def submit(account: Account, commands: Sequence[WriteCommand]) -> None:
    """The only door for page writes: access rules first, then the durable write path (both raise
    CommandRejected with Russian messages and change nothing)."""
    authorize_commands(account, commands, ctx().cache.workbook.frames)
    ctx().writer.submit(commands)
