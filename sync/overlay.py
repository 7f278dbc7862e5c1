"""Laying write commands over what was read: over the raw grids (`overlay`, with each grid's id index carried
between calls) and over the typed frames of sheets no other row depends on (`merge_rows`, `replace_rows`) — the
pure part of the cache, without its lock or store."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from sheets_schema import ID_HEADER, Registry
from sheets_schema.base import Sheet
from sheets_schema.lookup import id_positions, share_ids
from sheets_schema.rules import RULE_INPUTS
from sheets_schema.validation import ROW
from sync.store import Grid
from sync.write.commands import WriteCommand


def overlay(schema: Registry, grids: dict[str, Grid], commands: Sequence[WriteCommand],
            indexes: dict[str, dict[str, list[int]]] | None = None
            ) -> tuple[dict[str, Grid], dict[str, set[str]]]:
    """The grids as they will be once the commands are applied; and the ids each command touched, by sheet key.

    The input grids are never changed: a sheet written to is a new list of the old rows, with each row a command
    changes replaced by a changed copy, and its rows are found through an id index (the cost is one pass over the
    ids of the sheets written to, not a copy of their cells).

    `indexes` (title -> id -> positions), when given, belongs to `grids` and is carried over to the result: an
    index found there is used instead of that pass and kept up to date (an update keeps positions, an append adds
    one); a sheet with a delete loses its index, as its rows move up. Only for a result that replaces `grids`."""
    out = {t: g for t, g in grids.items()}
    touched: dict[str, set[str]] = {}
    sheets: dict[str, tuple[list[str], int, dict[str, list[int]]] | None] = {}  # title -> header, id col, index
    for c in commands:
        sheet = schema[c.sheet]
        if sheet.title not in sheets:
            grid = out.get(sheet.title)
            header = [h.strip() for h in grid[0]] if grid else []
            if grid is None or ID_HEADER not in header:
                sheets[sheet.title] = None
            else:
                grid = out[sheet.title] = list(grid)
                id_col = header.index(ID_HEADER)
                index = indexes.get(sheet.title) if indexes is not None else None
                if index is None:
                    index = id_index(grid, id_col)
                    if indexes is not None:
                        indexes[sheet.title] = index
                sheets[sheet.title] = header, id_col, index
        found = sheets[sheet.title]
        if found is None:
            continue
        header, id_col, index = found
        grid = out[sheet.title]
        touched.setdefault(c.sheet, set()).add(c.row_id)
        at = index.get(c.row_id)
        where = at[0] if at else None
        if c.op == "delete":
            if at:
                grid[at.pop(0)] = None  # type: ignore[call-overload]  # dropped below: positions stay valid
            continue
        if c.op == "append" and where is None:
            grid.append([""] * len(header))
            where = len(grid) - 1
            grid[where][id_col] = c.row_id
            index.setdefault(c.row_id, []).append(where)
        if where is None:
            continue
        row = list(grid[where])
        set_cells(sheet, header, row, c.values)
        grid[where] = row
    for title, found in sheets.items():
        if found is not None and any(r is None for r in out[title]):
            out[title] = [r for r in out[title] if r is not None]
            if indexes is not None:
                indexes.pop(title, None)
    return out, touched


def id_index(grid: Grid, id_col: int) -> dict[str, list[int]]:
    """Row id -> its positions in the grid (header at 0; a repeated id has several)."""
    index: dict[str, list[int]] = {}
    for i in range(1, len(grid)):
        if len(grid[i]) > id_col:
            index.setdefault(grid[i][id_col].strip(), []).append(i)
    return index


def set_cells(sheet: Sheet, header: list[str], row: list[str], values: Mapping[str, str]) -> None:
    """Write a command's values into a grid row by the sheet's headers (columns it lacks are skipped)."""
    for k, v in values.items():
        h = sheet.header_of(k)
        if h in header:
            i = header.index(h)
            row += [""] * (i + 1 - len(row))
            row[i] = v


def incremental_sheets(schema: Registry) -> frozenset[str]:
    """Sheets whose rows no other row depends on (no reference points at them, no rule reads them): a write there
    changes only its own rows, so it is laid over the frames; a write elsewhere re-validates the workbook."""
    targets = {t for s in schema for t in s.refs.values()}
    return frozenset(s.key for s in schema if s.key not in targets and s.key not in RULE_INPUTS)


def merge_rows(frame: pd.DataFrame, row_ids: set[str], new: pd.DataFrame | None, rows: Mapping[str, int]
               ) -> pd.DataFrame:
    """`frame` without the rows `row_ids`, plus the typed rows `new` at sheet rows `rows` (id -> row), in sheet
    order."""
    hit = frame["id"].isin(list(row_ids)).to_numpy(dtype=bool)
    kept = frame[~hit]
    if new is not None and len(new):
        new = new.assign(**{ROW: new["id"].astype(object).map(rows).fillna(0).to_numpy(dtype="int64")})
        kept = pd.concat([kept, new[frame.columns]], ignore_index=True).sort_values(ROW, kind="stable")
    out = kept.reset_index(drop=True)
    out.attrs = dict(frame.attrs)
    return out


def replace_rows(frame: pd.DataFrame, new: pd.DataFrame | None, rows: Mapping[str, int]) -> pd.DataFrame | None:
    """`frame` with the typed rows `new` put where the rows of the same ids are, when every one of them is there at
    the same sheet row (`rows`: id -> row), as an edit of valid rows leaves them: each column is copied once and
    set at those positions, with no filtering, concatenating or sorting of the rows. None when that does not hold
    (a row that had an error and now has none, an append, a delete): then merge_rows."""
    if new is None or not len(new):
        return None
    positions = id_positions(frame)
    ids = new["id"].astype(str).tolist()
    at = [positions.get(i) for i in ids]
    if None in at or len(set(at)) != len(at):
        return None
    sheet_rows = frame[ROW].to_numpy()
    if any(rows.get(i) != int(sheet_rows[p]) for i, p in zip(ids, at, strict=True)):
        return None
    before = frame.iloc[at]
    before.attrs = {}  # pandas copies attrs on every column access otherwise
    out = frame.copy(deep=False)  # copy-on-write: a column is copied only when it is set below
    kept = [ROW]
    for col in frame.columns:
        if col == ROW:
            continue
        values = new[col]
        if all(map(_same, before[col].tolist(), values.tolist())):  # a column the edit leaves is shared
            kept.append(str(col))
            continue
        column = frame[col].copy()
        column.iloc[at] = values.to_numpy()
        out[col] = column
    out.attrs = dict(frame.attrs)
    share_ids(frame, out, kept)  # the same ids at the same positions, the same cells in the columns kept
    return out


def _same(a: object, b: object) -> bool:
    """Two typed cells hold the same value (empty ones of any kind are the same)."""
    if a is b:
        return True
    empty_a, empty_b = _empty(a), _empty(b)
    if empty_a or empty_b:
        return empty_a and empty_b
    try:
        return type(a) is type(b) and bool(a == b)
    except (TypeError, ValueError):
        return False


def _empty(v: object) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)
