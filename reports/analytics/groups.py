"""Group numbers for any key columns, computed once with integer codes: the indicators of 100,000 results are
then a handful of `np.bincount` calls instead of one pandas aggregation per column.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def dense_unique(codes: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(codes, return_inverse=True) for codes in [0, space): two bincount passes and no sort when the
    space is small enough to hold in memory, which is the usual case for school-sized groupings."""
    if space <= _DENSE_LIMIT:
        uniq = np.flatnonzero(np.bincount(codes, minlength=space))
        lookup = np.full(space, -1, dtype=np.int64)
        lookup[uniq] = np.arange(len(uniq))
        return uniq, lookup[codes]
    uniq, inverse = np.unique(codes, return_inverse=True)
    return uniq, inverse.reshape(-1)

def lookup(vocabulary: pd.Index, keys: pd.Series | pd.Index | np.ndarray) -> np.ndarray:
    """Position of each key in `vocabulary` (-1 = not there or missing). Keys are factorized first, so a column
    of 100,000 ids costs one hash pass plus a lookup of its few thousand distinct values."""
    codes, uniques = pd.factorize(keys, use_na_sentinel=True)
    if not len(uniques):
        return np.full(len(codes), -1, dtype=np.int64)
    where = pd.Index(vocabulary).get_indexer(pd.Index(uniques))
    return np.where(codes >= 0, where[np.maximum(codes, 0)], -1).astype(np.int64)


def map_values(keys: pd.Series, mapping: pd.Series) -> pd.Series:
    """keys.map(mapping) keeping the mapping's dtype (dates stay dates, even when nothing matches), aligned with
    `keys`; the mapping's index must be unique."""
    pos = lookup(mapping.index, keys)
    return pd.Series(mapping.array.take(pos, allow_fill=True), index=keys.index)


def key_codes(col: pd.Series) -> tuple[np.ndarray, pd.Index | pd.Categorical]:
    """Integer codes (-1 = missing) in sorted order of the values; a categorical keeps its category order."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy().astype(np.int64), pd.Categorical([], dtype=col.dtype)
    codes, uniques = pd.factorize(col, sort=True, use_na_sentinel=True)
    return codes.astype(np.int64), uniques


def _values(uniques: pd.Index | pd.Categorical, codes: np.ndarray) -> pd.api.extensions.ExtensionArray | np.ndarray:
    if isinstance(uniques, pd.Categorical):
        return pd.Categorical.from_codes(codes, dtype=uniques.dtype)
    return uniques.take(codes)


def group_codes(df: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """(group number per row, -1 where a key is missing; the key values of each group number, sorted by key).

    Keys are combined one at a time and renumbered after each step, so the code space stays small (a dense
    bincount instead of a sort) until it is too large, where np.unique takes over. With no keys every row is
    group 0, so the whole frame is one group.
    """
    by = list(by)
    if not by:
        return np.zeros(len(df), dtype=np.int64), pd.DataFrame(index=pd.RangeIndex(1))
    parts = [key_codes(df[k]) for k in by]
    valid = np.ones(len(df), dtype=bool)
    for codes, _ in parts:
        valid &= codes >= 0
    current = np.zeros(int(valid.sum()), dtype=np.int64)
    n_groups = 1
    table: list[np.ndarray] = []  # per key: its code in each current group
    for codes, uniques in parts:
        size = max(_size(uniques), 1)
        combined = current * size + codes[valid]
        uniq, current = dense_unique(combined, n_groups * size)
        table = [t[uniq // size] for t in table] + [uniq % size]
        n_groups = len(uniq)
    out = np.full(len(df), -1, dtype=np.int64)
    out[valid] = current
    keys = pd.DataFrame({k: _values(u, t) for k, (_, u), t in zip(by, parts, table, strict=True)},
                        index=pd.RangeIndex(n_groups))
    return out, keys


_DENSE_LIMIT = 1 << 22


def _size(uniques: pd.Index | pd.Categorical) -> int:
    return len(uniques.categories) if isinstance(uniques, pd.Categorical) else len(uniques)


def first_rows(codes: np.ndarray, n_groups: int) -> np.ndarray:
    """The first row of each group (-1 for a group with no rows); rows with code -1 belong to no group."""
    first = np.full(n_groups, -1, dtype=np.int64)
    rows = np.flatnonzero(codes >= 0)[::-1]
    first[codes[rows]] = rows  # written last-to-first, so the first row wins
    return first


def group_counts(codes: np.ndarray, n_groups: int, flags: np.ndarray | None = None) -> np.ndarray:
    """Rows per group where `flags` holds (every row when None); rows with code -1 are left out."""
    keep = codes >= 0 if flags is None else (codes >= 0) & flags
    return np.bincount(codes[keep], minlength=n_groups).astype(np.int64)


def group_category_counts(codes: np.ndarray, n_groups: int, category: np.ndarray, n_categories: int
                          ) -> np.ndarray:
    """(n_groups, n_categories) counts in one pass; rows with category -1 or code -1 are left out."""
    keep = (codes >= 0) & (category >= 0)
    flat = np.bincount(codes[keep] * n_categories + category[keep], minlength=n_groups * n_categories)
    return flat.reshape(n_groups, n_categories).astype(np.int64)
