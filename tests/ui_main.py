"""The one main file for NiceGUI's `user` fixture: builds the app from EDUMON_* settings exactly as `edumon serve`
does. A test may ask for a variant with `@pytest.mark.ui_app(...)` (tests/conftest.py passes it in UI_TEST_APP):

- «manual_drain»: the write worker is not started; tests drain the outbox themselves, so «pending» is observable;
- «store_down»: one good read is kept as the local copy, then the store is down for good (an outage).
"""

import os

from nicegui import ui

from app.config import Settings
from app.context import build_context
from app.main import run, setup
from sync.store import StoreError


class DownStore:
    """Google during an outage: every call fails after the retries gave up."""

    kind = "google"

    def __init__(self, inner: object) -> None:
        self.inner = inner

    def spreadsheet_id(self) -> str:
        return self.inner.spreadsheet_id()  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        def fail(*args: object, **kwargs: object) -> None:
            raise StoreError("Google Таблица не отвечает (503, имитация сбоя)")

        return fail


variant = os.environ.get("UI_TEST_APP", "")
if variant not in ("", "manual_drain", "store_down"):
    raise SystemExit(f"unknown UI_TEST_APP {variant!r}")
if not variant:
    run()
else:
    context = build_context(Settings())
    if variant == "store_down":
        assert context.cache.refresh()  # the last good read, kept in the data dir
        context.store = context.cache.store = context.worker.store = DownStore(context.store)  # type: ignore[assignment]
    context.worker.start = lambda: None  # type: ignore[method-assign]
    setup(context)
    ui.run(reload=False, show=False, title="edumon", language="ru", show_welcome_message=False,
           storage_secret=context.session_secret())
