"""Wiring of the lab's site (EDUMON_SITE=lab): its context, pages, background refresh and the write worker."""

from __future__ import annotations

import contextlib
import logging

from nicegui import app, ui

from app import background, nicegui_tuning
from app.config import Settings
from app.lab import pages
from app.lab.context import LabContext, build_lab_context
from app.state import set_context
from sync.snapshots.retention import SnapshotSchedule, run_scheduled


def setup_lab(ctx: LabContext) -> None:
    set_context(ctx)  # type: ignore[arg-type]  # pages of the lab read the lab's context
    nicegui_tuning.install()  # as at the school
    ctx.ensure_layout()
    ctx.cache.refresh()

    async def refresh() -> None:
        with contextlib.suppress(background.Cancelled):  # a cancelled refresh must not stop the timer for good
            await background.io_bound(ctx.cache.refresh)

    app.timer(ctx.settings.refresh_seconds, refresh, immediate=False)
    app.on_startup(lambda: ctx.worker.start())

    async def complete() -> None:  # school-years an older edumon accepted get their stored cube and histogram
        try:
            await background.io_bound(ctx.complete_warehouse)
        except background.Cancelled:
            pass
        except Exception:  # the views still compute what is missing from the raw tables: the site keeps working
            logging.getLogger(__name__).exception("could not store the warehouse's missing derived tables")

    app.on_startup(complete)
    app.on_shutdown(lambda: ctx.worker.stop())
    schedule = SnapshotSchedule()

    async def nightly() -> None:  # the lab's workbook is snapshotted like a school's
        with contextlib.suppress(background.Cancelled):
            await background.io_bound(run_scheduled, ctx.store, ctx.settings.data_dir, None, schedule)

    app.timer(60, nightly, immediate=False)
    pages.create()


def run_lab(settings: Settings) -> None:
    from app.main import keep_storage_in, session_cookie

    ctx = build_lab_context(settings)
    ctx.worker.claim()  # one worker per outbox, as at the school
    keep_storage_in(settings.data_dir)
    setup_lab(ctx)
    url = f"http://{settings.host}:{settings.port}"
    print(f"edumon · лаборатория: {url}  (школ в реестре: {len(ctx.registered())}, "
          f"учебный год {settings.academic_year})", flush=True)
    ui.run(host=settings.host, port=settings.port, reload=False, show=False, title="edumon · лаборатория",
           language="ru", favicon="🏛", show_welcome_message=False, storage_secret=ctx.session_secret(),
           session_middleware_kwargs=session_cookie(settings), gzip_middleware_factory=nicegui_tuning.gzip)
