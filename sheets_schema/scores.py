"""Per-task score cells («1 0 2 - 1») as tuples and as the NaN-padded matrix the results rule reads.

A sheet's well-formed score cells are read once: single-digit scores (the usual case) come straight out of
Arrow's bytes, without splitting a string per cell; the tuples share one float object per distinct score; and the
matrix is kept beside the typed frame (`ScoreMatrix`) so the results rule need not rebuild it from the tuples.
"""

from __future__ import annotations

import itertools
import operator
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

SCORE_MATRICES = "score_matrices"  # frame.attrs key: field key -> ScoreMatrix of the sheet's rows as parsed

_SPACE, _DASH, _ZERO = 32, 45, 48
_SHARED_UP_TO = 1000  # whole scores up to this share one float object each


class ScoreMatrix:
    """The parsed cells of a sheet's score column (`cells`, by sheet row - 2), their values NaN-padded and their
    counts (-1: empty). Passed on as is by pandas' attrs copies (it is never changed)."""

    def __init__(self, cells: np.ndarray, values: np.ndarray, counts: np.ndarray) -> None:
        self.cells, self.values, self.counts = cells, values, counts

    def __deepcopy__(self, memo: dict[int, Any]) -> ScoreMatrix:
        return self

    def rows(self, scores: pd.Series, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The matrix rows of `scores` (the sheet's column at these positions), or None when any cell is not the
        very tuple parsed there (the frame was changed since: the caller rebuilds from the tuples)."""
        if len(positions) and (positions.min() < 0 or positions.max() >= len(self.cells)):
            return None
        if not all(map(operator.is_, scores.to_numpy(dtype=object), self.cells[positions])):
            return None
        return self.values[positions], self.counts[positions]


def padded(flat: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Flat scores of the filled cells (in order) and per-cell counts (-1: empty) -> the NaN-padded matrix."""
    has = counts > 0
    width = int(counts.max()) if len(counts) and counts.max() > 0 else 0
    if len(counts) and has.all() and (counts == width).all():  # one work's sheet: a rectangle
        return flat.reshape(len(counts), width)
    out = np.full((len(counts), width), np.nan)
    if has.any():
        rows = np.repeat(np.flatnonzero(has), counts[has])
        starts = np.repeat(np.cumsum(counts[has]) - counts[has], counts[has])
        out[rows, np.arange(len(flat)) - starts] = flat
    return out


def tuples_matrix(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Score tuples (None: unscored task) or None per cell -> (NaN-padded values, counts; -1 where empty)."""
    counts = np.fromiter((len(t) if isinstance(t, tuple) else -1 for t in cells), dtype=np.int64, count=len(cells))
    width = int(counts.max()) if len(counts) and counts.max() > 0 else 0
    has = counts > 0
    if len(counts) and has.all() and (counts == width).all():
        return np.array(cells.tolist(), dtype=float).reshape(len(cells), width), counts  # None -> NaN
    flat = np.array(list(itertools.chain.from_iterable(cells[has])), dtype=float)  # None -> NaN
    return padded(flat, counts), counts


def _digit_scores(arr: pa.Array) -> tuple[list[float | None], np.ndarray, np.ndarray] | None:
    """Cells of single-digit scores or «-» one space apart (null: no cell) -> (the scores as Python objects, None
    for «-»; their floats, NaN for «-»; counts, -1 for no cell), read from the UTF-8 bytes; None when a cell holds
    anything else (a decimal, a score of 10 and over, other separators)."""
    arr = pc.fill_null(arr.cast(pa.large_string()), "")
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1]
    data = arr.buffers()[2]
    b = np.frombuffer(data, dtype=np.uint8)[offsets[0]:offsets[-1]] if data is not None else np.zeros(0, np.uint8)
    lengths = np.diff(offsets)
    width = int(lengths[0]) if len(lengths) else 0
    if width % 2 and (lengths == width).all():  # one work's sheet: «d d … d» in every row, a byte grid
        grid = b.reshape(len(lengths), width)
        if not (grid[:, 1::2] == _SPACE).all():
            return None
        digits, counts = grid[:, ::2].ravel(), np.full(len(lengths), (width + 1) // 2)
    else:
        if pc.any(pc.match_substring_regex(arr, r"[\t\r\n;]|  |^ | $")).as_py():
            return None  # separators to tidy first (the general path does)
        filled = lengths > 0
        counts = lengths - pc.count_substring(arr, " ").to_numpy(zero_copy_only=False)
        if not (lengths[filled] == 2 * counts[filled] - 1).all():  # one space apart: every score is one byte
            return None
        digits, counts = b[b != _SPACE], np.where(filled, counts, -1)
    codes = digits - np.uint8(_ZERO)  # «-» wraps round to 253
    dash = digits == _DASH
    if not ((codes <= 9) | dash).all():
        return None
    codes[dash] = 10
    return list(_DIGITS[codes].tolist()), _DIGIT_FLOATS[codes], counts


_DIGITS = np.array([float(i) for i in range(10)] + [None], dtype=object)  # one object per score, shared
_DIGIT_FLOATS = np.array([*range(10), np.nan], dtype=float)


def _shared(values: np.ndarray) -> list[float | None]:
    """Flat scores as Python objects (None for NaN); whole scores share one float object per value."""
    nan = np.isnan(values)
    known = values[~nan]
    if len(known) and (known == np.floor(known)).all() and 0 <= known.min() and known.max() <= _SHARED_UP_TO:
        objects = np.array([float(i) for i in range(int(known.max()) + 1)] + [None], dtype=object)
        codes = np.where(nan, len(objects) - 1, np.nan_to_num(values, nan=0)).astype(np.int64)
        return list(objects[codes].tolist())
    out: list[float | None] = values.tolist()
    for i in np.flatnonzero(nan).tolist():
        out[i] = None
    return out


def score_cells(arr: pa.Array) -> tuple[np.ndarray, ScoreMatrix]:
    """Well-formed score cells (null where empty or not well-formed) -> the tuples (None where no cell) and
    their matrix. Runs of separators ([ \\t\\r\\n;]) count as one; a decimal comma reads as a point."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    whole = _digit_scores(arr)
    if whole is not None:
        values, flat, counts = whole
    else:
        if pc.any(pc.match_substring_regex(arr, r"[\t\r\n;]|  ")).as_py():  # runs of separators become one space
            arr = pc.utf8_trim(pc.replace_substring_regex(arr, r"[ \t\r\n;]+", " "), " ")
        parts = pc.split_pattern(arr, " ")  # a plain split is ~6x faster than a regex split
        texts = pc.list_flatten(parts)
        if pc.any(pc.match_substring(arr, ",")).as_py():  # a decimal comma somewhere (checked on the cells: fewer)
            texts = pc.replace_substring(texts, ",", ".")
        if pc.any(pc.match_substring(arr, "-")).as_py():  # «-» somewhere: those tasks are unscored
            texts = pc.if_else(pc.equal(texts, "-"), None, texts)
        flat = pc.cast(texts, pa.float64()).to_numpy(zero_copy_only=False)  # nulls («-») come out as NaN
        lengths = np.diff(parts.offsets.to_numpy())
        counts = np.where(parts.is_valid().to_numpy(zero_copy_only=False), lengths, -1)
        values = _shared(flat)
    n = len(counts)
    tuples: list[tuple[float | None, ...] | None]
    if n and (counts == counts[0]).all() and counts[0] > 0:  # one work's sheet: the tuples are cut in C
        tuples = list(zip(*[iter(values)] * int(counts[0]), strict=True))
    else:
        bounds = np.concatenate(([0], np.cumsum(np.maximum(counts, 0)))).tolist()
        tuples = [tuple(values[a:b]) if c >= 0 else None
                  for a, b, c in zip(bounds[:-1], bounds[1:], counts.tolist(), strict=True)]
    cells = np.fromiter(tuples, dtype=object, count=n)  # each tuple one element (never spread into columns)
    return cells, ScoreMatrix(cells, padded(flat, counts), counts)


def parse_scores_column(cells: pd.Series) -> pd.Series:
    """Vectorised parse of well-formed score cells (NaN where empty) into tuples."""
    arr = pa.array(cells.astype("string[pyarrow]"))  # no copy when the column is arrow already
    return pd.Series(score_cells(arr)[0], index=cells.index, dtype=object)
