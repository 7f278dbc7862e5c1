"""Blocking work off the event loop. NiceGUI's run.io_bound / run.cpu_bound return None when a call is cancelled
(the page closed, the server stopping); here a cancelled call never looks like a result: the person sees a
Russian notice and the caller's code after the await does not run (Cancelled is a CancelledError, which NiceGUI
drops quietly — the shape NiceGUI 4 will have). A timer's callback must suppress Cancelled: NiceGUI stops a
timer for good when its callback raises CancelledError.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from nicegui import context, run, ui

R = TypeVar("R")
log = logging.getLogger(__name__)
NOTICE = "Действие прервано: сервер отменил фоновую работу (страница закрыта или сервер перезапускается). " \
         "Повторите действие."


class Cancelled(asyncio.CancelledError):
    """The background call was cancelled; nothing it would have returned exists."""


def _boxed(fn: Callable[..., R], args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[R]:
    return (fn(*args, **kwargs),)  # a 1-tuple: None from NiceGUI then always means «cancelled»


def _cancelled(fn: Callable[..., Any]) -> Cancelled:
    log.info("background call %s was cancelled", getattr(fn, "__name__", fn))
    try:
        if not context.client.is_deleted:
            ui.notify(NOTICE, type="warning", multi_line=True)
    except RuntimeError:  # no page around (a timer of the app): nobody to tell
        pass
    return Cancelled(NOTICE)


async def io_bound(fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    """run.io_bound that returns fn's own result (None included) or raises Cancelled."""
    boxed = await run.io_bound(_boxed, fn, args, kwargs)
    if boxed is None:
        raise _cancelled(fn)
    return boxed[0]


async def cpu_bound(fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    """run.cpu_bound (another process; fn and its arguments must pickle) with the same promise as io_bound."""
    boxed = await run.cpu_bound(functools.partial(_boxed, fn, args, kwargs))
    if boxed is None:
        raise _cancelled(fn)
    return boxed[0]
