"""Declarations -> Arrow schemas, and typed frames <-> Arrow tables: the typed Parquet of bundles and the warehouse."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sheets_schema import Field, Sheet
from sheets_schema.fields import Date, FieldType, Integer, Number, Scores


def arrow_type(t: FieldType) -> pa.DataType:
    if isinstance(t, Scores):
        return pa.list_(pa.float64())
    if isinstance(t, Integer):
        return pa.int64()
    if isinstance(t, Number):
        return pa.float64()
    if isinstance(t, Date):
        return pa.date32()
    return pa.string()


def arrow_schema(sheet: Sheet) -> pa.Schema:
    return pa.schema([pa.field(f.key, arrow_type(f.type)) for f in sheet.fields])


def _cell(v: Any) -> Any:
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return None
    return v


def _scores_array(col: pd.Series) -> pa.Array:
    """Score tuples (or lists) -> list<float64> in one pass: None and NaN become nulls, a non-sequence a null list."""
    cells = col.to_numpy(dtype=object)
    is_seq = np.fromiter((isinstance(v, (tuple, list, np.ndarray)) for v in cells), dtype=bool, count=len(cells))
    counts = np.fromiter((len(v) if ok else 0 for v, ok in zip(cells, is_seq, strict=True)), dtype=np.int64,
                         count=len(cells))
    flat = list(itertools.chain.from_iterable(cells[is_seq]))  # None and NaN both read as null below
    offsets = pa.array(np.r_[0, np.cumsum(counts)].astype(np.int32))
    values = pa.array(flat, type=pa.float64(), from_pandas=True)
    return pa.ListArray.from_arrays(offsets, values, mask=pa.array(~is_seq))


def _column(f: Field, col: pd.Series) -> pa.Array:
    """One typed column -> its Arrow array; frames that validation typed take the direct way."""
    typ = arrow_type(f.type)
    if isinstance(f.type, Scores):
        return _scores_array(col)
    if isinstance(f.type, Date):
        if pd.api.types.is_datetime64_dtype(col.dtype):
            return pa.array(col, from_pandas=True).cast(typ)
        stamps = pd.to_datetime(col.astype(object).where(col.notna(), None), errors="coerce")
        return pa.array(stamps, from_pandas=True).cast(pa.timestamp("ns")).cast(typ)
    if isinstance(f.type, Number):
        wanted = "Int64" if isinstance(f.type, Integer) else "Float64"
        if str(col.dtype) != wanted:
            col = pd.to_numeric(col.astype(object).where(col.notna(), None), errors="coerce").astype(wanted)
        return pa.array(col, type=typ, from_pandas=True)
    if isinstance(col.dtype, pd.CategoricalDtype):
        return pa.array(col, from_pandas=True).dictionary_decode().cast(typ)
    if isinstance(col.dtype, pd.StringDtype) or pd.api.types.is_object_dtype(col.dtype):
        try:  # text as validation leaves it: straight to Arrow (NaN and NA are nulls)
            return pa.array(col, type=typ, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass
    return pa.array(col.astype("string"), type=typ, from_pandas=True)


def to_arrow(sheet: Sheet, frame: pd.DataFrame) -> pa.Table:
    """The declared columns of a typed frame (extra columns such as the source row are left out); vectorised."""
    arrays = [_column(f, frame[f.key] if f.key in frame else pd.Series([None] * len(frame), dtype=object))
              for f in sheet.fields]
    return pa.Table.from_arrays(arrays, schema=arrow_schema(sheet))


_PANDAS_TYPES = {pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype()}.get


def typed_frame(sheet: Sheet, table: pa.Table) -> pd.DataFrame:
    """A bundle table (of `arrow_schema(sheet)`) -> the typed columns validation checks, as a sheet's text would have
    read: text stripped with '' for empty, Int64/Float64 with NA (NaN is empty), dates at second resolution (a
    typed date may lie far outside the nanosecond range; `Date.check` bounds it), scores as tuples (None unscored).
    Every column but the scores is made in Arrow and handed to pandas in one conversion."""
    arrays: dict[str, pa.Array] = {}
    scores: dict[int, tuple[str, pd.Series]] = {}  # position -> key and tuples: object columns pandas makes itself
    for i, f in enumerate(sheet.fields):
        col = table.column(f.key).combine_chunks() if table.num_rows else pa.array([], arrow_type(f.type))
        if isinstance(f.type, Scores):
            scores[i] = (f.key, pd.Series(_score_tuples(col), dtype=object))
        elif isinstance(f.type, Date):
            arrays[f.key] = col.cast(pa.timestamp("s"))
        elif isinstance(f.type, Integer):
            arrays[f.key] = col
        elif isinstance(f.type, Number):
            arrays[f.key] = pc.if_else(pc.is_nan(col), pa.scalar(None, pa.float64()), col)
        else:
            arrays[f.key] = pc.utf8_trim_whitespace(col.fill_null(""))
    frame = pa.table(arrays).to_pandas(types_mapper=_PANDAS_TYPES) if arrays else pd.DataFrame(
        index=pd.RangeIndex(table.num_rows))
    for i, (key, values) in scores.items():
        frame.insert(i, key, values)
    return frame


def _score_tuples(col: pa.Array) -> list[tuple[float | None, ...] | None]:
    """list<float64> -> tuples, NaN read as unscored and an empty list as an empty cell (as their text reads)."""
    flat = col.values  # offsets index the whole child array (slices and nulls included)
    flat = pc.if_else(pc.is_nan(flat), pa.scalar(None, pa.float64()), flat).to_pylist()
    offsets = col.offsets.to_numpy()
    valid = col.is_valid().to_numpy(zero_copy_only=False)
    return [tuple(flat[a:b]) if ok and b > a else None
            for a, b, ok in zip(offsets[:-1].tolist(), offsets[1:].tolist(), valid.tolist(), strict=True)]
