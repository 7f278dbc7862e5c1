"""Main file for the справка and dashboard `user` tests: the app as `edumon serve` builds it, plus the pages of
issue #9 (work page and drill-down dashboard), registered the way app/main.py will register them."""

from nicegui import ui

from app.config import Settings
from app.context import build_context
from app.main import setup
from app.pages import dashboard, work

context = build_context(Settings())
context.worker.start = lambda: None  # type: ignore[method-assign]
setup(context)
work.create()
dashboard.create()
ui.run(reload=False, show=False, title="edumon", language="ru", show_welcome_message=False,
       storage_secret=context.session_secret())
