"""Rows of a typed frame by id, hashed once per frame: what a save looks up (the rows it touches, the rows its
references point at) costs a dictionary lookup, not a scan of the column.

The typed frames of a workbook are never changed in place once validated (a write builds new frames), so the
indexes of a frame are kept as long as the frame lives, keyed by its identity.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pandas as pd

_BY_FRAME: dict[int, tuple[weakref.ref[pd.DataFrame], dict[str, Any]]] = {}
_LOCK = threading.Lock()


def _forget(key: int, ref: weakref.ref[pd.DataFrame]) -> None:
    with _LOCK:
        if key in _BY_FRAME and _BY_FRAME[key][0] is ref:
            del _BY_FRAME[key]


def _kept(frame: pd.DataFrame, what: str, build: Callable[[], Any]) -> Any:
    """`build()` for this frame, made on first use and kept while the frame lives."""
    key = id(frame)
    hit = _BY_FRAME.get(key)
    if hit is None or hit[0]() is not frame:
        ref = weakref.ref(frame, functools.partial(_forget, key))
        with _LOCK:
            hit = _BY_FRAME[key] = (ref, {})
    memo = hit[1]
    if what not in memo:
        memo[what] = build()
    return memo[what]


def id_positions(frame: pd.DataFrame) -> dict[str, int]:
    """id (as text) -> position of the first row holding it."""
    def build() -> dict[str, int]:
        ids = frame["id"].astype(str).tolist()  # tolist converts in C; iterating arrow strings does not
        return dict(zip(reversed(ids), range(len(ids) - 1, -1, -1), strict=True))  # the first row wins

    return _kept(frame, "id", build)


def share_ids(frame: pd.DataFrame, same: pd.DataFrame, columns: Iterable[str] = ()) -> None:
    """`same` holds the ids of `frame` at the same positions (only other cells changed): it shares the index, and
    what is kept of `columns`, which hold the same values too."""
    hit = _BY_FRAME.get(id(frame))
    if hit is None or hit[0]() is not frame:
        return
    memo = dict(hit[1])
    shared = {"id"} | {f"{kind}:{c}" for c in columns for kind in ("column", "groups")}
    for what in shared & set(memo):
        _kept(same, what, functools.partial(memo.get, what))


def empty_of(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame's columns without rows (made once per frame; never changed in place, as every frame here)."""
    return _kept(frame, "empty", lambda: frame.iloc[:0])


def value_of(frame: pd.DataFrame, row_id: str, column: str) -> Any:
    """The cell of `column` in the row `row_id` (None when there is no such row)."""
    at = id_positions(frame).get(row_id)
    return None if at is None else _kept(frame, f"column:{column}", lambda: frame[column].tolist())[at]


def rows_where(frame: pd.DataFrame, column: str, values: Iterable[object]) -> list[int]:
    """Positions, in frame order, of the rows whose `column` (as text; empty cells never) is one of values."""
    def build() -> dict[str, list[int]]:
        groups: dict[str, list[int]] = {}
        for p, v in enumerate(frame[column].tolist()):
            if v is not None and not pd.isna(v):
                groups.setdefault(str(v), []).append(p)
        return groups

    groups = _kept(frame, f"groups:{column}", build)
    return sorted(p for v in {str(v) for v in values if v is not None and not pd.isna(v)} for p in groups.get(v, ()))


def rows_by_id(frame: pd.DataFrame, ids: Iterable[str]) -> pd.DataFrame:
    """The rows of `frame` holding these ids (each id's first row), in frame order."""
    positions = id_positions(frame)
    return frame.iloc[sorted({positions[i] for i in ids if i in positions})]


def current_rows(frame: pd.DataFrame | None, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """id -> the typed row as a dict, for those ids that are in `frame` (None: no such sheet).

    One take of the rows, then each column converted in one call: no per-cell access through pandas."""
    if frame is None or frame.empty or not ids:
        return {}
    positions = id_positions(frame)
    at = sorted({positions[i] for i in ids if i in positions})
    if not at:
        return {}
    rows = frame.iloc[at]
    rows.attrs = {}  # copied on every column access otherwise
    columns = [rows[c].tolist() for c in rows.columns]
    keys = [str(c) for c in rows.columns]
    return {str(r[keys.index("id")]): dict(zip(keys, r, strict=True)) for r in zip(*columns, strict=True)}
