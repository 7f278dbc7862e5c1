"""Per-cell messages of a column and the Arrow kernels text checks run in (the field types' shared helpers).

Messages are numpy object arrays (a message or None per cell): a column with nothing to say — the usual case —
costs one allocation, not a pandas Series (a school's bundle has ~90 columns of a few hundred rows, where pandas'
per-call cost is most of the work).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

Messages = np.ndarray  # object: a message or None per cell


def none_like(s: pd.Series | np.ndarray) -> Messages:
    return np.empty(len(s), dtype=object)  # np.empty(object) holds None


def has_messages(messages: Messages) -> bool:
    """Whether any cell has a message (counted in C: ~5x quicker than `any` over objects; a message is never '')."""
    return bool(np.count_nonzero(messages))


def set_message(target: Messages, mask: pd.Series | np.ndarray,
                message: str | Callable[[np.ndarray], Any]) -> None:
    """Write a message where mask holds and no earlier message was written.

    A callable message gets the mask (a numpy bool array) and builds per-cell texts only for the hit cells (keeps
    big sheets fast). A mask that holds nowhere — the usual case — costs one conversion and one `any`.
    """
    m = mask.to_numpy(dtype=bool, na_value=False) if isinstance(mask, pd.Series) else np.asarray(mask, dtype=bool)
    if not m.any():
        return
    m = m & pd.isna(target)
    if m.any():
        target[m] = np.asarray(message(m), dtype=object) if callable(message) else message


def as_text(values: pd.Series) -> pd.Series:
    return values if values.dtype == "string" else values.astype("string")


def arrow_strings(values: pd.Series) -> pa.Array:
    """The column as an Arrow large_string array (no copy for Arrow-backed text, the "str" dtype): its checks run in
    Arrow's kernels. Missing values are null."""
    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        chunks = values.array.__arrow_array__()  # the Arrow protocol: the column's own buffers
        arr = chunks.chunk(0) if chunks.num_chunks == 1 else chunks.combine_chunks()
        if arr.type == pa.large_string():
            return arr
    return pa.array(values, type=pa.large_string(), from_pandas=True)


def filled_text(arr: pa.Array) -> np.ndarray:
    """Cells holding some text (not null, not '')."""
    return np.asarray(pc.fill_null(pc.greater(pc.binary_length(arr), 0), False).to_numpy(zero_copy_only=False),
                      dtype=bool)


def mismatch(values: pd.Series | pa.Array, pattern: str) -> np.ndarray:
    """Filled cells that do not match the pattern (empty cells never do)."""
    arr = values if isinstance(values, pa.Array) else arrow_strings(values)
    ok = pc.fill_null(pc.match_substring_regex(arr, pattern), False).to_numpy(zero_copy_only=False)
    return filled_text(arr) & ~np.asarray(ok, dtype=bool)


def longer(values: pd.Series | pa.Array, limit: int) -> np.ndarray:
    """Cells of more than `limit` characters. No cell has more characters than bytes, and the bytes are known
    without reading the text: the characters are counted only when some cell has more than `limit` bytes."""
    arr = values if isinstance(values, pa.Array) else arrow_strings(values)
    widest = pc.max(pc.binary_length(arr)).as_py()
    if widest is None or widest <= limit:
        return np.zeros(len(arr), dtype=bool)
    return np.asarray(pc.fill_null(pc.greater(pc.utf8_length(arr), limit), False).to_numpy(zero_copy_only=False),
                      dtype=bool)


def merge_messages(target: Messages, more: Messages) -> None:
    """Add the messages of a later check where no earlier message was written."""
    set_message(target, pd.notna(more), lambda m: more[m])


def repeated(text: pa.Array) -> np.ndarray:
    """Cells whose value already appeared above (pandas' `duplicated(keep="first")`, hashed in Arrow): Arrow codes
    distinct values in order of first appearance, so a cell repeats one iff its code is not above every code before
    it."""
    codes = np.asarray(pc.fill_null(pc.dictionary_encode(text).indices, -1).to_numpy(zero_copy_only=False),
                       dtype=np.int64)
    if not len(codes):
        return np.zeros(0, dtype=bool)
    before = np.concatenate(([-1], np.maximum.accumulate(codes)[:-1]))
    return codes <= before


# the month in «в ... 2026 года» (prepositional case)
_MONTHS_IN = ("январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе", "сентябре", "октябре",
              "ноябре", "декабре")


def no_such_date(text: str) -> str:
    """Why a cell written like a date (ДД.ММ.ГГГГ or ГГГГ-ММ-ДД) names no day of the calendar, e.g. 31.02.2026."""
    if "-" in text:
        year, month, day = (int(p) for p in text.split("-"))
    else:
        day, month, year = (int(p) for p in text.split("."))
    if not 1 <= month <= 12:
        return f"Такой даты нет — месяц {month}, а месяцев в году 12"
    if day < 1:
        return "Такой даты нет — дни месяца считаются с 1"
    last = ((dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
            if 1 <= year <= 9998 else 31)
    if day > last:
        return f"Такой даты нет — в {_MONTHS_IN[month - 1]} {year} года {last} {'день' if last == 31 else 'дней'}"
    return "Такой даты нет"


def fmt_number(v: Any) -> str:
    """A number as a cell shows it: integers without a fraction, a decimal comma, nothing for a missing value."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if np.isnan(f):
        return ""
    if not np.isfinite(f):  # only typed data holds it (text never reads as inf): shown, never a crash
        return "∞" if f > 0 else "-∞"
    return str(int(f)) if f == int(f) else f"{f:g}".replace(".", ",")
