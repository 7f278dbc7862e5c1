"""Declarations -> Arrow schemas, and typed frames <-> Arrow tables: the typed Parquet of bundles and the warehouse."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from sheets_schema import Sheet
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


def to_arrow(sheet: Sheet, frame: pd.DataFrame) -> pa.Table:
    """The declared columns of a typed frame (extra columns such as the source row are left out); vectorised."""
    arrays = []
    for f in sheet.fields:
        typ = arrow_type(f.type)
        col = frame[f.key] if f.key in frame else pd.Series([None] * len(frame), dtype=object)
        if isinstance(f.type, Scores):
            values = [None if not isinstance(v, (tuple, list, np.ndarray)) else [_cell(x) for x in v] for v in col]
            arrays.append(pa.array(values, type=typ))
        elif isinstance(f.type, Date):
            stamps = pd.to_datetime(col.astype(object).where(col.notna(), None), errors="coerce")
            arrays.append(pa.array(stamps, from_pandas=True).cast(pa.timestamp("ns")).cast(typ))
        elif isinstance(f.type, Number):
            numbers = pd.to_numeric(col.astype(object).where(col.notna(), None), errors="coerce")
            arrays.append(pa.array(numbers.astype("Int64" if isinstance(f.type, Integer) else "Float64"), type=typ,
                                   from_pandas=True))
        else:
            arrays.append(pa.array(col.astype("string"), type=typ, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=arrow_schema(sheet))


def from_arrow(table: pa.Table) -> pd.DataFrame:
    """Arrow -> a frame whose cells render back through the field types (lists stay lists, dates stay dates)."""
    out = {}
    for name in table.column_names:
        out[name] = pd.Series(table.column(name).to_pylist(), dtype=object)
    return pd.DataFrame(out, index=pd.RangeIndex(table.num_rows))
