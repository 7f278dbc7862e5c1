"""Less CPU and memory per page built.

CPU: NiceGUI asks `inspect.signature` whether a handler takes arguments every time it makes an observable (three
per element: classes, style, props), about a third of building the dashboard. The answer depends only on the
function, so it is remembered per function — weakly, so a page's lambdas still go when the page does. Installed once
by app.main.setup; the behaviour of NiceGUI is unchanged.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from nicegui import Client, helpers

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


# -- pages nobody connected to ----------------------------------------------------------------------------------
# A built page holds its elements (about 1.5 MB for the dashboard) until a browser connects to it; one that never
# does (a script, a link preview, a tab closed while loading) is pruned by NiceGUI after 60 s, which under load keeps
# hundreds of pages in memory. A browser connects within a second of the page arriving; a page that is still
# being built is never dropped (the mark is set when its body has finished).
BUILT_PAGE_SECONDS = 10.0  # a loaded machine can take seconds to load the page script and connect
_BUILT = "_edumon_built_at"


def mark_built(client: Client) -> None:
    setattr(client, _BUILT, time.time())


def prune_built(older_than: float = BUILT_PAGE_SECONDS) -> int:
    """Delete built pages no browser has connected to within `older_than` seconds; how many went."""
    now, gone = time.time(), 0
    for client in list(Client.instances.values()):
        built = getattr(client, _BUILT, None)
        if built is None or now - built <= older_than:
            continue
        if client.has_socket_connection or client._num_connections or client._delete_tasks:
            continue  # a browser is (or was) here: NiceGUI keeps the page while it may reconnect
        client.delete()
        gone += 1
    return gone
