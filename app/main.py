"""Wiring only: build the context, register pages, schedule cache refreshes, run NiceGUI."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

from nicegui import app, ui

from app import background, memory, nicegui_tuning
from app.config import Settings
from app.context import AppContext, build_context
from app.outage import catch_up, first_read
from app.page_gate import install_page_gate
from app.pages import (
    admin,
    audit,
    calendar,
    dashboard,
    entry,
    grid,
    issues,
    lab_export,
    login,
    overview,
    portfolio,
    snapshots,
    teacher_home,
    upload,
    work,
)
from app.state import set_context
from sync.files import private_dir
from sync.snapshots.retention import SnapshotSchedule, run_scheduled

log = logging.getLogger("edumon")
CATCH_UP_SECONDS = 15  # while the store is down: how often to try it again


def setup(ctx: AppContext) -> None:
    """Register pages and background refresh for one context (also used by the UI tests)."""
    set_context(ctx)
    nicegui_tuning.install()
    memory.limit_arenas()  # before the worker and thread pools start their threads
    first_read(ctx)  # pages must never open on an empty cache: the store, or its last good local copy

    # a timer stops for good when its callback raises CancelledError: timers swallow Cancelled and try next time
    async def refresh() -> None:
        with contextlib.suppress(background.Cancelled):
            await background.io_bound(ctx.cache.refresh)

    async def recover() -> None:
        with contextlib.suppress(background.Cancelled):
            await background.io_bound(catch_up, ctx)

    app.timer(ctx.settings.refresh_seconds, refresh, immediate=False)
    app.timer(CATCH_UP_SECONDS, recover)
    app.timer(2, nicegui_tuning.prune_built)  # built pages no browser connected to (app.nicegui_tuning)
    app.timer(memory.TRIM_SECONDS, memory.trim, immediate=False)
    app.on_startup(lambda: ctx.worker.start())
    app.on_shutdown(lambda: ctx.worker.stop())
    login.create()
    overview.create()
    entry.create()
    grid.create()
    upload.create()
    work.create()
    dashboard.create()
    teacher_home.create()
    portfolio.create()
    snapshots.create(pause=ctx.worker.paused)
    lab_export.create()
    schedule = SnapshotSchedule()

    async def nightly() -> None:
        with contextlib.suppress(background.Cancelled):
            await background.io_bound(run_scheduled, ctx.store, ctx.settings.data_dir, None, schedule)

    app.timer(60, nightly, immediate=False)
    issues.create()
    admin.create()
    audit.create()
    calendar.create()


def keep_storage_in(data_dir: Path) -> Path:
    """NiceGUI keeps per-browser storage in `.nicegui/` of the current directory; keep it in the data dir."""
    from nicegui.persistence import FilePersistentDict
    from nicegui.storage import Storage

    path = private_dir(data_dir / "nicegui").resolve()
    Storage.path = path
    general = getattr(app.storage, "_general", None)  # made at import, before settings were known
    if isinstance(general, FilePersistentDict):
        general.filepath = path / general.filepath.name
    return path


def session_cookie(settings: Settings) -> dict[str, Any]:
    """SessionMiddleware options: Secure behind HTTPS (EDUMON_COOKIE_SECURE), never readable across sites."""
    return {"https_only": settings.cookie_secure, "same_site": "lax", "max_age": int(settings.session_hours * 3600)}


def run(settings: Settings | None = None) -> None:
    settings = settings or Settings()
    if settings.site == "lab":
        from app.lab.site import run_lab

        run_lab(settings)
        return
    ctx = build_context(settings, what="edumon serve")
    ctx.worker.claim()  # a second server on this data dir refuses here (LeaseHeld, a Russian message)
    keep_storage_in(settings.data_dir)
    setup(ctx)
    install_page_gate()  # a bounded number of pages built at once; a «сервер занят» page past it (app.page_gate)
    nicegui_tuning.settle_heap()  # the workbook read at start is never scanned by the collector again
    url = f"http://{settings.host}:{settings.port}"
    print(f"edumon: {url}  (хранилище: {ctx.store.kind}, учебный год {settings.academic_year})", flush=True)
    ui.run(host=settings.host, port=settings.port, reload=False, show=False, title="edumon",
           language="ru", favicon="📊", show_welcome_message=False, storage_secret=ctx.session_secret(),
           session_middleware_kwargs=session_cookie(settings), gzip_middleware_factory=nicegui_tuning.gzip)


if __name__ in {"__main__", "__mp_main__"}:
    run()
