"""Per-cell messages of a column and the Arrow kernels text checks run in (the field types' shared helpers)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def none_like(s: pd.Series) -> pd.Series:
    return pd.Series(np.empty(len(s), dtype=object), index=s.index, copy=False)  # np.empty(object) holds None


def set_message(target: pd.Series, mask: pd.Series | np.ndarray,
                message: str | Callable[[pd.Series], pd.Series]) -> None:
    """Write a message where mask holds and no earlier message was written.

    A callable message gets the mask and builds per-cell texts only for the hit cells (keeps big sheets fast).
    A mask that holds nowhere — the usual case — costs one conversion and one `any`.
    """
    m = mask.to_numpy(dtype=bool, na_value=False) if isinstance(mask, pd.Series) else np.asarray(mask, dtype=bool)
    if not m.any():
        return
    m = m & pd.isna(target.to_numpy())
    if m.any():
        hit = pd.Series(m, index=target.index)
        target[hit] = message(hit) if callable(message) else message


def as_text(values: pd.Series) -> pd.Series:
    return values if values.dtype == "string" else values.astype("string")


def arrow_strings(values: pd.Series) -> pa.Array:
    """The column as an Arrow string array (no copy for Arrow-backed text): its checks run in Arrow's kernels."""
    return pa.array(values, type=pa.string(), from_pandas=True)


def mismatch(values: pd.Series, pattern: str) -> np.ndarray:
    """Filled cells that do not match the pattern (empty cells never do)."""
    arr = arrow_strings(values)
    ok = pc.or_(pc.equal(pc.utf8_length(arr), 0), pc.match_substring_regex(arr, pattern))
    return ~ok.to_numpy(zero_copy_only=False).astype(bool)


def longer(values: pd.Series, limit: int) -> np.ndarray:
    return pc.greater(pc.utf8_length(arrow_strings(values)), limit).to_numpy(zero_copy_only=False).astype(bool)


def merge_messages(target: pd.Series, more: pd.Series) -> None:
    """Add the messages of a later check where no earlier message was written."""
    set_message(target, pd.notna(more.to_numpy()), lambda m: more[m])
