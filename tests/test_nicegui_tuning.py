"""The remembered NiceGUI handler check answers exactly as NiceGUI's own and keeps no page's lambdas alive."""

from __future__ import annotations

import functools
import gc
import weakref

import pytest

from app import nicegui_tuning as tuning


class Handler:
    def with_event(self, e: object) -> None: ...

    def without(self) -> None: ...


def plain(e: object) -> None: ...


def test_the_answers_are_nicegui_s_own_for_every_kind_of_callable() -> None:
    h = Handler()
    for fn in (h.with_event, h.without, plain, lambda: 0, lambda e: 0, functools.partial(plain, 1), print,
               Handler.with_event):
        for _ in range(2):  # the first answer is computed, the second remembered
            assert tuning.expects_arguments(fn) == tuning._original(fn), fn
    assert tuning.expects_arguments(h.with_event) and not tuning.expects_arguments(h.without)
    assert tuning.expects_arguments(Handler.without)  # unbound: `self` is an argument; bound it is not


def test_a_page_s_lambdas_are_not_kept() -> None:
    handlers = [eval("lambda e: e") for _ in range(50)]  # noqa: S307 - fifty distinct function objects
    for fn in handlers:
        assert tuning.expects_arguments(fn)
    refs = [weakref.ref(fn) for fn in handlers]
    del handlers, fn
    gc.collect()
    assert all(r() is None for r in refs)


def test_the_page_json_is_escaped_exactly_as_nicegui_escapes_it() -> None:
    from nicegui.client import HTML_ESCAPE_TABLE

    for text in ("", "plain", "Качество <b>&amp;</b> `x` $y && <<>>", '{"a": "&lt;$`", "б": [1, "<&>"]}'):
        assert tuning.html_escaped(text) == text.translate(HTML_ESCAPE_TABLE)
        assert tuning._EscapableJson(text).translate(HTML_ESCAPE_TABLE) == text.translate(HTML_ESCAPE_TABLE)
    assert tuning._EscapableJson("a&b").translate({ord("a"): "x"}) == "x&b"  # another table: str's own way


class FakeClient:
    """What prune_built reads of a NiceGUI client."""

    def __init__(self, connected: bool = False, was_connected: bool = False) -> None:
        self.has_socket_connection = connected
        self._num_connections = {"doc": 0} if was_connected else {}
        self._delete_tasks: dict[str, object] = {}
        self.deleted = False

    def delete(self) -> None:
        self.deleted = True


def test_only_built_pages_nobody_connected_to_are_dropped(monkeypatch) -> None:
    from nicegui import Client

    building, fresh, old, connected, left = (FakeClient(), FakeClient(), FakeClient(), FakeClient(connected=True),
                                             FakeClient(was_connected=True))
    for c in (fresh, old, connected, left):
        tuning.mark_built(c)  # type: ignore[arg-type]
    for c in (old, connected, left):
        setattr(c, tuning._BUILT, getattr(c, tuning._BUILT) - 60)
    monkeypatch.setattr(Client, "instances", {str(i): c for i, c in enumerate((building, fresh, old, connected,
                                                                                left))})
    assert tuning.prune_built(10) == 1
    assert [c.deleted for c in (building, fresh, old, connected, left)] == [False, False, True, False, False]


def test_beyond_the_cap_the_oldest_unconnected_pages_go_first(monkeypatch) -> None:
    from nicegui import Client

    pages = [FakeClient() for _ in range(5)]
    for age, c in enumerate(pages):  # pages[0] is the newest, pages[4] the oldest; all younger than 10 s
        tuning.mark_built(c)  # type: ignore[arg-type]
        setattr(c, tuning._BUILT, getattr(c, tuning._BUILT) - age)
    connected = FakeClient(connected=True)
    tuning.mark_built(connected)  # type: ignore[arg-type]
    setattr(connected, tuning._BUILT, getattr(connected, tuning._BUILT) - 9)
    monkeypatch.setattr(Client, "instances", {str(i): c for i, c in enumerate([*pages, connected])})
    assert tuning.prune_built(10, keep_at_most=3) == 2
    assert [c.deleted for c in pages] == [False, False, False, True, True]
    assert not connected.deleted


def test_a_deleted_page_is_freed_without_the_collector() -> None:
    """Each element's classes, style and props refer to themselves through their change handler; once the page is
    deleted nothing is left for a full collection (NiceGUI alone leaves every one of them, 178 objects here)."""
    from nicegui import Client, ui
    from nicegui.page import page

    tuning.install()
    client = Client(page(""), request=None)
    with client:
        with ui.column():
            label = ui.label("5 «А»").classes("text-h6").style("color: red")
            ui.button("Открыть", on_click=lambda shown=label: shown.set_text("6 «Б»"))
            ui.table(rows=[{"a": 1}], columns=[{"name": "a", "label": "A", "field": "a"}])
    parts = [weakref.ref(o) for e in client.elements.values() for o in (e, e._classes, e._style, e._props)]
    assert len(parts) == 4 * 8  # the page's frame (layout, content, …) and the four elements
    gc.collect()
    gc.disable()
    try:
        client.delete()
        del client, label
        assert [r for r in parts if r() is not None] == []
    finally:
        gc.enable()


def test_full_collections_are_ten_times_rarer_once_the_heap_is_settled() -> None:
    before = gc.get_threshold()
    try:
        tuning.settle_heap()
        assert gc.get_threshold() == (before[0], before[1], tuning.FULL_COLLECTION_EVERY)
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_responses_are_compressed_at_the_chosen_level() -> None:
    import random
    import zlib

    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    pick = random.Random(7)
    words = ["успеваемость", "качество", "5 «А»", "ВПР", "математика", "средний балл", "учитель", "СОУ"]
    text = " ".join(f"{pick.choice(words)} {pick.randint(0, 1000)}" for _ in range(20_000))
    site = Starlette(routes=[Route("/", lambda request: PlainTextResponse(text))])
    with TestClient(tuning.gzip(site)) as client:
        raw = client.get("/", headers={"Accept-Encoding": "gzip"})
        assert raw.headers["content-encoding"] == "gzip"
        assert raw.text == text
        small = client.get("/", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in small.headers

    def size_at(level: int) -> int:
        z = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        return len(z.compress(text.encode()) + z.flush())

    assert raw.num_bytes_downloaded == size_at(tuning.GZIP_LEVEL) != size_at(9)


def test_no_update_is_queued_before_the_page_is_rendered_and_every_one_after() -> None:
    """While a page is built its changes are not queued (the HTML carries them); once the HTML is made, a change is
    queued for the browser exactly as NiceGUI queues it, and so is a removal."""
    from nicegui import Client, ui
    from nicegui.page import page

    tuning.install()
    client = Client(page(""), request=None)
    with client:
        label = ui.label("5 «А»").classes("text-h6")
        label.set_text("6 «Б»")
        gone = ui.label("уйдёт")
        gone.delete()
    assert label.id not in client.outbox.updates and gone.id not in client.outbox.updates
    client._response_built = True  # what Client.build_response sets when it renders the page
    label.set_text("7 «В»")
    assert client.outbox.updates[label.id] is label
    with client:
        late = ui.label("после")
    late.delete()
    assert late.id in client.outbox.updates and client.outbox.updates[late.id] is not late  # queued as deleted
    client.delete()


def test_the_header_strip_escapes_every_text_and_address() -> None:
    from nicegui import Client
    from nicegui.page import page

    from app.frame import header_strip

    client = Client(page(""), request=None)
    with client:
        header_strip("edumon", 'Школа <b>№1</b> & "Ко"', [("Обзор", "/"), ("<script>", '/x?a=1&b="2"')])
    (strip,) = [e for e in client.elements.values() if "nav" in e._markers]
    content = strip.content
    assert "<b>" not in content and "<script>" not in content
    assert "Школа &lt;b&gt;№1&lt;/b&gt; &amp; &quot;Ко&quot;" in content
    assert 'href="/x?a=1&amp;b=&quot;2&quot;"' in content
    assert '<a class="text-white no-underline" href="/">Обзор</a>' in content
    client.delete()


def test_the_plain_middlewares_do_what_nicegui_s_own_do(monkeypatch: pytest.MonkeyPatch) -> None:
    """Redirects get the proxy's prefix, NiceGUI's versioned static files are cacheable (its dynamic resources
    not), and each request is known to `app.storage` with its session's user storage while it runs."""
    from nicegui import core, storage
    from nicegui.version import __version__
    from starlette.applications import Starlette
    from starlette.middleware.sessions import SessionMiddleware
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, RedirectResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    monkeypatch.setattr(core.app.config, "cache_control_directives", "public, max-age=3600", raising=False)  # ui.run's
    seen: list[tuple[object, str, bool, int]] = []

    def inside(request: Request) -> PlainTextResponse:
        sid = request.session["id"]
        active = core.app.storage._active_request_sessions[sid]
        seen.append((storage.request_contextvar.get().scope is request.scope, sid, request.state.responded, active))
        return PlainTextResponse("ok")

    site = Starlette(routes=[
        Route("/go", lambda request: RedirectResponse("/login", status_code=303)),
        Route("/away", lambda request: RedirectResponse("https://example.org/x", status_code=303)),
        Route("/inside", inside),
        Route(f"/_nicegui/{__version__}/static/app.js", lambda request: PlainTextResponse("js")),
        Route(f"/_nicegui/{__version__}/dynamic_resources/x.js", lambda request: PlainTextResponse("js")),
    ])
    made: list[str] = []

    async def create(session_id: str) -> None:
        made.append(session_id)
        core.app.storage._users[session_id] = {}  # type: ignore[assignment]

    stack = SessionMiddleware(tuning.TrackRequests(tuning.CacheStaticFiles(tuning.RedirectWithPrefix(site))),
                              secret_key="test-secret")
    real = core.app.storage._create_user_storage
    core.app.storage._create_user_storage = create  # type: ignore[method-assign]
    try:
        with TestClient(stack) as client:
            prefixed = client.get("/go", headers={"X-Forwarded-Prefix": "/school"}, follow_redirects=False)
            assert prefixed.headers["location"] == "/school/login"
            assert client.get("/go", follow_redirects=False).headers["location"] == "/login"
            assert client.get("/away", headers={"X-Forwarded-Prefix": "/school"},
                              follow_redirects=False).headers["location"] == "https://example.org/x"
            static = client.get(f"/_nicegui/{__version__}/static/app.js")
            assert static.headers["cache-control"] == core.app.config.cache_control_directives
            assert "cache-control" not in client.get(f"/_nicegui/{__version__}/dynamic_resources/x.js").headers
            assert "cache-control" not in client.get("/inside").headers
            client.get("/inside")
    finally:
        core.app.storage._create_user_storage = real  # type: ignore[method-assign]
    (same1, sid1, responded1, active1), (same2, sid2, _, _) = seen
    assert same1 and same2 and not responded1 and active1 == 1
    assert sid1 == sid2 and made.count(sid1) == 1  # one session (its cookie came back), its storage made once
    assert sid1 not in core.app.storage._active_request_sessions  # no request of it in flight any more
    for sid in set(made):
        core.app.storage._users.pop(sid, None)


def test_install_has_ui_run_add_the_plain_middlewares() -> None:
    from nicegui import storage, ui_run

    tuning.install()
    assert ui_run.RedirectWithPrefixMiddleware is tuning.RedirectWithPrefix
    assert ui_run.SetCacheControlMiddleware is tuning.CacheStaticFiles
    assert storage.RequestTrackingMiddleware is tuning.TrackRequests
