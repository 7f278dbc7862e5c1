"""A sheet's body rows (ragged lists of cell text) as stripped text columns, read in one Arrow conversion."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

SMALL = 200  # up to this many rows a sheet is parsed as Python strings (a save's candidates), above as arrow

Grid = Sequence[Sequence[str]]


def text_columns(body: Grid, header_width: int) -> tuple[pd.DataFrame, int, np.ndarray]:
    """The ragged rows as stripped text columns 0..width-1 ('' where a row is short), the width, and which cells
    hold text (width x rows).

    A sheet goes into arrow in one conversion and each column is taken from the flat cells (no Python per cell);
    arrow-backed strings keep the str ops vectorised. A few candidate rows (a save) are cheaper as Python strings,
    where arrow's per-call cost dominates; so are cells that are not text (never from a store)."""
    n = len(body)
    if n > SMALL:
        try:
            cells = pa.array(body, type=pa.list_(pa.large_string()))  # what pandas keeps
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass
        else:
            offsets = cells.offsets.to_numpy()
            lengths, starts = np.diff(offsets), offsets[:-1]
            flat = pc.utf8_trim_whitespace(cells.values)
            width = max(header_width, int(lengths.max()) if n else 0)
            text = pd.StringDtype("pyarrow", na_value=np.nan)  # the "str" dtype
            raw = pd.DataFrame({j: pc.fill_null(pc.take(flat, pa.array(starts + j, mask=lengths <= j)), "")
                               .to_pandas(types_mapper=lambda _t: text) for j in range(width)})
            size = np.asarray(pc.fill_null(pc.binary_length(flat), 0).to_numpy(zero_copy_only=False))
            filled = np.zeros((width, n), dtype=bool)
            for j in range(width):
                has = lengths > j
                filled[j, has] = size[starts[has] + j] > 0
            return raw, width, filled
    width = max(header_width, max((len(r) for r in body), default=0))
    kind = "str" if n > SMALL else object
    columns = list(itertools.zip_longest(*body, fillvalue=""))  # pads in C
    raw = pd.DataFrame({i: pd.Series(c, dtype=kind).fillna("").str.strip() for i, c in enumerate(columns)})
    for i in range(len(columns), width):
        raw[i] = pd.Series([""] * n, dtype=kind)
    return raw, width, np.array([(raw[i] != "").to_numpy(dtype=bool) for i in range(width)]).reshape(width, n)
