"""Give freed memory back to the system. pandas and NiceGUI free many small blocks per page; glibc keeps them in
its arenas, so the server's RSS only grows after a busy hour though Python holds no more than before.
`malloc_trim(0)` returns the free pages; called by a timer of app.main (a few milliseconds). Elsewhere than glibc
(macOS, musl) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging

log = logging.getLogger(__name__)
TRIM_SECONDS = 60.0
ARENAS = 2  # glibc's default is 8 per core: each thread pool worker may keep its own arena of freed pages
_M_ARENA_MAX = -8  # mallopt parameter number (malloc.h)


@functools.cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def trim() -> bool:
    """Return free heap pages to the system; False where the C library has no malloc_trim."""
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


def limit_arenas(count: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas for threads created later (what MALLOC_ARENA_MAX does at start); False elsewhere."""
    libc = _libc()
    if libc is None or not hasattr(libc, "mallopt"):
        return False
    return bool(libc.mallopt(_M_ARENA_MAX, count))
