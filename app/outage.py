"""Working while the store is down: the first read falls back to the last good local copy, reads and the layout
are retried in the background, and every page says since when it shows old data."""

from __future__ import annotations

import datetime as dt
import logging

from nicegui import ui

from app.context import AppContext
from sync.store import StoreError

log = logging.getLogger("edumon")
NOT_YET = "таблица ещё не прочитана после запуска"


def first_read(ctx: AppContext) -> bool:
    """Fill the cache before pages open. True when the store answered; False when the cache holds the last good
    copy. Raises StoreError when the store is down and there is no copy (nothing to show).

    With a remote store and a copy at hand the server starts at once from the copy and reads in the background
    (`catch_up`): an outage costs the store's whole retry budget, which nobody should wait for at start."""
    copy = ctx.copy.load()
    if copy is not None and ctx.store.kind != "local":
        ctx.cache.seed(copy.grids, copy.read_at)
        ctx.cache.status.last_error = NOT_YET
        return False
    try:
        ctx.ensure_layout_once()
        if ctx.cache.refresh():
            return True
        error = ctx.cache.status.last_error
    except StoreError as exc:
        error = str(exc)
    if copy is None:
        raise StoreError(f"{error}. Локальной копии последнего чтения нет — показать нечего")
    log.warning("store is down at start (%s): serving the local copy read at %s", error,
                dt.datetime.fromtimestamp(copy.read_at).isoformat(timespec="seconds"))
    ctx.cache.seed(copy.grids, copy.read_at)
    ctx.cache.status.last_error = error
    return False


def catch_up(ctx: AppContext) -> bool:
    """While the store is (or was) down: apply the layout and re-read. True when everything is current."""
    if ctx.layout_applied and not ctx.cache.status.last_error:
        return True
    try:
        ctx.ensure_layout_once()
    except StoreError as exc:
        ctx.cache.status.last_error = str(exc)
        return False
    return ctx.cache.refresh()


def banner(ctx: AppContext) -> None:
    """The outage notice at the top of every page (nothing when the last read succeeded)."""
    status = ctx.cache.status
    if not status.last_error:
        return
    when = (dt.datetime.fromtimestamp(status.refreshed_at).strftime("%d.%m.%Y %H:%M:%S")
            if status.refreshed_at else "—")
    with ui.row().classes("w-full bg-orange-2 text-orange-10 q-pa-sm items-center").mark("outage-banner"):
        ui.icon("cloud_off")
        state = "Таблица ещё читается после запуска" if status.last_error == NOT_YET else "Таблица сейчас недоступна"
        ui.label(f"{state}. Показаны данные последнего успешного чтения от {when}. "
                 "Новые записи сохраняются и попадут в таблицу, когда она снова станет доступна.")
