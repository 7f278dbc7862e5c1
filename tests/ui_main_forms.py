"""Main file for the forms/grid/upload `user` tests: the app as `edumon serve` builds it, plus the pages of issue #6.

The outbox worker is not started: the tests drain it themselves, so «pending» is observable and deterministic.
"""

from nicegui import ui

from app.config import Settings
from app.context import build_context
from app.main import setup
from app.pages import entry, grid, upload

context = build_context(Settings())
context.worker.start = lambda: None  # type: ignore[method-assign]
setup(context)
entry.create()
grid.create()
upload.create()
ui.run(reload=False, show=False, title="edumon", language="ru", show_welcome_message=False,
       storage_secret=context.session_secret())
