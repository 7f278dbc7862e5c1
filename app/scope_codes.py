"""Row rules of the read scope decided once per distinct value: a sheet's ids repeat, so app.access decides a rule
for each distinct id (or (class, subject) pair) and spreads the answer to the rows by integer codes."""

from __future__ import annotations

import numpy as np
import pandas as pd


def text(values: pd.Series) -> list[str]:
    """A column as texts ("" for a missing value)."""
    out = values.to_numpy(dtype=object, na_value="").tolist()
    return out if isinstance(values.dtype, pd.StringDtype) else [str(v) for v in out]


def coded(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer codes of a column (-1 for a missing value) and the texts they stand for: a sheet's ids repeat, so
    rules are decided once per distinct id and spread to the rows by the codes."""
    codes, uniques = pd.factorize(column)
    return codes, text(pd.Series(np.asarray(uniques, dtype=object), dtype=object))


def spread(codes: np.ndarray, per_code: list[bool]) -> np.ndarray:
    """The rows' answers from the answer of each code (a missing value: False)."""
    return np.array([*per_code, False], dtype=bool)[codes]


def member(column: pd.Series, allowed: frozenset[str] | set[str]) -> np.ndarray:
    """Which rows' value is among `allowed` (never the empty text)."""
    ok = set(allowed) - {""}
    codes, texts = coded(column)
    return spread(codes, [t in ok for t in texts])
