"""Field types: each knows how to parse a column of cell strings, render a value back, and which widget edits it.

A new type is one new class. Parsing is vectorised over a pandas Series of cell strings and returns the typed
values plus, per cell, an optional problem (severity + Russian message). Nothing here raises on odd content.

Each type's rules come in two parts: `parse` reads the text (is it a number, a date, scores?) and hands the typed
values to `check`, which holds what a value of the type may be (bounds, length, options, the id's alphabet). Typed
data that never was text (a bundle's Parquet) goes through `check` alone — the same rules, no second copy.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .cells import (
    Messages,
    arrow_strings,
    as_text,
    filled_text,
    fmt_number,
    has_messages,
    longer,
    merge_messages,
    mismatch,
    no_such_date,
    none_like,
    set_message,
)
from .scores import ScoreMatrix, padded, score_cells
from .scores import parse_scores_column as parse_scores_column  # re-exported: where the test factories read it

ERROR = "ошибка"
WARNING = "предупреждение"

DATE_FORMAT = "%d.%m.%Y"


@dataclass
class Parsed:
    """Result of parsing one column: typed values, and per-cell messages (None where the cell is fine)."""

    values: pd.Series
    errors: Messages  # numpy object array: a message or None per cell
    warnings: Messages
    matrix: ScoreMatrix | None = None  # scores only: the parsed cells as the results rule reads them


class FieldType:
    """Base class; subclasses set the pandas dtype, the python type and the widget name."""

    name: ClassVar[str] = "text"
    dtype: ClassVar[str] = "string"
    python_type: ClassVar[type] = str
    widget: ClassVar[str] = "text"

    def parse(self, cells: pd.Series) -> Parsed:
        """cells: stripped strings, '' for empty. Empty cells are handled by the caller (required check)."""
        return self.check(cells)

    def check(self, values: pd.Series) -> Parsed:
        """Typed values of this field (text: stripped strings, '' for empty; numbers Int64/Float64, dates
        datetime64, scores tuples, NA for empty) -> the values that pass, with per-cell messages."""
        return Parsed(as_text(values), none_like(values), none_like(values))

    def render(self, value: Any) -> str:
        """Typed value -> the cell string we write."""
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            return ""
        return str(value)

    def parse_one(self, text: str) -> tuple[Any, str | None, str | None]:
        """Parse one cell (forms); returns (value, error, warning)."""
        s = pd.Series([text.strip()], dtype=object)
        p = self.parse(s)
        value = p.values.iloc[0]
        if value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            value = None
        error = p.errors[0]
        return value, error, None if error is not None else p.warnings[0]


@dataclass(frozen=True)
class Text(FieldType):
    max_length: int = 500
    name: ClassVar[str] = "text"
    widget: ClassVar[str] = "text"

    def check(self, values: pd.Series) -> Parsed:
        errors = none_like(values)
        set_message(errors, longer(values, self.max_length),
                    f"Слишком длинный текст (больше {self.max_length} символов)")
        return Parsed(as_text(values), errors, none_like(values))


@dataclass(frozen=True)
class LongText(Text):
    max_length: int = 5000
    name: ClassVar[str] = "longtext"
    widget: ClassVar[str] = "textarea"


@dataclass(frozen=True)
class Link(Text):
    name: ClassVar[str] = "link"
    widget: ClassVar[str] = "text"

    def check(self, values: pd.Series) -> Parsed:
        p = super().check(values)
        set_message(p.errors, mismatch(values, r"^https?://\S+$"), "Ссылка должна начинаться с http:// или https://")
        return p


_INT_RE = r"^[+-]?[0-9]+$"
_NUM_RE = r"^[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)$"


@dataclass(frozen=True)
class Number(FieldType):
    """A decimal number; a Russian decimal comma is read but flagged so the sheet can be tidied."""

    min_value: float | None = None
    max_value: float | None = None
    integer: bool = False
    name: ClassVar[str] = "number"
    dtype: ClassVar[str] = "Float64"
    python_type: ClassVar[type] = float
    widget: ClassVar[str] = "number"

    def parse(self, cells: pd.Series) -> Parsed:
        arr = arrow_strings(cells)
        empty = pc.equal(pc.utf8_length(arr), 0)
        if pc.all(pc.or_(empty, pc.ascii_is_decimal(arr))).as_py() and not pc.any(pc.and_(
                pc.starts_with(arr, "0"), pc.greater(pc.utf8_length(arr), 1))).as_py():
            # whole numbers written plainly (no sign, comma, space or leading zero: nothing to warn about)
            numbers = pc.cast(pc.if_else(empty, pa.scalar(None, arr.type), arr), pa.float64())
            return self.check(pd.Series(numbers.to_numpy(zero_copy_only=False), index=cells.index, dtype="Float64"))
        errors, warnings = none_like(cells), none_like(cells)
        txt = cells.str.replace("\u00a0", "", regex=False).str.replace(" ", "", regex=False)
        filled = txt != ""
        numeric = txt.str.match(_NUM_RE, na=False)
        set_message(errors, filled & ~numeric, "Ожидается число")
        comma = numeric & txt.str.contains(",", regex=False)
        values = pd.to_numeric(txt.where(numeric).str.replace(",", ".", regex=False), errors="coerce")
        set_message(warnings, comma, lambda m: "Число с десятичной запятой прочитано как " + values[m].map(fmt_number)
             + " — проверьте, что это не опечатка")
        lead = numeric & txt.str.match(r"^[+-]?0[0-9]", na=False)
        set_message(warnings, lead, lambda m: "Ведущий ноль: прочитано как " + values[m].map(fmt_number))
        checked = self.check(values)
        merge_messages(errors, checked.errors)
        return Parsed(checked.values.where(pd.isna(errors)), errors, warnings)

    def check(self, values: pd.Series) -> Parsed:
        errors = none_like(values)
        v = values.to_numpy(dtype=float, na_value=np.nan)
        finite = np.isfinite(v)
        with np.errstate(invalid="ignore"):
            set_message(errors, ~np.isnan(v) & ~finite, "Ожидается число")  # typed data only: text never reads as inf
            if self.integer:
                set_message(errors, finite & (v != np.floor(v)), "Ожидается целое число")
                set_message(errors, finite & (np.abs(v) > 2**53), "Слишком большое число")  # beyond exact integers
            if self.min_value is not None:
                set_message(errors, v < self.min_value, f"Значение меньше {fmt_number(self.min_value)}")
            if self.max_value is not None:
                set_message(errors, v > self.max_value, f"Значение больше {fmt_number(self.max_value)}")
        kept = np.where(pd.notna(errors), np.nan, v) if has_messages(errors) else v.copy()  # never the caller's
        missing = np.isnan(kept)
        typed = (pd.arrays.IntegerArray(np.where(missing, 0, kept).astype(np.int64), missing) if self.integer
                 else pd.arrays.FloatingArray(kept, missing))  # NaN is empty (NA), as pandas' astype reads it
        return Parsed(pd.Series(typed, index=values.index, copy=False), errors, none_like(values))

    def render(self, value: Any) -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return ""
        return fmt_number(value)


@dataclass(frozen=True)
class Integer(Number):
    integer: bool = True
    name: ClassVar[str] = "integer"
    dtype: ClassVar[str] = "Int64"
    python_type: ClassVar[type] = int


@dataclass(frozen=True)
class Mark(Integer):
    """A school mark, 1..5."""

    min_value: float | None = 1
    max_value: float | None = 5
    name: ClassVar[str] = "mark"
    widget: ClassVar[str] = "mark"

    def check(self, values: pd.Series) -> Parsed:
        p = super().check(values)
        for i in np.flatnonzero(pd.notna(p.errors)).tolist():  # only the cells with a message
            if p.errors[i].startswith("Значение"):
                p.errors[i] = "Отметка должна быть от 1 до 5"
        return p


@dataclass(frozen=True)
class Date(FieldType):
    """A date typed as ДД.ММ.ГГГГ (ISO ГГГГ-ММ-ДД is read too)."""

    name: ClassVar[str] = "date"
    dtype: ClassVar[str] = "datetime64[ns]"
    python_type: ClassVar[type] = dt.date
    widget: ClassVar[str] = "date"

    def parse(self, cells: pd.Series) -> Parsed:
        filled = cells != ""
        if not filled.any():  # an optional date nobody filled in
            return self.check(pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]"))
        errors = none_like(cells)
        ru = pd.to_datetime(cells.where(cells.str.match(r"^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}$", na=False)),
                            format=DATE_FORMAT, errors="coerce")
        iso = pd.to_datetime(cells.where(cells.str.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", na=False)),
                             format="%Y-%m-%d", errors="coerce")
        values = ru.fillna(iso)
        shaped = cells.str.match(r"^([0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2})$", na=False)
        set_message(errors, filled & shaped & values.isna(), lambda m: cells[m].map(no_such_date))
        set_message(errors, filled & values.isna(), "Ожидается дата в виде ДД.ММ.ГГГГ")
        checked = self.check(values)
        merge_messages(errors, checked.errors)
        return Parsed(checked.values.where(pd.isna(errors)), errors, none_like(cells))

    def check(self, values: pd.Series) -> Parsed:
        """values: datetime64 of any unit (a typed date may lie far outside the nanosecond range)."""
        errors = none_like(values)
        v = values.to_numpy()
        if v.dtype.kind != "M":  # not a numpy datetime column (e.g. time-zone aware): pandas reads the years
            set_message(errors, values.notna() & ((values.dt.year < 1900) | (values.dt.year > 2100)),
                        "Дата вне допустимого диапазона")
            return Parsed(values.where(pd.isna(errors)).astype("datetime64[ns]"), errors, none_like(values))
        year = v.astype("datetime64[Y]").astype(np.int64) + 1970
        bad = ~np.isnat(v) & ((year < 1900) | (year > 2100))
        set_message(errors, bad, "Дата вне допустимого диапазона")
        kept = np.where(bad, np.datetime64("NaT"), v).astype(v.dtype) if bad.any() else v
        return Parsed(pd.Series(kept.astype("datetime64[ns]"), index=values.index, copy=False), errors,
                      none_like(values))

    def render(self, value: Any) -> str:
        if value is None or value is pd.NaT or value is pd.NA:
            return ""
        if isinstance(value, str):
            return value
        return value.strftime(DATE_FORMAT)


@dataclass(frozen=True)
class Choice(FieldType):
    """One of a fixed list; matching ignores case and surrounding spaces, the canonical spelling is kept."""

    options: tuple[str, ...] = ()
    name: ClassVar[str] = "choice"
    dtype: ClassVar[str] = "category"
    widget: ClassVar[str] = "select"

    def check(self, values: pd.Series) -> Parsed:
        errors = none_like(values)
        arr = arrow_strings(values)
        # the canonical spelling is found in Arrow; only other spellings (a handful of distinct ones) go to Python
        found = pc.index_in(arr, value_set=_option_set(self.options)).fill_null(-1).to_numpy(
            zero_copy_only=False).astype(np.int64)
        other = found < 0
        if other.any():
            other &= filled_text(arr)  # an empty cell is left to the required check
        if other.any():
            canon = {o.casefold(): i for i, o in enumerate(self.options)}
            codes, uniques = pd.factorize(values[other], use_na_sentinel=True)
            known = np.array([canon.get(str(u).casefold(), -1) for u in uniques] + [-1], dtype=np.int64)
            found[other] = known[codes]  # the sentinel -1 picks the trailing -1
        set_message(errors, other & (found < 0), "Допустимые значения: " + ", ".join(self.options))
        categorical = pd.Categorical.from_codes(found, dtype=_option_dtype(self.options), validate=False)  # -1: NA
        return Parsed(pd.Series(categorical, index=values.index, copy=False), errors, none_like(values))


@functools.cache
def _option_set(options: tuple[str, ...]) -> pa.Array:
    return pa.array(options, pa.large_string())


@functools.cache
def _option_dtype(options: tuple[str, ...]) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(options))


@dataclass(frozen=True)
class Ref(FieldType):
    """The id of a row in another worksheet; existence is checked across sheets by validation."""

    sheet: str = ""
    name: ClassVar[str] = "ref"
    widget: ClassVar[str] = "ref"


@dataclass(frozen=True)
class RowId(FieldType):
    """The row identifier generated by the app; people sort and insert rows, so rows are found by id."""

    name: ClassVar[str] = "id"
    widget: ClassVar[str] = "readonly"

    def check(self, values: pd.Series) -> Parsed:
        errors = none_like(values)
        arr = arrow_strings(values)  # the length apart: a counted repeat makes the pattern ~4x slower to compile
        set_message(errors, mismatch(arr, r"^[\w\-.]+$") | longer(arr, 64),
                    "Идентификатор может содержать только буквы, цифры, «-», «_» и «.»")
        return Parsed(as_text(values), errors, none_like(values))


@dataclass(frozen=True)
class Scores(FieldType):
    """Per-task scores of one result in one cell, e.g. «1 0 2 2 1»; «-» marks a task left unscored."""

    name: ClassVar[str] = "scores"
    dtype: ClassVar[str] = "object"
    python_type: ClassVar[type] = str
    widget: ClassVar[str] = "scores"

    def parse(self, cells: pd.Series) -> Parsed:
        errors, warnings = none_like(cells), none_like(cells)
        arr = arrow_strings(cells)
        if pc.any(pc.match_substring(arr, "\u00a0")).as_py():
            arr = pc.utf8_trim_whitespace(pc.replace_substring(arr, "\u00a0", " "))
        one = r"(?:[0-9]+(?:[.,][0-9]+)?|-)"  # a score or «-»; plain classes keep the match inside arrow
        ok = pc.fill_null(pc.match_substring_regex(arr, rf"^{one}(?:[ \t\r\n;]+{one})*[ \t\r\n;]*$"), False)
        ok_np = ok.to_numpy(zero_copy_only=False)
        filled = pc.fill_null(pc.greater(pc.utf8_length(arr), 0), False).to_numpy(zero_copy_only=False)
        set_message(errors, filled & ~ok_np, "Баллы по заданиям вводятся числами через пробел, например «1 0 2 2 1»")
        if pc.any(pc.match_substring(arr, ",")).as_py():
            comma = ok_np & pc.match_substring_regex(arr, "[0-9],[0-9]").to_numpy(zero_copy_only=False)
            set_message(warnings, comma, "Десятичная запятая в баллах: прочитано как дробные баллы")
        tuples, matrix = score_cells(pc.if_else(pc.and_(ok, pa.array(filled)), arr, pa.scalar(None, arr.type)))
        return Parsed(pd.Series(tuples, index=cells.index, dtype=object), errors, warnings, matrix)

    def check(self, values: pd.Series) -> Parsed:
        """values: tuples of floats (None: a task left unscored) or None. Text passes only non-negative numbers
        (the pattern above), so `parse` needs no check; typed scores must be finite and not negative."""
        errors = none_like(values)
        cells = values.to_numpy(dtype=object)
        lengths = np.fromiter((len(t) if isinstance(t, tuple) else -1 for t in cells), dtype=np.int64,
                              count=len(cells))
        counts = np.maximum(lengths, 0)
        flat = np.array(list(itertools.chain.from_iterable(cells[lengths > 0])), dtype=float)  # None -> NaN
        if len(flat):
            wrong = ~np.isnan(flat) & ~(np.isfinite(flat) & (flat >= 0))
            bad = np.zeros(len(cells), dtype=bool)
            bad[np.repeat(np.arange(len(cells)), counts)[wrong]] = True
            set_message(errors, bad, "Баллы по заданиям — числа не меньше нуля")
        kept = values.where(pd.isna(errors)) if has_messages(errors) else values
        matrix = ScoreMatrix(kept.to_numpy(dtype=object), padded(flat, lengths), lengths)
        return Parsed(kept, errors, none_like(values), matrix)

    def render(self, value: Any) -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return ""
        if isinstance(value, str):
            return value
        return " ".join("-" if (v is None or v != v) else fmt_number(v) for v in value)


@dataclass(frozen=True)
class Field:
    """One column of a worksheet."""

    key: str
    header: str
    type: FieldType = field(default_factory=Text)
    required: bool = False
    help: str = ""
    unique: bool = False

    @property
    def choices(self) -> tuple[str, ...]:
        return self.type.options if isinstance(self.type, Choice) else ()

    @property
    def ref(self) -> str | None:
        return self.type.sheet if isinstance(self.type, Ref) else None
