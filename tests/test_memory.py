"""Freed memory goes back to the system where the C library can do it (glibc), and nothing breaks elsewhere."""

from __future__ import annotations

import ctypes.util

from app import memory


def test_trim_runs_where_glibc_is_and_says_so() -> None:
    has_trim = memory._libc() is not None
    assert memory.trim() is has_trim
    if ctypes.util.find_library("c") and "libc.so" in str(ctypes.util.find_library("c")):
        assert has_trim  # Linux with glibc: the trim is really made


def test_arena_limit_is_set_where_glibc_is() -> None:
    assert memory.limit_arenas() is (memory._libc() is not None)
