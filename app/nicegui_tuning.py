"""Less CPU and memory per page built.

CPU: NiceGUI asks `inspect.signature` whether a handler takes arguments every time it makes an observable (three
per element: classes, style, props), about a third of building the dashboard. The answer depends only on the
function, so it is remembered on the function itself (an attribute: it goes when the function does, so a page's
lambdas are not kept). And NiceGUI escapes the page's element JSON for HTML with `str.translate`, which walks a
Cyrillic text character by character (about 10 ms for the dashboard); five `str.replace` give the same text.
Memory and pauses: a removed element's observables are released at once (no full collection needed to free a
deleted page), and full collections run ten times less often. Installed once by app.main.setup; the behaviour of
NiceGUI is unchanged.
"""

from __future__ import annotations

import gc
import inspect
import time
import uuid
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from nicegui import Client, core, helpers, storage, ui_run
from nicegui import client as client_module
from nicegui import json as nicegui_json
from nicegui.outbox import Outbox
from nicegui.version import __version__ as nicegui_version
from starlette.datastructures import MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_original: Callable[[Callable[..., Any]], bool] = helpers.expects_arguments
_MEMO = "_edumon_expects_arguments"  # on the function: (answer when unbound, answer when bound)


def expects_arguments(func: Callable[..., Any]) -> bool:
    """helpers.expects_arguments, remembered per function and whether it is bound (a bound method drops `self`)."""
    target = getattr(func, "__func__", func)
    bound = int(target is not func)
    known = getattr(target, _MEMO, None)
    if known is not None and known[bound] is not None:
        return bool(known[bound])
    answer = _original(func)
    pair = list(known or (None, None))
    pair[bound] = answer
    try:
        setattr(target, _MEMO, tuple(pair))
    except (AttributeError, TypeError, ValueError):  # a builtin or a slotted object: asked every time
        pass
    return answer


# Deleted pages are freed by reference counting (see `remove_elements`), so what is left for a full collection is
# mostly the heap that is alive: 150-180 ms of walking it for nothing, every 10 middle collections by default.
FULL_COLLECTION_EVERY = 100


def settle_heap() -> None:
    """Move what the server holds after its start (the workbook, the modules) out of the collector's sight: a full
    collection then walks only what pages made since, not the whole heap (a pause in the middle of a page)."""
    gc.collect()
    gc.freeze()
    young, middle, _old = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)


# -- compressing responses -------------------------------------------------------------------------------------
# Starlette compresses at level 9: about a tenth of the server's time per dashboard under load went there, and at
# level 6 still a tenth (2-3 ms of 80 KB of page). Level 1 takes under half of level 6 for a response about 1.6
# times larger (the dashboard: some 15 KB instead of 9 KB on the wire) — nothing on a school's network.
GZIP_LEVEL = 1
# zlib lets go of the interpreter while it compresses, so a page compressed in a worker thread leaves the event loop
# free for the next request (the other core does the work). Starlette does so from 128 KiB; a page is 40-120 KB,
# whose 1-2 ms of compressing the loop would otherwise spend itself.
GZIP_IN_THREAD_FROM = 16 * 1024
_GZIP_THREADS = "thread_minimum_size" in inspect.signature(GZipMiddleware).parameters  # this Starlette has the option


def gzip(app: ASGIApp) -> GZipMiddleware:
    """The response compression both sites run with (ui.run's gzip_middleware_factory)."""
    if not _GZIP_THREADS:  # an older Starlette: compressed on the loop
        return GZipMiddleware(app, minimum_size=500, compresslevel=GZIP_LEVEL)
    return GZipMiddleware(app, minimum_size=500, compresslevel=GZIP_LEVEL, thread_minimum_size=GZIP_IN_THREAD_FROM)



# -- escaping the page's element JSON ----------------------------------------------------------------------------

_TABLE: dict[int, str] = dict(client_module.HTML_ESCAPE_TABLE)
# '&' first, so the entities the others put in are not escaped again; sound only if no entity holds another key
_STEPS = sorted(((chr(k), v) for k, v in _TABLE.items()), key=lambda kv: kv[0] != "&")
_SOUND = all(chr(k) not in v for k in _TABLE for _, v in _STEPS if chr(k) != "&")


def html_escaped(text: str) -> str:
    """`text.translate(HTML_ESCAPE_TABLE)` by plain replacements."""
    for char, entity in _STEPS:
        if char in text:
            text = text.replace(char, entity)
    return text


class _EscapableJson(str):
    """JSON text whose translate by NiceGUI's HTML escape table takes the fast way."""

    def translate(self, table: Any) -> str:
        if table is client_module.HTML_ESCAPE_TABLE and _SOUND:
            return html_escaped(str(self))
        return str(self).translate(table)


def _dumps(*args: Any, **kwargs: Any) -> str:
    return _EscapableJson(nicegui_json.dumps(*args, **kwargs))


# -- freeing deleted elements at once ----------------------------------------------------------------------------
# Each element's classes, style and props are observables whose change handler is their own bound method: a
# reference cycle, so a deleted page (thousands of elements) waits for a full collection of the collector, which
# then frees 100-160 thousand objects in one 0.3-0.4 s pause in the middle of some request. Dropping those handlers
# once an element is removed (it is never rendered again) lets reference counting free it where it is deleted.
_remove_elements = Client.remove_elements


def remove_elements(self: Client, elements: Any) -> None:
    element_list = list(elements)
    _remove_elements(self, element_list)
    for element in element_list:
        for name in ("_classes", "_style", "_props"):  # another NiceGUI without them: nothing is released early
            handlers = getattr(getattr(element, name, None), "_change_handlers", None)
            if isinstance(handlers, list):
                handlers.clear()


# -- no update queue while a page is built ------------------------------------------------------------------------
# Every change of an element (each class, style or prop set while the page is built: several per element) puts the
# element in its client's update queue, a weak dictionary: about a twentieth of building the dashboard. NiceGUI
# empties that queue when it renders the page's HTML (`Client.build_response`), which carries every element whole;
# so until then the queue is not kept. Changes after the HTML is made are queued exactly as before.
_enqueue_update = Outbox.enqueue_update
_enqueue_delete = Outbox.enqueue_delete


def _rendered(outbox: Outbox) -> bool:
    """Whether the page's HTML has been made (NiceGUI's `_response_built`; another NiceGUI without it: yes)."""
    client = outbox._client()
    return client is None or bool(getattr(client, "_response_built", True))


def enqueue_update(self: Outbox, element: Any) -> None:
    if _rendered(self):
        _enqueue_update(self, element)


def enqueue_delete(self: Outbox, element: Any) -> None:
    if _rendered(self):
        _enqueue_delete(self, element)


# -- NiceGUI's three request middlewares, without a task per request ------------------------------------------
# NiceGUI adds three `BaseHTTPMiddleware`s (prefixing redirects, caching its static files, tracking the request for
# `app.storage`). Starlette runs each of those by handing the rest of the app to a new task and streaming the
# response back through a memory channel: three tasks and channels per page, a tenth of the server's time per
# dashboard under load. The same three steps as plain ASGI middlewares, which ui.run adds in their place.

class _HttpMiddleware:
    """A plain ASGI middleware of HTTP requests (`http`); anything else passes through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class RedirectWithPrefix(_HttpMiddleware):
    """NiceGUI's RedirectWithPrefixMiddleware: a redirect to a local path gets the proxy's X-Forwarded-Prefix."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        prefix = Request(scope).headers.get("X-Forwarded-Prefix", "")

        async def prefixed(message: Message) -> None:
            if message["type"] == "http.response.start" and prefix:
                headers = MutableHeaders(scope=message)
                location = headers.get("Location")
                if location is not None and location.startswith("/"):
                    headers["Location"] = prefix + location
            await send(message)

        await self.app(scope, receive, prefixed)


class CacheStaticFiles(_HttpMiddleware):
    """NiceGUI's SetCacheControlMiddleware: its versioned static files (not the dynamic resources) are cacheable."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if not (path.startswith(f"/_nicegui/{nicegui_version}/")
                and not path.startswith(f"/_nicegui/{nicegui_version}/dynamic_resources/")):
            await self.app(scope, receive, send)
            return

        async def cached(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["Cache-Control"] = core.app.config.cache_control_directives
            await send(message)

        await self.app(scope, receive, cached)


class TrackRequests(_HttpMiddleware):
    """NiceGUI's RequestTrackingMiddleware: the request is known to `app.storage` (and `browser` storage turns
    read-only once the response has started), each session has its user storage, and sessions with a request in
    flight are counted."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        storage.request_contextvar.set(request)
        if "id" not in request.session:
            request.session["id"] = str(uuid.uuid4())
        request.state.responded = False
        session_id = request.session["id"]
        active = core.app.storage._active_request_sessions
        active[session_id] += 1

        async def tracked(message: Message) -> None:
            if message["type"] == "http.response.start":
                request.state.responded = True
            await send(message)

        try:
            if session_id not in core.app.storage._users:
                await core.app.storage._create_user_storage(session_id)
            await self.app(scope, receive, tracked)
        finally:
            active[session_id] -= 1
            if active[session_id] <= 0:
                del active[session_id]


def install() -> None:
    """Route NiceGUI's helper through the memo and its page JSON through the fast escape, let removed elements go
    without the collector, keep no update queue before a page's HTML is made, and have ui.run add the plain
    middlewares (idempotent; before ui.run)."""
    ui_run.RedirectWithPrefixMiddleware = RedirectWithPrefix  # type: ignore[assignment,misc]
    ui_run.SetCacheControlMiddleware = CacheStaticFiles  # type: ignore[assignment,misc]
    storage.RequestTrackingMiddleware = TrackRequests  # type: ignore[assignment,misc]
    helpers.expects_arguments = expects_arguments  # type: ignore[assignment]
    Client.remove_elements = remove_elements  # type: ignore[method-assign]
    Outbox.enqueue_update = enqueue_update  # type: ignore[method-assign]
    Outbox.enqueue_delete = enqueue_delete  # type: ignore[method-assign]
    if _SOUND and not isinstance(client_module.json, SimpleNamespace):
        client_module.json = SimpleNamespace(  # type: ignore[assignment]
            dumps=_dumps, loads=nicegui_json.loads, NiceGUIJSONResponse=nicegui_json.NiceGUIJSONResponse)


# -- pages nobody connected to ----------------------------------------------------------------------------------
# A built page holds its elements (about 1.5 MB for the dashboard) until a browser connects to it; one that never
# does (a script, a link preview, a tab closed while loading) is pruned by NiceGUI after 60 s, which under load keeps
# hundreds of pages in memory. A browser connects within a second of the page arriving; a page that is still
# being built is never dropped (the mark is set when its body has finished).
BUILT_PAGE_SECONDS = 10.0  # a loaded machine can take seconds to load the page script and connect
UNCONNECTED_PAGES = 24  # at most this many built pages wait for their browser (each holds 1.5-2 MB)
_BUILT = "_edumon_built_at"


def mark_built(client: Client) -> None:
    setattr(client, _BUILT, time.time())


def prune_built(older_than: float = BUILT_PAGE_SECONDS, keep_at_most: int = UNCONNECTED_PAGES) -> int:
    """Delete built pages no browser has connected to within `older_than` seconds, and the oldest ones beyond
    `keep_at_most` (under a burst of requests the pages waiting for a browser would otherwise hold hundreds of MB);
    how many went. A browser whose page went reloads it."""
    now = time.time()
    waiting: list[tuple[float, Client]] = []
    for client in list(Client.instances.values()):
        built = getattr(client, _BUILT, None)
        if built is None:
            continue  # still being built
        if client.has_socket_connection or client._num_connections or client._delete_tasks:
            continue  # a browser is (or was) here: NiceGUI keeps the page while it may reconnect
        waiting.append((built, client))
    waiting.sort(key=lambda item: item[0], reverse=True)  # newest first
    gone = 0
    for rank, (built, client) in enumerate(waiting):
        if rank >= keep_at_most or now - built > older_than:
            client.delete()
            gone += 1
    return gone
