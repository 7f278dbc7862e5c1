"""The running application's context, set once at start-up; pages read the cache through it."""

from __future__ import annotations

from app.context import AppContext

_current: AppContext | None = None


def set_context(ctx: AppContext) -> None:
    global _current
    _current = ctx


def ctx() -> AppContext:
    if _current is None:
        raise RuntimeError("application context is not set; start through app.main.run()")
    return _current
