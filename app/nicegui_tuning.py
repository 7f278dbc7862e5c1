"""Less CPU per page built: NiceGUI asks `inspect.signature` whether a handler takes arguments every time it makes
an observable (three per element: classes, style, props), which was about a third of building the dashboard. The
answer depends only on the function, so it is remembered per function — weakly, so a page's lambdas still go when
the page does. Installed once by app.main.setup; the behaviour of NiceGUI is unchanged.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

from nicegui import helpers

_original: Callable[[Callable[..., Any]], bool] = helpers.expects_arguments
_known: weakref.WeakKeyDictionary[Any, dict[bool, bool]] = weakref.WeakKeyDictionary()  # function -> bound -> answer
_lock = threading.Lock()


def expects_arguments(func: Callable[..., Any]) -> bool:
    """helpers.expects_arguments, remembered per function and whether it is bound (a bound method drops `self`)."""
    target = getattr(func, "__func__", func)
    bound = target is not func
    try:
        with _lock:
            hit = _known.get(target, {}).get(bound)
    except TypeError:  # not weakly referable (a builtin): ask every time
        return _original(func)
    if hit is None:
        hit = _original(func)
        with _lock:
            _known.setdefault(target, {})[bound] = hit
    return hit


def install() -> None:
    """Route NiceGUI's helper through the memo (idempotent)."""
    helpers.expects_arguments = expects_arguments  # type: ignore[assignment]
