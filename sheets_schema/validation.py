"""Raw cell grids -> typed DataFrames plus a list of issues. Vectorised; never raises on what people typed."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .base import Registry, Sheet
from .cells import arrow_strings, filled_text, has_messages, repeated
from .fields import ERROR, WARNING, Field, Parsed
from .scores import SCORE_MATRICES, ScoreMatrix
from .sheet_text import Grid, text_columns

ROW = "_row"  # column of the typed frames: the sheet row number the data came from

@dataclass(frozen=True)
class Issue:
    sheet: str  # Russian tab title
    row: int  # 1-based sheet row; 1 is the header row, 0 means the whole sheet
    cell: str  # A1 address, '' when the issue is about a row or a sheet
    column: str  # Russian header, '' when not about one column
    value: str
    message: str
    severity: str = ERROR
    sheet_key: str = ""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class Workbook:
    """The validated workbook: one typed DataFrame per sheet key, and every issue found."""

    frames: dict[str, pd.DataFrame]
    issues: list[Issue] = field(default_factory=list)

    def __getitem__(self, key: str) -> pd.DataFrame:
        return self.frames[key]

    def issues_of(self, sheet_key: str) -> list[Issue]:
        return [i for i in self.issues if i.sheet_key == sheet_key]

    @property
    def error_count(self) -> int:
        return sum(1 for i in self.issues if i.severity == ERROR)


def col_letter(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    if index < 0:
        raise ValueError("column index must be >= 0")
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def a1(row: int, col_index: int) -> str:
    return f"{col_letter(col_index)}{row}"


def ref_message(target_title: str, value: object) -> str:
    return f"Ссылка на несуществующую строку листа «{target_title}»: «{value}»"


def empty_frame(sheet: Sheet) -> pd.DataFrame:
    return _empty_frame(sheet).copy()  # a sheet's empty frame is built once (~4 ms), then copied (lazily)


@functools.lru_cache(maxsize=256)
def _empty_frame(sheet: Sheet) -> pd.DataFrame:
    cols = {f.key: pd.Series(dtype=f.type.dtype if f.type.dtype != "category" else object) for f in sheet.fields}
    cols[ROW] = pd.Series(dtype="int64")
    return pd.DataFrame(cols)


class _Collector:
    """Accumulates issues for one sheet; rows with an error are excluded from the typed frame."""

    def __init__(self, sheet: Sheet, n_rows: int) -> None:
        self.sheet = sheet
        self.issues: list[Issue] = []
        self.bad = np.zeros(n_rows, dtype=bool)

    def add(self, row: int, cell: str, column: str, value: str, message: str, severity: str = ERROR) -> None:
        self.issues.append(Issue(self.sheet.title, row, cell, column, value, message, severity, self.sheet.key))

    def skip_blank(self, blank: np.ndarray, rows: np.ndarray) -> None:
        """Blank rows are left out with a warning, never an error."""
        for p in np.flatnonzero(blank):
            self.add(int(rows[p]), "", "", "", "Пустая строка (пропущена)", WARNING)
        self.bad |= blank

    def add_column(self, messages: np.ndarray, cells: pd.Series, col_index: int, header: str, severity: str,
                   rows: np.ndarray, shown: Callable[[Any], str] = str) -> None:
        msgs = messages
        hit = pd.notna(msgs)
        if not hit.any():
            return
        positions = np.flatnonzero(hit)
        letter = col_letter(col_index)
        vals = cells.to_numpy(dtype=object)
        for p in positions:
            r = int(rows[p])
            self.issues.append(Issue(self.sheet.title, r, f"{letter}{r}", header, shown(vals[p]), str(msgs[p]),
                                     severity, self.sheet.key))
        if severity == ERROR:
            self.bad[positions] = True


def _header_map(sheet: Sheet, header: list[str], col: _Collector) -> dict[str, int]:
    """Field key -> column index in the sheet, by header text (people reorder columns). Reports drift."""
    by_text: dict[str, int] = {}
    for i, h in enumerate(header):
        h = h.strip()
        if not h:
            continue
        if h in by_text:
            col.add(1, a1(1, i), h, h, f"Столбец «{h}» повторяется; используется первый ({col_letter(by_text[h])})")
            continue
        by_text[h] = i
    known = set(sheet.headers)
    mapping: dict[str, int] = {}
    missing = []
    for pos, f in enumerate(sheet.fields):
        if f.header in by_text:
            mapping[f.key] = by_text[f.header]
        else:
            missing.append((pos, f))
    extra = {i: h for h, i in by_text.items() if h not in known}
    for pos, f in missing:
        guess = extra.get(pos)
        if guess is not None:
            msg = f"Нет столбца «{f.header}»: возможно, он переименован в «{guess}». Верните заголовок «{f.header}»"
            col.add(1, a1(1, pos), guess, guess, msg, ERROR if f.required else WARNING)
        else:
            msg = f"Нет столбца «{f.header}»"
            col.add(1, "", f.header, "", msg + ("" if not f.required else " (обязательный)"),
                    ERROR if f.required else WARNING)
    guessed = {pos for pos, _ in missing}
    for i, h in extra.items():
        if i not in guessed:
            col.add(1, a1(1, i), h, h, f"Лишний столбец «{h}» не входит в форму листа и не учитывается", WARNING)
    return mapping


class Kept(tuple):
    """An attrs value that is never changed: pandas deep-copies a frame's attrs on every operation (a save's few
    rows pay for copying the whole sheet's rejected rows dozens of times), this one is passed on as is."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Kept:
        return self


class KeptMap(dict):  # type: ignore[type-arg]
    """The mapping counterpart of Kept (field key -> column index); never changed once a sheet is read."""

    def __deepcopy__(self, memo: dict[int, Any]) -> KeptMap:
        return self


REJECTED = "rejected"  # frame.attrs key: the rows an error excluded, as (row, id, work_id, student_id, message)
_REJECTED_KEYS = ("id", "work_id", "student_id")


def rejected_rows(issues: Sequence[Issue], raw: pd.DataFrame, mapping: Mapping[str, int], rows: np.ndarray,
                  bad: np.ndarray) -> tuple[tuple[Any, ...], ...]:
    """The excluded rows with the cells that say whose they are and the first error's message, so a справка can
    list «not counted, because …» instead of letting a row disappear. Plain tuples: attrs are compared by pandas."""
    first = {}
    for i in issues:
        if i.severity == ERROR and i.row not in first:
            first[i.row] = i.message
    out = []
    for p in np.flatnonzero(bad):
        cells = tuple(str(raw[mapping[k]].iat[p]) if k in mapping else "" for k in _REJECTED_KEYS)
        out.append((int(rows[p]), *cells, first.get(int(rows[p]), "")))
    return tuple(out)


def validate_sheet(sheet: Sheet, grid: Grid | None) -> tuple[pd.DataFrame, list[Issue], pa.Array]:
    """Returns the typed frame (bad rows excluded), the issues, and every id present (an Arrow string array, for
    reference checks)."""
    if grid is None:
        col = _Collector(sheet, 0)
        col.add(0, "", "", "", f"Лист «{sheet.title}» не найден в таблице", ERROR)
        return empty_frame(sheet), col.issues, NO_IDS
    header = [str(c) for c in grid[0]] if len(grid) else []
    body = grid[1:]
    n = len(body)
    col = _Collector(sheet, n)
    if not header:
        if n or not len(grid):
            col.add(1, "A1", "", "", "Нет строки заголовков", ERROR)
        return empty_frame(sheet), col.issues, NO_IDS
    mapping = _header_map(sheet, header, col)
    if n == 0:
        return empty_frame(sheet), col.issues, NO_IDS
    raw, width, filled = text_columns(body, len(header))
    rows = np.arange(2, n + 2)
    blank = ~np.asarray(filled.any(axis=0), dtype=bool)
    col.skip_blank(blank, rows)
    out: dict[str, pd.Series] = {}
    matrices: dict[str, ScoreMatrix] = {}
    ids_all = NO_IDS
    for f in sheet.fields:
        idx = mapping.get(f.key)
        if idx is None:
            out[f.key] = pd.Series([pd.NA] * n, dtype=f.type.dtype if f.type.dtype != "category" else object)
            if f.required:
                col.bad[:] = True
            continue
        cells = raw[idx]  # a blank row's cells are all ''
        parsed = f.type.parse(cells)
        out[f.key], ids = _field(col, f, idx, cells, parsed, filled[idx], blank, rows)
        ids_all = ids if f.key == "id" else ids_all
        if parsed.matrix is not None:
            matrices[f.key] = parsed.matrix
    return _typed_frame(col, out, rows, mapping, raw, blank, matrices), col.issues, ids_all


def _field(col: _Collector, f: Field, idx: int, cells: pd.Series, parsed: Parsed, filled: pd.Series | np.ndarray,
           blank: np.ndarray, rows: np.ndarray, shown: Callable[[Any], str] = str) -> tuple[pd.Series, pa.Array]:
    """One column's issues (its type's, required, unique) into the collector; its values and, for a unique
    column, every value present. `cells` are what the issues show (the text, or the typed values through
    `shown`)."""
    errors = np.array(parsed.errors, dtype=object)  # a copy: the required and unique messages go in too
    free = pd.isna(errors) if has_messages(errors) else np.ones(len(errors), dtype=bool)
    filled_np = np.asarray(filled, dtype=bool)
    if f.required:
        empty = ~filled_np & ~blank & free
        if empty.any():
            errors[empty] = "Обязательное поле не заполнено"
            free &= ~empty
    ids = NO_IDS
    if f.unique:
        text = arrow_strings(cells)
        dup = filled_np & free & repeated(text)
        if dup.any():
            firsts = cells.drop_duplicates(keep="first")
            first_row = pd.Series(rows[firsts.index.to_numpy()], index=firsts.to_numpy())
            errors[dup] = [f"Повтор значения «{shown(v)}»: оно уже есть в строке {first_row[v]}" for v in cells[dup]]
            free &= ~dup
        ids = text.filter(pa.array(filled_np))
    if not free.all():
        col.add_column(errors, cells, idx, f.header, ERROR, rows, shown)
    if has_messages(parsed.warnings):
        warnings = np.array(parsed.warnings, dtype=object)
        warnings[~free] = None  # a cell with an error shows the error only
        col.add_column(warnings, cells, idx, f.header, WARNING, rows, shown)
    return parsed.values, ids


NO_IDS = pa.array([], pa.large_string())  # a sheet with no id column present (or not found): no row can be referred to


def _typed_frame(col: _Collector, out: dict[str, pd.Series], rows: np.ndarray, mapping: Mapping[str, int],
                 raw: pd.DataFrame, blank: np.ndarray, matrices: Mapping[str, ScoreMatrix]) -> pd.DataFrame:
    columns: dict[str, Any] = {k: v.array for k, v in out.items()}  # by position: every column is the sheet's rows
    columns[ROW] = rows
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(rows)), copy=False)
    if col.bad.any():
        frame = frame[~col.bad].reset_index(drop=True)
    frame.attrs["columns"] = KeptMap(mapping)  # field key -> column index in the sheet: rules address real cells
    if matrices:
        frame.attrs[SCORE_MATRICES] = KeptMap(matrices)  # by sheet row - 2: the results rule reads them
    frame.attrs[REJECTED] = Kept(rejected_rows(col.issues, raw, mapping, rows, col.bad & ~blank))
    return frame


def validate_typed_sheet(sheet: Sheet, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue], pa.Array]:
    """Like `validate_sheet`, for a table that arrives typed (a bundle's Parquet): each column holds its field's
    values (text stripped, '' for empty; numbers, dates, score tuples, NA for empty), so only the types' `check`
    runs — no text is rendered or parsed. Cells are addressed as the table lays out: declared order, header row 1."""
    n = len(frame)
    col = _Collector(sheet, n)
    rows = np.arange(2, n + 2)
    mapping = {f.key: i for i, f in enumerate(sheet.fields)}
    if n == 0:
        return empty_frame(sheet), col.issues, NO_IDS
    index = frame.index
    if not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1):
        frame = frame.reset_index(drop=True)
    given = {f.key: frame[f.key] for f in sheet.fields}
    filled = {key: _filled(values) for key, values in given.items()}
    blank = ~np.logical_or.reduce(list(filled.values()))
    col.skip_blank(blank, rows)
    out: dict[str, pd.Series] = {}
    matrices: dict[str, ScoreMatrix] = {}
    ids_all = NO_IDS
    for f in sheet.fields:
        values = given[f.key]
        parsed = f.type.check(values)
        out[f.key], ids = _field(col, f, mapping[f.key], values, parsed, filled[f.key], blank, rows,
                                 functools.partial(_shown, f.type))
        ids_all = ids if f.key == "id" else ids_all
        if parsed.matrix is not None:
            matrices[f.key] = parsed.matrix
    raw = pd.DataFrame({mapping[k]: given[k] for k in _REJECTED_KEYS if k in mapping} if (col.bad & ~blank).any()
                       else {})  # what rejected rows are listed by; none rejected: nothing to take
    return _typed_frame(col, out, rows, mapping, raw, blank, matrices), col.issues, ids_all


def _filled(values: pd.Series) -> np.ndarray:
    if pd.api.types.is_string_dtype(values.dtype) and not pd.api.types.is_object_dtype(values.dtype):
        return filled_text(arrow_strings(values))  # typed text holds '' for empty, never NA
    return ~np.asarray(values.array.isna(), dtype=bool)


def _shown(kind: Any, v: object) -> str:
    """A typed value as the issue shows it: its field type's own rendering."""
    return str(kind.render(None if _na(v) else v))


def _na(v: object) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v))


def validate_workbook(schema: Registry, grids: Mapping[str, Grid]) -> Workbook:
    """grids: worksheet title -> cell grid (header row first), as a store reads it."""
    checked = {s.key: validate_sheet(s, grids.get(s.title)) for s in schema}
    headers = {s.key: [str(h).strip() for h in grid[0]] if (grid := grids.get(s.title)) else None for s in schema}
    return _cross_checked(schema, checked, headers)


def validate_typed(schema: Registry, frames: Mapping[str, pd.DataFrame]) -> Workbook:
    """The same validation over typed tables (sheet key -> frame of the declared columns): each column through its
    type's `check`, then the same required/unique, reference and cross-field rules as `validate_workbook`."""
    checked = {s.key: validate_typed_sheet(s, frames[s.key]) for s in schema}
    return _cross_checked(schema, checked, {s.key: s.headers for s in schema})


def _cross_checked(schema: Registry, checked: Mapping[str, tuple[pd.DataFrame, list[Issue], pa.Array]],
                   headers: Mapping[str, list[str] | None]) -> Workbook:
    from .rules import RULES  # the cross-field rules live beside the declarations

    frames = {key: frame for key, (frame, _, _) in checked.items()}
    ids = {key: present for key, (_, _, present) in checked.items()}
    issues = [i for _, found, _ in checked.values() for i in found]
    for sheet in schema:
        frames[sheet.key] = _check_refs(sheet, frames[sheet.key], ids, headers[sheet.key], issues, schema)
    for rule in RULES if schema.rules is None else schema.rules:
        frames, found = rule(schema, frames)
        issues.extend(found)
    order = {s.key: i for i, s in enumerate(schema)}
    issues.sort(key=lambda i: (order.get(i.sheet_key, 99), i.row, i.cell))
    return Workbook(frames, issues)


def _check_refs(sheet: Sheet, frame: pd.DataFrame, ids: dict[str, pa.Array], header: list[str] | None,
                issues: list[Issue], schema: Registry) -> pd.DataFrame:
    if frame.empty or header is None:
        return frame
    bad = np.zeros(len(frame), dtype=bool)
    for fkey, target in sheet.refs.items():
        values = frame[fkey]
        text = arrow_strings(values)  # hashed in Arrow: no Python string per cell
        found = np.asarray(pc.is_in(text, value_set=ids[target]).to_numpy(zero_copy_only=False), dtype=bool)
        if found.all():
            continue
        missing = ~found & filled_text(text)  # an empty reference refers to nothing
        if not missing.any():
            continue
        f = sheet.field(fkey)
        col_idx = header.index(f.header) if f.header in header else 0
        for p in np.flatnonzero(missing):
            r = int(frame[ROW].iat[p])
            issues.append(Issue(sheet.title, r, a1(r, col_idx), f.header, str(values.iat[p]),
                                ref_message(schema[target].title, values.iat[p]),
                                ERROR, sheet.key))
        bad |= missing
    return frame[~bad].reset_index(drop=True) if bad.any() else frame
