"""Condition-based waits with generous limits: the suite must pass on a busy 2-core machine.

`wait_until` / `await_until` poll a condition until it holds or the limit passes (then fail with what was last
seen). `patient_user()` gives NiceGUI's simulated user the same patience: its should_see / should_not_see try
3 times in 0.3 s by default, which a loaded machine misses; they return as soon as the condition holds, so a
long limit costs nothing when things are fast.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")
LIMIT = 60.0  # seconds: far beyond what any wait needs on an idle machine
USER_RETRIES = 300  # NiceGUI's user fixture sleeps 0.1 s between tries: 30 s


def wait_until(condition: Callable[[], T], limit: float = LIMIT, poll: float = 0.05, what: str = "") -> T:
    """The first truthy value of condition(), polled until `limit` seconds have passed."""
    deadline = time.monotonic() + limit
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"not reached in {limit:.0f} s: {what or condition}")
        time.sleep(poll)


async def await_until(condition: Callable[[], T | Awaitable[T]], limit: float = LIMIT, poll: float = 0.05,
                      what: str = "") -> T:
    """wait_until for async tests: yields to the event loop between polls (so the app makes progress)."""
    deadline = time.monotonic() + limit
    while True:
        value = condition()
        if asyncio.iscoroutine(value) or isinstance(value, asyncio.Future):
            value = await value
        if value:
            return value  # type: ignore[return-value]
        if time.monotonic() >= deadline:
            raise AssertionError(f"not reached in {limit:.0f} s: {what or condition}")
        await asyncio.sleep(poll)


def patient_user() -> None:
    """Raise the default retries of User.should_see / should_not_see and the download wait (once per session)."""
    from nicegui.testing import User
    from nicegui.testing.user_download import UserDownload

    if getattr(User, "_patient", False):
        return
    for name in ("should_see", "should_not_see"):
        original = getattr(User, name)

        @functools.wraps(original)
        async def patient(self: Any, *args: Any, _original: Any = original, retries: int = USER_RETRIES,
                          **kwargs: Any) -> None:
            await _original(self, *args, retries=retries, **kwargs)

        setattr(User, name, patient)
    next_download = UserDownload.next

    @functools.wraps(next_download)
    async def patient_next(self: Any, *, timeout: float = LIMIT) -> Any:
        return await next_download(self, timeout=timeout)

    UserDownload.next = patient_next  # type: ignore[method-assign]
    User._patient = True  # type: ignore[attr-defined]
