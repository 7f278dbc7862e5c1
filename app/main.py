"""Wiring only: build the context, register pages, schedule cache refreshes, run NiceGUI."""

from __future__ import annotations

import logging

from nicegui import app, ui
from nicegui import run as nicegui_run

from sync.retention import SnapshotSchedule, run_scheduled

from .config import Settings
from .context import AppContext, build_context
from .pages import (
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
from .state import set_context

log = logging.getLogger("edumon")


def setup(ctx: AppContext) -> None:
    """Register pages and background refresh for one context (also used by the UI tests)."""
    set_context(ctx)
    ctx.ensure_layout()
    ctx.cache.refresh()  # pages must never open on an empty cache

    async def refresh() -> None:
        await nicegui_run.io_bound(ctx.cache.refresh)

    app.timer(ctx.settings.refresh_seconds, refresh, immediate=False)
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
        await nicegui_run.io_bound(run_scheduled, ctx.store, ctx.settings.data_dir, None, schedule)

    app.timer(60, nightly, immediate=False)
    issues.create()


def run(settings: Settings | None = None) -> None:
    settings = settings or Settings()
    if settings.site == "lab":
        from .lab.site import run_lab

        run_lab(settings)
        return
    ctx = build_context(settings)
    setup(ctx)
    url = f"http://{settings.host}:{settings.port}"
    print(f"edumon: {url}  (хранилище: {ctx.store.kind}, учебный год {settings.academic_year})", flush=True)
    ui.run(host=settings.host, port=settings.port, reload=False, show=False, title="edumon",
           language="ru", favicon="📊", show_welcome_message=False, storage_secret=ctx.session_secret())


if __name__ in {"__main__", "__mp_main__"}:
    run()
