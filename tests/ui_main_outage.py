"""Main file for the outage `user` test: one good read kept as the local copy, then the store is down for good."""

from nicegui import ui

from app.config import Settings
from app.context import build_context
from app.main import setup
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


context = build_context(Settings())
assert context.cache.refresh()  # the last good read, kept in the data dir
context.store = context.cache.store = context.worker.store = DownStore(context.store)  # type: ignore[assignment]
context.worker.start = lambda: None  # type: ignore[method-assign]
setup(context)
ui.run(reload=False, show=False, title="edumon", language="ru", show_welcome_message=False,
       storage_secret=context.session_secret())
